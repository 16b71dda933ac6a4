"""Forms of the agenda and documents pages: they parse and check the shape of the input; the
services decide (permission, rules, audit). Fields per language follow the session's
languages, Spanish (authoritative) first and required.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from secretariat.core.forms import add_service_error  # noqa: F401  (re-exported for the views)
from secretariat.core.languages import field_label
from secretariat.governance.models import AgendaItem
from secretariat.governance.uploads import ACCEPT, max_upload_bytes

REASON_MAX = 2000


def _reason(required: bool, label: Any = None, help_text: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or (_("Reason for the change") if required else _("Note for the history")),
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=help_text or _("Recorded in the history with your name and the date."),
    )


def _upload_help() -> str:
    return str(
        _("PDF, Word, Excel, PowerPoint, OpenDocument text or an image; at most %(limit)s MB.")
        % {"limit": max_upload_bytes() // (1024 * 1024)}
    )


upload_help = lazy(_upload_help, str)


def _file_field(lang: str) -> forms.FileField:
    return forms.FileField(
        label=field_label(_("File"), lang),
        required=False,
        help_text=upload_help(),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class ItemChoiceField(forms.ModelChoiceField):
    """An agenda item shown with its number ("2.1 Title")."""

    def __init__(self, *args: Any, labels: dict[int, str], **kwargs: Any) -> None:
        self.labels = labels
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.labels.get(obj.pk, str(obj))


class AgendaItemForm(forms.Form):
    """An item's texts per language, presenter and expected outcome; on adding, its parent.

    The reason is required once the agenda is adopted (addition or correction of the
    adopted agenda)."""

    presenter = forms.CharField(
        label=_("Presented by"),
        required=False,
        max_length=200,
        help_text=_("A person or an organ, e.g. “The Secretary General”."),
    )
    outcome = forms.ChoiceField(
        label=_("Expected outcome"),
        choices=AgendaItem.Outcome.choices,
        initial=AgendaItem.Outcome.DISCUSSION,
    )

    def __init__(
        self,
        *args: Any,
        languages: list[str],
        adopted: bool,
        parents: QuerySet[AgendaItem] | None = None,
        parent_labels: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        if parents is not None:
            fields["parent"] = ItemChoiceField(
                label=_("Sub-item of"),
                queryset=parents,
                labels=parent_labels or {},
                required=False,
                empty_label=_("None: a numbered item of the agenda"),
                help_text=_("Sub-items go one level deep (e.g. 2.1)."),
            )
        for lang in languages:
            fields[f"title_{lang}"] = forms.CharField(
                label=field_label(_("Title"), lang),
                required=lang == "es",
                max_length=300,
            )
        for lang in languages:
            fields[f"description_{lang}"] = forms.CharField(
                label=field_label(_("Description"), lang),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        fields["presenter"] = self.fields.pop("presenter")
        fields["outcome"] = self.fields.pop("outcome")
        if adopted:
            fields["reason"] = _reason(
                True,
                help_text=_(
                    "The agenda was already adopted: say why. Recorded in the history with "
                    "your name and the date."
                ),
            )
        else:
            fields["reason"] = _reason(False)
        self.fields = fields

    def data_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "parent")}


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))], required=False)
    to = forms.IntegerField(min_value=1, max_value=999, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("direction") and not data.get("to"):
            raise forms.ValidationError(_("Say where the item goes: up, down or a number."))
        return data


class ReasonForm(forms.Form):
    """A confirmation that says why (withdrawing an item or a document)."""

    reason = _reason(True, label=_("Reason"))


class NoteForm(forms.Form):
    """A confirmation with an optional note (adopting the agenda, publishing documents)."""

    reason = _reason(False)


class _FilesMixin(forms.Form):
    languages: list[str]

    def _add_file_fields(self, languages: list[str]) -> None:
        self.languages = languages
        for lang in languages:
            self.fields[f"file_{lang}"] = _file_field(lang)

    def files_by_language(self) -> dict[str, UploadedFile]:
        return {
            lang: self.cleaned_data[f"file_{lang}"]
            for lang in self.languages
            if self.cleaned_data.get(f"file_{lang}")
        }


class DocumentForm(_FilesMixin):
    """A new document: title per language, symbol, item, restricted, one file per language."""

    symbol = forms.CharField(
        label=_("Symbol"),
        required=False,
        max_length=80,
        help_text=_("Left empty, the next symbol of the session is given, e.g. “XXXI/GA/DOC/3”."),
    )
    restricted = forms.BooleanField(
        label=_("Restricted"),
        required=False,
        help_text=_("Kept for seat holders even after the session publishes its documents."),
    )
    note = forms.CharField(
        label=_("Note on this version"),
        required=False,
        max_length=300,
        help_text=_("E.g. “Draft for comments”. Shown with the files."),
    )

    def __init__(
        self,
        *args: Any,
        languages: list[str],
        items: QuerySet[AgendaItem],
        item_labels: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        head: dict[str, forms.Field] = {}
        for lang in languages:
            head[f"title_{lang}"] = forms.CharField(
                label=field_label(_("Title"), lang), required=lang == "es", max_length=300
            )
        head["agenda_item"] = ItemChoiceField(
            label=_("Agenda item"),
            queryset=items,
            labels=item_labels,
            required=False,
            empty_label=_("None: a document of the session"),
        )
        head["symbol"] = self.fields.pop("symbol")
        head["restricted"] = self.fields.pop("restricted")
        note = self.fields.pop("note")
        self.fields = head
        self._add_file_fields(languages)
        self.fields["note"] = note

    def data_for_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("file_")}
        data["files"] = self.files_by_language()
        return data


class DocumentUploadForm(_FilesMixin):
    """More files of a document: a new version, or languages missing from the latest one."""

    new_version = forms.TypedChoiceField(
        label=_("These files are"),
        choices=[
            ("1", _("A new version of the document")),
            ("0", _("Languages missing from the latest version")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(
        label=_("Note on this version"),
        required=False,
        max_length=300,
        help_text=_("E.g. “Revised after the Committee's comments”."),
    )

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = self.fields.pop("note")
        self._add_file_fields(languages)
        self.fields["note"] = note

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"file_{lang}") for lang in self.languages):
            raise forms.ValidationError(_("Choose at least one file to upload."))
        return data
