"""Writes of the action log's anchor (decision 0010): a signed checkpoint of the chain's head,
appended to the checkpoint file and e-mailed to the Comptroller(s).

`checkpoint_write` first verifies the whole log against the checkpoints already written; if
it does not verify, it signs nothing (a checkpoint must not vouch for a rewritten log),
e-mails the Comptroller(s) what it found, and raises `LogDoesNotVerify`. Lines of the
checkpoint files that are damaged, edited or forged are not used and say nothing of the log:
the checkpoint is still written, and they are returned (`damaged_lines`) for the command to
report. The timer that runs
it (`manage.py checkpoint_action_log --if-changed`, hourly) is therefore also an hourly
check of the log. The checkpoint itself is read under the head's lock, so no row is being
appended while it is taken; the file is opened append-only and the line written in one call.
Writing a checkpoint adds no row to the action log: the checkpoint is the log's own record,
kept outside it (a row per checkpoint would move the head it describes).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from secretariat.core import roles
from secretariat.core.anchoring import (
    Checkpoint,
    SigningKey,
    checkpoint_sign,
    keyring,
    signing_key,
)
from secretariat.core.audit import ChainWalk
from secretariat.core.languages import recipient_language
from secretariat.core.models import ActionLogHead, User
from secretariat.core.selectors.checkpoints import (
    Finding,
    Verification,
    action_log_verify,
    checkpoint_file,
    checkpoint_folder,
    checkpoint_latest,
)
from secretariat.core.services.outbox import Attachment, email_queue

ALERT_FINDINGS = 20  # the alert e-mail lists this many findings; verify_action_log gives all


class LogDoesNotVerify(Exception):
    """The log does not verify: no checkpoint was written."""

    def __init__(self, findings: Sequence[Finding], parts_at: int | None) -> None:
        super().__init__(f"The action log does not verify: {len(findings)} problem(s).")
        self.findings = tuple(findings)
        self.parts_at = parts_at
        self.alerted: tuple[str, ...] = ()  # the Comptrollers told


@dataclass(frozen=True)
class CheckpointWritten:
    checkpoint: Checkpoint
    path: Path
    emailed_to: tuple[str, ...]
    damaged_lines: tuple[Finding, ...] = ()  # lines of the files not used (see below)


def checkpoint_write(*, if_changed: bool = False) -> CheckpointWritten | None:
    """Verify the log, then sign a checkpoint of its head, append it to the checkpoint file
    and e-mail it to every active Comptroller. With `if_changed`, nothing is written when the
    latest checkpoint already describes the head (None is returned).

    Refuses with `NoSigningKey` without a key, `ImproperlyConfigured` when the checkpoint
    file cannot be written, `LogDoesNotVerify` (after alerting the Comptroller) when the log
    does not verify."""
    key = signing_key()
    path = _checkpoint_file_ready()
    try:
        verification = action_log_verify(require_checkpoints=False)
        if verification.log_findings:
            raise LogDoesNotVerify(verification.log_findings, verification.parts_at)
        checkpoint = _sign_head(key, verification)
    except LogDoesNotVerify as exc:
        exc.alerted = _alert(exc.findings, exc.parts_at)
        raise
    latest = checkpoint_latest(verification.files)
    if if_changed and latest is not None and latest.same_state(checkpoint):
        return None
    _append(path, checkpoint.line())
    damaged = tuple(f for f in verification.findings if f not in verification.log_findings)
    return CheckpointWritten(checkpoint, path, _email(checkpoint), damaged)


def _checkpoint_file_ready() -> Path:
    path = checkpoint_file()
    try:
        checkpoint_folder().mkdir(mode=0o750, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640))
    except OSError as exc:
        raise ImproperlyConfigured(
            f"The checkpoint file {path} cannot be written ({exc.strerror or exc}); "
            "CHECKPOINT_DIR names its folder. No checkpoint was written."
        ) from exc
    return path


def _sign_head(key: SigningKey, verification: Verification) -> Checkpoint:
    """Under the head's lock: check the rows appended since the verification, then sign."""
    with transaction.atomic():
        ActionLogHead.objects.select_for_update().get_or_create(pk=1)
        at = timezone.now()
        walk = ChainWalk(ring=keyring(), start=verification.position).walk()
        if walk.problems:
            findings = [Finding(f"row {p.entry_id}", p.problem, p.detail) for p in walk.problems]
            raise LogDoesNotVerify(findings, walk.parts_at())
        return checkpoint_sign(
            key=key,
            at=at,
            rows=walk.rows,
            last_id=walk.last_id,
            last_hash=walk.prev,
            sealed_from=walk.first_sealed,
        )


def _append(path: Path, line: str) -> None:
    """One write on a file opened append-only, after a newline if a crash left the last line
    unfinished; then to the disk."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        unfinished = os.fstat(fd).st_size > 0 and not _ends_with_newline(path)
        os.write(fd, ("\n" if unfinished else "").encode() + line.encode("utf-8") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


# --- The e-mails --------------------------------------------------------------------------------


def _comptrollers() -> list[User]:
    return list(
        User.objects.filter(groups__name=roles.COMPTROLLER, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("email")
    )


def _when(at: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")


def _to_comptrollers(
    *,
    purpose: str,
    template: str,
    subject: Callable[[dict[str, Any]], str],
    at: dt.datetime,
    context: dict[str, Any],
    attachments: Sequence[Attachment] = (),
) -> tuple[str, ...]:
    """One e-mail to each active Comptroller, written in their language: `template` and
    `subject` from `context` with the recipient and the time `at` as that language writes
    it. Returns the addresses."""
    sent = []
    with transaction.atomic():
        for user in _comptrollers():
            language = recipient_language(user)
            with translation.override(language):
                full = {
                    **context,
                    "recipient": str(user),
                    "at": _when(at),
                    "tz": timezone.get_current_timezone_name(),
                }
                title = subject(full)
                body = render_to_string(template, full)
            email_queue(
                purpose=purpose,
                to=[user.email],
                subject=title,
                body=body,
                language=language,
                attachments=attachments,
            )
            sent.append(user.email)
    return tuple(sent)


def _email(checkpoint: Checkpoint) -> tuple[str, ...]:
    """The checkpoint to each Comptroller, in their language, the line attached."""
    stamp = timezone.localtime(checkpoint.at).strftime("%Y%m%d-%H%M%S")
    attachment = Attachment(f"checkpoint-{stamp}.jsonl", checkpoint.line() + "\n", "text/plain")
    return _to_comptrollers(
        purpose="core.action_log_checkpoint",
        template="core/email/checkpoint_body.txt",
        subject=lambda c: _("Action log checkpoint of %(date)s") % {"date": c["at"]},
        at=checkpoint.at,
        context={
            "rows": checkpoint.rows,
            "last_id": checkpoint.last_id,
            "last_hash": checkpoint.last_hash,
            "line": checkpoint.line(),
        },
        attachments=[attachment],
    )


def _alert(findings: Sequence[Finding], parts_at: int | None) -> tuple[str, ...]:
    """Tell each Comptroller that the log does not verify and no checkpoint was written."""
    return _to_comptrollers(
        purpose="core.action_log_alert",
        template="core/email/checkpoint_refused_body.txt",
        subject=lambda c: _("The action log does not verify: no checkpoint was written"),
        at=timezone.now(),
        context={
            "parts_at": parts_at,
            "findings": [str(f) for f in findings[:ALERT_FINDINGS]],
            "more": max(0, len(findings) - ALERT_FINDINGS),
        },
    )
