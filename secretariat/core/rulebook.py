"""The organization's rules that are settings: each with its default, type and basis.

Every default here is marked [D] in shared/domain.md: a rule chosen because the text in
force was not available. It is shown as "default, to be confirmed" until the Secretariat
records the confirmed value with its citation (see `rule_setting_record`). Later apps add
their rules with `register`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

DEFAULT_BASIS = _("Default chosen by Secretariat; the text in force was not available.")


@dataclass(frozen=True)
class RuleDefinition:
    key: str
    label: str | Promise
    default: Any
    kind: str  # "choice", "int", "fraction", "bool"
    basis: str | Promise = DEFAULT_BASIS
    choices: tuple[tuple[str, str | Promise], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    help_text: str | Promise = ""
    validate: Callable[[Any], None] | None = field(default=None, compare=False)

    def clean(self, raw: Any) -> Any:
        """Parse a submitted value; raise ValueError with a translated message if invalid."""
        if self.kind == "choice":
            allowed = {c for c, _label in self.choices}
            if raw not in allowed:
                raise ValueError(_("Choose one of the listed values."))
            return raw
        if self.kind == "int":
            try:
                value = int(str(raw).strip())
            except ValueError as exc:
                raise ValueError(_("Enter a whole number.")) from exc
            if self.minimum is not None and value < self.minimum:
                raise ValueError(_("The value is below the minimum allowed."))
            if self.maximum is not None and value > self.maximum:
                raise ValueError(_("The value is above the maximum allowed."))
            return value
        if self.kind == "bool":
            if raw in (True, "true", "on", "1", 1):
                return True
            if raw in (False, "false", "off", "0", 0, "", None):
                return False
            raise ValueError(_("Enter yes or no."))
        if self.kind == "fraction":
            # Stored as [numerator, denominator], e.g. [2, 3] for two-thirds.
            text = str(raw).strip()
            try:
                num_s, den_s = text.split("/") if "/" in text else (raw[0], raw[1])
                num, den = int(num_s), int(den_s)
            except (ValueError, TypeError, IndexError, KeyError) as exc:
                raise ValueError(_("Enter a fraction such as 1/2 or 2/3.")) from exc
            if den <= 0 or num <= 0 or num > den:
                raise ValueError(_("Enter a fraction between 0 and 1, such as 1/2 or 2/3."))
            return [num, den]
        raise ValueError(_("Unknown kind of rule."))

    def display(self, value: Any) -> str:
        if self.kind == "choice":
            return str(dict(self.choices).get(value, value))
        if self.kind == "fraction":
            return f"{value[0]}/{value[1]}"
        if self.kind == "bool":
            return str(_("Yes") if value else _("No"))
        return str(value)


REGISTRY: dict[str, RuleDefinition] = {}


def register(definition: RuleDefinition) -> RuleDefinition:
    REGISTRY[definition.key] = definition
    return definition


def get_definition(key: str) -> RuleDefinition:
    try:
        return REGISTRY[key]
    except KeyError as exc:
        raise LookupError(f"Unknown rule {key!r}") from exc


BODY_CHOICES = (
    ("general_assembly", _("General Assembly")),
    ("standing_committee", _("Standing Committee")),
)
MAJORITY_CHOICES = (
    ("simple", _("Simple majority of votes cast (yes > no)")),
    ("absolute", _("Absolute majority of votes cast (more than half)")),
    ("two_thirds", _("Two-thirds of votes cast")),
    ("two_thirds_present", _("Two-thirds of the voting members present or represented")),
    ("absolute_members", _("Absolute majority of the members entitled to vote")),
    ("two_thirds_members", _("Two-thirds of the members entitled to vote")),
)

# --- Members -------------------------------------------------------------------------
register(
    RuleDefinition(
        key="members.affiliation.deciding_body",
        label=_("Body that decides affiliation and disaffiliation requests"),
        default="general_assembly",
        kind="choice",
        choices=BODY_CHOICES,
        help_text=_("The General Assembly decides; the Standing Committee may between Assemblies."),
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
        key="members.affiliation.majority",
        label=_("Majority required for admission and disaffiliation"),
        default="two_thirds",
        kind="choice",
        choices=MAJORITY_CHOICES,
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
        help_text=_("Unpaid dues equal to or above the dues of this many preceding full years."),
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
# --- Bodies (used by governance) ------------------------------------------------------
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
# --- Elections and finance (used later) -----------------------------------------------
register(
    RuleDefinition(
        key="elections.nominations_per_member",
        label=_("Candidates a full member may nominate per office"),
        default=1,
        kind="int",
        minimum=1,
        maximum=5,
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
register(
    RuleDefinition(
        key="finance.dues_due_day",
        label=_("Day of the year by which dues are payable (1-365)"),
        default=90,
        kind="int",
        minimum=1,
        maximum=365,
    )
)


# --- Rules of the other bodies, and session procedure (governance) --------------------
# Keys are `governance.<profile>.<rule>` (profiles as in governance.models.RulesProfile);
# `secretariat.governance.rulesets.rule_key` maps the few older keys above.
def _label_for_body(text: str, body: str) -> str:
    return gettext(text) % {"body": body}


_per_body_lazy = lazy(_label_for_body, str)


def _per_body(text: str, body: Promise | str) -> Promise:
    """A label naming a body, translated when shown (msgids marked with gettext_noop)."""
    return _per_body_lazy(text, body)  # type: ignore[return-value,arg-type]


PROFILE_LABELS = {
    "general_assembly": _("General Assembly"),
    "standing_committee": _("Standing Committee"),
    "ciess_board": _("CIESS Board of Directors"),
    "cass": _("CASS commissions"),
    "subregion": _("Sub-regional meetings"),
}
for _profile, _label in PROFILE_LABELS.items():
    if _profile not in ("general_assembly", "standing_committee"):
        register(
            RuleDefinition(
                key=f"governance.{_profile}.quorum",
                label=_per_body(gettext_noop("%(body)s: quorum (share of voting seats)"), _label),
                default=[1, 2],
                kind="fraction",
                help_text=_("More than this share of its voting seats."),
            )
        )
        register(
            RuleDefinition(
                key=f"governance.{_profile}.majority",
                label=_per_body(gettext_noop("%(body)s: majority for ordinary decisions"), _label),
                default="simple",
                kind="choice",
                choices=MAJORITY_CHOICES,
            )
        )
    if _profile != "general_assembly":
        register(
            RuleDefinition(
                key=f"governance.{_profile}.statute_majority",
                label=_per_body(
                    gettext_noop("%(body)s: majority for amendments to rules and regulations"),
                    _label,
                ),
                default="two_thirds",
                kind="choice",
                choices=MAJORITY_CHOICES,
            )
        )
        register(
            RuleDefinition(
                key=f"governance.{_profile}.proxies_per_member",
                label=_per_body(gettext_noop("%(body)s: proxies a voting member may hold"), _label),
                default=0,
                kind="int",
                minimum=0,
                maximum=10,
            )
        )
    register(
        RuleDefinition(
            key=f"governance.{_profile}.notice_days",
            label=_per_body(gettext_noop("%(body)s: notice of an ordinary session (days)"), _label),
            default=30,
            kind="int",
            minimum=0,
            maximum=365,
            help_text=_("Days between the convocation and the opening of the session."),
        )
    )
    register(
        RuleDefinition(
            key=f"governance.{_profile}.notice_days_extraordinary",
            label=_per_body(
                gettext_noop("%(body)s: notice of an extraordinary session (days)"), _label
            ),
            default=15,
            kind="int",
            minimum=0,
            maximum=365,
        )
    )
    register(
        RuleDefinition(
            key=f"governance.{_profile}.documents_days",
            label=_per_body(
                gettext_noop("%(body)s: documents due before the session (days)"), _label
            ),
            default=15,
            kind="int",
            minimum=0,
            maximum=365,
        )
    )
    register(
        RuleDefinition(
            key=f"governance.{_profile}.minutes_comment_days",
            label=_per_body(
                gettext_noop("%(body)s: period for comments on circulated minutes (days)"), _label
            ),
            default=30,
            kind="int",
            minimum=1,
            maximum=365,
        )
    )

register(
    RuleDefinition(
        key="governance.general_assembly.extraordinary_requesters",
        label=_("Members of the Standing Committee who may request an extraordinary Assembly"),
        default=5,
        kind="int",
        minimum=1,
        maximum=20,
        basis=_(
            "CISS website, General Assembly page: extraordinary session at the request of the "
            "President or of at least five members of the Standing Committee."
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
