"""Forms of the member-spreadsheet import: the upload, and the commit (which needs a reason)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    """The spreadsheet to read; its content is checked by services.imports.commit.import_preview."""

    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_(
            "A .csv or .xlsx file of at most 2 MB and 5,000 rows, with the column names in its "
            "first row."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class ImportCommitForm(forms.Form):
    """Why the spreadsheet is applied to the registry; recorded with every change it makes."""

    reason = forms.CharField(
        label=_("Why (recorded with every change)"),
        help_text=_("For example: “Member list confirmed by the Secretary General, March 2026”."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportDiscardForm(forms.Form):
    """Setting a preview aside; the reason is optional."""

    reason = forms.CharField(label=_("Why (optional)"), max_length=1000, required=False)
