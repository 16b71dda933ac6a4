"""Forms of the live console: they parse input; the services decide (permission, rules, audit)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.core.languages import AUTONYMS, TRANSLATION_LANGUAGES
from secretariat.governance.models import (
    AgendaItem,
    Choice,
    DecisionKind,
    Motion,
    Participant,
    Session,
    Vote,
)

REASON_MAX = 2000
TEXT_MAX = 20000
TRANSLATION_LANGS = tuple((code, AUTONYMS[code]) for code in TRANSLATION_LANGUAGES)


def _reason(required: bool, label: Any = None, help_text: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"),
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text or _("Recorded in the history with your name and the time."),
    )


class ReasonForm(forms.Form):
    """An action with an optional note (open or close the session)."""

    reason = _reason(False, _("Note (optional)"))


class RequiredReasonForm(forms.Form):
    """An action that must say why (withdraw a motion)."""

    reason = _reason(True)


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} — {obj.institution or obj.seat or obj.get_role_display()}"


class AgendaItemChoiceField(forms.ModelChoiceField):
    """Items labelled with their number ("2.1 Title"); `numbers` is set by the form."""

    numbers: dict[int, str] = {}  # noqa: RUF012  (replaced per form instance)

    def label_from_instance(self, obj: Any) -> str:
        return f"{self.numbers.get(obj.pk, '')} {obj.title}".strip()


class _MotionTextsForm(forms.Form):
    """Proposer and texts: Spanish required (authoritative), translations optional."""

    proposer = forms.CharField(
        label=_("Proposed by"),
        max_length=250,
        required=False,
        help_text=_("A member, a delegation or an organ. Leave empty to use the person chosen."),
    )
    proposer_participant = ParticipantChoiceField(
        label=_("Proposing participant"),
        queryset=Participant.objects.none(),
        required=False,
        empty_label=_("Nobody in particular"),
    )
    title_es = forms.CharField(label=_("Title (Spanish, authoritative)"), max_length=300)
    text_es = forms.CharField(
        label=_("Text (Spanish, authoritative)"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8, "lang": "es"}),
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title_es"].widget.attrs["lang"] = "es"
        for code, name in TRANSLATION_LANGS:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=300,
                required=False,
                widget=forms.TextInput(attrs={"lang": code}),
            )
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                max_length=TEXT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "lang": code}),
            )
        field = self.fields["proposer_participant"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Participant.objects.filter(
                session=session,
                withdrawn_at__isnull=True,
                credentials=Participant.Credentials.ACCEPTED,
            )
            .select_related("institution", "seat")
            .order_by("institution__name", "full_name")
        )

    def texts(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            f"{name}_{code}": data.get(f"{name}_{code}", "")
            for name in ("title", "text")
            for code, _label in TRANSLATION_LANGS
        }


class MotionForm(_MotionTextsForm):
    """Table a motion (or correct it while proposed: `editing` asks for the reason)."""

    agenda_item = AgendaItemChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), empty_label=None
    )
    decision_kind = forms.ChoiceField(
        label=_("Kind of decision"),
        choices=DecisionKind.choices,
        help_text=_("It selects the majority required by the body's rules."),
    )

    field_order = [
        "agenda_item",
        "decision_kind",
        "proposer",
        "proposer_participant",
        "title_es",
        "text_es",
    ]

    def __init__(
        self,
        *args: Any,
        session: Session,
        item_numbers: dict[int, str],
        editing: bool = False,
        amendment: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, session=session, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, AgendaItemChoiceField)
        field.queryset = AgendaItem.objects.filter(session=session, withdrawn=False).order_by(
            "parent_id", "position"
        )
        field.numbers = item_numbers
        if amendment:  # an amendment keeps its motion's item and kind
            del self.fields["agenda_item"]
            del self.fields["decision_kind"]
        self.fields["reason"] = _reason(editing, _("Reason for the change") if editing else None)
        if not editing:
            self.fields["reason"].label = _("Note (optional)")


class AmendmentForm(_MotionTextsForm):
    """An amendment proposes the full new text of the motion (the diff is computed from it)."""

    reason = _reason(False, _("Note (optional)"))

    def __init__(self, *args: Any, session: Session, motion: Motion, **kwargs: Any) -> None:
        super().__init__(*args, session=session, **kwargs)
        self.fields["text_es"].help_text = _(
            "The whole text as amended: start from the motion's text and change it; the "
            "differences are shown word by word."
        )


class VoteOpenForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How the vote is taken"),
        choices=Vote.Method.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Acclamation and consensus are recorded at once as adopted, by the chair's word."
        ),
    )
    reason = _reason(False, _("Note (optional)"))


class HandsForm(forms.Form):
    yes = forms.IntegerField(label=_("Yes"), min_value=0, max_value=100000)
    no = forms.IntegerField(label=_("No"), min_value=0, max_value=100000)
    abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, max_value=100000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"inputmode": "numeric", "class": "count-input"})


class OverrideForm(forms.Form):
    carried = forms.TypedChoiceField(
        label=_("The chair rules that the motion"),
        choices=(("1", _("is carried")), ("0", _("is not carried"))),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = _reason(
        True,
        _("Reason for the ruling"),
        _("Required: it is shown with the result and kept in the action log."),
    )


class AttendanceSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or institution"), required=False, max_length=100)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class AttendanceMarkForm(forms.Form):
    participant = forms.IntegerField(min_value=1)
    present = forms.TypedChoiceField(choices=(("1", "1"), ("0", "0")), coerce=lambda v: v == "1")


class BallotForm(forms.Form):
    """A delegate's secret ballot: yes, no or abstain; or, on a ballot between options (an
    election's round), an option's key or abstain (a blank ballot), checked by the service
    against the vote's own answers."""

    unit = forms.RegexField(regex=r"^[is]\d+$", max_length=20)
    choice = forms.CharField(max_length=20)


class AnswerForm(forms.Form):
    """One answer: a roll-call answer entered by the secretary, or a delegate's secret ballot."""

    unit = forms.RegexField(regex=r"^[is]\d+$", max_length=20)
    choice = forms.ChoiceField(choices=Choice.choices)
