"""Finance URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "finance"
urlpatterns: list = []

# --- ledger: chart, fiscal years and periods, rates, journals and entries ---------------

# --- banking: statements imported, matched and reconciled -------------------------------

# --- dues: scale, assessments, payments, adjustments, arrears, statements of account ----

# --- statements: IPSAS statements, the Comptroller's samples and audit package ----------

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
