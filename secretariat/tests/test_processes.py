"""Throttling holds across processes (issue #9): two real servers, each its own process, on
one SQLite database file with the cache table, count login failures and the public
affiliation form's submissions together; and a 300 MB body is refused by a real server
without being read.

The servers are gunicorn, one worker each, on two ports, so that which process answers is
chosen by the test. SQLite only: the servers need a database file (on PostgreSQL the test
database would do, but the shared cache is the same code).
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from secretariat.conftest import make_user

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
HOST = "127.0.0.1"
LOGIN = "/en/accounts/login/"
APPLY = "/en/members/apply/"
WRONG = "The email address and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts"

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the servers share a SQLite database file",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env(database: Path, tmp: Path) -> dict[str, str]:
    """Production's settings (DEBUG false, the shared database cache), on the file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REDIS_", "PYTEST_", "ACTION_LOG_")) and key != "DEBUG"
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "ALLOWED_HOSTS": HOST,
        "MEDIA_ROOT": str(tmp / "media"),
        "CHECKPOINT_DIR": str(tmp / "checkpoints"),
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str],
    ports: list[int],
    workers: int = 1,
    app: str = "config.wsgi",
    extra: tuple[str, ...] | list[str] = (),
) -> Iterator[None]:
    """One gunicorn process (of `workers` workers) per port, stopped whatever happens."""
    procs = [
        subprocess.Popen(
            [str(GUNICORN), app, "-w", str(workers), "-b", f"{HOST}:{port}", *extra],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        for proc, port in zip(procs, ports, strict=True):
            wait_until_up(proc, port)
        yield
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_until_up(proc: subprocess.Popen[bytes], port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "gunicorn died")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", LOGIN)
            conn.getresponse().read()
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """A person's cookies, sent to whichever server is asked; answers (status, page)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, port: int, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(f"http://{HOST}:{port}{path}"))

    def post(self, port: int, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        return self._open(urllib.request.Request(f"http://{HOST}:{port}{path}", data=body))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


def database_file(tmp: Path) -> Path:
    """The test database, as it stands, copied to a file the servers can open."""
    path = tmp / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    return path


def user_with_production_hash(email: str, settings) -> None:
    """The suite hashes with MD5 for speed; the servers know only the production hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    make_user(email)


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_the_login_and_the_application_limits(tmp_path, settings):
    # given: one account, the database in a file, two servers on it
    user_with_production_hash("victim@example.org", settings)
    env = server_env(database_file(tmp_path), tmp_path)
    a, b = free_port(), free_port()
    with gunicorn(env, [a, b]):
        person = Browser()
        person.get(a, LOGIN)
        # when: five wrong passwords, alternately to each process
        checked = [
            person.post(port, LOGIN, {"login": "victim@example.org", "password": "wrong"})
            for port in (a, b, a, b, a)
        ]
        # then: all five were checked; the sixth is refused by either process
        assert all(WRONG in page for _, page in checked)
        assert (
            TOO_MANY in person.post(b, LOGIN, {"login": "victim@example.org", "password": "x"})[1]
        )
        assert (
            TOO_MANY in person.post(a, LOGIN, {"login": "victim@example.org", "password": "x"})[1]
        )

        # when: five applications (robots', counted like any), alternately to each process
        robot = Browser()
        robot.get(b, APPLY)
        sent = [
            robot.post(port, APPLY, {"homepage": "http://spam.example"}) for port in (b, a, b, a, b)
        ]
        # then: the sixth is refused by either process
        assert [status for status, _ in sent] == [302] * 5
        assert robot.post(a, APPLY, {"homepage": "x"})[0] == 429
        assert robot.post(b, APPLY, {"homepage": "x"})[0] == 429

        # and a 300 MB body is answered without being read
        status, seconds = announce_huge_body(a, APPLY)
        assert status == 413
        assert seconds < 5


def announce_huge_body(port: int, path: str) -> tuple[int, float]:
    """Send the headers of a 300 MB upload and a few bytes; the status and how soon it came."""
    started = time.monotonic()
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {300 * 1024 * 1024}\r\n\r\n--x\r\n"
            ).encode()
        )
        head = sock.recv(64).decode()
    return int(head.split()[1]), time.monotonic() - started
