"""Forms of the registration part: they parse and check the shape; the services decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.core.forms import add_service_error  # noqa: F401  (re-exported for the views)
from secretariat.governance.models import Participant
from secretariat.members.models import Institution

LETTER_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
MEMBER_ROLE_CHOICES = [
    (Participant.Role.HEAD.value, Participant.Role.HEAD.label),
    (Participant.Role.DELEGATE.value, Participant.Role.DELEGATE.label),
    (Participant.Role.ADVISER.value, Participant.Role.ADVISER.label),
]


class InstitutionChoiceField(forms.ModelChoiceField):
    """Institutions listed by name (the page already says which body and date)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


def _institution_field(
    institutions: Sequence[Institution], label: Any, empty_label: Any
) -> InstitutionChoiceField:
    ids = [i.pk for i in institutions]
    field = InstitutionChoiceField(
        label=label,
        queryset=Institution.objects.filter(pk__in=ids).order_by("name"),
        empty_label=empty_label,
    )
    if len(ids) == 1:
        field.widget = forms.HiddenInput()
        field.initial = ids[0]
    return field


def _letter_field(label: Any, help_text: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": LETTER_ACCEPT}),
    )


class DelegateForm(forms.Form):
    """Name a delegate: for a representative (their institution) or the Secretariat (any)."""

    institution: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(
        queryset=Institution.objects.none()
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(
        label=_("Position"),
        max_length=200,
        required=False,
        help_text=_("Their position in the institution, e.g. 'Director General'."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_(
            "If the person has an account with this e-mail, it is linked: they can then follow "
            "the session and vote from their own browser."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MEMBER_ROLE_CHOICES)
    credentials_file = _letter_field(
        _("Letter of credentials"),
        _(
            "PDF, PNG or JPEG, signed by the institution. The Secretariat checks the credentials "
            "against it."
        ),
    )

    def __init__(self, *args: Any, institutions: Sequence[Institution] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"] = _institution_field(
            institutions, _("Member institution"), _("Choose an institution")
        )
        self.order_fields(["institution"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        max_length=2000,
        widget=forms.TextInput(),
        help_text=_("Recorded in the history with your name and the date."),
    )


class DecisionForm(forms.Form):
    """Accept or reject (credentials or a proxy); a rejection needs a note the member sees."""

    DECISIONS = [("accept", _("Accept")), ("reject", _("Reject"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject: the member's representatives see it."),
    )

    @property
    def accept(self) -> bool:
        return self.cleaned_data.get("decision") == "accept"


class BulkAcceptForm(forms.Form):
    participant = forms.TypedMultipleChoiceField(
        label=_("Participants"), coerce=int, choices=(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service accepts only this session's pending participants: any id is parsed here.
        raw = self.data.getlist("participant") if hasattr(self.data, "getlist") else []
        field = self.fields["participant"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(v, v) for v in raw if str(v).isdigit()]


class ParticipantFilterForm(forms.Form):
    """The filter bar of the list of participants (GET)."""

    q = forms.CharField(label=_("Name or institution"), required=False, max_length=100)
    credentials = forms.ChoiceField(
        label=_("Credentials"),
        required=False,
        choices=[("", _("Any state")), *Participant.Credentials.choices],
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *Participant.Role.choices]
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"q": "", "credentials": "", "role": ""}
        return {
            "q": self.cleaned_data["q"].strip(),
            "credentials": self.cleaned_data["credentials"],
            "role": self.cleaned_data["role"],
        }


class InstitutionPickForm(forms.Form):
    """Which represented institution's delegation to show (GET)."""

    institution = forms.TypedChoiceField(label=_("Institution"), coerce=int, choices=())

    def __init__(self, *args: Any, institutions: Sequence[Institution] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(i.pk, str(i)) for i in institutions]


class ProxyForm(forms.Form):
    """Give the member's proxy to another full member."""

    grantor: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(
        queryset=Institution.objects.none()
    )
    holder: forms.ModelChoiceField[Institution] = forms.ModelChoiceField(
        queryset=Institution.objects.none()
    )
    letter = _letter_field(
        _("Letter of proxy"),
        _("PDF, PNG or JPEG, signed by the institution giving the proxy."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        grantors: Sequence[Institution] = (),
        holders: Sequence[Institution] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grantor"] = _institution_field(
            grantors, _("Member giving the proxy"), _("Choose a member")
        )
        self.fields["holder"] = InstitutionChoiceField(
            label=_("Member holding the proxy"),
            queryset=Institution.objects.filter(pk__in=[i.pk for i in holders]).order_by("name"),
            empty_label=_("Choose a full member"),
            help_text=_("A full member with the right to vote on the session's date."),
        )
        self.order_fields(["grantor", "holder", "letter", "note"])


class ProxyRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=500,
        widget=forms.TextInput(),
        help_text=_("Recorded in the history with your name and the date."),
    )
