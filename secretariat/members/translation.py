"""Translated content fields (django-modeltranslation); Spanish is authoritative."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from secretariat.members.models import Category, Country, Institution, SubRegion


@register(SubRegion)
class SubRegionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name",)


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "name_plural", "description")


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    # Names are proper names, kept as the institution writes them; descriptions translate.
    fields = ("description",)


# simple_history must see the translated columns, so history is registered here, after them.
for _model in (SubRegion, Country, Category, Institution):
    register_history(_model, app="secretariat.members")
