"""The finance rules that are settings ([D] in shared/domain.md "Finance" and "Members"),
registered from FinanceConfig.ready. The arrears threshold and the Assembly's exemption are
members' settings (`members.arrears.*`): finance applies them, members owns them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from secretariat.core.rule_settings import RuleDefinition, register


def register_rule_settings() -> None:
    register(
        RuleDefinition(
            key="finance.base_currency",
            label=_("Base currency of the accounts"),
            default="USD",
            kind="choice",
            choices=(("USD", "USD"),),
            help_text=_("Operations in other currencies are converted at a recorded rate."),
        )
    )
    register(
        RuleDefinition(
            key="finance.fiscal_year_start_month",
            label=_("Month the fiscal year starts"),
            default=1,
            kind="int",
            minimum=1,
            maximum=12,
            help_text=_("1 is January: the fiscal year is the calendar year."),
        )
    )
    register(
        RuleDefinition(
            key="finance.dues.payment_term_days",
            label=_("Days to pay the dues after they are assessed"),
            default=90,
            kind="int",
            minimum=0,
            maximum=365,
            help_text=_("Dues are assessed on the first day of the fiscal year."),
        )
    )
    register(
        RuleDefinition(
            key="finance.dues.pro_rata",
            label=_("Dues of a member admitted during the year"),
            default="months",
            kind="choice",
            choices=(
                ("months", _("Pro rata by whole months, from the month of admission")),
                ("days", _("Pro rata by days, from the day of admission")),
                ("none", _("The full year")),
            ),
        )
    )
    register(
        RuleDefinition(
            key="finance.dues.write_off_body",
            label=_("Body that decides write-offs of dues"),
            default="assembly",
            kind="choice",
            choices=(
                ("assembly", _("The General Assembly")),
                ("committee", _("The Standing Committee")),
            ),
        )
    )
    register(
        RuleDefinition(
            key="finance.dues.reminder_days_after_due",
            label=_("Days after the due date to send a reminder of unpaid dues"),
            default=30,
            kind="int",
            minimum=1,
            maximum=365,
        )
    )
