"""The rule settings of elections (shared/domain.md "Presidency, Secretary General,
Comptroller, CIESS Director", [D] "Nominations ... Election by secret ballot, absolute
majority of votes cast; if none, a second round between the two most voted; acclamation when
there is a single eligible candidate"). Every default is [D]: shown as "default, to be
confirmed" until the Secretariat records the election regulation in force.

The first round's majority, `elections.majority`, is registered by governance with the other
majorities its votes apply (governance/rule_settings.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from secretariat.core.rule_settings import RuleDefinition, register
from secretariat.governance.arithmetic import MAJORITY_CHOICES

TIE_RULES = (
    ("all_tied_go_on", _("Every candidate tied for the last place goes on")),
    ("tie_round", _("A round among the tied candidates decides the place")),
    ("lot", _("The chair draws lots among the tied candidates, recorded")),
)


def register_rule_settings() -> None:
    register(
        RuleDefinition(
            key="elections.nominations_per_office",
            label=_("Candidates a full member may nominate for each office"),
            default=1,
            kind="int",
            minimum=1,
            maximum=10,
        )
    )
    register(
        RuleDefinition(
            key="elections.later_rounds_majority",
            label=_("Majority to be elected in the later rounds"),
            default="absolute",
            kind="choice",
            choices=MAJORITY_CHOICES,
            help_text=_(
                "Between two candidates, an absolute majority of votes cast is the most votes."
            ),
        )
    )
    register(
        RuleDefinition(
            key="elections.next_round_candidates",
            label=_("Candidates who go on to the next round (the most voted)"),
            default=2,
            kind="int",
            minimum=2,
            maximum=10,
        )
    )
    register(
        RuleDefinition(
            key="elections.next_round_tie",
            label=_("A tie for a place in the next round"),
            default="all_tied_go_on",
            kind="choice",
            choices=TIE_RULES,
        )
    )
    register(
        RuleDefinition(
            key="elections.max_rounds",
            label=_("Rounds at most for one place"),
            default=3,
            kind="int",
            minimum=1,
            maximum=10,
        )
    )
    register(
        RuleDefinition(
            key="elections.acclamation_single_candidate",
            label=_("Election by acclamation when there is one eligible candidate"),
            default=True,
            kind="bool",
        )
    )
    register(
        RuleDefinition(
            key="elections.correction_days",
            label=_("Days a member has to send a document the Secretariat asks for"),
            default=10,
            kind="int",
            minimum=1,
            maximum=90,
        )
    )
    register(
        RuleDefinition(
            key="elections.term_end_warning_days",
            label=_("Days before a term ends that the Secretariat is warned"),
            default=180,
            kind="int",
            minimum=7,
            maximum=730,
        )
    )
