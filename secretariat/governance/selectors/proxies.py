"""Reads of proxies: the body's rule, who may give and hold one, one proxy and its page.

Rules read here (shared/domain.md, "Members" and "General Assembly"): only full members
with the right to vote on the session's date give or hold proxies; a member holds at most
the number set by the body's rule `governance.<profile>.proxies_per_member` [D] (General
Assembly default 1, other bodies 0: no proxies).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from secretariat.core.access import can, get_for_user_or_404, permission_for
from secretariat.core.models import ActionLog, RuleSetting, User
from secretariat.core.selectors.action_log import action_log_list
from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Proxy, Session
from secretariat.governance.selectors.composition import SeatRow, composition_on
from secretariat.governance.selectors.registration import (
    FINISHED_STATES,
    MANAGE,
    REGISTER,
    VIEW,
    Registrable,
    places_for_user,
    registration_day,
    voting_members,
)
from secretariat.members.models import Institution

LIVE_PROXY_STATES = (Proxy.State.PENDING, Proxy.State.ACCEPTED)


# --- The rule and refusals -----------------------------------------------------------------


def rule_label(rule: RuleInForce) -> str:
    """ "Proxies a full member may hold: 1 (default, to be confirmed)"."""
    status = dict(RuleSetting.Status.choices).get(rule.status, rule.status)
    return _("“%(label)s”: %(value)s (%(status)s)") % {
        "label": rule.definition.label,
        "value": rule.display_value,
        "status": str(status).lower(),
    }


def proxies_allowed_refusal(rule: RuleInForce) -> str:
    if int(rule.value or 0) > 0:
        return ""
    return _("Proxies are not allowed in this body (rule %(rule)s).") % {"rule": rule_label(rule)}


def proxy_party_refusal(
    institution: Institution, members: dict[int, SeatRow], *, giving: bool
) -> str:
    """Why this institution may not give (or hold) a proxy, or "" (only full members vote)."""
    row = members.get(institution.pk)
    if row is None:
        text = (
            _(
                "%(name)s cannot give a proxy: it is not a member of this body on the session's "
                "date."
            )
            if giving
            else _(
                "%(name)s cannot hold a proxy: it is not a member of this body on the session's "
                "date."
            )
        )
        return text % {"name": institution}
    if not row.has_vote:
        text = (
            _(
                "%(name)s cannot give a proxy: %(reason)s. Only full members with the right to "
                "vote give or hold proxies."
            )
            if giving
            else _(
                "%(name)s cannot hold a proxy: %(reason)s. Only full members with the right to "
                "vote give or hold proxies."
            )
        )
        return text % {"name": institution, "reason": row.no_vote_reason.rstrip(".")}
    return ""


def holders_at_limit(session: Session, rule: RuleInForce) -> set[int]:
    """Members already holding as many proxies (accepted or to be checked) as the rule allows."""
    limit = int(rule.value or 0)
    return set(
        Proxy.objects.filter(session=session, state__in=LIVE_PROXY_STATES)
        .values("holder_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=limit)
        .values_list("holder_id", flat=True)
    )


# --- The proxy form ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProxyChoices:
    """What the proxy form offers: the rule in force and the full members with a vote."""

    rule: RuleInForce
    refusal: str  # why proxies are not allowed in this body at all, or ""
    voters: list[Institution]  # full members with the right to vote (may give a proxy)
    holders: list[Institution]  # those of them who may still hold one
    members: dict[int, SeatRow]


def proxy_choices(session: Session) -> ProxyChoices:
    day = registration_day(session)
    rule = body_rule(session.body, "proxies_per_member", day)
    members = voting_members(session, composition_on(session.body, day))
    voters = sorted(
        (r.institution for r in members.values() if r.has_vote and r.institution is not None),
        key=lambda i: i.name.casefold(),
    )
    refusal = proxies_allowed_refusal(rule)
    full = holders_at_limit(session, rule) if not refusal else set()
    return ProxyChoices(
        rule=rule,
        refusal=refusal,
        voters=voters,
        holders=[i for i in voters if i.pk not in full],
        members=members,
    )


def proxy_grantors_for_user(*, user: User, session: Session, choices: ProxyChoices) -> Registrable:
    """Who the user may give a proxy for: the Secretariat records one for any full member
    with a vote; a representative gives their own institution's; anyone else gets a 404."""
    if can(user, MANAGE):
        return Registrable(choices.voters, True)
    places = places_for_user(user=user, session=session)
    if not places:
        raise Http404
    return Registrable([p.institution for p in places], False)


def proxy_list(*, session: Session) -> list[Proxy]:
    """Every proxy of the session, for the Secretariat's list of participants."""
    return list(
        Proxy.objects.filter(session=session)
        .select_related("grantor", "holder", "checked_by")
        .order_by("grantor__name", "-registered_at")
    )


# --- One proxy ---------------------------------------------------------------------------------

ProxyAction = Literal["view"]
# The Secretariat, and the representatives of the member giving or holding it.
PROXY_ACTIONS: dict[str, str | None] = {"view": "governance.view_proxy"}


def proxy_get_for_user(*, user: Any, pk: int, action: ProxyAction = "view") -> Proxy:
    """The one way to a proxy: 404 when missing or not the user's to see."""
    return get_for_user_or_404(
        Proxy.objects.select_related(
            "session", "session__body", "grantor", "holder", "checked_by", "registered_by"
        ),
        user=user,
        perm=permission_for(PROXY_ACTIONS, action),
        pk=pk,
    )


@dataclass(frozen=True)
class ProxyPage:
    """What the page of a proxy offers: the Secretariat decides one to be checked; the
    grantor's side (or the Secretariat) revokes a live one; staff see its history."""

    proxy: Proxy
    can_manage: bool  # the Secretariat: after revoking, they stay on this page
    can_decide: bool
    can_revoke: bool
    staff: bool
    history: QuerySet[ActionLog] | list[ActionLog]  # read when the page shows it


def proxy_page(*, user: Any, proxy: Proxy) -> ProxyPage:
    finished = proxy.session.state in FINISHED_STATES
    manage = can(user, MANAGE)
    staff = can(user, VIEW)
    return ProxyPage(
        proxy=proxy,
        can_manage=manage,
        can_decide=manage and proxy.state == Proxy.State.PENDING and not finished,
        can_revoke=can(user, REGISTER, proxy.grantor)
        and proxy.state in LIVE_PROXY_STATES
        and not finished,
        staff=staff,
        history=(
            action_log_list(target_type="governance.proxy", target_id=str(proxy.pk))[:20]
            if staff
            else []
        ),
    )
