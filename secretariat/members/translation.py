"""Translated content fields (django-modeltranslation); Spanish is authoritative."""

from modeltranslation.translator import TranslationOptions, register

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
