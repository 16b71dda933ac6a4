"""Governance URLs: the whole list, by part (fixed prefixes before the patterns they would shadow)."""

from django.urls import path

from secretariat.governance.views import (
    agenda,
    attendance,
    bodies,
    console,
    live,
    minutes,
    motions,
    registration,
    resolutions,
    seats,
    sessions,
    votes,
    voting,
)

app_name = "governance"
urlpatterns = [
    # seats
    path("bodies/<slug:code>/composition/", seats.body_composition, name="body-composition"),
    path("bodies/<slug:code>/seats/new/", seats.seat_add, name="seat-add"),
    path("seats/<int:seat_pk>/edit/", seats.seat_edit, name="seat-edit"),
    # agenda
    path("sessions/<int:pk>/agenda/", agenda.agenda_manage, name="agenda-manage"),
    path("sessions/<int:pk>/agenda/items/new/", agenda.agenda_item_add, name="agenda-item-add"),
    path("sessions/<int:pk>/agenda/adopt/", agenda.agenda_adopt, name="agenda-adopt"),
    path("sessions/<int:pk>/agenda/agenda-<str:lang>.pdf", agenda.agenda_pdf, name="agenda-pdf"),
    path("sessions/<int:pk>/agenda/documents/new/", agenda.document_add, name="document-add"),
    path(
        "sessions/<int:pk>/agenda/documents/publish/",
        agenda.documents_publish,
        name="documents-publish",
    ),
    path(
        "sessions/agenda/items/<int:item_pk>/edit/",
        agenda.agenda_item_edit,
        name="agenda-item-edit",
    ),
    path(
        "sessions/agenda/items/<int:item_pk>/move/",
        agenda.agenda_item_move,
        name="agenda-item-move",
    ),
    path(
        "sessions/agenda/items/<int:item_pk>/withdraw/",
        agenda.agenda_item_withdraw,
        name="agenda-item-withdraw",
    ),
    path("documents/files/<int:file_pk>/", agenda.document_file, name="document-file"),
    path("documents/<int:doc_pk>/", agenda.document_detail, name="document-detail"),
    path("documents/<int:doc_pk>/upload/", agenda.document_upload, name="document-upload"),
    path("documents/<int:doc_pk>/withdraw/", agenda.document_withdraw, name="document-withdraw"),
    # registration
    path("sessions/<int:pk>/delegation/", registration.delegation, name="delegation"),
    path("sessions/<int:pk>/delegation/add/", registration.delegate_add, name="delegate-add"),
    path("sessions/<int:pk>/delegation/proxy/", registration.proxy_add, name="proxy-add"),
    path("sessions/<int:pk>/participants/", registration.participant_list, name="participant-list"),
    path(
        "sessions/<int:pk>/participants/seat-holders/",
        registration.seat_holders_register,
        name="seat-holders-register",
    ),
    path(
        "participants/<int:participant_pk>/withdraw/",
        registration.delegate_withdraw,
        name="delegate-withdraw",
    ),
    path(
        "participants/<int:participant_pk>/credentials/",
        registration.credentials_check,
        name="credentials-check",
    ),
    path(
        "participants/<int:participant_pk>/credentials/letter/",
        registration.participant_credentials_file,
        name="participant-credentials-file",
    ),
    path("proxies/<int:proxy_pk>/", registration.proxy_check, name="proxy-check"),
    path("proxies/<int:proxy_pk>/letter/", registration.proxy_letter, name="proxy-letter"),
    # console
    path("sessions/<int:pk>/events/", live.session_events, name="session-events"),
    path("sessions/<int:pk>/console/", console.console, name="console"),
    path("sessions/<int:pk>/console/state/", console.console_state, name="console-state"),
    path("sessions/<int:pk>/open/", console.session_open, name="session-open"),
    path("sessions/<int:pk>/close/", console.session_close, name="session-close"),
    # attendance
    path("sessions/<int:pk>/attendance/", attendance.attendance, name="attendance"),
    path("sessions/<int:pk>/attendance/mark/", attendance.attendance_mark, name="attendance-mark"),
    # motions
    path("sessions/<int:pk>/motions/new/", motions.motion_add, name="motion-add"),
    path("motions/<int:motion_pk>/", motions.motion_detail, name="motion-detail"),
    path("motions/<int:motion_pk>/edit/", motions.motion_edit, name="motion-edit"),
    path("motions/<int:motion_pk>/withdraw/", motions.motion_withdraw, name="motion-withdraw"),
    path("motions/<int:motion_pk>/amend/", motions.amendment_add, name="amendment-add"),
    # votes
    path("motions/<int:motion_pk>/vote/", votes.vote_open, name="vote-open"),
    path("votes/<int:vote_pk>/", votes.vote_detail, name="vote-detail"),
    path("votes/<int:vote_pk>/hands/", votes.vote_hands, name="vote-hands"),
    path("votes/<int:vote_pk>/roll-call/", votes.vote_roll_call, name="vote-roll-call"),
    path("votes/<int:vote_pk>/close/", votes.vote_close, name="vote-close"),
    path("votes/<int:vote_pk>/ruling/", votes.vote_override, name="vote-override"),
    # voting
    path("sessions/<int:pk>/live/", voting.my_session, name="my-session"),
    path("sessions/<int:pk>/live/state/", voting.my_session_state, name="my-session-state"),
    path("votes/<int:vote_pk>/ballot/", voting.ballot, name="ballot"),
    # minutes
    path("sessions/<int:pk>/minutes/", minutes.minutes_detail, name="minutes-detail"),
    path("sessions/<int:pk>/minutes/draft/", minutes.minutes_draft, name="minutes-draft"),
    path("sessions/<int:pk>/minutes/edit/", minutes.minutes_edit, name="minutes-edit"),
    path(
        "sessions/<int:pk>/minutes/circulate/", minutes.minutes_circulate, name="minutes-circulate"
    ),
    path("sessions/<int:pk>/minutes/comment/", minutes.minutes_comment, name="minutes-comment"),
    path("sessions/<int:pk>/minutes/amend/", minutes.minutes_amend, name="minutes-amend"),
    path("sessions/<int:pk>/minutes/approve/", minutes.minutes_approve, name="minutes-approve"),
    path("sessions/<int:pk>/minutes/sign/", minutes.minutes_sign, name="minutes-sign"),
    path(
        "sessions/<int:pk>/minutes/minutes-<str:lang>.pdf", minutes.minutes_pdf, name="minutes-pdf"
    ),
    path("sessions/<int:pk>/minutes/errata/add/", minutes.erratum_add, name="erratum-add"),
    path(
        "minutes/comments/<int:comment_pk>/respond/",
        minutes.minutes_comment_respond,
        name="minutes-comment-respond",
    ),
    path(
        "minutes/errata/<int:erratum_pk>/approve/", minutes.erratum_approve, name="erratum-approve"
    ),
    # resolutions
    path("resolutions/", resolutions.resolution_list, name="resolution-list"),
    path("resolutions/series/", resolutions.resolution_series, name="resolution-series"),
    path("resolutions/record/", resolutions.resolution_record, name="resolution-record"),
    path("resolutions/<int:number>/", resolutions.resolution_detail, name="resolution-detail"),
    path("resolutions/<int:number>/edit/", resolutions.resolution_edit, name="resolution-edit"),
    path("resolutions/<int:number>/link/", resolutions.resolution_link, name="resolution-link"),
    path(
        "motions/<int:motion_pk>/resolution/", resolutions.resolution_adopt, name="resolution-adopt"
    ),
    # sessions
    path("sessions/", sessions.session_list, name="session-list"),
    path("sessions/new/", sessions.session_create, name="session-create"),
    path("sessions/calendar.ics", sessions.session_calendar, name="session-calendar"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session-detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session-edit"),
    path("sessions/<int:pk>/convene/", sessions.session_convene, name="session-convene"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel, name="session-cancel"),
    path("sessions/<int:pk>/session.ics", sessions.session_ics_view, name="session-ics"),
    path(
        "sessions/<int:pk>/convocation-<str:lang>.pdf",
        sessions.session_convocation_pdf,
        name="session-convocation-pdf",
    ),
    # bodies
    path("bodies/", bodies.body_list, name="body-list"),
    path("bodies/<slug:code>/", bodies.body_detail, name="body-detail"),
]
