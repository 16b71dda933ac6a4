"""Forms of the public member pages: the directory filters and the affiliation application.

Neither form writes anything: the views hand their cleaned data to a selector or a service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from secretariat.core.widgets import FastSelect
from secretariat.members.models import Category, Country
from secretariat.members.selectors import UNKNOWN
from secretariat.members.uploads import validate_attachment

SEARCH_MAX_LENGTH = 100
MAX_FILES = 5
ACCEPTED_FILES = ".pdf,.png,.jpg,.jpeg,.docx"
# The CISS has five sub-regions (I to V); their countries are assigned by the Secretariat.
SUBREGION_NUMBERS = (1, 2, 3, 4, 5)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}


# --- Directory filters ----------------------------------------------------------------


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


# --- Affiliation application ---------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            return [single_clean(d, initial) for d in data if d]
        return [single_clean(data, initial)] if data else []


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

    applicant_name = forms.CharField(label=_("Name of the institution"), max_length=300)
    applicant_acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
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
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
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

    def clean_documents(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("documents") or []
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("Send at most %(max)d files; %(count)d were chosen.")
                % {"max": MAX_FILES, "count": len(files)},
                code="too_many",
            )
        errors: list[str] = []
        for upload in files:
            try:
                validate_attachment(upload)
            except ValidationError as exc:
                errors.extend(f"{upload.name}: {message}" for message in exc.messages)
        if errors:
            raise ValidationError(errors)
        return files
