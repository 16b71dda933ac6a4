from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "secretariat.elections"
    label = "elections"
    verbose_name = _("Elections")

    def ready(self) -> None:
        from secretariat.elections import documents, permissions, rule_settings

        permissions.register_permissions()
        rule_settings.register_rule_settings()
        documents.register_documents()
        # --- authorities: panels (term ends, vacancies) ---
        from secretariat.elections import panels

        panels.register_panels()

        # --- demo ---
        from secretariat.elections import demo

        demo.register_demo()
