"""Health: is the process alive (`/healthz`), and can it serve (`/readyz`: the database
answers a query, the shared cache keeps a value, and the task worker has run its heartbeat
recently)?

The heartbeat is a task: `manage.py worker_heartbeat` (a systemd timer, every minute)
queues it, and the worker (`db_worker`) runs it, writing the time into the shared cache.
A recent heartbeat therefore proves the whole path: the queue in the database, a worker
taking tasks from it, and the cache every process reads. django-tasks has no scheduler of
its own, so the timer is the clock."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection

HEARTBEAT_KEY = "secretariat:worker-heartbeat"
HEARTBEAT_TASK_PATH = "secretariat.core.tasks.worker_heartbeat"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def heartbeat_write(now: float | None = None) -> float:
    """Record that the worker is alive (run by the worker, as a task)."""
    stamp = time.time() if now is None else now
    # Kept well beyond the maximum age, so that "too old" and "never" can be told apart.
    caches["default"].set(HEARTBEAT_KEY, stamp, timeout=7 * 24 * 3600)
    return stamp


def heartbeat_age(now: float | None = None) -> float | None:
    """Seconds since the worker's last heartbeat; None if it never wrote one."""
    stamp = caches["default"].get(HEARTBEAT_KEY)
    if stamp is None:
        return None
    return (time.time() if now is None else now) - float(stamp)


def _failure(exc: Exception) -> str:
    # The probe is public: the kind of error, not its text (which may name hosts or users).
    return f"unavailable ({type(exc).__name__})"


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        return Check("database", row is not None and row[0] == 1, connection.vendor)
    except Exception as exc:  # noqa: BLE001  # any failure is "not ready"
        return Check("database", False, _failure(exc))


def check_cache() -> Check:
    cache = caches["default"]
    key = f"secretariat:readyz:{uuid.uuid4().hex}"
    try:
        value = uuid.uuid4().hex
        cache.set(key, value, timeout=30)
        ok = cache.get(key) == value
        cache.delete(key)
        return Check("cache", ok, "set and read back" if ok else "did not keep a value")
    except Exception as exc:  # noqa: BLE001
        return Check("cache", False, _failure(exc))


def check_worker(now: float | None = None) -> Check:
    limit = settings.SECRETARIAT_HEARTBEAT_MAX_AGE
    try:
        age = heartbeat_age(now)
    except Exception as exc:  # noqa: BLE001  # the cache is down: the check above says so
        return Check("worker", False, _failure(exc))
    if age is None:
        return Check("worker", False, "no heartbeat yet")
    if age > limit:
        return Check("worker", False, f"last heartbeat {age:.0f} s ago (more than {limit} s)")
    return Check("worker", True, f"last heartbeat {max(age, 0):.0f} s ago")


def readiness() -> list[Check]:
    return [check_database(), check_cache(), check_worker()]
