#!/usr/bin/env python3
"""Copy the front-end packages installed by `npm install` into static/vendor/ (git-ignored).

The project serves every asset itself (no CDN; the Content-Security-Policy allows only
'self'), so the files the templates load are copied from node_modules/ here. Idempotent:
a file whose bytes are already in place is left alone. Standard library only.

Usage: python scripts/vendor.py   (after `npm install` or `npm ci`)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

# (source under node_modules/, destination under static/vendor/)
FILES: list[tuple[str, str]] = [
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("htmx.org/LICENSE", "htmx/LICENSE"),
    ("axe-core/axe.min.js", "axe-core/axe.min.js"),
    ("axe-core/LICENSE", "axe-core/LICENSE"),
]
# Licence files are copied when the package ships them; the scripts are required.
OPTIONAL_SUFFIXES = ("LICENSE",)


def _same(a: Path, b: Path) -> bool:
    return b.exists() and a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()


def main() -> int:
    if not NODE_MODULES.is_dir():
        print("node_modules/ not found: run `npm ci` (or `npm install`) first.", file=sys.stderr)
        return 1
    missing = 0
    for source_name, target_name in FILES:
        source = NODE_MODULES / source_name
        target = VENDOR / target_name
        if not source.is_file():
            if source_name.endswith(OPTIONAL_SUFFIXES):
                continue
            print(f"missing: node_modules/{source_name}", file=sys.stderr)
            missing += 1
            continue
        if _same(source, target):
            print(f"up to date: static/vendor/{target_name}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        print(f"copied: node_modules/{source_name} -> static/vendor/{target_name}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
