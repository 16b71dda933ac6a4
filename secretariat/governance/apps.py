from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "secretariat.governance"
    label = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from secretariat.governance import (
            demo,
            documents,
            panels,
            permissions,
            reference_data,
            rule_settings,
        )

        permissions.register_permissions()
        rule_settings.register_rule_settings()
        panels.register_panels()
        reference_data.register_loaders()
        demo.register_demo()
        documents.register_documents()

        # The live pages' versions, read by each process's push hub (decision 0011).
        from secretariat.core import push
        from secretariat.governance.selectors.console import live_versions

        push.register_reader("session", live_versions)

        # The secret ballots' chains of receipts, checked with the action log (decision 0012).
        from secretariat.core import subchains
        from secretariat.governance.selectors.ballot_chains import ballot_chains_verify

        subchains.register("ballots", ballot_chains_verify)
