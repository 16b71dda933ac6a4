"""Finance URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "finance"
urlpatterns: list = []

# --- ledger: chart, fiscal years and periods, rates, journals and entries ---------------
from secretariat.finance.views import ledger  # noqa: E402

urlpatterns += [
    path("", ledger.home, name="home"),
    path("accounts/", ledger.account_list, name="account-list"),
    path("accounts/add/", ledger.account_add, name="account-add"),
    path("accounts/<str:code>/", ledger.account_detail, name="account-detail"),
    path("accounts/<str:code>/edit/", ledger.account_edit, name="account-edit"),
    path("accounts/<str:code>/close/", ledger.account_close, name="account-close"),
    path("entries/", ledger.entry_list, name="entry-list"),
    path("entries/add/", ledger.entry_add, name="entry-add"),
    path("entries/<int:pk>/", ledger.entry_detail, name="entry-detail"),
    path("entries/<int:pk>/post/", ledger.entry_post_view, name="entry-post"),
    path("entries/<int:pk>/reverse/", ledger.entry_reverse_view, name="entry-reverse"),
    path("entries/<int:pk>/discard/", ledger.entry_discard_view, name="entry-discard"),
    path("years/", ledger.year_list, name="year-list"),
    path("years/open/", ledger.year_open, name="year-open"),
    path("years/<int:pk>/close/", ledger.year_close, name="year-close"),
    path("years/<int:pk>/lock/", ledger.year_lock, name="year-lock"),
    path("periods/<int:pk>/close/", ledger.period_close, name="period-close"),
    path("periods/<int:pk>/reopen/", ledger.period_reopen, name="period-reopen"),
    path("rates/", ledger.rate_list, name="rate-list"),
    path("rates/add/", ledger.rate_add, name="rate-add"),
    path("trial-balance/", ledger.trial_balance, name="trial-balance"),
]

# --- banking: statements imported, matched and reconciled -------------------------------
from secretariat.finance.views import banking as banking_views  # noqa: E402

urlpatterns += [
    path("bank/", banking_views.bank_list, name="bank-list"),
    path("bank/import/", banking_views.bank_import, name="bank-import"),
    path("bank/<int:pk>/", banking_views.bank_detail, name="bank-detail"),
    path("bank/<int:pk>/auto-match/", banking_views.bank_auto_match, name="bank-auto-match"),
    path("bank/<int:pk>/reconcile/", banking_views.bank_reconcile, name="bank-reconcile"),
    path("bank/<int:pk>/report/", banking_views.bank_report, name="bank-report"),
    path("bank/lines/<int:pk>/match/", banking_views.bank_line_match, name="bank-line-match"),
    path("bank/lines/<int:pk>/find/", banking_views.bank_line_find, name="bank-line-find"),
    path("bank/lines/<int:pk>/unmatch/", banking_views.bank_line_unmatch, name="bank-line-unmatch"),
    path("bank/lines/<int:pk>/explain/", banking_views.bank_line_explain, name="bank-line-explain"),
]

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

# --- accounts: statements of account, aging, collection rates, reminders ----------------
from secretariat.finance.views import accounts  # noqa: E402  (this part's block)

urlpatterns += [
    path("my-account/", accounts.my_account, name="my-account"),
    path("members/<int:pk>/account/", accounts.member_account, name="member-account"),
    path("members/<int:pk>/account/pdf/", accounts.member_account_pdf, name="member-account-pdf"),
    path("members/<int:pk>/account/csv/", accounts.member_account_csv, name="member-account-csv"),
    path("aging/", accounts.aging, name="aging"),
    path("collection/", accounts.collection, name="collection"),
    path("reminders/", accounts.reminder_list, name="reminder-list"),
    path("reminders/schedule/", accounts.reminder_schedule, name="reminder-schedule"),
    path("reminders/<int:pk>/cancel/", accounts.reminder_cancel, name="reminder-cancel"),
]

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
