"""Forms of the resolutions register and of the minutes: they parse, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secretariat.core.languages import field_label
from secretariat.governance.models import Body, Resolution, Session, Vote
from secretariat.governance.selectors.resolutions import resolution_bodies
from secretariat.members.models import DatePrecision, Source

REASON_MAX = 2000
TEXT_MAX = 200_000


def _reason(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the history with your name and the date."),
    )


def _title(lang: str, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=field_label(_("Title"), lang),
        max_length=400,
        required=required,
    )


def _text(lang: str, required: bool = False, rows: int = 6) -> forms.CharField:
    return forms.CharField(
        label=field_label(_("Text"), lang),
        max_length=TEXT_MAX,
        required=required,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- Resolutions ------------------------------------------------------------------------


class ResolutionFilterForm(forms.Form):
    """The search and filter bar of the public resolution list (GET)."""

    q = forms.CharField(
        label=_("Number or words"),
        required=False,
        max_length=200,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *Resolution.Kind.choices],
    )
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=1942, max_value=9999
    )
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1942, max_value=9999)
    body: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Body"),
        required=False,
        queryset=Body.objects.none(),
        to_field_name="code",
        empty_label=_("Any body"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        assert isinstance(body, forms.ModelChoiceField)
        body.queryset = resolution_bodies()

    def filters(self) -> dict[str, Any]:
        """The cleaned filters; an invalid one is dropped (a bad link shows everything)."""
        self.is_valid()  # invalid fields are left out of cleaned_data
        data = self.cleaned_data
        body = data.get("body")
        return {
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "year_from": data.get("year_from"),
            "year_to": data.get("year_to"),
            "body": body.code if isinstance(body, Body) else "",
        }


class ResolutionAdoptForm(forms.Form):
    """A carried motion becoming a resolution: its kind, titles and texts."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Resolution.Kind.choices)
    title_es = _title("es", required=True)
    text_es = _text("es", required=True, rows=10)
    title_en = _title("en")
    text_en = _text("en")
    title_pt = _title("pt")
    text_pt = _text("pt")
    title_fr = _title("fr")
    text_fr = _text("fr")
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=500,
        help_text=_("Where the adopted text is published, if anywhere yet."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text_es"].help_text = _(
            "The text as adopted (the motion's text). It cannot change once recorded."
        )


class ResolutionRecordForm(forms.Form):
    """An earlier resolution of the series, entered from its source."""

    number = forms.IntegerField(label=_("Number"), min_value=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=Resolution.Kind.choices)
    title_es = _title("es", required=True)
    text_es = _text("es")
    title_en = _title("en")
    text_en = _text("en")
    adopted_on = forms.DateField(
        label=_("Adopted on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("If only the year or month is known, enter its first day and say so below."),
    )
    adopted_on_precision = forms.ChoiceField(
        label=_("The date is known to the"),
        choices=DatePrecision.choices,
        initial=DatePrecision.YEAR,
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_("Where this resolution is recorded (publication, page, archive)."),
    )
    origin = forms.ChoiceField(
        label=_("Origin"),
        choices=[
            (Source.REFERENCE, Source.REFERENCE.label),
            (Source.SECRETARIAT, Source.SECRETARIAT.label),
            (Source.EXAMPLE, Source.EXAMPLE.label),
        ],
        initial=Source.SECRETARIAT,
    )
    reason = _reason(required=False)


class ResolutionTranslationsForm(forms.Form):
    """The translations of a resolution (the Spanish text is not a field: it cannot change)."""

    title_en = _title("en")
    text_en = _text("en", rows=8)
    title_pt = _title("pt")
    text_pt = _text("pt", rows=8)
    title_fr = _title("fr")
    text_fr = _text("fr", rows=8)
    reason = _reason()


class ResolutionLinkForm(forms.Form):
    """This resolution amends or repeals an earlier one."""

    relation = forms.ChoiceField(
        label=_("This resolution"),
        choices=[("amends", _("amends")), ("repeals", _("repeals"))],
        widget=forms.RadioSelect,
    )
    target = forms.IntegerField(
        label=_("Number of the earlier resolution"),
        min_value=1,
        help_text=_("It must be lower than this resolution's number."),
    )
    reason = _reason()


class ResolutionSeriesForm(forms.Form):
    next_number = forms.IntegerField(
        label=_("Next number"),
        min_value=1,
        help_text=_("The number the next adopted resolution takes."),
    )
    basis = forms.CharField(
        label=_("Basis"),
        max_length=500,
        help_text=_(
            "What the number rests on, e.g. the last resolution published and where. "
            "Shown on this page."
        ),
    )
    reason = _reason()


# --- Minutes ----------------------------------------------------------------------------


class MinutesEditForm(forms.Form):
    """The text of the minutes in each of the session's languages."""

    reason = _reason(required=False)

    def __init__(self, *args: Any, languages: list[str], reason_required: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for lang in languages:
            field = _text(lang, required=lang == "es", rows=24 if lang == "es" else 12)
            fields[f"text_{lang}"] = field
        fields["reason"] = _reason(required=reason_required)
        self.fields = fields
        self.languages = languages

    def texts(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k.startswith("text_")}


class MinutesCirculateForm(forms.Form):
    comments_until = forms.DateTimeField(
        label=_("Comments until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, default: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tz = timezone.get_current_timezone_name()
        self.fields["comments_until"].help_text = _(
            "Time zone %(tz)s. Filled in with the body's period for comments, counted from now."
        ) % {"tz": tz}
        if default is not None:
            self.fields["comments_until"].initial = timezone.localtime(default).strftime(
                "%Y-%m-%dT%H:%M"
            )


class MinutesCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Name the passage you comment on. The Secretariat answers each comment."),
    )


class CommentRespondForm(forms.Form):
    response = forms.CharField(
        label=_("How the comment was addressed"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MinutesAmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the minutes are amended"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the comments received; recorded in the history."),
    )


class _SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.starts_at).date()
        return f"{obj.title} ({when.isoformat()}) — {obj.get_state_display()}"


class _VoteChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        result = _("carried") if obj.carried else _("not carried")
        return f"{obj.motion.number}. {obj.motion.title} — {obj.get_method_display()} ({result})"


class DecisionForm(forms.Form):
    """A decision taken at a later session of the same body (approval of minutes or erratum)."""

    approved_at_session = _SessionChoice(
        label=_("Approving session"),
        queryset=Session.objects.none(),
        empty_label=_("Choose a later session of the same body"),
        help_text=_("Only later sessions of the same body that have met are listed."),
    )
    approval_decision = forms.CharField(
        label=_("Decision"),
        max_length=300,
        help_text=_("As the session took it, e.g. “The Assembly approved the minutes.”"),
    )

    def __init__(self, *args: Any, sessions: QuerySet[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["approved_at_session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = sessions


class MinutesApproveForm(DecisionForm):
    approval_vote = _VoteChoice(
        label=_("Vote that approved them (optional)"),
        required=False,
        queryset=Vote.objects.none(),
        empty_label=_("No vote: approved without one"),
        help_text=_("A closed vote of the approving session that carried."),
    )

    def __init__(
        self, *args: Any, sessions: QuerySet[Session], votes: QuerySet[Vote], **kwargs: Any
    ) -> None:
        super().__init__(*args, sessions=sessions, **kwargs)
        field = self.fields["approval_vote"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = votes


class MinutesSignForm(forms.Form):
    chair_signatory = forms.CharField(label=_("Chair who signs"), max_length=200)
    secretary_signatory = forms.CharField(label=_("Secretary who signs"), max_length=200)


class ErratumForm(forms.Form):
    text = forms.CharField(
        label=_("Correction"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Say where and what: e.g. “Item 3, second paragraph: where it says … it should say …”."
        ),
    )
