"""Finance URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "finance"
urlpatterns: list = []

# --- ledger: chart, fiscal years and periods, rates, journals and entries ---------------

# --- banking: statements imported, matched and reconciled -------------------------------

# --- dues: scale, assessments, payments, adjustments, arrears, statements of account ----
from secretariat.finance.views import dues  # noqa: E402

urlpatterns += [
    path("dues/scales/", dues.scale_list, name="scale-list"),
    path("dues/scales/add/", dues.scale_add, name="scale-add"),
    path("dues/scales/<int:pk>/", dues.scale_detail, name="scale-detail"),
    path("dues/assessments/", dues.assessment_list, name="assessment-list"),
    path("dues/assessments/run/", dues.assessment_run, name="assessment-run"),
    path(
        "dues/assessments/runs/<int:pk>/",
        dues.assessment_run_progress,
        name="assessment-run-progress",
    ),
    path("dues/assessments/<int:pk>/", dues.assessment_detail, name="assessment-detail"),
    path(
        "dues/assessments/<int:pk>/invoice/<str:lang>/",
        dues.assessment_invoice,
        name="assessment-invoice",
    ),
    path(
        "dues/assessments/<int:pk>/adjustments/add/",
        dues.adjustment_add,
        name="adjustment-add",
    ),
    path("dues/payments/", dues.payment_list, name="payment-list"),
    path("dues/payments/add/", dues.payment_add, name="payment-add"),
    path("dues/payments/<int:pk>/", dues.payment_detail, name="payment-detail"),
    path("dues/payments/<int:pk>/reverse/", dues.payment_reverse, name="payment-reverse"),
    path("arrears/", dues.arrears, name="arrears"),
]

# --- statements: IPSAS statements, the Comptroller's samples and audit package ----------
