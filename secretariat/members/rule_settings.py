"""The member registry's rule settings (shared/domain.md, "Members"): who decides affiliation
requests, and the arrears that suspend a full member's vote. Registered from
MembersConfig.ready; every default is [D], "default, to be confirmed"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from secretariat.core.rule_settings import RuleDefinition, register

# The bodies that may decide a membership request (codes of governance's bodies).
BODY_CHOICES = (
    ("general_assembly", _("General Assembly")),
    ("standing_committee", _("Standing Committee")),
)


def register_rule_settings() -> None:
    register(
        RuleDefinition(
            key="members.affiliation.deciding_body",
            label=_("Body that decides affiliation and disaffiliation requests"),
            default="general_assembly",
            kind="choice",
            choices=BODY_CHOICES,
            help_text=_(
                "The General Assembly decides; the Standing Committee may between Assemblies."
            ),
        )
    )
    register(
        RuleDefinition(
            key="members.affiliation.interim_body_allowed",
            label=_("Standing Committee may decide requests between Assemblies"),
            default=True,
            kind="bool",
        )
    )
    register(
        RuleDefinition(
            key="members.arrears.threshold_years",
            label=_("Arrears that suspend a full member's vote (in years of dues)"),
            default=2,
            kind="int",
            minimum=1,
            maximum=10,
            help_text=_(
                "Unpaid dues equal to or above the dues of this many preceding full years."
            ),
        )
    )
    register(
        RuleDefinition(
            key="members.arrears.exemption_by_assembly",
            label=_("The General Assembly may exempt a member in arrears"),
            default=True,
            kind="bool",
        )
    )
