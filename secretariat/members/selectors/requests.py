"""Reads of affiliation and disaffiliation requests: the list, one request, and what its
record page shows (the workflow's steps and the steps this user may take now)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, NamedTuple

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from secretariat.core.access import can, get_for_user_or_404, permission_for, require
from secretariat.core.models import ActionLog, User
from secretariat.core.selectors.action_log import record_history
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.core.tables import Sort
from secretariat.members.models import MembershipRequest
from secretariat.members.permissions import represented_institution_ids
from secretariat.members.rule_settings import BODY_CHOICES

State = MembershipRequest.State
VIEW = "members.view_registry"
MANAGE = "members.manage_registry"
REQUEST_SORTS = {
    "reference": "reference",
    "kind": "kind",
    "name": "sort_name",
    "state": "state",
    "received": "received_on",
    "body": "deciding_body",
}
RequestAction = Literal["view", "manage", "withdraw"]
# "view": whoever the list shows it to (staff; the institution's representative; who sent it).
REQUEST_ACTIONS: dict[str, str | None] = {
    "view": None,
    "manage": MANAGE,
    "withdraw": "members.withdraw_request",
}


def _visible_requests(user: User) -> QuerySet[MembershipRequest]:
    """Every request for staff who read the registry; else their institutions' and their own."""
    qs = MembershipRequest.objects.all()
    if not can(user, VIEW):
        qs = qs.filter(
            Q(institution_id__in=represented_institution_ids(user)) | Q(submitted_by=user)
        )
    return qs


def request_list_for_user(
    *, user: User, state: str = "", kind: str = "", sort: Sort | None = None
) -> QuerySet[MembershipRequest]:
    """The requests the user may see, filtered by state ("open" or one state) and kind,
    newest first or in the order of `sort` (`REQUEST_SORTS`)."""
    qs = _visible_requests(user).select_related(
        "institution", "institution__country", "applicant_country", "requested_category"
    )
    if state == "open":
        qs = qs.filter(state__in=MembershipRequest.OPEN_STATES)
    elif state in MembershipRequest.State.values:
        qs = qs.filter(state=state)
    if kind in MembershipRequest.Kind.values:
        qs = qs.filter(kind=kind)
    if sort is not None:
        return qs.annotate(sort_name=Coalesce("institution__name", "applicant_name")).order_by(
            *sort.order_by()
        )
    return qs.order_by("-created_at", "-id")


def request_get_for_user(
    *, user: User, pk: int, action: RequestAction = "view"
) -> MembershipRequest:
    """One request with what its page shows; 404 when missing or not the user's to see, 403
    when the action is refused (`REQUEST_ACTIONS`; withdrawing is checked on its institution)."""
    request = get_for_user_or_404(
        _visible_requests(user)
        .select_related(
            "institution",
            "institution__country",
            "applicant_country",
            "requested_category",
            "granted_category",
            "membership",
            "submitted_by",
        )
        .prefetch_related("attachments"),
        user=user,
        perm=None,
        pk=pk,
    )
    perm = permission_for(REQUEST_ACTIONS, action)
    if perm is not None:
        require(user, perm, request.institution)
    return request


# --- The record page ------------------------------------------------------------------


class Step(NamedTuple):
    """A step of the workflow: done, current, final (the outcome of a closed request) or todo."""

    label: str
    status: str


@dataclass(frozen=True)
class RequestSteps:
    """The steps this user may take now on the request (each its own form on the page)."""

    review: bool
    checklist: bool
    forward: bool
    decide: bool  # approve or reject
    attach: bool
    withdraw: bool
    forward_blocked: bool  # under review with the checklist incomplete, for a manager


@dataclass(frozen=True)
class RequestPage:
    """A request's record page: its history, its progress and what the user may do."""

    request: MembershipRequest
    history: list[ActionLog]
    steps: list[Step]
    possible: RequestSteps
    can_manage: bool
    can_read_history: bool  # the history names officers and their notes: staff only


def _steps(req: MembershipRequest, history: list[ActionLog]) -> list[Step]:
    """The workflow as ordered steps, each done, current or still to come."""
    path_states: list[State | None] = [State.SUBMITTED, State.UNDER_REVIEW, State.FORWARDED]
    sequence: list[State | None]
    if req.state == State.WITHDRAWN:
        # Only the steps it went through (from its history), then "Withdrawn".
        reached = {State.SUBMITTED}
        events = {e.event for e in history}
        if "request.review_started" in events:
            reached.add(State.UNDER_REVIEW)
        if "request.forwarded" in events:
            reached.add(State.FORWARDED)
        sequence = [*(s for s in path_states if s in reached), State.WITHDRAWN]
    elif req.state in (State.APPROVED, State.REJECTED):
        sequence = [*path_states, State(req.state)]
    else:
        sequence = [*path_states, None]  # None: "Decision", not yet taken
    current = sequence.index(State(req.state)) if req.state in sequence else 0
    steps = []
    for i, step_state in enumerate(sequence):
        status = "done" if i < current else ("current" if i == current else "todo")
        if status == "current" and not req.is_open:
            status = "final"
        label = State(step_state).label if step_state else _("Decision by the deciding body")
        steps.append(Step(str(label), status))
    return steps


def _possible(user: User, req: MembershipRequest) -> RequestSteps:
    manages = can(user, MANAGE)
    return RequestSteps(
        review=manages and can_proceed(req.start_review),
        checklist=manages and req.state == State.UNDER_REVIEW,
        forward=manages and can_proceed(req.forward),
        decide=manages and can_proceed(req.approve),
        attach=manages and req.is_open,
        withdraw=req.is_open and can(user, "members.withdraw_request", req.institution),
        forward_blocked=manages and req.state == State.UNDER_REVIEW and not req.checklist_complete,
    )


def request_page(*, user: User, request: MembershipRequest) -> RequestPage:
    """The record page of a request fetched by `request_get_for_user` (one query: history)."""
    history = record_history(target=request)
    return RequestPage(
        request=request,
        history=history,
        steps=_steps(request, history),
        possible=_possible(user, request),
        can_manage=can(user, MANAGE),
        can_read_history=can(user, VIEW),
    )


def deciding_bodies_allowed(*, on: dt.date | None = None) -> list[str]:
    """Bodies that may decide membership requests on a date, the setting's body first:
    `members.affiliation.deciding_body` (default: the General Assembly), and the other body
    too when `members.affiliation.interim_body_allowed` (the Standing Committee between
    Assemblies)."""
    default = str(rule_value("members.affiliation.deciding_body", on=on))
    bodies = [default]
    if rule_value("members.affiliation.interim_body_allowed", on=on):
        bodies += [code for code, _label in BODY_CHOICES if code != default]
    return bodies
