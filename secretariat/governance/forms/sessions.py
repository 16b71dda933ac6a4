"""Forms of the session pages: create/edit, convene, cancel, and the list's filters.

Forms only parse the input; the services decide (permission, rules, audit). Dates and
times are entered in the session's own time zone (chosen in the same form).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from secretariat.core.forms import add_service_error  # noqa: F401  (re-exported for the views)
from secretariat.core.languages import AUTONYMS, CONTENT_LANGUAGE_CHOICES, CONTENT_LANGUAGES
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.governance.models import Body, Seat, Session
from secretariat.governance.selectors.sessions import (
    local,
    requester_seat_choices,
    session_bodies,
)
from secretariat.members.selectors import country_list

REASON_MAX = 2000
TEXT_MAX = 20000
INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def time_zone_choices() -> list[tuple[str, str]]:
    """The zones of the Americas first (where members sit), then Europe, Atlantic and UTC."""
    zones = available_timezones()
    americas = sorted(z for z in zones if z.startswith("America/"))
    others = sorted(z for z in zones if z.startswith(("Europe/", "Atlantic/")))
    return [(z, z.replace("_", " ")) for z in [*americas, *others, "UTC"]]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as typed (naive): the form makes it aware in the chosen time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=INPUT_FORMAT)

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
            for fmt in (INPUT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
                try:
                    parsed = dt.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed.replace(tzinfo=None)


def naive_in(moment: dt.datetime | None, tz_name: str) -> str:
    """An aware datetime as the datetime-local input shows it in the session's zone."""
    return local(moment, tz_name).strftime(INPUT_FORMAT) if moment else ""


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class RequesterSeatsField(forms.ModelMultipleChoiceField):
    """A seat named by its body, title, holder and dates."""

    def label_from_instance(self, obj: Any) -> str:
        holder = f" — {obj.holder}" if obj.holder else ""
        until = f" – {obj.valid_to:%Y-%m-%d}" if obj.valid_to else ""
        return f"{obj.body.name}: {obj.title}{holder} ({obj.valid_from:%Y-%m-%d}{until})"


def _model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _reason(required: bool, label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the history with your name and the date."),
    )


class SessionFilterForm(forms.Form):
    """The filter bar of the session list (GET)."""

    body: forms.ModelChoiceField[Body] = forms.ModelChoiceField(
        label=_("Body"),
        required=False,
        queryset=Body.objects.none(),
        to_field_name="code",
        empty_label=_("Any body"),
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args: Any, years: list[int], states: list[tuple[str, Any]], **kw: Any):
        super().__init__(*args, **kw)
        _model_choice(self, "body").queryset = session_bodies()
        _choice(self, "year").choices = [("", _("Any year"))] + [(y, str(y)) for y in years]
        _choice(self, "state").choices = [("", _("Any state")), *states]

    def filters(self) -> dict[str, Any]:
        """The cleaned filters; anything invalid is ignored (a bad link shows everything)."""
        if not self.is_valid():
            return {"body": None, "year": None, "state": None}
        return {
            "body": self.cleaned_data.get("body"),
            "year": self.cleaned_data.get("year"),
            "state": self.cleaned_data.get("state") or None,
        }


def convener_help() -> str:
    """Who may convene an extraordinary session, per body, with the numbers in force today."""
    ga = int(rule_value("governance.general_assembly.extraordinary_requesters"))
    cass = int(rule_value("governance.cass.extraordinary_requesters"))
    return str(
        _(
            "Ordinary sessions are convened under the Statute. Extraordinary sessions: General "
            "Assembly — the President, or at least %(ga)d members of the Standing Committee "
            "(name them below); Standing Committee — the President; CASS commission — its "
            "president or at least %(cass)d of its members (name them below); CIESS Board and "
            "sub-regional meetings — their president (default, to be confirmed)."
        )
        % {"ga": ga, "cass": cass}
    )


class SessionForm(forms.Form):
    """A session's data; the body and kind are chosen once (they fix the numbering)."""

    body: forms.ModelChoiceField[Body] = forms.ModelChoiceField(
        label=_("Body"), queryset=Body.objects.none(), empty_label=_("Choose a body")
    )
    kind = forms.ChoiceField(
        label=_("Kind of session"), choices=Session.Kind.choices, widget=forms.RadioSelect
    )
    number = forms.IntegerField(
        label=_("Number"),
        required=False,
        min_value=1,
        max_value=3999,
        help_text=_("Its number in the body's series of this kind. Leave empty for the next one."),
    )
    starts_at = LocalDateTimeField(label=_("Opens on"))
    ends_at = LocalDateTimeField(label=_("Ends on"), required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        initial="America/Mexico_City",
        help_text=_("The dates and times above are in this time zone."),
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=250,
        help_text=_("City and venue; leave empty for a session held only online."),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        required=False,
        queryset=country_list(),
        empty_label=_("No country (online, or not known yet)"),
    )
    online = forms.BooleanField(label=_("Held online (entirely or in part)"), required=False)
    online_url = forms.URLField(
        label=_("Link to join"), required=False, max_length=200, assume_scheme="https"
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=CONTENT_LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=["es", "en"],
        help_text=_("Spanish is always one of them: it is the authoritative language."),
    )
    convened_by = forms.ChoiceField(
        label=_("Convened by"), choices=Session.ConvenedBy.choices, initial="statute"
    )
    requesters = RequesterSeatsField(
        label=_("Requested by"),
        required=False,
        queryset=Seat.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For an extraordinary session requested by members: the holders of voting seats "
            "who signed the request. A member holding several seats counts once."
        ),
    )
    requested_on = forms.DateField(
        label=_("Date of the request"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The requesters must hold their voting seats on this date."),
    )
    title_es = forms.CharField(
        label=_("Title (Spanish, authoritative)"),
        required=False,
        max_length=250,
        help_text=_("Leave empty to generate it from the number, kind and body."),
    )
    title_en = forms.CharField(label=_("Title (English)"), required=False, max_length=250)
    title_pt = forms.CharField(label=_("Title (Portuguese)"), required=False, max_length=250)
    title_fr = forms.CharField(label=_("Title (French)"), required=False, max_length=250)
    chair = forms.CharField(label=_("Chair"), required=False, max_length=200)
    secretary = forms.CharField(label=_("Secretary"), required=False, max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=500)

    def __init__(self, *args: Any, session: Session | None = None, **kwargs: Any) -> None:
        self.session = session
        super().__init__(*args, **kwargs)
        _model_choice(self, "body").queryset = session_bodies()
        requesters = self.fields["requesters"]
        assert isinstance(requesters, forms.ModelMultipleChoiceField)
        requesters.queryset = requester_seat_choices()
        self.fields["convened_by"].help_text = mark_safe(convener_help())  # noqa: S308  (our own text, no user input)
        if session is None:
            self.fields["reason"] = _reason(False, _("Note for the history"))
            return
        # The body and kind fix the series: they are not changed once the session exists.
        del self.fields["body"]
        del self.fields["kind"]
        convened = session.state == Session.State.CONVENED
        if convened:
            for name in ("number", "convened_by", "requesters", "requested_on"):
                del self.fields[name]
            self.fields["documents_deadline"] = LocalDateTimeField(
                label=_("Deadline for documents"), required=False
            )
            self.fields["short_notice_reason"] = forms.CharField(
                label=_("Reason for a shorter notice"),
                required=False,
                max_length=REASON_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "Only if the new date leaves less than the notice period since the "
                    "convocation; recorded as a waiver."
                ),
            )
        self.fields["reason"] = _reason(
            convened, _("Reason for the change") if convened else _("Note for the history")
        )

    @staticmethod
    def initial_for(session: Session) -> dict[str, Any]:
        tz = session.time_zone
        return {
            "number": session.number,
            "starts_at": naive_in(session.starts_at, tz),
            "ends_at": naive_in(session.ends_at, tz),
            "documents_deadline": naive_in(session.documents_deadline, tz),
            "time_zone": tz,
            "place": session.place,
            "country": session.country_id,
            "online": session.online,
            "online_url": session.online_url,
            "languages": session.languages,
            "convened_by": session.convened_by,
            "requesters": list(session.requesters.values_list("pk", flat=True)),
            "requested_on": session.requested_on,
            # modeltranslation's columns, which the type checker cannot see
            **{f"title_{lang}": getattr(session, f"title_{lang}") for lang in CONTENT_LANGUAGES},
            "chair": session.chair,
            "secretary": session.secretary,
            "notes": session.notes,
            "source": session.source,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tz_name = data.get("time_zone")
        if tz_name:
            tz = ZoneInfo(tz_name)
            for name in ("starts_at", "ends_at", "documents_deadline"):
                if data.get(name) is not None:
                    data[name] = timezone.make_aware(data[name], tz)
        return data

    SECTIONS = (
        (_("Session"), ("body", "kind", "number", "convened_by", "requesters", "requested_on")),
        (
            _("Dates and place"),
            ("starts_at", "ends_at", "time_zone", "documents_deadline", "place", "country"),
        ),
        (_("Online and languages"), ("online", "online_url", "languages")),
        (_("Titles"), ("title_es", "title_en", "title_pt", "title_fr")),
        (_("Officers and notes"), ("chair", "secretary", "notes", "source")),
        (_("Why"), ("short_notice_reason", "reason")),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields in labelled groups (fieldsets), each group only with the fields present."""
        out = []
        for legend, names in self.SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                out.append((legend, fields))
        return out

    def data_for_service(self) -> dict[str, Any]:
        skip = {"reason", "short_notice_reason"}
        data = {k: v for k, v in self.cleaned_data.items() if k not in skip}
        if "requesters" in data:
            data["requesters"] = list(data["requesters"])
        return data


class ConveneForm(forms.Form):
    """The convocation in each of the session's languages, the documents deadline, and a
    reason when the notice is shorter than the rule."""

    documents_deadline = LocalDateTimeField(
        label=_("Deadline for documents"),
        help_text=_("In the session's time zone."),
    )
    short_notice_reason = forms.CharField(
        label=_("Reason for a shorter notice"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the notice period cannot be met; recorded as a waiver."),
    )
    reason = _reason(False, _("Note for the history"))

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        self.session = session
        super().__init__(*args, **kwargs)
        for lang in session.languages:
            self.fields[f"convocation_{lang}"] = forms.CharField(
                label=_("Convocation (%(language)s)") % {"language": AUTONYMS[lang]},
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 14, "lang": lang}),
            )
        # Text fields first, in the session's language order, then the rest.
        order = [f"convocation_{lang}" for lang in session.languages]
        self.order_fields([*order, "documents_deadline", "short_notice_reason", "reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("documents_deadline") is not None:
            data["documents_deadline"] = timezone.make_aware(
                data["documents_deadline"], ZoneInfo(self.session.time_zone)
            )
        return data

    def texts(self) -> dict[str, str]:
        return {
            lang: self.cleaned_data.get(f"convocation_{lang}", "")
            for lang in self.session.languages
        }


class CancelForm(forms.Form):
    reason = _reason(True, _("Why is the session cancelled?"))
