"""Forms of the eligibility report: they parse, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from secretariat.governance.models import AgendaItem

REASON_MAX = 500


class ReportDraftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why a new version"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once a version was signed: a later change is a new, dated version."),
    )


class ReportSignForm(forms.Form):
    agenda_item: forms.ModelChoiceField[AgendaItem] = forms.ModelChoiceField(
        label=_("Agenda item it is filed with"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The election item found in the agenda"),
        help_text=_("The signed report becomes a document of the session, on this item."),
    )
    reason = forms.CharField(
        label=_("Note recorded with the signature"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the history with your name and the date."),
    )

    def __init__(
        self, *args: Any, items: QuerySet[AgendaItem], default: AgendaItem | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agenda_item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = items
        if default is not None:
            field.initial = default.pk
