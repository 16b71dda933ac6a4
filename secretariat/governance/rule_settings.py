"""The rule settings of the bodies' sessions (shared/domain.md, "General Assembly" and
"Standing Committee"): quorum, majorities, proxies, notice, documents and minutes periods,
for each rules profile (`RulesProfile`, decision 0009), and the majorities of admissions
and elections that the bodies' votes apply. Registered from GovernanceConfig.ready.

Keys are `governance.<profile>.<rule>`, except three recorded under their first names:
`governance.general_assembly.ordinary_majority`, `members.affiliation.majority` and
`elections.majority` (body_rules.rule_key maps them). Every default is [D].
"""

from __future__ import annotations

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from secretariat.core.rule_settings import RuleDefinition, register
from secretariat.governance.arithmetic import MAJORITY_CHOICES
from secretariat.governance.models import RulesProfile


def _label_for_body(text: str, body: Promise | str) -> str:
    return gettext(text) % {"body": body}


# A label naming a body, translated when shown (msgids marked with gettext_noop).
_per_body = lazy(_label_for_body, str)


def _register_assembly_and_committee() -> None:
    register(
        RuleDefinition(
            key="governance.general_assembly.quorum",
            label=_("General Assembly quorum (share of full members entitled to vote)"),
            default=[1, 2],
            kind="fraction",
            help_text=_("More than this share, present or represented."),
        )
    )
    register(
        RuleDefinition(
            key="governance.general_assembly.ordinary_majority",
            label=_("General Assembly majority for ordinary decisions"),
            default="simple",
            kind="choice",
            choices=MAJORITY_CHOICES,
        )
    )
    register(
        RuleDefinition(
            key="governance.general_assembly.statute_majority",
            label=_("General Assembly majority for Statute amendments"),
            default="two_thirds",
            kind="choice",
            choices=MAJORITY_CHOICES,
        )
    )
    register(
        RuleDefinition(
            key="governance.general_assembly.proxies_per_member",
            label=_("Proxies a full member may hold"),
            default=1,
            kind="int",
            minimum=0,
            maximum=10,
        )
    )
    register(
        RuleDefinition(
            key="governance.standing_committee.quorum",
            label=_("Standing Committee quorum (share of voting seats)"),
            default=[1, 2],
            kind="fraction",
            help_text=_("More than this share of its voting seats."),
        )
    )
    register(
        RuleDefinition(
            key="governance.standing_committee.majority",
            label=_("Standing Committee majority"),
            default="simple",
            kind="choice",
            choices=MAJORITY_CHOICES,
        )
    )


def _register_votes_of_other_bodies(profile: str, label: Promise | str) -> None:
    """Quorum and ordinary majority of the bodies the sources say nothing about."""
    register(
        RuleDefinition(
            key=f"governance.{profile}.quorum",
            label=_per_body(gettext_noop("%(body)s: quorum (share of voting seats)"), label),
            default=[1, 2],
            kind="fraction",
            help_text=_("More than this share of its voting seats."),
        )
    )
    register(
        RuleDefinition(
            key=f"governance.{profile}.majority",
            label=_per_body(gettext_noop("%(body)s: majority for ordinary decisions"), label),
            default="simple",
            kind="choice",
            choices=MAJORITY_CHOICES,
        )
    )


def _register_amendments_and_proxies(profile: str, label: Promise | str) -> None:
    register(
        RuleDefinition(
            key=f"governance.{profile}.statute_majority",
            label=_per_body(
                gettext_noop("%(body)s: majority for amendments to rules and regulations"), label
            ),
            default="two_thirds",
            kind="choice",
            choices=MAJORITY_CHOICES,
        )
    )
    register(
        RuleDefinition(
            key=f"governance.{profile}.proxies_per_member",
            label=_per_body(gettext_noop("%(body)s: proxies a voting member may hold"), label),
            default=0,
            kind="int",
            minimum=0,
            maximum=10,
        )
    )


def _register_procedure(profile: str, label: Promise | str) -> None:
    """Notice of sessions, documents deadline and the period for comments on minutes."""
    register(
        RuleDefinition(
            key=f"governance.{profile}.notice_days",
            label=_per_body(gettext_noop("%(body)s: notice of an ordinary session (days)"), label),
            default=30,
            kind="int",
            minimum=0,
            maximum=365,
            help_text=_("Days between the convocation and the opening of the session."),
        )
    )
    register(
        RuleDefinition(
            key=f"governance.{profile}.notice_days_extraordinary",
            label=_per_body(
                gettext_noop("%(body)s: notice of an extraordinary session (days)"), label
            ),
            default=15,
            kind="int",
            minimum=0,
            maximum=365,
        )
    )
    register(
        RuleDefinition(
            key=f"governance.{profile}.documents_days",
            label=_per_body(
                gettext_noop("%(body)s: documents due before the session (days)"), label
            ),
            default=15,
            kind="int",
            minimum=0,
            maximum=365,
        )
    )
    register(
        RuleDefinition(
            key=f"governance.{profile}.minutes_comment_days",
            label=_per_body(
                gettext_noop("%(body)s: period for comments on circulated minutes (days)"), label
            ),
            default=30,
            kind="int",
            minimum=1,
            maximum=365,
        )
    )


def _register_conveners() -> None:
    register(
        RuleDefinition(
            key="governance.general_assembly.extraordinary_requesters",
            label=_("Members of the Standing Committee who may request an extraordinary Assembly"),
            default=5,
            kind="int",
            minimum=1,
            maximum=20,
            basis=_(
                "CISS website, General Assembly page: extraordinary session at the request of "
                "the President or of at least five members of the Standing Committee."
            ),
            help_text=_("At least this many; the President may also convene it."),
        )
    )
    register(
        RuleDefinition(
            key="governance.cass.extraordinary_requesters",
            label=_("Members of a CASS commission who may convene it"),
            default=2,
            kind="int",
            minimum=1,
            maximum=20,
            basis=_(
                "CISS website, CASS page: a commission meets annually or when convened by its "
                "president or two of its members."
            ),
            help_text=_("At least this many; its president may also convene it."),
        )
    )


def _register_decisions_of_other_capabilities() -> None:
    """Majorities that the bodies' votes apply to admissions and to elections."""
    register(
        RuleDefinition(
            key="members.affiliation.majority",
            label=_("Majority required for admission and disaffiliation"),
            default="two_thirds",
            kind="choice",
            choices=MAJORITY_CHOICES,
        )
    )
    register(
        RuleDefinition(
            key="elections.majority",
            label=_("Majority to be elected in the first round"),
            default="absolute",
            kind="choice",
            choices=MAJORITY_CHOICES,
        )
    )


def register_rule_settings() -> None:
    _register_assembly_and_committee()
    for profile, label in RulesProfile.choices:
        if profile not in (RulesProfile.GENERAL_ASSEMBLY, RulesProfile.STANDING_COMMITTEE):
            _register_votes_of_other_bodies(profile, label)
        if profile != RulesProfile.GENERAL_ASSEMBLY:
            _register_amendments_and_proxies(profile, label)
        _register_procedure(profile, label)
    _register_conveners()
    _register_decisions_of_other_capabilities()
