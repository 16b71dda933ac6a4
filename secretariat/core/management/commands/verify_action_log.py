"""Verify the action log's hash chain; exit non-zero if any row was altered or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from secretariat.core.audit import verify_chain
from secretariat.core.models import ActionLog


class Command(BaseCommand):
    help = "Verify the action log's hash chain (detects edited, inserted or removed rows)."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        total = ActionLog.objects.count()
        if problems:
            for problem in problems[:50]:
                self.stderr.write(f"row {problem.entry_id}: {problem.problem} mismatch")
            raise CommandError(f"Action log tampered: {len(problems)} problem(s) in {total} rows.")
        self.stdout.write(self.style.SUCCESS(f"Action log intact: {total} rows verified."))
