"""Reads of the action log's anchor (decision 0010): the checkpoint files, and the log verified
against them.

The checkpoints are read from every `*.jsonl` file of `settings.SECRETARIAT_CHECKPOINT_DIR`
(the server's copy) and from any copy given (the Comptroller's, assembled from the e-mails).
A line counts only if a configured key signed exactly it. A copy's checkpoint missing from
the folder means the folder's file lost lines. Then one walk of the chain checks every row
and every checkpoint (`core.audit.ChainWalk`) and names the first row where they part; the
chains kept beside the log (`core.subchains`: a secret ballot's receipts) are checked too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from secretariat.core.anchoring import Checkpoint, CheckpointLineError, Keyring, checkpoint_parse
from secretariat.core.anchoring import keyring as configured_keyring
from secretariat.core.audit import ChainPosition, ChainWalk, CheckpointCheck
from secretariat.core.subchains import subchains_verify

CHECKPOINT_FILE_NAME = "action-log-checkpoints.jsonl"
# Findings about the checkpoint files' lines, not about the log: a damaged, edited or forged
# line is not used, and says nothing of the rows (see Verification.log_findings).
FILE_KINDS = frozenset({"checkpoint line", "unreadable file"})


def checkpoint_folder() -> Path:
    return Path(settings.SECRETARIAT_CHECKPOINT_DIR)


def checkpoint_file() -> Path:
    """The file new checkpoints are appended to."""
    return checkpoint_folder() / CHECKPOINT_FILE_NAME


@dataclass(frozen=True)
class Finding:
    """One problem: where (a row, a checkpoint line, a file), its kind, and what it is.
    `row` is the first row of the log it puts in doubt, when there is one."""

    where: str
    kind: str
    detail: str
    row: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class CheckpointFile:
    """The checkpoints of one file that a configured key signed, and what is wrong with the
    other lines."""

    path: Path
    lines: int
    checkpoints: tuple[Checkpoint, ...]
    findings: tuple[Finding, ...]


def checkpoint_file_read(path: Path, ring: Keyring) -> CheckpointFile:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        finding = Finding(str(path), "unreadable file", exc.strerror or str(exc))
        return CheckpointFile(path, 0, (), (finding,))
    checkpoints: list[Checkpoint] = []
    findings: list[Finding] = []
    lines = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        lines += 1
        where = f"{path}:{number}"
        try:
            checkpoints.append(checkpoint_parse(line, ring, source=where))
        except CheckpointLineError as exc:
            findings.append(Finding(where, "checkpoint line", exc.reason))
    return CheckpointFile(path, lines, tuple(checkpoints), tuple(findings))


def checkpoint_files_read(ring: Keyring) -> list[CheckpointFile]:
    """Every checkpoint file of the folder (none when it does not exist)."""
    folder = checkpoint_folder()
    if not folder.is_dir():
        return []
    return [checkpoint_file_read(path, ring) for path in sorted(folder.glob("*.jsonl"))]


def checkpoint_latest(files: Iterable[CheckpointFile]) -> Checkpoint | None:
    """The most recent signed checkpoint of the files."""
    return max((c for f in files for c in f.checkpoints), key=lambda c: c.at, default=None)


@dataclass(frozen=True)
class Verification:
    """The log checked against itself, its seals and its checkpoints, at `checked_at`."""

    checked_at: dt.datetime
    rows: int
    position: ChainPosition
    keyed: bool
    files: tuple[CheckpointFile, ...]
    copies: tuple[CheckpointFile, ...]
    checks: tuple[CheckpointCheck, ...]
    findings: tuple[Finding, ...]
    parts_at: int | None

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def log_findings(self) -> tuple[Finding, ...]:
        """The findings about the log itself (rows, head, checkpoints, keys), not about
        lines of the checkpoint files."""
        return tuple(f for f in self.findings if f.kind not in FILE_KINDS)

    @property
    def latest_holding(self) -> Checkpoint | None:
        holding = [c.checkpoint for c in self.checks if not c.problem]
        return max(holding, key=lambda c: c.at, default=None)

    @property
    def unanchored(self) -> int:
        """Rows written after the latest checkpoint that holds (all, without one)."""
        latest = self.latest_holding
        return self.rows - (latest.rows if latest is not None else 0)


def _distinct(files: Iterable[CheckpointFile]) -> list[Checkpoint]:
    seen: dict[tuple[str, str], Checkpoint] = {}
    for f in files:
        for c in f.checkpoints:
            seen.setdefault((c.key_id, c.signature), c)
    return list(seen.values())


def _missing_from_folder(
    files: Sequence[CheckpointFile], copies: Sequence[CheckpointFile]
) -> list[Finding]:
    """A copy's checkpoints that the folder lacks: its file was truncated or edited."""
    kept = {(c.key_id, c.signature) for f in files for c in f.checkpoints}
    findings = []
    for copy in copies:
        missing = [c for c in copy.checkpoints if (c.key_id, c.signature) not in kept]
        if missing:
            first = min(missing, key=lambda c: c.at)
            findings.append(
                Finding(
                    str(copy.path),
                    "checkpoint missing",
                    f"{len(missing)} of its checkpoints are not in {checkpoint_folder()} "
                    f"(the first of {first.at.isoformat()}, row {first.last_id}): "
                    "the folder's file was truncated or edited",
                )
            )
    return findings


def _key_findings(ring: Keyring, copies: Sequence[Path]) -> list[Finding]:
    if ring.by_id:
        return []
    folder = checkpoint_folder()
    if copies or (folder.is_dir() and any(folder.glob("*.jsonl"))):
        return [
            Finding(
                "settings",
                "no key",
                "there are checkpoints but no key is configured to check them "
                "(ACTION_LOG_SIGNING_KEY / ACTION_LOG_SIGNING_KEY_FILE)",
            )
        ]
    return []


def _walk_findings(walk: ChainWalk) -> list[Finding]:
    findings = [
        Finding(f"row {p.entry_id}", p.problem, p.detail, row=p.entry_id + (p.problem == "head"))
        for p in walk.problems
    ]
    for check in walk.checks:
        if check.problem:
            c = check.checkpoint
            detail = f"checkpoint of {c.at.isoformat()}: {check.problem}"
            findings.append(Finding(c.source, "checkpoint", detail, row=check.parts_at))
    return findings


def action_log_verify(
    *, copies: Sequence[Path] = (), require_checkpoints: bool = True
) -> Verification:
    """Verify the action log: every row's link, hash and seal, the head, every checkpoint of
    the folder and of the `copies`, the copies against the folder, and the sub-chains its
    entries anchor (`core.subchains`). Without a key, only
    the chain itself (and a finding if there are checkpoints it cannot check). With a key,
    a log with rows and no checkpoint at all is a finding unless `require_checkpoints` is
    False (the checkpoint service, about to write the first one)."""
    ring = configured_keyring()
    keyed = bool(ring.by_id)
    files = tuple(checkpoint_files_read(ring)) if keyed else ()
    copy_files = tuple(checkpoint_file_read(p, ring) for p in copies) if keyed else ()
    checkpoints = _distinct(files + copy_files)
    walk = ChainWalk(ring=ring, checkpoints=checkpoints).walk().finish()
    findings = _key_findings(ring, copies)
    findings += [finding for f in files + copy_files for finding in f.findings]
    findings += _missing_from_folder(files, copy_files)
    if require_checkpoints and ring.current is not None and walk.rows and not checkpoints:
        findings.append(
            Finding(
                str(checkpoint_folder()),
                "no checkpoint",
                "the log has rows but no checkpoint anchors it outside the database "
                "(run `manage.py checkpoint_action_log`)",
            )
        )
    findings += _walk_findings(walk)
    # The chains kept beside the log (a secret ballot's receipts), anchored by its entries.
    findings += [
        Finding(p.where, p.problem, p.detail) for p in subchains_verify(ring if keyed else None)
    ]
    return Verification(
        checked_at=timezone.now(),
        rows=walk.rows,
        position=walk.position(),
        keyed=keyed,
        files=files,
        copies=copy_files,
        checks=tuple(walk.checks),
        findings=tuple(findings),
        parts_at=walk.parts_at(),
    )
