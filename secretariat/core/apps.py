from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "secretariat.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from secretariat.core import demo, panels, permissions

        permissions.register_permissions()
        panels.register_panels()
        demo.register_demo()
