"""Reads of motions and amendments: the agenda with its motions, one motion's page with its
translations, majority, amendments (a word diff against the motion) and votes.

Motions are seen by those who follow the session (`governance.follow_session`: the
Secretariat, finance, the Comptroller, and whoever sits in the session); to anyone else a
motion does not exist (404). Spanish is the authoritative text (shared/domain.md).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from secretariat.core.access import can, get_for_user_or_404, permission_for
from secretariat.core.languages import AUTONYMS, CONTENT_LANGUAGES, TRANSLATION_LANGUAGES
from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.body_rules import majority_label, majority_rule
from secretariat.governance.models import AgendaItem, Motion, Session, Vote
from secretariat.governance.selectors.composition import session_day

FOLLOW = "governance.follow_session"
MANAGE = "governance.manage_sessions"
ADOPT = "governance.manage_resolutions"

MotionAction = Literal["view", "manage", "adopt"]
# Past "view" (seeing the motion at all), what each action needs; refused, it is a 403: the
# user already sees the motion.
MOTION_ACTIONS: dict[str, str | None] = {"view": None, "manage": MANAGE, "adopt": ADOPT}


# --- The agenda and its motions ------------------------------------------------------------


def agenda_numbers(items: list[AgendaItem]) -> dict[int, str]:
    """ "1", "2", "2.1"... from the tree of items (positions within each parent)."""
    children: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    numbers: dict[int, str] = {}

    def walk(parent: int | None, prefix: str) -> None:
        siblings = sorted(children.get(parent, []), key=lambda i: (i.position, i.pk))
        for n, item in enumerate(siblings, start=1):
            numbers[item.pk] = f"{prefix}{n}"
            walk(item.pk, f"{prefix}{n}.")

    walk(None, "")
    return numbers


def item_numbers(session: Session) -> dict[int, str]:
    """The number of each agenda item of the session (1 query)."""
    items = list(AgendaItem.objects.filter(session=session).only("pk", "parent_id", "position"))
    return agenda_numbers(items)


@dataclass(frozen=True)
class MotionRow:
    """A motion as the agenda lists it, with its amendments."""

    motion: Motion
    amendments: list[Motion] = field(default_factory=list)


@dataclass(frozen=True)
class ItemRow:
    item: AgendaItem
    number: str
    motions: list[MotionRow] = field(default_factory=list)


def agenda_with_motions(session: Session) -> list[ItemRow]:
    """The agenda in order, each item with its motions (amendments after their motion): 2 queries."""
    items = list(AgendaItem.objects.filter(session=session).order_by("parent_id", "position"))
    numbers = agenda_numbers(items)
    motions = list(Motion.objects.filter(session=session).order_by("number"))
    amendments: dict[int, list[Motion]] = {}
    for motion in motions:
        if motion.amends_id:
            amendments.setdefault(motion.amends_id, []).append(motion)
    by_item: dict[int | None, list[MotionRow]] = {}
    for motion in motions:
        if not motion.amends_id:
            row = MotionRow(motion, amendments.get(motion.pk, []))
            by_item.setdefault(motion.agenda_item_id, []).append(row)
    rows = [
        ItemRow(item=item, number=numbers.get(item.pk, ""), motions=by_item.get(item.pk, []))
        for item in items
        if not item.withdrawn or item.pk in by_item
    ]
    rows.sort(key=lambda r: [int(p) for p in r.number.split(".") if p.isdigit()])
    return rows


# --- One motion ---------------------------------------------------------------------------


def motion_queryset() -> QuerySet[Motion]:
    return Motion.objects.select_related("agenda_item", "amends", "session", "session__body")


def _closed_votes() -> Prefetch[Any, Any, Any]:
    closed = Vote.objects.filter(state=Vote.State.CLOSED).order_by("closed_at", "pk")
    return Prefetch("votes", queryset=closed, to_attr="closed_votes")


def motion_get_for_user(*, user: Any, pk: int, action: MotionAction = "view") -> Motion:
    """The one way to a motion, with its session and body: Http404 when it is missing or the
    user does not follow its session; then the action's permission (`MOTION_ACTIONS`), 403.
    "adopt" also preloads the motion's closed votes (`resolutions.deciding_vote`)."""
    queryset = motion_queryset()
    if action == "adopt":
        queryset = queryset.prefetch_related(_closed_votes())
    motion = get_for_user_or_404(queryset, user=user, perm=FOLLOW, pk=pk)
    perm = permission_for(MOTION_ACTIONS, action)
    if perm is not None and not can(user, perm, motion.session):
        raise PermissionDenied(_("You do not have permission to do this."))
    return motion


# --- Word diff of an amendment -------------------------------------------------------------

# Words, runs of spaces, and each punctuation mark on its own ("años," -> "años", ",").
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal", "insert", "delete"
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The new text against the old, word by word (spaces kept), as equal/insert/delete runs."""
    a = _TOKENS.findall(old or "")
    b = _TOKENS.findall(new or "")
    parts: list[DiffPart] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            if tag in ("replace", "delete"):
                add("delete", a[i1:i2])
            if tag in ("replace", "insert"):
                add("insert", b[j1:j2])
    return parts


# --- The motion's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class AmendmentView:
    amendment: Motion
    diff: list[DiffPart]
    diff_local: list[DiffPart] | None  # in the page's language, when both texts have it
    votes: list[Vote]


@dataclass(frozen=True)
class Translation:
    code: str
    name: str
    title: str
    text: str


@dataclass(frozen=True)
class MotionView:
    motion: Motion
    item_number: str
    translations: list[Translation]
    majority: RuleInForce
    majority_text: str
    amendments: list[AmendmentView]
    votes: list[Vote]
    can_manage: bool = False


def _text(motion: Motion, field_name: str, code: str) -> str:
    return str(getattr(motion, f"{field_name}_{code}", "") or "")


def translations_of(motion: Motion) -> list[Translation]:
    """The motion's title and text in each language but Spanish, where written."""
    rows = []
    for code in TRANSLATION_LANGUAGES:
        title, text = _text(motion, "title", code), _text(motion, "text", code)
        if title or text:
            rows.append(Translation(code, AUTONYMS[code], title, text))
    return rows


def _amendment_view(motion: Motion, amendment: Motion, lang: str) -> AmendmentView:
    local = None
    if lang != "es" and lang in CONTENT_LANGUAGES:
        old_local, new_local = _text(motion, "text", lang), _text(amendment, "text", lang)
        if old_local and new_local:
            local = word_diff(old_local, new_local)
    return AmendmentView(
        amendment=amendment,
        diff=word_diff(_text(motion, "text", "es"), _text(amendment, "text", "es")),
        diff_local=local,
        votes=list(amendment.votes.all()),
    )


def motion_view(motion: Motion, *, user: Any = None) -> MotionView:
    """A motion with its translations, its majority, its amendments (diffs) and its votes
    (agenda items 1, votes 1, amendments and their votes 2, the majority rule)."""
    session = motion.session
    votes = list(Vote.objects.filter(motion=motion).order_by("opened_at", "pk"))
    amendments = list(
        Motion.objects.filter(amends=motion)
        .prefetch_related(Prefetch("votes", queryset=Vote.objects.order_by("opened_at", "pk")))
        .order_by("number")
    )
    rule = majority_rule(session.body, motion.decision_kind, session_day(session))
    lang = (get_language() or "es")[:2]
    return MotionView(
        motion=motion,
        item_number=item_numbers(session).get(motion.agenda_item_id or 0, ""),
        translations=translations_of(motion),
        majority=rule,
        majority_text=majority_label(rule.value),
        amendments=[_amendment_view(motion, a, lang) for a in amendments],
        votes=votes,
        can_manage=user is not None and can(user, MANAGE, session),
    )
