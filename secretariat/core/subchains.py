"""Hash chains kept beside the action log, and how `verify_action_log` checks them.

Some records are too many, and written too fast, to take the action log's head lock one by
one: a secret ballot's receipts (decision 0012). An app chains them itself (each row's hash
covers its content and the previous row's hash, sealed with the action log's key), keeps the
chain's head, and anchors the head in the action log with an ordinary entry. It registers,
from its `AppConfig.ready`, a verifier that walks its chains and yields what is wrong:
`action_log_verify` runs every registered verifier, so an edited, inserted or deleted row of
a sub-chain fails the check and stops the checkpoints like a row of the log itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from secretariat.core.anchoring import Keyring


@dataclass(frozen=True)
class SubChainProblem:
    """Something wrong in a sub-chain: `where` names the chain and the row ("vote 12, receipt
    3"), `problem` its kind ("link", "content", "seal", "unsealed", "order", "head",
    "anchor"), `detail` says it in words."""

    where: str
    problem: str
    detail: str


# The verifier of one kind of sub-chain: given the keyring (None without a key: seals are not
# checked), every problem it finds.
Verifier = Callable[[Keyring | None], Iterable[SubChainProblem]]

_VERIFIERS: dict[str, Verifier] = {}


def register(name: str, verify: Verifier) -> None:
    """Register the verifier of a kind of sub-chain (from an AppConfig.ready)."""
    _VERIFIERS[name] = verify


def subchains_verify(ring: Keyring | None) -> list[SubChainProblem]:
    """Every problem every registered verifier finds."""
    return [problem for verify in _VERIFIERS.values() for problem in verify(ring)]


def link_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 of a row's content (with the previous row's hash in it), as canonical JSON."""
    data = json.dumps(dict(payload), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
