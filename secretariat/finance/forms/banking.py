"""Forms of the bank statements: the import (upload, then confirm the preview), explaining a
line, undoing a match."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from secretariat.finance.models import Account, BankStatement
from secretariat.finance.services.banking import MAX_FILE_BYTES


class _AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name} ({obj.currency})"


class BankImportForm(forms.Form):
    """Step one: the bank account, the format and the file."""

    account = _AccountChoice(label=_("Bank account"), queryset=Account.objects.none())
    file_format = forms.ChoiceField(
        label=_("Format"), choices=BankStatement.Format.choices, initial="camt053"
    )
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("An ISO 20022 camt.053 XML file or the bank's CSV, at most 2 MB."),
    )

    def __init__(self, *args: Any, accounts: QuerySet[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = accounts

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."),
                params={"size": MAX_FILE_BYTES // (1024 * 1024)},
            )
        return upload


class BankConfirmForm(forms.Form):
    """Step two: the previewed file again (carried in the page), confirmed."""

    account = forms.IntegerField(widget=forms.HiddenInput())
    file_format = forms.ChoiceField(
        choices=BankStatement.Format.choices, widget=forms.HiddenInput()
    )
    file_name = forms.CharField(max_length=200, widget=forms.HiddenInput())
    content = forms.CharField(
        max_length=MAX_FILE_BYTES * 4 // 3 + 8, widget=forms.HiddenInput(), strip=False
    )

    def clean_content(self) -> bytes:
        try:
            return base64.b64decode(self.cleaned_data["content"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise forms.ValidationError(
                _("The file could not be read again: upload it anew.")
            ) from exc

    @staticmethod
    def carry(content: bytes) -> str:
        return base64.b64encode(content).decode("ascii")


class BankExplainForm(forms.Form):
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=300,
        help_text=_("What this movement is, e.g. bank charges to be posted, a timing difference."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BankUnmatchForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Why the match or explanation is undone; it is recorded."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BankMatchForm(forms.Form):
    ledger_line = forms.IntegerField(min_value=1, widget=forms.HiddenInput())
