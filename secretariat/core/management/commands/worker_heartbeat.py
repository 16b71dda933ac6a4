"""Queue the worker's heartbeat (a systemd timer runs this every minute): the worker runs
it and writes the time into the shared cache, which `/readyz` checks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from secretariat.core.health import HEARTBEAT_TASK_PATH, heartbeat_age
from secretariat.core.tasks import worker_heartbeat


class Command(BaseCommand):
    help = "Queue the worker's heartbeat task (run every minute by a timer; /readyz checks it)."

    def handle(self, *args: Any, **options: Any) -> None:
        waiting = DBTaskResult.objects.filter(
            task_path=HEARTBEAT_TASK_PATH, status=TaskResultStatus.READY
        ).exists()
        age = heartbeat_age()
        last = "never" if age is None else f"{age:.0f} s ago"
        if waiting:
            # The last one was not taken yet: the worker is stopped or busy. One waiting
            # heartbeat is enough; /readyz reports the worker once the heartbeat is too old.
            # Said even with -v0 (the timer's), so that the journal shows it.
            self.stdout.write(f"A heartbeat is already waiting for the worker (last: {last}).")
            return
        worker_heartbeat.enqueue()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Heartbeat queued (last: {last}).")
