"""The registry of the organization's rule settings: each rule's key, label, type, default
and basis. Each app registers its own from its `AppConfig.ready` (`<app>/rule_settings.py`);
core knows no app's rules.

A default is a rule marked [D] in shared/domain.md, chosen because the text in force was not
available. It is shown as "default, to be confirmed" until the Secretariat records the
confirmed value with its citation (`core.services.rule_settings.rule_setting_record`); the
values are dated `RuleSetting` rows, so a session is judged by the rules in force on its date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
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
