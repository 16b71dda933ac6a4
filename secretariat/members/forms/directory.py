"""The public directory's filters (GET): what was understood, and the links it makes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from secretariat.core.widgets import FastSelect
from secretariat.members.models import Category, Country
from secretariat.members.selectors.registry import UNKNOWN, DirectoryCounts

SEARCH_MAX_LENGTH = 100
# The CISS has five sub-regions (I to V); their countries are assigned by the Secretariat.
SUBREGION_NUMBERS = (1, 2, 3, 4, 5)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}


@dataclass(frozen=True)
class CategoryLink:
    """A count of the directory by category, as the link that filters by it."""

    category: Category | None
    label: str | None
    count: int
    href: str  # the query string
    current: bool  # the category filtered on now


@dataclass(frozen=True)
class DirectoryFilters:
    """The filters of the directory that were understood (invalid ones are dropped)."""

    q: str = ""
    category: str = ""
    country: str = ""
    subregion: str = ""
    as_of: dt.date | None = None

    def selector_kwargs(self, *, without_category: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if without_category:
            data["category"] = ""
        return data

    def query(self, **overrides: Any) -> str:
        """The query string ("?…", or "" when empty) for these filters, with overrides."""
        data = {**asdict(self), **overrides}
        pairs = [(k, v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items() if v]
        return f"?{urlencode(pairs)}" if pairs else ""

    def category_links(self, counts: DirectoryCounts) -> list[CategoryLink]:
        """Each category's count as a link to these filters with that category."""
        return [
            CategoryLink(
                category=row.category,
                label=row.label,
                count=row.count,
                href=self.query(category=row.code),
                current=row.code == self.category,
            )
            for row in counts.by_category
        ]


class DirectoryFilterForm(forms.Form):
    """GET filters of the public directory; a value not understood is reported and ignored."""

    q = forms.CharField(
        label=_("Name or acronym"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        error_messages={
            "max_length": _(
                "The search text is limited to %(limit_value)d characters; it was ignored."
            )
        },
        widget=forms.TextInput(attrs={"type": "search", "maxlength": SEARCH_MAX_LENGTH}),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        widget=FastSelect,
        error_messages={
            "invalid_choice": _("This category is not known; all categories are shown.")
        },
    )
    country = forms.ChoiceField(
        label=_("Country or territory"),
        required=False,
        widget=FastSelect,
        error_messages={
            "invalid_choice": _("This country has no members; all countries are shown.")
        },
    )
    subregion = forms.ChoiceField(
        label=_("Sub-region"),
        required=False,
        widget=FastSelect,
        error_messages={
            "invalid_choice": _("This sub-region is not known; all sub-regions are shown.")
        },
    )
    as_of = forms.DateField(
        label=_("Members as of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "invalid": _("Enter the date as YYYY-MM-DD; members in force today are shown.")
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        categories: Sequence[Category],
        countries: Sequence[Country],
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("All categories")),
            *[(c.code, c.name_plural) for c in categories],
            (UNKNOWN, _("Category not recorded")),
        ]
        cast(forms.ChoiceField, self.fields["country"]).choices = [
            ("", _("All countries")),
            *[(c.code, c.name) for c in countries],
        ]
        cast(forms.ChoiceField, self.fields["subregion"]).choices = [
            ("", _("All sub-regions")),
            *[(str(n), _("Sub-region %(roman)s") % {"roman": ROMAN[n]}) for n in SUBREGION_NUMBERS],
            (UNKNOWN, _("Not assigned")),
        ]

    def filters(self) -> DirectoryFilters:
        """The valid filters; call after is_valid() (invalid fields are simply left out)."""
        if not self.is_bound:
            return DirectoryFilters()
        self.is_valid()
        data = self.cleaned_data
        return DirectoryFilters(
            q=data.get("q") or "",
            category=data.get("category") or "",
            country=data.get("country") or "",
            subregion=data.get("subregion") or "",
            as_of=data.get("as_of"),
        )

    def problems(self) -> list[str]:
        """One translated sentence per filter that was not understood."""
        if not self.is_bound or self.is_valid():
            return []
        return [
            f"{self.fields[name].label}: {' '.join(str(e) for e in errors)}"
            for name, errors in self.errors.items()
        ]
