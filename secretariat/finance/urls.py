"""Finance URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "finance"
urlpatterns: list = []

# --- ledger: chart, fiscal years and periods, rates, journals and entries ---------------

# --- banking: statements imported, matched and reconciled -------------------------------

# --- dues: scale, assessments, payments, adjustments, arrears, statements of account ----

# --- statements: IPSAS statements, the Comptroller's samples and audit package ----------
from secretariat.finance.views import audit as audit_views  # noqa: E402
from secretariat.finance.views import statements as statement_views  # noqa: E402

urlpatterns += [
    path("statements/", statement_views.statement_list, name="statement-list"),
    path("statements/add/", statement_views.statement_add, name="statement-add"),
    path("statements/<int:pk>/", statement_views.statement_detail, name="statement-detail"),
    path(
        "statements/<int:pk>/approve/", statement_views.statement_approve, name="statement-approve"
    ),
    path("statements/<int:pk>/file/", statement_views.statement_file, name="statement-file"),
    path(
        "statements/<int:pk>/statements-<str:lang>.pdf",
        statement_views.statement_pdf,
        name="statement-pdf",
    ),
    path(
        "statements/<int:pk>/statements.xlsx", statement_views.statement_xlsx, name="statement-xlsx"
    ),
    path("audit/", audit_views.audit, name="audit"),
    path("audit/samples/draw/", audit_views.audit_sample_draw, name="audit-sample-draw"),
    path("audit/samples/<int:pk>/", audit_views.audit_sample_detail, name="audit-sample-detail"),
    path("audit/package/<int:year>/", audit_views.audit_package, name="audit-package"),
]
