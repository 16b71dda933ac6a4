from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "secretariat.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core import checks

        from secretariat.core import anchoring, demo, panels, permissions
        from secretariat.core import checks as site_checks

        checks.register(anchoring.check_key, checks.Tags.security)
        checks.register(anchoring.check_key_deploy, checks.Tags.security, deploy=True)
        checks.register(site_checks.check_secret_key_deploy, checks.Tags.security, deploy=True)
        checks.register(site_checks.check_trusted_proxy_deploy, checks.Tags.security, deploy=True)
        permissions.register_permissions()
        panels.register_panels()
        demo.register_demo()

        from allauth.mfa.signals import authenticator_added

        from secretariat.core.middleware import record_enrolment

        authenticator_added.connect(record_enrolment, dispatch_uid="secretariat-mfa-enrolment")
