"""Member registry URLs: the whole list, by part."""

from django.urls import path

from secretariat.members.views import (
    corrections,
    directory,
    imports,
    portal,
    registry,
    requests,
    standing,
)

app_name = "members"
# Staff, portal and import prefixes come first so they are not taken for a member's slug.
urlpatterns = [
    # registry (staff)
    path("staff/institutions/", registry.institution_list, name="institution-list"),
    path("staff/institutions/new/", registry.institution_create, name="institution-create"),
    path("staff/institutions/<slug:slug>/", registry.institution_detail, name="institution-detail"),
    path(
        "staff/institutions/<slug:slug>/edit/", registry.institution_edit, name="institution-edit"
    ),
    path(
        "staff/institutions/<slug:slug>/admit/", registry.membership_admit, name="membership-admit"
    ),
    path(
        "staff/institutions/<slug:slug>/change-category/",
        registry.membership_change,
        name="membership-change",
    ),
    path("staff/institutions/<slug:slug>/end/", registry.membership_end, name="membership-end"),
    path(
        "staff/institutions/<slug:slug>/representatives/new/",
        registry.representative_add,
        name="representative-add",
    ),
    path(
        "staff/representatives/<int:pk>/edit/",
        registry.representative_edit,
        name="representative-edit",
    ),
    path("staff/corrections/", corrections.correction_list, name="correction-list"),
    path("staff/corrections/<int:pk>/", corrections.correction_detail, name="correction-detail"),
    # requests
    path("staff/requests/", requests.request_list, name="request-list"),
    path("staff/requests/new/", requests.request_create, name="request-create"),
    path("staff/requests/<int:pk>/", requests.request_detail, name="request-detail"),
    path("staff/requests/<int:pk>/review/", requests.request_review, name="request-review"),
    path(
        "staff/requests/<int:pk>/checklist/", requests.request_checklist, name="request-checklist"
    ),
    path("staff/requests/<int:pk>/forward/", requests.request_forward, name="request-forward"),
    path("staff/requests/<int:pk>/approve/", requests.request_approve, name="request-approve"),
    path("staff/requests/<int:pk>/reject/", requests.request_reject, name="request-reject"),
    path("staff/requests/<int:pk>/withdraw/", requests.request_withdraw, name="request-withdraw"),
    path("staff/requests/<int:pk>/attach/", requests.request_attach, name="request-attach"),
    path(
        "staff/requests/<int:pk>/attachments/<int:att_pk>/",
        requests.request_attachment,
        name="request-attachment",
    ),
    path(
        "mine/<slug:slug>/disaffiliation/",
        requests.request_disaffiliation,
        name="request-disaffiliation",
    ),
    # portal
    path("mine/<slug:slug>/", portal.my_institution, name="my-institution"),
    path("mine/<slug:slug>/correction/", corrections.correction_propose, name="correction-propose"),
    # imports
    path("import/", imports.import_upload, name="import-upload"),
    path("import/history/", imports.import_list, name="import-list"),
    path("import/template.<str:fmt>/", imports.import_template, name="import-template"),
    path("import/<int:pk>/", imports.import_preview, name="import-preview"),
    path("import/<int:pk>/commit/", imports.import_commit, name="import-commit"),
    path("import/<int:pk>/discard/", imports.import_discard, name="import-discard"),
    # standing
    path("staff/standing/", standing.standing_list, name="standing-list"),
    path("staff/standing/<int:pk>/lift/", standing.standing_lift, name="standing-lift"),
    path(
        "staff/institutions/<slug:slug>/suspend-vote/",
        standing.standing_suspend,
        name="standing-suspend",
    ),
    # public
    path("", directory.directory, name="directory"),
    path("export.<str:fmt>", directory.directory_export, name="directory-export"),
    path("apply/", requests.apply, name="apply"),
    path("apply/done/", requests.apply_done, name="apply-done"),
    path("<slug:slug>/", directory.member_detail, name="member-detail"),
]
