"""Translated content fields; Spanish is authoritative."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from secretariat.finance.models import Account, Fund, Journal, Programme


@register(Account)
class AccountTranslation(TranslationOptions):
    fields = ("name",)


@register(Fund)
class FundTranslation(TranslationOptions):
    fields = ("name",)


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("name",)


@register(Journal)
class JournalTranslation(TranslationOptions):
    fields = ("name",)


# simple_history must see the translated columns, so history is registered here, after them.
for _model in (Account, Fund, Programme, Journal):
    register_history(_model, app="secretariat.finance")
