"""Forms of the statement of account, the aging report, the collection rates and the
reminders: they parse, the selectors and services (services/reminders.py) decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

REASON_MAX = 2000


def _date(label: Any, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class StatementPeriodForm(forms.Form):
    """The statement's period (both optional: the whole history to date)."""

    start = _date(_("From"), help_text=_("What came before is carried as the opening balance."))
    end = _date(_("Until"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period must not be before its start."))
        return data


class AgingForm(forms.Form):
    on = _date(_("As of"), help_text=_("Payments and decisions up to this day are counted."))


class CollectionYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int, required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, str(y)) for y in years]


REMINDER_STATES = (
    ("", _("All")),
    ("scheduled", _("Scheduled")),
    ("sent", _("Sent")),
    ("cancelled", _("Cancelled")),
)


class ReminderFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=REMINDER_STATES, required=False)


class ReminderScheduleForm(forms.Form):
    """Members owing dues, chosen from the list the selector gives, and the day (empty:
    each member's due date plus the setting's days)."""

    institutions = forms.TypedMultipleChoiceField(
        label=_("Members with dues outstanding"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one member.")},
    )
    scheduled_for = _date(
        _("Send on"),
        help_text=_(
            "Leave empty to send each reminder the set number of days after the member's due date."
        ),
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["institutions"]).choices = choices


class ReminderCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the reminder and in the history, with your name and the date."),
    )
