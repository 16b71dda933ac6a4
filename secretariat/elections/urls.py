"""Elections URLs: the whole list, by part (each part's routes in its own block)."""

from django.urls import path  # noqa: F401  (each part's block below adds its paths)

app_name = "elections"
urlpatterns: list = []

# --- authorities: offices, terms, mandates, people -------------------------------------
from secretariat.elections.views import authorities as authorities_views  # noqa: E402

urlpatterns += [
    path("authorities/", authorities_views.authorities, name="authorities"),
    path("people/new/", authorities_views.person_create, name="person-create"),
    path("people/<slug:slug>/", authorities_views.person_detail, name="person-detail"),
    path("people/<slug:slug>/edit/", authorities_views.person_edit, name="person-edit"),
    path("offices/<slug:code>/edit/", authorities_views.office_edit, name="office-edit"),
    path("mandates/new/", authorities_views.mandate_record, name="mandate-record"),
    path("mandates/<int:pk>/edit/", authorities_views.mandate_edit, name="mandate-edit"),
]

# --- calls for candidates ---------------------------------------------------------------
from secretariat.elections.views import calls as call_views  # noqa: E402

urlpatterns += [
    path("calls/", call_views.call_list, name="call-list"),
    path("calls/new/", call_views.call_add, name="call-add"),
    path("calls/<int:pk>/", call_views.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", call_views.call_edit, name="call-edit"),
    path("calls/<int:pk>/offices/new/", call_views.call_office_add, name="call-office-add"),
    path(
        "calls/offices/<int:office_pk>/edit/", call_views.call_office_edit, name="call-office-edit"
    ),
    path(
        "calls/offices/<int:office_pk>/remove/",
        call_views.call_office_remove,
        name="call-office-remove",
    ),
    path("calls/<int:pk>/requirements/new/", call_views.requirement_add, name="requirement-add"),
    path(
        "calls/requirements/<int:requirement_pk>/edit/",
        call_views.requirement_edit,
        name="requirement-edit",
    ),
    path(
        "calls/requirements/<int:requirement_pk>/remove/",
        call_views.requirement_remove,
        name="requirement-remove",
    ),
    path("calls/<int:pk>/approve/", call_views.call_approve, name="call-approve"),
    path("calls/<int:pk>/publish/", call_views.call_publish, name="call-publish"),
    path("calls/<int:pk>/close/", call_views.call_close, name="call-close"),
    path("calls/<int:pk>/call-<str:lang>.pdf", call_views.call_pdf, name="call-pdf"),
]

# --- nominations and their review ---------------------------------------------------------
from secretariat.elections.views import nominations as nomination_views  # noqa: E402
from secretariat.elections.views import reviews as review_views  # noqa: E402

urlpatterns += [
    path("nominations/", nomination_views.nomination_mine, name="nomination-mine"),
    path("calls/<int:pk>/nominate/", nomination_views.nomination_add, name="nomination-add"),
    path("nominations/<int:pk>/", nomination_views.nomination_detail, name="nomination-detail"),
    path(
        "nominations/files/<int:file_pk>/",
        nomination_views.nomination_file,
        name="nomination-file",
    ),
    path(
        "nominations/<int:pk>/withdraw/",
        nomination_views.nomination_withdraw,
        name="nomination-withdraw",
    ),
    path(
        "nominations/<int:pk>/correct/",
        nomination_views.nomination_correct,
        name="nomination-correct",
    ),
    path(
        "calls/<int:pk>/nominations/paper/",
        nomination_views.nomination_paper,
        name="nomination-paper",
    ),
    path("calls/<int:pk>/nominations/", nomination_views.nomination_list, name="nomination-list"),
    path(
        "calls/<int:pk>/candidates/publish/",
        nomination_views.candidates_publish,
        name="candidates-publish",
    ),
    path("calls/<int:pk>/candidates/", nomination_views.candidate_list, name="candidate-list"),
    path(
        "nominations/<int:pk>/review/",
        review_views.nomination_review,
        name="nomination-review",
    ),
    path(
        "nominations/<int:pk>/corrections/",
        review_views.correction_request,
        name="correction-request",
    ),
]

# --- the eligibility report ----------------------------------------------------------------
from secretariat.elections.views import reports  # noqa: E402  (this part's views)

urlpatterns += [
    path("calls/<int:pk>/report/", reports.report_detail, name="report"),
    path("calls/<int:pk>/report/draft/", reports.report_draft, name="report-draft"),
    path("reports/<int:pk>/refresh/", reports.report_refresh, name="report-refresh"),
    path("reports/<int:pk>/sign/", reports.report_sign, name="report-sign"),
    path("reports/<int:pk>/report-<str:lang>.pdf", reports.report_pdf, name="report-pdf"),
]

# --- the ballot: contests and rounds --------------------------------------------------------
from secretariat.elections.views import ballots as ballot_views  # noqa: E402

urlpatterns += [
    path("calls/<int:pk>/ballot/", ballot_views.ballot, name="ballot"),
    path("ballot/offices/<int:pk>/start/", ballot_views.contest_start, name="contest-start"),
    path("contests/<int:pk>/", ballot_views.contest_detail, name="contest-detail"),
    path("contests/<int:pk>/acclaim/", ballot_views.contest_acclaim, name="contest-acclaim"),
    path("contests/<int:pk>/rounds/open/", ballot_views.round_open, name="round-open"),
    path("rounds/<int:pk>/close/", ballot_views.round_close, name="round-close"),
    path("rounds/<int:pk>/draw/", ballot_views.round_draw, name="round-draw"),
    path("rounds/<int:pk>/ballot/", ballot_views.round_ballot, name="round-ballot"),
]
