"""Forms for affiliation and disaffiliation requests: the public application, recording one,
each workflow step, and the member's own disaffiliation request. Forms parse and bound
input; the services decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from secretariat.core.validators import validate_no_bidi_controls
from secretariat.members.models import Category, Country, Institution, MembershipRequest
from secretariat.members.rule_settings import BODY_CHOICES
from secretariat.members.selectors.registry import country_list
from secretariat.members.selectors.requests import deciding_bodies_allowed
from secretariat.members.uploads import ATTACHMENT_TYPES, validate_attachment

MAX_FILES = 10
PUBLIC_MAX_FILES = 5
REASON_MAX = 2000
STATEMENT_MAX = 5000
DECISION_HELP = _("The body's decision, e.g. “Resolution CISS No. 123, XXXI General Assembly”.")


# --- Shared pieces -------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    """A file input that accepts several files (Django docs, "Uploading multiple files")."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files as a list, at most `max_files`, each checked by type, content
    and size (the public application and the Secretariat's forms alike)."""

    def __init__(self, *args: Any, max_files: int = MAX_FILES, **kwargs: Any) -> None:
        accept = ",".join(sorted(ATTACHMENT_TYPES))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("Send at most %(max)d files; %(count)d were chosen.")
                % {"max": self.max_files, "count": len(uploads)},
                code="too_many",
            )
        single_clean = super().clean
        cleaned: list[UploadedFile] = []
        errors: list[ValidationError] = []
        for upload in uploads:
            upload = single_clean(upload, initial)
            try:
                validate_attachment(upload)
            except ValidationError as exc:
                errors.append(
                    ValidationError(f"{upload.name}: {' '.join(exc.messages)}", code=exc.code)
                )
            cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def reason_field(*, required: bool, label: Any = None, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"),
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text or _("Recorded with the change in the request's history."),
    )


def not_in_future(value: Any) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


def deciding_body_choices() -> list[tuple[str, str]]:
    """The bodies that may decide a request now (selectors.deciding_bodies_allowed), labelled."""
    labels = {code: str(label) for code, label in BODY_CHOICES}
    return [(code, labels.get(code, code)) for code in deciding_bodies_allowed()]


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Institution) -> str:
        label = f"{obj} — {obj.country}"
        return f"{label} [{_('Example')}]" if obj.is_example else label


# --- Recording and listing -----------------------------------------------------------


class RequestFilterForm(forms.Form):
    """The filter bar above the request list (GET)."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Open (not yet decided)")),
            *MembershipRequest.State.choices,
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *MembershipRequest.Kind.choices]
    )

    def values(self) -> tuple[str, str]:
        """(state, kind); unknown values are ignored rather than shown as errors."""
        if not self.is_bound:
            return "", ""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("state") or "", data.get("kind") or ""


class RequestRecordForm(forms.Form):
    """A request received by letter or e-mail, recorded by the Secretariat."""

    kind = forms.ChoiceField(label=_("Kind of request"), choices=MembershipRequest.Kind.choices)
    institution = InstitutionChoiceField(
        label=_("Institution in the registry"),
        queryset=Institution.objects.select_related("country").order_by("name"),
        required=False,
        help_text=_(
            "Required for a disaffiliation. For a new applicant leave it empty "
            "and fill in the fields below."
        ),
    )
    applicant_name = forms.CharField(
        label=_("Applicant institution's name"),
        max_length=300,
        required=False,
        validators=[validate_no_bidi_controls],
    )
    applicant_acronym = forms.CharField(
        label=_("Acronym"), max_length=40, required=False, validators=[validate_no_bidi_controls]
    )
    applicant_country = forms.ModelChoiceField(
        label=_("Country"), queryset=country_list(), required=False
    )
    applicant_website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )
    requested_category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        label=_("Requested category"), queryset=Category.objects.order_by("order"), required=False
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=200,
        required=False,
        validators=[validate_no_bidi_controls],
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254, required=False)
    contact_phone = forms.CharField(label=_("Contact telephone"), max_length=60, required=False)
    statement = forms.CharField(
        label=_("Statement"),
        max_length=STATEMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A summary of the letter or e-mail."),
    )
    received_on = forms.DateField(
        label=_("Received on"),
        required=False,
        widget=date_input(),
        validators=[not_in_future],
        help_text=_("Today when left empty."),
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("PDF, PNG, JPEG or Word (.docx); several files may be chosen."),
    )
    reason = reason_field(required=False, label=_("Note for the history"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Text for a new applicant only makes sense without an institution chosen.
        if data.get("institution") is not None and data.get("applicant_name"):
            self.add_error(
                "applicant_name", _("Choose an institution or name a new applicant, not both.")
            )
        return data


class RequestDisaffiliationForm(forms.Form):
    """A member's representative asks to leave the organization."""

    statement = forms.CharField(
        label=_("Statement"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why the institution asks to leave, and from when."),
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("The signed letter of the head of the institution (PDF, PNG, JPEG or .docx)."),
    )


# --- Workflow steps ------------------------------------------------------------------


class ActionForm(forms.Form):
    """A workflow step's form. Several share the record page, so each prefixes its ids."""

    action_key = "action"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.action_key}_%s")
        super().__init__(*args, **kwargs)


class RequestReviewForm(ActionForm):
    action_key = "review"
    reason = reason_field(required=False, label=_("Note"))


class RequestChecklistForm(ActionForm):
    """One checkbox per document the file must contain (the request's own checklist)."""

    action_key = "checklist"

    def __init__(self, *args: Any, membership_request: MembershipRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, done in membership_request.checklist:
            self.fields[name] = forms.BooleanField(label=label, required=False, initial=done)
        self.fields["note"] = reason_field(required=False, label=_("Note"))
        self.check_names: Sequence[str] = [
            name for name, _label, _done in membership_request.checklist
        ]

    def checks(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in self.check_names}


class RequestForwardForm(ActionForm):
    action_key = "forward"
    deciding_body = forms.ChoiceField(label=_("Deciding body"))
    reason = reason_field(required=False, label=_("Note"))

    def __init__(self, *args: Any, bodies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["deciding_body"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = bodies
        field.initial = bodies[0][0] if bodies else None


class RequestApproveForm(ActionForm):
    action_key = "approve"
    decision_reference = forms.CharField(
        label=_("Decision"), max_length=300, help_text=DECISION_HELP
    )
    decided_on = forms.DateField(
        label=_("Decided on"), widget=date_input(), validators=[not_in_future]
    )
    effective_on = forms.DateField(
        label=_("Effective on"),
        widget=date_input(),
        help_text=_("The first day the decision takes effect."),
    )
    granted_category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        label=_("Category granted"), queryset=Category.objects.order_by("order")
    )
    reason = reason_field(required=False, label=_("Note"))

    def __init__(self, *args: Any, membership_request: MembershipRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if membership_request.kind == MembershipRequest.Kind.DISAFFILIATION:
            del self.fields["granted_category"]
            self.fields["effective_on"].help_text = _(
                "The first day the institution is no longer a member."
            )
        else:
            self.fields["granted_category"].initial = membership_request.requested_category_id


class RequestRejectForm(ActionForm):
    action_key = "reject"
    decision_reference = forms.CharField(
        label=_("Decision"), max_length=300, help_text=DECISION_HELP
    )
    decided_on = forms.DateField(
        label=_("Decided on"), widget=date_input(), validators=[not_in_future]
    )
    reason = reason_field(required=True, help_text=_("Why the body rejected the request."))


class RequestWithdrawForm(ActionForm):
    action_key = "withdraw"
    reason = reason_field(
        required=True, help_text=_("Why the request is withdrawn, e.g. the applicant's letter.")
    )


class RequestAttachForm(ActionForm):
    action_key = "attach"
    documents = MultipleFileField(
        label=_("Documents"),
        help_text=_("PDF, PNG, JPEG or Word (.docx); several files may be chosen."),
    )
    reason = reason_field(required=False, label=_("Note"))


# --- The public application ----------------------------------------------------------


class HoneypotInput(forms.TextInput):
    """A text box people never see or reach; automated submitters tend to fill it in.

    Rendered as a hidden field (no visible label row), wrapped in an element that is
    visually hidden and hidden from assistive technology, out of the tab order.
    """

    # Rendered with the hidden fields, so without a visible label row.
    is_hidden = True

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = {**(attrs or {}), "tabindex": "-1", "autocomplete": "off"}
        field = super().render(name, value, attrs, renderer)
        return format_html(
            '<div class="visually-hidden" aria-hidden="true"><label for="{}">{}</label>{}</div>',
            attrs.get("id", ""),
            _("Leave this field empty"),
            field,
        )


class ApplicationForm(forms.Form):
    """An institution's application for affiliation, sent through the public site."""

    applicant_name = forms.CharField(
        label=_("Name of the institution"), max_length=300, validators=[validate_no_bidi_controls]
    )
    applicant_acronym = forms.CharField(
        label=_("Acronym"), max_length=40, required=False, validators=[validate_no_bidi_controls]
    )
    applicant_country: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Country or territory"),
        queryset=Country.objects.order_by("name"),
        empty_label=_("Choose a country"),
    )
    applicant_website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )
    requested_category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        label=_("Requested category"),
        queryset=Category.objects.order_by("order"),
        required=False,
        empty_label=_("Not sure: the Secretariat will advise"),
        help_text=_(
            "Only full members have the right to vote; the other members have a right to voice."
        ),
    )
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=200, validators=[validate_no_bidi_controls]
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254)
    contact_phone = forms.CharField(label=_("Contact telephone"), max_length=60, required=False)
    statement = forms.CharField(
        label=_("Statement"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Why the institution wishes to join, and anything the Secretariat should know."
        ),
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        max_files=PUBLIC_MAX_FILES,
        help_text=_(
            "Up to 5 files (PDF, PNG, JPEG or Word .docx): the letter of request signed by "
            "the head of the institution, the legal instrument creating it, the designation "
            "of a representative."
        ),
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"), required=False, widget=HoneypotInput
    )

    @property
    def is_bot(self) -> bool:
        """Whether the hidden field was filled in (only automated submitters see it)."""
        return bool(self.data.get("homepage", "").strip())
