"""Forms of the Call pages: the Call itself, its offices and requirements, the approval, and
the reason a part is removed.

Forms only parse the input; the services decide (permission, rules, audit). The opening and
the deadline are typed as a local date and time, to the second, in the Call's time zone
(chosen in the same form): the service turns them into instants.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from secretariat.core.languages import (
    CONTENT_LANGUAGES,
    LANGUAGE_LABELS,
    TRANSLATION_LANGUAGES,
    field_label,
)
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.elections.models import Call, CallOffice, Requirement
from secretariat.elections.selectors.calls import (
    call_office_choices,
    electing_session_choices,
    office_choices,
    zone,
)
from secretariat.governance.models import Office, Session

INPUT_FORMAT = "%Y-%m-%dT%H:%M:%S"
TEXT_MAX = 20000
REASON_MAX = 2000


def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone zoneinfo knows: the Americas first (where members sit), then the rest."""
    zones = sorted(z for z in available_timezones() if "/" in z or z == "UTC")
    americas = [z for z in zones if z.startswith("America/")]
    others = [z for z in zones if not z.startswith("America/")]
    return [(z, z.replace("_", " ")) for z in [*americas, *others]]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time to the second as typed (naive): the service makes it an instant in the
    Call's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format=INPUT_FORMAT)

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None) if timezone.is_aware(value) else value
        text = str(value).strip()
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed.replace(tzinfo=None)


def naive_in(moment: dt.datetime | None, tz_name: str) -> str:
    """An instant as the datetime-local input shows it in the Call's zone."""
    return moment.astimezone(zone(tz_name)).strftime(INPUT_FORMAT) if moment else ""


def _text(label: Any, lang: str, *, required: bool, rows: int | None, max_length: int) -> Any:
    attrs = {"lang": lang}
    widget: forms.Widget
    if rows:
        widget = forms.Textarea(attrs={**attrs, "rows": str(rows)})
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=field_label(label, lang), required=required, max_length=max_length, widget=widget
    )


class SessionChoiceField(forms.ModelChoiceField[Session]):
    def label_from_instance(self, obj: Session) -> str:
        return f"{obj.title} ({obj.starts_at:%Y-%m-%d})"


class CallForm(forms.Form):
    """A Call's texts, dates, time zone, languages and correction period."""

    reference = forms.CharField(label=_("Reference"), required=False, max_length=60)
    session = SessionChoiceField(
        label=_("Electing session"),
        required=False,
        queryset=Session.objects.none(),
        empty_label=_("Not set yet"),
        help_text=_("The General Assembly session at which the election is held."),
    )
    opens_at = LocalDateTimeField(label=_("Nominations open"))
    deadline = LocalDateTimeField(
        label=_("Deadline for nominations"),
        help_text=_("To the second, e.g. 23:59:59: a nomination received later is refused."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        initial="America/Mexico_City",
        help_text=_("The opening and the deadline above are in this time zone."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the Call besides Spanish"),
        required=False,
        choices=[(code, LANGUAGE_LABELS[code]) for code in TRANSLATION_LANGUAGES],
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
        help_text=_("Spanish is always one of them: it is the authoritative language."),
    )
    correction_days = forms.IntegerField(
        label=_("Days to send a missing document"), min_value=1, max_value=90
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session = self.fields["session"]
        assert isinstance(session, forms.ModelChoiceField)
        session.queryset = electing_session_choices()
        self.fields["correction_days"].initial = rule_value("elections.correction_days")
        for lang in CONTENT_LANGUAGES:
            required = lang == "es"
            self.fields[f"title_{lang}"] = _text(
                _("Title"), lang, required=required, rows=None, max_length=300
            )
            self.fields[f"text_{lang}"] = _text(
                _("Text of the Call"), lang, required=required, rows=10, max_length=TEXT_MAX
            )

    @staticmethod
    def initial_for(call: Call) -> dict[str, Any]:
        tz = call.time_zone
        return {
            "reference": call.reference,
            "session": call.session_id,
            "opens_at": naive_in(call.opens_at, tz),
            "deadline": naive_in(call.deadline, tz),
            "time_zone": tz,
            "languages": [code for code in call.languages if code != "es"],
            "correction_days": call.correction_days,
            # modeltranslation's columns, which the type checker cannot see
            **{
                f"{field}_{lang}": getattr(call, f"{field}_{lang}") or ""
                for field in ("title", "text")
                for lang in CONTENT_LANGUAGES
            },
        }

    SECTIONS = (
        (_("Texts"), [f"{f}_{lang}" for lang in CONTENT_LANGUAGES for f in ("title", "text")]),
        (_("Dates"), ["opens_at", "deadline", "time_zone"]),
        (_("Election"), ["reference", "session", "languages", "correction_days"]),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.SECTIONS
        ]


class CallOfficeForm(forms.Form):
    """An office of the Call: places and term (defaults from the office)."""

    office: forms.ModelChoiceField[Office] = forms.ModelChoiceField(
        label=_("Office"), queryset=Office.objects.none(), empty_label=_("Choose an office")
    )
    places = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_("Leave empty for the office's number of holders."),
    )
    term_start = forms.DateField(
        label=_("Term starts"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    term_end = forms.DateField(
        label=_("Term ends"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Exclusive: the first day after the term. Leave empty for the office's term length."
        ),
    )

    def __init__(self, *args: Any, call_office: CallOffice | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if call_office is not None:
            del self.fields["office"]  # the office itself is not changed: remove it and add
            return
        office = self.fields["office"]
        assert isinstance(office, forms.ModelChoiceField)
        office.queryset = office_choices()


class CallOfficeChoiceField(forms.ModelChoiceField[CallOffice]):
    def label_from_instance(self, obj: CallOffice) -> str:
        return str(obj.office)


class RequirementForm(forms.Form):
    """A requirement: kind, texts, the office it applies to, the other office compared."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Requirement.Kind.choices)
    call_office = CallOfficeChoiceField(
        label=_("Office"),
        required=False,
        queryset=CallOffice.objects.none(),
        empty_label=_("Every office of the Call"),
    )
    other_office: forms.ModelChoiceField[Office] = forms.ModelChoiceField(
        label=_("Other office"),
        required=False,
        queryset=Office.objects.none(),
        empty_label=_("None"),
        help_text=_(
            "For a nationality that must differ: the office whose holder or candidate it is "
            "compared with."
        ),
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        call_office = self.fields["call_office"]
        assert isinstance(call_office, forms.ModelChoiceField)
        call_office.queryset = call_office_choices(call)
        other = self.fields["other_office"]
        assert isinstance(other, forms.ModelChoiceField)
        other.queryset = office_choices()
        for lang in CONTENT_LANGUAGES:
            self.fields[f"label_{lang}"] = _text(
                _("Requirement"), lang, required=lang == "es", rows=None, max_length=300
            )
        for lang in CONTENT_LANGUAGES:
            self.fields[f"description_{lang}"] = _text(
                _("Description"), lang, required=False, rows=3, max_length=TEXT_MAX
            )

    @staticmethod
    def initial_for(req: Requirement) -> dict[str, Any]:
        return {
            "kind": req.kind,
            "call_office": req.call_office_id,
            "other_office": req.other_office_id,
            **{
                f"{field}_{lang}": getattr(req, f"{field}_{lang}") or ""
                for field in ("label", "description")
                for lang in CONTENT_LANGUAGES
            },
        }


class ApproveForm(forms.Form):
    """The decision that approves the Call."""

    decision = forms.CharField(
        label=_("Approving decision"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who approved the Call, when and how (e.g. the Secretary General's letter)."),
    )
    resolution_number = forms.IntegerField(
        label=_("Resolution No."),
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        help_text=_("If a resolution of the register approved it."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the history with your name and the date."),
    )
