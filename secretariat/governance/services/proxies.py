"""Proxies: a full member gives its vote in a session to another full member, where the
body's rules allow it; the Secretariat checks each one before it counts.

Rules enforced here (shared/domain.md, "Members" and "General Assembly"):
- only full members with the right to vote on the session's date give or hold proxies (a
  suspended member neither gives nor holds one) [C];
- proxies between full members, up to the number a member may hold set by the body's rule
  `governance.<profile>.proxies_per_member` on the session's date [D] (General Assembly
  default 1, other bodies 0);
- registration is open while the session is convened or in session.
Nothing is deleted: a proxy is revoked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import Proxy, Session
from secretariat.governance.selectors.composition import composition_on
from secretariat.governance.selectors.proxies import (
    LIVE_PROXY_STATES,
    proxies_allowed_refusal,
    proxy_party_refusal,
    rule_label,
)
from secretariat.governance.selectors.registration import (
    MANAGE,
    REGISTER,
    registration_day,
    voting_members,
)
from secretariat.governance.services.common import touch_session
from secretariat.governance.services.registration import (
    check_not_finished,
    open_for_registration,
    validate_letter,
)
from secretariat.members.models import Institution

PROXY_FIELDS = ["session", "grantor", "holder", "state", "note"]


def _proxy_rule(session: Session) -> tuple[RuleInForce, str]:
    """The body's `proxies_per_member` rule on the session's date, and why proxies are not
    allowed at all ("" when they are)."""
    rule = body_rule(session.body, "proxies_per_member", registration_day(session))
    return rule, proxies_allowed_refusal(rule)


def _check_parties(session: Session, grantor: Institution, holder: Institution) -> None:
    """Both full members with the right to vote on the session's date."""
    members = voting_members(session, composition_on(session.body, registration_day(session)))
    refusal = proxy_party_refusal(grantor, members, giving=True)
    if refusal:
        raise ValidationError(refusal)
    refusal = proxy_party_refusal(holder, members, giving=False)
    if refusal:
        raise ValidationError({"holder": refusal})


def _check_can_give(session: Session, grantor: Institution, holder: Institution) -> None:
    """The rule allows proxies, both parties may, the grantor has none live, the holder is
    under the limit."""
    rule, refusal = _proxy_rule(session)
    if refusal:
        raise ValidationError(refusal)
    if grantor.pk == holder.pk:
        raise ValidationError({"holder": _("A member cannot give its proxy to itself.")})
    _check_parties(session, grantor, holder)
    live = Proxy.objects.filter(session=session, state__in=LIVE_PROXY_STATES)
    if live.filter(grantor=grantor).exists():
        raise ValidationError(
            _("%(name)s has already given a proxy for this session; revoke it first.")
            % {"name": grantor}
        )
    limit = int(rule.value)
    held = live.filter(holder=holder).count()
    if held >= limit:
        raise ValidationError(
            {
                "holder": ngettext(
                    "%(name)s already holds %(held)s proxy (accepted or to be checked); a member "
                    "may hold %(limit)s (rule %(rule)s).",
                    "%(name)s already holds %(held)s proxies (accepted or to be checked); a member "
                    "may hold %(limit)s (rule %(rule)s).",
                    held,
                )
                % {"name": holder, "held": held, "limit": limit, "rule": rule_label(rule)}
            }
        )


@transaction.atomic
def proxy_give(
    *,
    actor: User,
    session: Session,
    grantor: Institution,
    holder: Institution,
    letter: UploadedFile[bytes] | None = None,
    note: str = "",
) -> Proxy:
    """A full member gives its vote in the session to another full member, where the body's
    rule `proxies_per_member` allows it (domain.md [D]: up to one proxy each in the General
    Assembly). The Secretariat checks the proxy before it counts."""
    require(actor, REGISTER, grantor)
    session = open_for_registration(session)
    _check_can_give(session, grantor, holder)
    validate_letter(letter, "letter")
    proxy = Proxy(
        session=session,
        grantor=grantor,
        holder=holder,
        note=(note or "").strip(),
        registered_by=actor,
    )
    proxy.full_clean(exclude=["letter"])
    if letter is not None:
        proxy.letter.save(letter.name or "proxy", letter, save=False)
    save_audited(
        proxy,
        actor=actor,
        event="proxy.given",
        reason=proxy.note,
        new={**snapshot(proxy, PROXY_FIELDS), "letter": bool(letter)},
        clean=False,
    )
    touch_session(session)
    return proxy


def _check_can_accept(session: Session, proxy: Proxy) -> None:
    """Accepting checks again the rule, both members' right to vote and the holder's limit
    (of accepted proxies)."""
    rule, refusal = _proxy_rule(session)
    if refusal:
        raise ValidationError(refusal)
    members = voting_members(session, composition_on(session.body, registration_day(session)))
    refusal = proxy_party_refusal(proxy.grantor, members, giving=True) or proxy_party_refusal(
        proxy.holder, members, giving=False
    )
    if refusal:
        raise ValidationError(refusal)
    accepted = Proxy.objects.filter(
        session=session, holder=proxy.holder, state=Proxy.State.ACCEPTED
    ).count()
    if accepted >= int(rule.value):
        raise ValidationError(
            ngettext(
                "%(name)s already holds %(held)s accepted proxy; the limit is %(limit)s.",
                "%(name)s already holds %(held)s accepted proxies; the limit is %(limit)s.",
                accepted,
            )
            % {"name": proxy.holder, "held": accepted, "limit": rule.value}
        )


@transaction.atomic
def proxy_decide(*, actor: User, proxy: Proxy, accept: bool, note: str = "") -> Proxy:
    """The Secretariat accepts or rejects a proxy to be checked; a rejection says why.
    Accepting checks again the rule `proxies_per_member`, both members' right to vote and
    the holder's limit."""
    require(actor, MANAGE)
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError(
            {"note": _("Say why the proxy is rejected: the member sees this note.")}
        )
    proxy = locked(proxy)
    if proxy.state != Proxy.State.PENDING:
        raise ValidationError(_("This proxy has already been decided."))
    session = locked(proxy.session)
    check_not_finished(session)
    if accept:
        _check_can_accept(session, proxy)
    old = {"state": proxy.state, "note": proxy.note}
    proxy.state = Proxy.State.ACCEPTED if accept else Proxy.State.REJECTED
    if note:
        proxy.note = note
    proxy.checked_by = actor
    proxy.checked_at = timezone.now()
    save_audited(
        proxy,
        actor=actor,
        event="proxy.accepted" if accept else "proxy.rejected",
        reason=note,
        old=old,
        new={"state": proxy.state, "note": proxy.note},
        exclude=["letter"],
    )
    touch_session(session)
    return proxy


@transaction.atomic
def proxy_revoke(*, actor: User, proxy: Proxy, reason: str) -> Proxy:
    """The grantor (its representative) or the Secretariat revokes a proxy, saying why."""
    require(actor, REGISTER, proxy.grantor)
    reason = require_reason(reason)
    proxy = locked(proxy)
    if proxy.state not in LIVE_PROXY_STATES:
        raise ValidationError(_("Only a proxy to be checked or accepted can be revoked."))
    session = Session.objects.get(pk=proxy.session_id)
    check_not_finished(session)
    old = {"state": proxy.state, "note": proxy.note}
    proxy.state = Proxy.State.REVOKED
    proxy.note = reason[:500]
    save_audited(
        proxy,
        actor=actor,
        event="proxy.revoked",
        reason=reason,
        old=old,
        new={"state": proxy.state, "note": proxy.note},
        exclude=["letter"],
    )
    touch_session(session)
    return proxy
