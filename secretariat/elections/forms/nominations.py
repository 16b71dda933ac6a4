"""Forms of nominations: the member's nomination and correction, the Secretariat's paper
record, and the withdrawal. One file field per document requirement of the Call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.elections.models import CallOffice, NominationVersion, Requirement
from secretariat.governance.uploads import ACCEPT
from secretariat.members.models import Country, Institution

DOC_PREFIX = "doc_"


class _Choice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, CallOffice):
            return str(obj.office.name)
        return str(obj)


class NominationForm(forms.Form):
    """The candidate's data and a file per document requirement of the Call."""

    candidate_name = forms.CharField(label=_("Candidate's name"), max_length=200)
    candidate_nationality: forms.ModelChoiceField[Country] = forms.ModelChoiceField(
        label=_("Nationality"), queryset=Country.objects.order_by("name")
    )
    candidate_email = forms.EmailField(label=_("Candidate's e-mail"), required=False)
    candidate_biography = forms.CharField(
        label=_("Short biography"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    note = forms.CharField(
        label=_("Note to the Secretariat"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        documents: Sequence[Requirement],
        offices: Sequence[CallOffice] | None = None,
        institutions: Sequence[Institution] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if institutions is not None:
            field = _Choice(
                label=_("Nominating member"),
                queryset=Institution.objects.filter(pk__in=[i.pk for i in institutions]).order_by(
                    "name"
                ),
            )
            if len(institutions) == 1:
                field.initial = institutions[0].pk
            self.fields = {"institution": field, **self.fields}
        if offices is not None:
            office_field = _Choice(
                label=_("Office"),
                queryset=CallOffice.objects.filter(pk__in=[o.pk for o in offices])
                .select_related("office")
                .order_by("order", "pk"),
            )
            self.fields = {"call_office": office_field, **self.fields}
        for requirement in documents:
            label = str(requirement.label)
            if requirement.call_office is not None:
                label = f"{label} ({requirement.call_office.office.name})"
            self.fields[f"{DOC_PREFIX}{requirement.pk}"] = forms.FileField(
                label=label,
                required=False,
                help_text=requirement.description or "",
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )

    def data_for_service(self) -> dict[str, Any]:
        keys = (
            "candidate_name",
            "candidate_nationality",
            "candidate_email",
            "candidate_biography",
            "note",
        )
        return {k: self.cleaned_data.get(k) for k in keys}

    def files_for_service(self) -> dict[int, Any]:
        return {
            int(name[len(DOC_PREFIX) :]): value
            for name, value in self.cleaned_data.items()
            if name.startswith(DOC_PREFIX) and value
        }

    def document_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(DOC_PREFIX)]

    def data_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(DOC_PREFIX)]


class PaperNominationForm(NominationForm):
    """A nomination received on paper: when it arrived, in the Call's time zone."""

    received_at = forms.DateTimeField(
        label=_("Received on (date and time, in the Call's time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M:%S"),
        input_formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"],
    )

    def __init__(self, *args: Any, zone: dt.tzinfo, **kwargs: Any) -> None:
        self.zone = zone
        super().__init__(*args, **kwargs)

    def clean_received_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["received_at"]
        # The input is the Call's local time, whatever the site's or the user's zone.
        return value.replace(tzinfo=None).replace(tzinfo=self.zone)


def initial_from_version(version: NominationVersion) -> dict[str, Any]:
    return {
        "candidate_name": version.candidate_name,
        "candidate_nationality": version.candidate_nationality_id,
        "candidate_email": version.candidate_email,
        "candidate_biography": version.candidate_biography,
        "note": version.note,
    }


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the nomination is withdrawn"), widget=forms.Textarea(attrs={"rows": 3})
    )
