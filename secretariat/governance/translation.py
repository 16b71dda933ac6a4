"""Translated content fields; Spanish is authoritative."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from secretariat.governance.models import Body, Office


@register(Body)
class BodyTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Office)
class OfficeTranslation(TranslationOptions):
    fields = ("name",)


# simple_history must see the translated columns, so history is registered here, after them.
for _model in (Body, Office):
    register_history(_model, app="secretariat.governance")
