"""Catalog chores: list what is left to translate, apply translations, compile.

    python scripts/i18n.py pending es /tmp/es.json   # untranslated or fuzzy msgids
    python scripts/i18n.py apply es /tmp/es.json     # {"msgid": "msgstr"} or plural lists
    python scripts/i18n.py english                   # en: msgstr = msgid everywhere
    python scripts/i18n.py merge es other.po         # take translations from another .po
    python scripts/i18n.py compile                   # write every .mo

Keys of the JSON are the msgid, or "msgctxt\\x04msgid" for a message with a context; plural
messages map to a list [singular, plural]. Run after `make messages` (makemessages).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PLURALS = {"es": "(n != 1)", "en": "(n != 1)", "pt": "(n > 1)", "fr": "(n > 1)"}


def po_path(lang: str) -> Path:
    return ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"


def load(lang: str):  # type: ignore[no-untyped-def]
    with po_path(lang).open("rb") as f:
        cat = read_po(f, locale=lang)
    cat._num_plurals = 2
    cat._plural_expr = PLURALS[lang]
    return cat


def save(lang: str, cat) -> None:  # type: ignore[no-untyped-def]
    with po_path(lang).open("wb") as f:
        write_po(f, cat, width=0, omit_header=False)


def key(msg) -> str:  # type: ignore[no-untyped-def]
    ident = msg.id[0] if isinstance(msg.id, tuple) else msg.id
    return f"{msg.context}\x04{ident}" if msg.context else ident


def missing(msg) -> bool:  # type: ignore[no-untyped-def]
    if not msg.id:
        return False
    if msg.fuzzy:
        return True
    strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
    return any(not s for s in strings)


def pending(lang: str, out: str) -> None:
    cat = load(lang)
    data = {}
    for msg in cat:
        if missing(msg):
            data[key(msg)] = list(msg.id) if isinstance(msg.id, tuple) else msg.id
    Path(out).write_text(json.dumps(data, ensure_ascii=False, indent=1))
    print(f"{lang}: {len(data)} to translate -> {out}")


def apply(lang: str, src: str) -> None:
    cat = load(lang)
    data = json.loads(Path(src).read_text())
    done = 0
    for msg in cat:
        k = key(msg)
        if k not in data or not msg.id:
            continue
        value = data[k]
        if isinstance(msg.id, tuple):
            msg.string = tuple(value) if isinstance(value, list) else (value, value)
        else:
            msg.string = value[0] if isinstance(value, list) else value
        msg.flags.discard("fuzzy")
        done += 1
    save(lang, cat)
    print(f"{lang}: applied {done}")


def english() -> None:
    cat = load("en")
    for msg in cat:
        if msg.id and missing(msg):
            msg.string = msg.id
            msg.flags.discard("fuzzy")
    save("en", cat)


def merge(lang: str, other: str) -> None:
    cat = load(lang)
    with open(other, "rb") as f:
        src = read_po(f, locale=lang)
    found = {
        key(m): m.string
        for m in src
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else (m.string,))
    }
    done = 0
    for msg in cat:
        if missing(msg) and key(msg) in found:
            msg.string = found[key(msg)]
            msg.flags.discard("fuzzy")
            done += 1
    save(lang, cat)
    print(f"{lang}: merged {done} from {other}")


def compile_all() -> None:
    for lang in PLURALS:
        cat = load(lang)
        with (po_path(lang).with_suffix(".mo")).open("wb") as f:
            write_mo(f, cat)
    print("compiled")


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    {
        "pending": pending,
        "apply": apply,
        "english": english,
        "merge": merge,
        "compile": compile_all,
    }[cmd](*args)
