"""Translated content fields; Spanish is authoritative."""

from modeltranslation.translator import TranslationOptions, register

from secretariat.governance.models import Body, Office


@register(Body)
class BodyTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Office)
class OfficeTranslation(TranslationOptions):
    fields = ("name",)
