"""Backups an IT office can restore and check (`manage.py backup`, `manage.py restore`).

An archive `secretariat-backup-<UTC time>.tar.gz` in BACKUP_DIR, with `<archive>.sha256`
beside it (the `sha256sum -c` format), holds:

- `database.pgdump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite's online
  backup API): a consistent copy taken while the site runs;
- `media/…`: the uploaded files (MEDIA_ROOT);
- `checkpoints/…`: the action log's signed checkpoints (SECRETARIAT_CHECKPOINT_DIR);
- `manifest.json`: when, the database vendor, every table's row count and content hash
  (taken from the same snapshot as the copy), the application's version and commit, and
  every file with its SHA-256.

Never the action log's signing key (decision 0010): a file holding it is left out, and the
restore needs the key from its own safe place.

The restore checks the archive's checksum and every file against the manifest, refuses a
database that already has tables (unless forced), restores, compares every table's row
count and content hash with the manifest, then verifies the action log against the restored
checkpoints. Any difference stops it with a non-zero exit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection, transaction

PREFIX = "secretariat-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
FORMAT = 1
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or the restore cannot go on; nothing (more) was changed."""


# --- Hashes -----------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _cell(value: Any) -> Any:
    if isinstance(value, memoryview | bytes | bytearray):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, float):
        return repr(value)
    return value


def _row_digest(row: Iterable[Any]) -> bytes:
    text = json.dumps([_cell(v) for v in row], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).digest()


def _table_fingerprint(cursor: Any, quoted: str) -> dict[str, Any]:
    """Row count and a content hash that does not depend on the order rows come in."""
    cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608  # a name from the catalog, quoted
    digests: list[bytes] = []
    while rows := cursor.fetchmany(2000):
        digests.extend(_row_digest(row) for row in rows)
    digests.sort()
    return {"rows": len(digests), "sha256": hashlib.sha256(b"".join(digests)).hexdigest()}


def sqlite_fingerprints(path: Path) -> dict[str, dict[str, Any]]:
    """Every table of a SQLite file, read as stored (no type conversion)."""
    db = sqlite3.connect(path)
    try:
        cursor = db.cursor()
        names = [
            name
            for (name,) in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            ).fetchall()
        ]
        return {
            name: _table_fingerprint(cursor, '"' + name.replace('"', '""') + '"') for name in names
        }
    finally:
        db.close()


def postgresql_fingerprints(cursor: Any) -> dict[str, dict[str, Any]]:
    """Every table of the current schema, through `cursor` (inside the dump's snapshot)."""
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    names = [name for (name,) in cursor.fetchall()]
    return {name: _table_fingerprint(cursor, connection.ops.quote_name(name)) for name in names}


def _sqlite_copy(into: Path) -> None:
    """SQLite's online backup of the site's database (consistent while others write)."""
    connection.ensure_connection()
    copy = sqlite3.connect(into)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()


def live_fingerprints() -> dict[str, dict[str, Any]]:
    """The tables of the database the settings name, as they are now."""
    if connection.vendor == "sqlite":
        # Read through a copy: the site's connection converts values by declared type.
        with tempfile.TemporaryDirectory(prefix="secretariat-fingerprint-") as work:
            _sqlite_copy(Path(work) / "copy.sqlite3")
            return sqlite_fingerprints(Path(work) / "copy.sqlite3")
    with connection.cursor() as cursor:
        return postgresql_fingerprints(cursor)


# --- Where things are ------------------------------------------------------------------


def backup_folder() -> Path:
    return Path(settings.SECRETARIAT_BACKUP_DIR)


def _vendor() -> str:
    if connection.vendor not in DUMPS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _pg_env() -> dict[str, str]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (the PostgreSQL client tools).") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _key_texts() -> tuple[Path | None, list[bytes]]:
    """The signing key's file (from the environment) and its text, to keep them out."""
    named = os.environ.get("ACTION_LOG_SIGNING_KEY_FILE", "")
    texts = [
        t.encode()
        for t in [settings.ACTION_LOG_SIGNING_KEY, *settings.ACTION_LOG_RETIRED_KEYS]
        if t
    ]
    return (Path(named).resolve() if named else None), texts


def _holds_key(path: Path, key_file: Path | None, texts: list[bytes]) -> bool:
    if key_file is not None and path.resolve() == key_file:
        return True
    if texts and path.stat().st_size <= CHUNK:
        content = path.read_bytes()
        return any(text.strip() and text.strip() in content for text in texts)
    return False


def _files_under(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def _app_version() -> dict[str, str]:
    base = Path(settings.BASE_DIR)
    try:
        version = tomllib.loads((base / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = "unknown"
    commit = os.environ.get("SECRETARIAT_COMMIT", "")
    if not commit:
        try:
            done = subprocess.run(  # noqa: S603
                ["git", "-C", str(base), "rev-parse", "HEAD"],  # noqa: S607
                capture_output=True,
                text=True,
                check=False,
                timeout=10,
            )
            commit = done.stdout.strip() if done.returncode == 0 else ""
        except (OSError, subprocess.SubprocessError):
            commit = ""
    return {"version": version, "commit": commit or "unknown"}


# --- Backup ----------------------------------------------------------------------------


@dataclass
class BackupResult:
    archive: Path
    checksum: Path
    size: int
    seconds: float
    tables: int
    rows: int
    files: int
    left_out: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def _dump_database(into: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    """A consistent copy of the database and the fingerprints of that same copy."""
    vendor = _vendor()
    target = into / DUMPS[vendor]
    if vendor == "sqlite":
        _sqlite_copy(target)
        return vendor, sqlite_fingerprints(target)
    # PostgreSQL: the fingerprints and pg_dump read one exported snapshot.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(["pg_dump", "-Fc", f"--snapshot={snapshot}", "-f", str(target)], _pg_env())
        return vendor, postgresql_fingerprints(cursor)


def backup_create(*, folder: Path | None = None, keep: int | None = None) -> BackupResult:
    started = time.monotonic()
    folder = folder or backup_folder()
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    name = f"{PREFIX}{now:%Y%m%dT%H%M%SZ}{SUFFIX}"
    for n in range(2, 100):  # two backups in one second: -2, -3, …
        if not (folder / name).exists():
            break
        name = f"{PREFIX}{now:%Y%m%dT%H%M%SZ}-{n}{SUFFIX}"
    archive = folder / name
    key_file, key_texts = _key_texts()
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work_name:
        work = Path(work_name)
        vendor, tables = _dump_database(work)
        dump = work / DUMPS[vendor]
        members: list[tuple[Path, str]] = []
        left_out: list[str] = []
        for root, prefix in (
            (Path(settings.MEDIA_ROOT), "media"),
            (Path(settings.SECRETARIAT_CHECKPOINT_DIR), "checkpoints"),
        ):
            for path in _files_under(root):
                if folder.resolve() in path.resolve().parents:
                    continue  # backups kept inside MEDIA_ROOT are not backed up again
                if _holds_key(path, key_file, key_texts):
                    left_out.append(str(path))
                    continue
                members.append((path, f"{prefix}/{path.relative_to(root).as_posix()}"))
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "app": _app_version(),
            "database": {
                "vendor": vendor,
                "file": dump.name,
                "size": dump.stat().st_size,
                "sha256": file_sha256(dump),
                "tables": tables,
            },
            "files": [
                {"path": arcname, "size": path.stat().st_size, "sha256": file_sha256(path)}
                for path, arcname in members
            ],
            "signing_key": "not included: restore it from its own safe place (decision 0010)",
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        partial = work / (name + ".partial")
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(work / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            for path, arcname in members:
                tar.add(path, arcname=arcname)
        partial.chmod(0o600)  # personal data: readable by the application's user only
        digest = file_sha256(partial)
        os.replace(partial, archive)
    checksum = archive.with_name(name + ".sha256")
    checksum.write_text(f"{digest}  {name}\n")
    checksum.chmod(0o600)
    removed = _prune(folder, keep) if keep else []
    return BackupResult(
        archive=archive,
        checksum=checksum,
        size=archive.stat().st_size,
        seconds=time.monotonic() - started,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(members),
        left_out=left_out,
        removed=removed,
    )


def _prune(folder: Path, keep: int) -> list[Path]:
    """Keep the newest `keep` archives (by their dated names); remove the older ones."""
    archives = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    removed = archives[:-keep] if len(archives) > keep else []
    for old in removed:
        old.unlink()
        old.with_name(old.name + ".sha256").unlink(missing_ok=True)
    return removed


# --- Restore ---------------------------------------------------------------------------


@dataclass
class RestoreResult:
    archive: Path
    manifest: dict[str, Any]
    seconds: float
    tables: int
    rows: int
    files: int
    superseded: Path | None
    verification: str


def archive_verify_checksum(archive: Path) -> None:
    checksum = archive.with_name(archive.name + ".sha256")
    if not checksum.is_file():
        raise BackupError(f"No checksum file {checksum.name} beside the archive: not restored.")
    parts = checksum.read_text().split()
    expected = parts[0].lower() if parts else ""
    if file_sha256(archive) != expected:
        raise BackupError(
            f"The archive's checksum does not match {checksum.name}: the archive was changed "
            "or damaged. Nothing was restored."
        )


def _member_allowed(name: str, dump_name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return False
    return name in (MANIFEST, dump_name) or path.parts[0] in ("media", "checkpoints")


def _extract(archive: Path, into: Path) -> dict[str, Any]:
    """Extract the archive and check every file against its manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if not member.isfile() or not _member_allowed(member.name, member.name):
                    raise BackupError(f"The archive holds an unexpected entry: {member.name}.")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"The archive cannot be read: {exc}.") from exc
    try:
        manifest: dict[str, Any] = json.loads((into / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError("The archive has no readable manifest.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    database = manifest["database"]
    expected = [{"path": database["file"], "sha256": database["sha256"]}, *manifest["files"]]
    listed = {entry["path"] for entry in expected} | {MANIFEST}
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()}
    if present != listed:
        raise BackupError(
            f"The archive's files and its manifest differ: {sorted(present ^ listed)[:10]}."
        )
    for entry in expected:
        if file_sha256(into / entry["path"]) != entry["sha256"]:
            raise BackupError(f"{entry['path']} does not match its SHA-256 in the manifest.")
    return manifest


def database_tables() -> list[str]:
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def _restore_database(vendor: str, dump: Path, force: bool) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)  # replaces the whole database and schema
        finally:
            source.close()
        connection.close()
        return
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            str(settings.DATABASES["default"]["NAME"]),
            str(dump),
        ],
        _pg_env(),
    )


def _place_checkpoints(extracted: Path, force: bool) -> Path | None:
    """Put the archive's checkpoints in the checkpoint folder. Checkpoint files already there
    are evidence: with --force they move to `superseded-<time>/` (decision 0010), never lost."""
    folder = Path(settings.SECRETARIAT_CHECKPOINT_DIR)
    existing = list(folder.glob("*.jsonl")) if folder.is_dir() else []
    source = extracted / "checkpoints"
    same = (
        existing
        and source.is_dir()
        and all(
            (source / p.name).is_file() and file_sha256(source / p.name) == file_sha256(p)
            for p in existing
        )
    )
    superseded = None
    if existing and not same:
        if not force:
            raise BackupError(
                f"The checkpoint folder {folder} already has checkpoint files: restore with "
                "--force to move them into a superseded-… subfolder."
            )
        superseded = folder / f"superseded-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
        superseded.mkdir(parents=True)
        for path in existing:
            shutil.move(path, superseded / path.name)
    if source.is_dir():
        for path in _files_under(source):
            target = folder / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copy2(path, target)
    return superseded


def _place_media(extracted: Path) -> None:
    source = extracted / "media"
    media = Path(settings.MEDIA_ROOT)
    for path in _files_under(source):
        target = media / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def table_differences(
    expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]
) -> list[str]:
    problems = []
    for name in sorted(set(expected) | set(found)):
        want, got = expected.get(name), found.get(name)
        if want is None:
            problems.append(f"{name}: not in the backup")
        elif got is None:
            problems.append(f"{name}: missing after the restore")
        elif want["rows"] != got["rows"]:
            problems.append(f"{name}: {got['rows']} rows, the backup had {want['rows']}")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"{name}: same {got['rows']} rows, different content")
    return problems


def backup_restore(archive: Path, *, force: bool, verify_log: Callable[[], str]) -> RestoreResult:
    """Restore `archive`; `verify_log` verifies the action log (raises if it does not)."""
    started = time.monotonic()
    archive_verify_checksum(archive)
    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix="secretariat-restore-") as work_name:
        work = Path(work_name)
        manifest = _extract(archive, work)
        database = manifest["database"]
        if database["vendor"] != vendor:
            raise BackupError(
                f"The archive holds a {database['vendor']} database; this site uses {vendor}."
            )
        tables = database_tables()
        if tables and not force:
            raise BackupError(
                f"The database already has {len(tables)} tables: restore into an empty "
                "database, or pass --force to replace it. Nothing was restored."
            )
        superseded = _place_checkpoints(work, force)
        _restore_database(vendor, work / database["file"], force)
        _place_media(work)
    problems = table_differences(database["tables"], live_fingerprints())
    if problems:
        raise BackupError(
            "The restored database differs from the backup's manifest: " + "; ".join(problems)
        )
    verification = verify_log()
    return RestoreResult(
        archive=archive,
        manifest=manifest,
        seconds=time.monotonic() - started,
        tables=len(database["tables"]),
        rows=sum(t["rows"] for t in database["tables"].values()),
        files=len(manifest["files"]),
        superseded=superseded,
        verification=verification,
    )
