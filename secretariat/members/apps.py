from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "secretariat.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from secretariat.members import demo, panels, permissions, reference_data, rule_settings

        permissions.register_permissions()
        rule_settings.register_rule_settings()
        panels.register_panels()
        reference_data.register_loaders()
        demo.register_demo()
