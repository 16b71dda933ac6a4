from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "secretariat.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self) -> None:
        from secretariat.finance import permissions, rule_settings

        permissions.register_permissions()
        rule_settings.register_rule_settings()
        # --- parts register their documents, panels, loaders and demo below ---
        # --- ledger ---
        from secretariat.finance import reference_data

        reference_data.register_loaders()
        # --- dues ---
        from secretariat.finance import documents

        documents.register_documents()
        # --- accounts ---
        from secretariat.finance.account_documents import register_account_documents

        register_account_documents()
        # --- statements ---
        from secretariat.finance.statement_documents import register_statement_documents

        register_statement_documents()
        # --- journey ---
        from secretariat.finance import demo

        demo.register_demo()
