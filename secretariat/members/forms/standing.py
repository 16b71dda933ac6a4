"""Forms of the standing pages (suspending and restoring a member's right to vote)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

TEXT_MAX = 2000


def _date(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class StandingFilterForm(forms.Form):
    """The filter of the standing list (GET): current suspensions, or all of them."""

    CURRENT = "current"
    ALL = "all"
    STATUS_CHOICES = [
        (CURRENT, _("In force or upcoming")),
        (ALL, _("All, including ended and lifted")),
    ]

    status = forms.ChoiceField(label=_("Show"), required=False, choices=STATUS_CHOICES)

    def status_value(self) -> str:
        if self.is_valid() and self.cleaned_data.get("status") == self.ALL:
            return self.ALL
        return self.CURRENT


class SuspendForm(forms.Form):
    """Suspend a member's right to vote (members.services.standing.voting_suspend)."""

    valid_from = _date(_("Suspended from"), help_text=_("The first day the member cannot vote."))
    valid_to = _date(
        _("Until (exclusive)"),
        required=False,
        help_text=_(
            "The first day the member votes again, if already known; otherwise leave it empty "
            "and lift the suspension when its cause ends."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown wherever the member's vote is refused, e.g. in the composition."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        help_text=_("The article of the Statute or the decision that applies."),
    )


class LiftForm(forms.Form):
    """Restore a member's right to vote from a date (voting_suspension_lift)."""

    on = _date(_("Votes again from"), help_text=_("The first day the member may vote again."))
    reason = forms.CharField(
        label=_("Reason for lifting"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the dues were paid, or the General Assembly granted an exemption."),
    )
