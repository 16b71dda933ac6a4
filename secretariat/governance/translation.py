"""Translated content fields; Spanish is authoritative."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from secretariat.governance.models import (
    AgendaItem,
    Body,
    Document,
    Minutes,
    Motion,
    Office,
    Person,
    Resolution,
    Session,
)


@register(Body)
class BodyTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Office)
class OfficeTranslation(TranslationOptions):
    fields = ("name", "requirements")


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("biography",)


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "convocation")


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Document)
class DocumentTranslation(TranslationOptions):
    fields = ("title",)


@register(Motion)
class MotionTranslation(TranslationOptions):
    fields = ("title", "text")


@register(Resolution)
class ResolutionTranslation(TranslationOptions):
    fields = ("title", "text")


@register(Minutes)
class MinutesTranslation(TranslationOptions):
    fields = ("text",)


# simple_history must see the translated columns, so history is registered here, after them.
for _model in (Body, Office, Person, Session, AgendaItem, Document, Motion, Resolution, Minutes):
    register_history(_model, app="secretariat.governance")
