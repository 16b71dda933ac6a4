"""`manage.py backup` and `restore`: a full round trip into an empty database on SQLite and on
PostgreSQL (each table's row count and content hash, the uploaded files, the action log's
chain against the restored checkpoints), the signing key never in an archive, and a tampered
archive refused before anything is changed.

The round trips run the commands in their own processes, against databases of their own
(files on SQLite, scratch databases on PostgreSQL), as an IT office would."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from secretariat.core.anchoring import new_key_text
from secretariat.core.backup import PREFIX, file_sha256, live_fingerprints

ROOT = Path(__file__).resolve().parents[3]
PG = "postgres://postgres@127.0.0.1:5432/"

SEED = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from secretariat.core.audit import record_action
from secretariat.core.models import User
with transaction.atomic():
    user = User.objects.create_user(
        email="sg@example.org", password="x" * 20, full_name="Ana Ñandú \\u202e"
    )
    for n in range(6):
        record_action(actor=user, event="test.backup", target=user, new={"n": n, "t": "ünï"},
                      reason="Backup test")
default_storage.save("letters/letter.pdf", ContentFile(b"%PDF-1.4 " + bytes(range(256))))
"""
CHECKPOINT = """
from django.core.management import call_command
call_command("checkpoint_action_log")
"""
REWRITE = (
    "from secretariat.core.models import ActionLog; "
    "ActionLog.objects.filter(pk=2).update(reason='Rewritten')"
)
FINGERPRINTS = (
    "import json; from secretariat.core.backup import live_fingerprints; "
    "print(json.dumps(live_fingerprints()))"
)


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def _postgresql_available() -> bool:
    try:
        _psql("SELECT 1")
    except (OSError, subprocess.CalledProcessError):
        return False
    return shutil.which("pg_dump") is not None


class Site:
    """One installation: its database, uploaded files and checkpoint folder, one key."""

    def __init__(self, base: Path, database_url: str, key_file: Path) -> None:
        self.base = base
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ACTION_LOG_")},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(base / "media"),
            "CHECKPOINT_DIR": str(base / "checkpoints"),
            "BACKUP_DIR": str(base.parent / "backups"),
            "ACTION_LOG_SIGNING_KEY_FILE": str(key_file),
            "TASKS_BACKEND": "immediate",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "ERROR",
        }

    def manage(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def fingerprints(self) -> dict:
        return json.loads(self.manage("shell", "-v0", "-c", FINGERPRINTS).stdout)


@pytest.fixture(params=["sqlite", "postgresql"])
def two_sites(request, tmp_path):
    """A site with data, and an empty one to restore into, on the engine the suite runs on
    (CI runs the suite on both: each round trip once)."""
    from django.db import connection

    if request.param != connection.vendor:
        pytest.skip(f"the {request.param} round trip runs when the suite runs on {request.param}")
    key_file = tmp_path / "key" / "action-log.key"
    key_file.parent.mkdir()
    key_file.write_text(new_key_text())
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / name / 'db.sqlite3'}" for name in ("source", "target")]
    else:
        if not _postgresql_available():
            pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
        names = [f"secretariat_backup_{uuid.uuid4().hex[:10]}_{n}" for n in ("src", "dst")]
        for name in names:
            _psql(f'CREATE DATABASE "{name}"')
        request.addfinalizer(lambda: [_psql(f'DROP DATABASE IF EXISTS "{n}"') for n in names])
        urls = [PG + name for name in names]
    source = Site(tmp_path / "source", urls[0], key_file)
    target = Site(tmp_path / "target", urls[1], key_file)
    return source, target


def _archive_names(archive: Path) -> list[str]:
    with tarfile.open(archive) as tar:
        return tar.getnames()


def test_it_round_trips_into_an_empty_database(two_sites, tmp_path):
    # given: a site with users, action-log rows (checkpointed, then one more), an upload,
    # and its signing key's file put (by mistake) in the checkpoint folder
    source, target = two_sites
    source.manage("migrate", "-v0")
    source.manage("shell", "-c", SEED + CHECKPOINT)
    source.manage("shell", "-c", SEED.replace("sg@", "second@").replace("letter.pdf", "b.pdf"))
    stray_key = source.base / "checkpoints" / "action-log.key"
    shutil.copy(source.env["ACTION_LOG_SIGNING_KEY_FILE"], stray_key)
    # when
    made = source.manage("backup")
    # then: a dated archive, its checksum beside it, never the key
    [archive] = sorted((tmp_path / "backups").glob(f"{PREFIX}*.tar.gz"))
    assert f"Backup written: {archive}" in made.stdout
    assert f"Left out (holds the action log's signing key): {stray_key}" in made.stderr
    checksum = archive.with_name(archive.name + ".sha256").read_text()
    assert checksum == f"{file_sha256(archive)}  {archive.name}\n"
    names = _archive_names(archive)
    vendor = "postgresql" if source.env["DATABASE_URL"].startswith("postgres") else "sqlite"
    dump = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}[vendor]
    assert names[:2] == ["manifest.json", dump]
    assert "media/letters/letter.pdf" in names
    assert "checkpoints/action-log-checkpoints.jsonl" in names
    assert not any(name.endswith(".key") for name in names)
    key_text = Path(source.env["ACTION_LOG_SIGNING_KEY_FILE"]).read_text().strip()
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            assert key_text.encode() not in tar.extractfile(member).read(), member.name
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == vendor
    assert manifest["database"]["tables"]["core_actionlog"]["rows"] == 12
    assert manifest["database"]["tables"]["core_user"]["rows"] == 2
    assert {f["path"] for f in manifest["files"]} == {
        "media/letters/letter.pdf",
        "media/letters/b.pdf",
        "checkpoints/action-log-checkpoints.jsonl",
    }
    assert manifest["app"]["version"] and manifest["app"]["commit"]
    # when: restored into an empty database, with empty media and checkpoint folders
    restored = target.manage("restore", str(archive))
    # then: every table as in the manifest and as in the source, the files, the chain
    assert "each count and content hash as in the manifest" in restored.stdout
    assert "Action log intact: 12 rows verified against 1 checkpoint(s)." in restored.stdout
    expected = manifest["database"]["tables"]
    assert target.fingerprints() == expected == source.fingerprints()
    assert (target.base / "media/letters/letter.pdf").read_bytes() == (
        source.base / "media/letters/letter.pdf"
    ).read_bytes()
    # and a second restore into the now full database is refused, nothing changed
    again = target.manage("restore", str(archive), ok=False)
    assert again.returncode != 0
    assert "already has" in again.stderr and "--force" in again.stderr
    # when: a later backup of a log rewritten behind the application's back (a checkpointed
    # row edited in SQL; the manifest and the checksum made to match by the backup itself)
    source.manage("shell", "-c", REWRITE)
    archive.unlink()
    source.manage("backup")
    [rewritten] = sorted((tmp_path / "backups").glob(f"{PREFIX}*.tar.gz"))
    refused = target.manage("restore", "--force", str(rewritten), ok=False)
    # then: restored with --force, every table as in the manifest, but the chain is refused
    assert refused.returncode != 0
    assert "does not verify against the restored checkpoints" in refused.stderr
    assert "They part at row 2" in refused.stderr


# --- In this process: the test database -----------------------------------------------


@pytest.fixture
def archive(transactional_db, settings, tmp_path):
    settings.SECRETARIAT_BACKUP_DIR = tmp_path / "backups"
    media = Path(settings.MEDIA_ROOT)
    (media / "letters").mkdir(parents=True)
    (media / "letters" / "a.pdf").write_bytes(b"%PDF-1.4 letter")
    call_command("backup", stdout=io.StringIO())
    [made] = (tmp_path / "backups").glob("*.tar.gz")
    return made


def _rewrite(archive: Path, change) -> None:
    """Rebuild the archive with `change(folder)` applied, and a matching checksum."""
    work = archive.parent / "work"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        tar.extractall(work, filter="data")
    change(work)
    with tarfile.open(archive, "w:gz") as tar:
        for name in names:
            tar.add(work / name, arcname=name)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    archive.with_name(archive.name + ".sha256").write_text(f"{digest}  {archive.name}\n")


def _restore(archive: Path, *args: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("restore", *args, str(archive), stdout=io.StringIO())
    return str(refused.value)


def test_a_tampered_archive_is_refused_before_anything_changes(archive):
    # given
    before = live_fingerprints()
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    # when
    message = _restore(archive, "--force")
    # then
    assert "checksum does not match" in message and "Nothing was restored" in message
    assert live_fingerprints() == before


def test_a_missing_checksum_is_refused(archive):
    archive.with_name(archive.name + ".sha256").unlink()
    assert "No checksum file" in _restore(archive, "--force")


def test_a_file_changed_inside_with_a_new_checksum_is_refused(archive):
    # given: the archive rebuilt with a changed upload, and its checksum recomputed
    before = live_fingerprints()
    _rewrite(archive, lambda work: (work / "media/letters/a.pdf").write_bytes(b"forged"))
    # when
    message = _restore(archive, "--force")
    # then
    assert "media/letters/a.pdf does not match its SHA-256 in the manifest" in message
    assert live_fingerprints() == before


def test_a_non_empty_database_is_refused_without_force(archive):
    before = live_fingerprints()
    message = _restore(archive)
    assert "already has" in message and "Nothing was restored" in message
    assert live_fingerprints() == before


def test_it_keeps_the_newest_archives(archive, settings):
    # given: two older archives of the same folder
    folder = archive.parent
    for stamp in ("20200101T000000Z", "20210101T000000Z"):
        (folder / f"{PREFIX}{stamp}.tar.gz").write_bytes(b"old")
        (folder / f"{PREFIX}{stamp}.tar.gz.sha256").write_text("x")
    # when
    out = io.StringIO()
    call_command("backup", "--keep", "2", stdout=out)
    # then
    left = sorted(p.name for p in folder.glob("*.tar.gz"))
    assert len(left) == 2 and archive.name in left and not any("2020" in n for n in left)
    assert not (folder / f"{PREFIX}20200101T000000Z.tar.gz.sha256").exists()
    assert "Removed an older backup" in out.getvalue()
