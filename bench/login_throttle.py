"""How many of 30 wrong passwords a 4-worker gunicorn checks, and how long it takes (issue #9).

Not a test (the test of the sharing is secretariat/tests/test_processes.py, which this
reuses): a fresh SQLite database file in var/, one account with a production password hash,
`gunicorn -w 4` with DEBUG=false and the shared database cache, then 30 wrong passwords in a
row from one client, new connections each (so gunicorn spreads them over its workers).
Prints how many were checked ("not correct") and how many refused ("too many"), and the time.

    .venv/bin/python bench/login_throttle.py [--attempts 30] [--workers 4]
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
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from secretariat.tests.test_processes import (
        LOGIN,
        TOO_MANY,
        WRONG,
        Browser,
        free_port,
        gunicorn,
        server_env,
    )

    with tempfile.TemporaryDirectory(prefix="login-throttle-") as name:
        tmp = Path(name)
        database = tmp / "db.sqlite3"
        env = server_env(database, tmp)
        python = str(ROOT / ".venv" / "bin" / "python")
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [python, "manage.py", "shell", "-c",
             "from secretariat.core.models import User; "
             "User.objects.create_user(email='victim@example.org', password='right-Password-42', full_name='V')"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        port = free_port()
        with gunicorn(env, [port], workers=args.workers):
            person = Browser()
            person.get(port, LOGIN)
            for _ in range(args.workers * 2):  # every worker warm
                person.get(port, LOGIN)
            checked = refused = 0
            started = time.monotonic()
            for _ in range(args.attempts):
                _, page = person.post(
                    port, LOGIN, {"login": "victim@example.org", "password": "wrong"}
                )
                checked += WRONG in page
                refused += TOO_MANY in page
            seconds = time.monotonic() - started
    print(
        f"gunicorn -w {args.workers}, SQLite, database cache: {args.attempts} wrong passwords "
        f"in {seconds:.1f} s: {checked} checked, {refused} refused "
        f"(limit: 5 per minute per address, 5 per 5 minutes per account)"
    )


if __name__ == "__main__":
    main()
