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
        # --- documents: invoices, statements of account, statements, audit package ---
        from secretariat.finance import documents

        documents.register_documents()
        # --- journey ---
        from secretariat.finance import demo

        demo.register_demo()
        # --- panels (the dashboard) ---
        from secretariat.finance import panels

        panels.register_panels()
