"""The notice period of a session and its default deadline for documents.

Rule settings read here (governance.rule_settings, each [D] until confirmed): a session
opens no earlier than the convocation's date plus the body's notice,
`governance.<profile>.notice_days` (`notice_days_extraordinary` for an extraordinary
session), in force on the session's date; documents are due
`governance.<profile>.documents_days` before the opening unless the convocation says
otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.body_rules import SessionRules, body_rule
from secretariat.governance.models import Session
from secretariat.governance.selectors.sessions import local, opening_day


@dataclass(frozen=True)
class NoticeCheck:
    """Whether a session convened on `convened_on` respects the notice period in force."""

    rule: RuleInForce
    convened_on: dt.date
    starts_on: dt.date

    @property
    def days(self) -> int:
        return int(self.rule.value)

    @property
    def latest_convocation(self) -> dt.date:
        return self.starts_on - dt.timedelta(days=self.days)

    @property
    def earliest_start(self) -> dt.date:
        return self.convened_on + dt.timedelta(days=self.days)

    @property
    def days_given(self) -> int:
        return (self.starts_on - self.convened_on).days

    @property
    def ok(self) -> bool:
        return self.earliest_start <= self.starts_on


def notice_rule(session: Session) -> RuleInForce:
    """Notice of an ordinary or extraordinary session, per the body's rules on its date."""
    key = (
        "notice_days_extraordinary" if session.kind == Session.Kind.EXTRAORDINARY else "notice_days"
    )
    return body_rule(session.body, key, opening_day(session))


def notice_check(
    session: Session, *, convened_at: dt.datetime | None = None, rules: SessionRules | None = None
) -> NoticeCheck:
    """Notice days counted between the calendar dates, in the session's time zone:
    convened on D with N days' notice, the session may open on D + N or later."""
    moment = convened_at or session.convened_at or timezone.now()
    if rules is not None:
        extraordinary = session.kind == Session.Kind.EXTRAORDINARY
        rule = rules.notice_days_extraordinary if extraordinary else rules.notice_days
    else:
        rule = notice_rule(session)
    return NoticeCheck(
        rule=rule,
        convened_on=local(moment, session.time_zone).date(),
        starts_on=opening_day(session),
    )


def default_documents_deadline(session: Session) -> dt.datetime:
    """The opening minus the body's `documents_days`, at the same time of day."""
    days = int(body_rule(session.body, "documents_days", opening_day(session)).value)
    return session.starts_at - dt.timedelta(days=days)
