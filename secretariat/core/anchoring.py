"""The action log's anchor outside the database (decision 0010): the key, the row seal and the
checkpoint's one-line form.

The key is an Ed25519 private key read from the settings (`ACTION_LOG_SIGNING_KEY`, or the
file `ACTION_LOG_SIGNING_KEY_FILE` names), never from the database. It gives:

- the **seal** of each row: HMAC-SHA256 of the row's hash under a key derived from the
  private key, prefixed by the key's id. Someone who can write the database but has not the
  key cannot write a row, or rewrite one, whose seal holds;
- the **signature** of each checkpoint ("at <time> the log had N rows; its last row <id> had
  the hash <h>"): Ed25519 over the checkpoint's canonical JSON, which the public key alone
  verifies.

Keys retired by a rotation (`ACTION_LOG_RETIRED_KEYS`) still verify what they sealed and
signed; only the current key seals and signs.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

CHECKPOINT_VERSION = 1
EMPTY_HASH = "0" * 64
_SEAL_KEY_LABEL = b"secretariat action-log row seal v1"


class NoSigningKey(ImproperlyConfigured):
    """No key is configured: rows are not sealed and no checkpoint can be written."""

    def __init__(self) -> None:
        super().__init__(
            "No action-log signing key: set ACTION_LOG_SIGNING_KEY or "
            "ACTION_LOG_SIGNING_KEY_FILE (`manage.py action_log_key --out <file>` makes one). "
            "No checkpoint was written."
        )


# --- The key ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    """One Ed25519 key: its id, its private half, and the HMAC key derived for seals."""

    id: str
    private: Ed25519PrivateKey = field(repr=False)
    seal_key: bytes = field(repr=False)

    def seal(self, row_hash: str) -> str:
        mac = hmac.new(self.seal_key, row_hash.encode("ascii"), hashlib.sha256).hexdigest()
        return f"{self.id}:{mac}"

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private.sign(data)).decode("ascii")

    def verifies(self, data: bytes, signature: str) -> bool:
        try:
            raw = base64.b64decode(signature, validate=True)
            self.private.public_key().verify(raw, data)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True

    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )


def _private_key(text: str) -> Ed25519PrivateKey:
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the PEM key is not an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise ValueError("neither PEM nor base64") from exc
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 key has 32 bytes, this one has {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def load_key(text: str) -> SigningKey:
    """A key from its text: PEM (PKCS#8), or the 32 raw bytes in base64. ValueError if not."""
    private = _private_key(text.strip())
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SigningKey(
        id=hashlib.sha256(public).hexdigest()[:16],
        private=private,
        seal_key=hmac.new(raw, _SEAL_KEY_LABEL, hashlib.sha256).digest(),
    )


def new_key_text() -> str:
    """A new key, as the base64 text the settings read."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class Keyring:
    """The current key (None: not configured) and every key that still verifies, by id."""

    current: SigningKey | None
    by_id: Mapping[str, SigningKey]

    def seal(self, row_hash: str) -> str:
        """The seal of a new row ("" without a key)."""
        return self.current.seal(row_hash) if self.current is not None else ""

    def seal_problem(self, row_hash: str, seal: str) -> str | None:
        """What is wrong with a row's seal, or None when it holds."""
        key = self.by_id.get(seal.partition(":")[0])
        if key is None:
            return "sealed with a key that is not configured"
        if not hmac.compare_digest(key.seal(row_hash), seal):
            return "the seal does not match the row's hash"
        return None


@lru_cache(maxsize=8)
def _keyring(current: str, retired: tuple[str, ...]) -> Keyring:
    keys: dict[str, SigningKey] = {}
    for text in retired:
        try:
            old = load_key(text)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"ACTION_LOG_RETIRED_KEYS holds a key that is not usable: {exc}"
            ) from exc
        keys[old.id] = old
    key = None
    if current.strip():
        try:
            key = load_key(current)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"ACTION_LOG_SIGNING_KEY is not a usable Ed25519 key: {exc}"
            ) from exc
        keys[key.id] = key
    return Keyring(current=key, by_id=keys)


def keyring() -> Keyring:
    """The keys the settings name. ImproperlyConfigured if one of them is not a key."""
    return _keyring(settings.ACTION_LOG_SIGNING_KEY, tuple(settings.ACTION_LOG_RETIRED_KEYS))


def signing_key() -> SigningKey:
    """The current key, or NoSigningKey."""
    key = keyring().current
    if key is None:
        raise NoSigningKey()
    return key


# --- The checkpoint --------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """What the log was at a moment: its row count and its last row's id and hash (0 and
    EMPTY_HASH when it was empty), the first sealed row, signed by one key."""

    at: dt.datetime
    rows: int
    last_id: int
    last_hash: str
    sealed_from: int | None
    key_id: str = ""
    signature: str = ""
    source: str = field(default="", compare=False)  # where it was read: "file:line"

    def fields(self) -> dict[str, Any]:
        return {
            "v": CHECKPOINT_VERSION,
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "rows": self.rows,
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "sealed_from": self.sealed_from,
            "key": self.key_id,
        }

    def payload(self) -> bytes:
        """The bytes the signature covers: the fields as canonical JSON."""
        return json.dumps(self.fields(), sort_keys=True, separators=(",", ":")).encode("utf-8")

    def line(self) -> str:
        """The checkpoint as one line of JSON (without its newline)."""
        return json.dumps(
            self.fields() | {"sig": self.signature}, sort_keys=True, separators=(",", ":")
        )

    def same_state(self, other: Checkpoint) -> bool:
        return (self.rows, self.last_id, self.last_hash) == (
            other.rows,
            other.last_id,
            other.last_hash,
        )


def checkpoint_sign(
    *,
    key: SigningKey,
    at: dt.datetime,
    rows: int,
    last_id: int,
    last_hash: str,
    sealed_from: int | None,
) -> Checkpoint:
    unsigned = Checkpoint(
        at=at,
        rows=rows,
        last_id=last_id,
        last_hash=last_hash,
        sealed_from=sealed_from,
        key_id=key.id,
    )
    return replace(unsigned, signature=key.sign(unsigned.payload()))


class CheckpointLineError(ValueError):
    """A line that is not a checkpoint this keyring can trust; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _parsed(text: str, source: str) -> Checkpoint:
    try:
        data = json.loads(text)
        checkpoint = Checkpoint(
            at=dt.datetime.fromisoformat(data["at"]),
            rows=data["rows"],
            last_id=data["last_id"],
            last_hash=data["last_hash"],
            sealed_from=data["sealed_from"],
            key_id=data["key"],
            signature=data["sig"],
            source=source,
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise CheckpointLineError("not a checkpoint (unreadable)") from exc
    well_typed = (
        data.get("v") == CHECKPOINT_VERSION
        and checkpoint.at.tzinfo is not None
        and all(type(n) is int for n in (checkpoint.rows, checkpoint.last_id))
        and type(checkpoint.sealed_from) in (int, type(None))
        and all(isinstance(s, str) for s in (checkpoint.last_hash, checkpoint.key_id))
        and isinstance(checkpoint.signature, str)
    )
    if not well_typed:
        raise CheckpointLineError("not a checkpoint (unreadable)")
    return checkpoint


def checkpoint_parse(text: str, ring: Keyring, source: str = "") -> Checkpoint:
    """The checkpoint a line holds, if a key of the ring signed exactly it; else
    CheckpointLineError (unreadable, unknown key, or bad signature: edited or forged)."""
    checkpoint = _parsed(text, source)
    key = ring.by_id.get(checkpoint.key_id)
    if key is None:
        raise CheckpointLineError(f"signed with a key that is not configured ({checkpoint.key_id})")
    if not key.verifies(checkpoint.payload(), checkpoint.signature):
        raise CheckpointLineError("bad signature: the line was edited or forged")
    return checkpoint


# --- System checks (registered by CoreConfig.ready) -----------------------------------------


def check_key(**kwargs: Any) -> list[checks.CheckMessage]:
    """A key that is set but not usable stops every write to the log: an error, always."""
    try:
        keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="core.E101")]
    return []


def check_key_deploy(**kwargs: Any) -> list[checks.CheckMessage]:
    """In production, the log must be sealed and checkpointed (`check --deploy`)."""
    try:
        ring = keyring()
    except ImproperlyConfigured:
        return []  # core.E101 says it
    if ring.current is None:
        return [
            checks.Warning(
                "No action-log signing key: new rows are not sealed and no checkpoint can be "
                "written, so a database administrator can rewrite the action log unseen.",
                hint="Set ACTION_LOG_SIGNING_KEY_FILE to a key made by "
                "`manage.py action_log_key --out <file>` (decision 0010).",
                id="core.W101",
            )
        ]
    return []
