"""Translated content fields; Spanish is authoritative."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from secretariat.elections.models import Call, Requirement


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "text")


@register(Requirement)
class RequirementTranslation(TranslationOptions):
    fields = ("label", "description")


# simple_history must see the translated columns, so history is registered here, after them.
for _model in (Call, Requirement):
    register_history(_model, app="secretariat.elections")
