"""A body's rules on a date: which rule setting applies to each question.

Each body has a rules profile (governance.models.RulesProfile); the values are dated
rule settings (registered in governance.rule_settings), so a session is judged by the rules
in force on its date. The keys recorded before this module keep their names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from secretariat.core.selectors.rule_settings import RuleInForce, rule_in_force, rules_in_force
from secretariat.governance.arithmetic import MAJORITY_CHOICES
from secretariat.governance.models import Body, DecisionKind

_RENAMED = {
    ("standing_committee", "majority"): "governance.standing_committee.majority",
    ("general_assembly", "majority"): "governance.general_assembly.ordinary_majority",
}


def rule_key(profile: str, rule: str) -> str:
    return _RENAMED.get((profile, rule), f"governance.{profile}.{rule}")


def body_rule(body: Body, rule: str, on: dt.date) -> RuleInForce:
    if not body.rules_profile:
        raise LookupError(f"{body.code} holds no sessions")
    return rule_in_force(key=rule_key(body.rules_profile, rule), on=on)


def majority_rule(body: Body, decision_kind: str, on: dt.date) -> RuleInForce:
    """The majority a decision of this kind needs in this body on this date."""
    if decision_kind == DecisionKind.ADMISSION:
        return rule_in_force(key="members.affiliation.majority", on=on)
    if decision_kind == DecisionKind.ELECTION:
        return rule_in_force(key="elections.majority", on=on)
    if decision_kind == DecisionKind.STATUTE:
        return body_rule(body, "statute_majority", on)
    return body_rule(body, "majority", on)


def majority_label(code: str) -> str:
    return str(dict(MAJORITY_CHOICES).get(code, code))


@dataclass(frozen=True)
class SessionRules:
    """The rules a session is judged by (for the page that shows them)."""

    quorum: RuleInForce
    majority: RuleInForce
    statute_majority: RuleInForce
    admission_majority: RuleInForce
    election_majority: RuleInForce
    proxies_per_member: RuleInForce
    notice_days: RuleInForce
    notice_days_extraordinary: RuleInForce
    documents_days: RuleInForce
    minutes_comment_days: RuleInForce

    def as_list(self) -> list[RuleInForce]:
        return [
            self.quorum,
            self.majority,
            self.statute_majority,
            self.admission_majority,
            self.election_majority,
            self.proxies_per_member,
            self.notice_days,
            self.notice_days_extraordinary,
            self.documents_days,
            self.minutes_comment_days,
        ]


def session_rules(body: Body, on: dt.date) -> SessionRules:
    """Every rule that judges a session of the body on a date, in one query."""
    if not body.rules_profile:
        raise LookupError(f"{body.code} holds no sessions")
    by_key = {r.key: r for r in rules_in_force(on=on)}
    profile = body.rules_profile

    def pick(rule: str) -> RuleInForce:
        return by_key[rule_key(profile, rule)]

    return SessionRules(
        quorum=pick("quorum"),
        majority=pick("majority"),
        statute_majority=pick("statute_majority"),
        admission_majority=by_key["members.affiliation.majority"],
        election_majority=by_key["elections.majority"],
        proxies_per_member=pick("proxies_per_member"),
        notice_days=pick("notice_days"),
        notice_days_extraordinary=pick("notice_days_extraordinary"),
        documents_days=pick("documents_days"),
        minutes_comment_days=pick("minutes_comment_days"),
    )
