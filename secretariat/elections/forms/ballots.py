"""The ballot's forms: start a contest, open a round (in the hall or remote), acclaim, and
record a draw of lots."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.governance.models import Session


class ContestStartForm(forms.Form):
    place = forms.IntegerField(label=_("Place"), min_value=1, initial=1)
    session: forms.ModelChoiceField[Session] = forms.ModelChoiceField(
        label=_("Session"),
        queryset=Session.objects.filter(state__in=[Session.State.CONVENED, Session.State.OPEN]),
    )


class RoundOpenForm(forms.Form):
    remote = forms.BooleanField(
        label=_("Non-presential (exceptional): delegates vote from their own accounts"),
        required=False,
    )
    window_end = forms.DateTimeField(
        label=_("Voting closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DrawForm(forms.Form):
    keys = forms.MultipleChoiceField(
        label=_("Drawn"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    reason = forms.CharField(label=_("How the lots were drawn"), max_length=500)

    def __init__(self, *args: Any, choices: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["keys"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(choices)


class RemoteBallotForm(forms.Form):
    """A delegate's ballot in a non-presential round: the member cast for, and one candidate
    or a blank ballot ("abstain")."""

    unit = forms.ChoiceField(label=_("Member"), choices=())
    choice = forms.ChoiceField(label=_("Your choice"), choices=())

    def __init__(
        self,
        *args: Any,
        units: Sequence[str] = (),
        candidates: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        unit, choice = self.fields["unit"], self.fields["choice"]
        assert isinstance(unit, forms.ChoiceField) and isinstance(choice, forms.ChoiceField)
        unit.choices = [(k, k) for k in units]
        choice.choices = [*candidates, ("abstain", _("Blank ballot"))]
