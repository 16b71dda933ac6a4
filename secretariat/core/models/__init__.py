"""Core records: accounts, the action log, dated rule settings, and the validity ranges every
dated model shares."""

from secretariat.core.models.accounts import AccountManager, User
from secretariat.core.models.action_log import ActionLog, ActionLogHead
from secretariat.core.models.documents import GeneratedDocument
from secretariat.core.models.outbox import EmailDelivery
from secretariat.core.models.rule_settings import RuleSetting
from secretariat.core.models.validity import InForce, ValidityQuerySet

__all__ = [
    "AccountManager",
    "ActionLog",
    "ActionLogHead",
    "EmailDelivery",
    "GeneratedDocument",
    "InForce",
    "RuleSetting",
    "User",
    "ValidityQuerySet",
]
