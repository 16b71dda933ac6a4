#!/usr/bin/env python3
"""The issue #9 tamper cases against an action log of real size (decision 0010).

Not a test (the suite has one test per case on a few rows: core/tests/selectors/
test_checkpoints.py). This writes --rows rows through the application, anchors them with two
signed checkpoints, then plays each move of someone with write access to the database but not
the signing key, and times `action_log_verify` (what `manage.py verify_action_log` runs):

  1. a forged row appended, its hash recomputed and the head moved;
  2. a middle row edited and every later hash recomputed;
  3. the tail deleted and the head rolled back;
  4. the log wiped;
  5. an older backup restored.

Each case runs in a transaction rolled back afterwards (the restore last: on PostgreSQL it
moves the id sequence, which a rollback does not undo). A database of its own:
var/bench-tamper.sqlite3, or BENCH_DATABASE_URL (PostgreSQL; its name must contain "bench").

    .venv/bin/python bench/action_log_tamper.py --rows 100000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Rollback(Exception):
    pass


def _database() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url:
        name = url.rsplit("/", 1)[-1]
        if "bench" not in name:
            sys.exit("BENCH_DATABASE_URL must name a database containing 'bench'")
        base = url.rsplit("/", 1)[0] + "/postgres"
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", base, "-qc", sql], check=True)
        return url
    path = ROOT / "var" / "bench-tamper.sqlite3"
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = _database()
    os.environ["CHECKPOINT_DIR"] = tempfile.mkdtemp(prefix="bench-checkpoints-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    from secretariat.core.anchoring import new_key_text

    os.environ["ACTION_LOG_SIGNING_KEY"] = new_key_text()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from secretariat.core.audit import record_action
    from secretariat.core.models import ActionLog
    from secretariat.core.selectors.checkpoints import action_log_verify
    from secretariat.core.services.checkpoints import checkpoint_write
    from secretariat.core.tests import tampering

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    target = get_user_model().objects.create(email="bench@example.org")

    def log(n: int) -> None:
        for i in range(n):
            with transaction.atomic():
                record_action(actor=None, event="bench.event", target=target, new={"i": i})

    started = time.perf_counter()
    log(args.rows // 2)
    checkpoint_write()
    saved_for_restore = tampering.backup()
    log(args.rows - args.rows // 2 - 10)
    checkpoint_write()
    log(10)  # written since the last checkpoint
    written = time.perf_counter() - started
    ids = list(ActionLog.objects.order_by("id").values_list("id", flat=True))
    total = len(ids)
    print(f"{connection.vendor}: {total:,} rows written in {written:.1f} s, 2 checkpoints")

    def timed_verify() -> tuple[float, object]:
        t = time.perf_counter()
        result = action_log_verify()
        return time.perf_counter() - t, result

    seconds, intact = timed_verify()
    print(f"  intact log: intact={intact.intact} in {seconds:.2f} s")  # type: ignore[attr-defined]

    middle = ids[total // 3]
    tail_from = ids[total // 2 - 5]  # reaches rows the first checkpoint vouched for
    cases = [
        ("forged row appended, hash recomputed, head moved", lambda: tampering.append_forged()),
        (f"row {middle} edited, every later hash recomputed", lambda: _edit(middle, tampering)),
        (
            f"tail from row {tail_from} deleted, head rolled back",
            lambda: tampering.delete_from(tail_from),
        ),
        ("log wiped", tampering.wipe),
        (
            "older backup restored (taken at the first checkpoint)",
            lambda: tampering.restore(saved_for_restore),
        ),
    ]
    print("| Case | Found | First row named | Verify s |")
    print("|---|---|---|---|")
    for label, move in cases:
        try:
            with transaction.atomic():
                move()
                seconds, result = timed_verify()
                raise Rollback
        except Rollback:
            pass
        found = "yes" if not result.intact else "**no**"  # type: ignore[attr-defined]
        print(f"| {label} | {found} | {result.parts_at} | {seconds:.2f} |")  # type: ignore[attr-defined]


def _edit(row_id: int, tampering) -> None:  # type: ignore[no-untyped-def]
    from secretariat.core.models import ActionLog

    ActionLog.objects.filter(pk=row_id).update(reason="rewritten")
    tampering.rehash_from(row_id)


if __name__ == "__main__":
    main()
