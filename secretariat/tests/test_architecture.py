"""The architecture, checked: dependencies between apps point one way (docs/architecture.md).

`core ← members ← governance ← …`: an app imports only the apps below it, never another
app's views; core imports no app. Imports inside functions count too (a lazy import is
still a dependency). The site level above every app (`secretariat/api`, `secretariat/tests`,
`secretariat/e2e`, `secretariat/conftest.py`, `config/`) may import any app; app tests may
use `secretariat.conftest`'s helpers, which pytest shares with every app.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "secretariat"

# Each app and the apps it may import (shared/design.md, "Layout"). A new app is added here.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "members": {"core"},
    "governance": {"core", "members"},
}
# Top-level modules any app may import.
SHARED = {"secretariat.conftest"}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.imported} ({self.why})"


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every `secretariat.…` name each import statement brings in, with its line (function
    bodies too): `from a.b import c` gives `a.b.c`, which may be a module or a name in one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("secretariat.")]


def problem_with(app: str, name: str) -> str | None:
    if any(name == shared or name.startswith(shared + ".") for shared in SHARED):
        return None
    other = name.split(".")[1]
    if other == app:
        return None
    if other not in ALLOWED:
        return "not an app it may depend on"
    if other not in ALLOWED[app]:
        return f"{app} may not depend on {other}"
    if ".views" in name[len(f"secretariat.{other}") :] + ".":
        return "another app's views"
    return None


def violations_in(app: str, path: str, source: str) -> list[Violation]:
    """What a module of `app` imports against the direction."""
    problems = []
    for line, name in imported_modules(source):
        why = problem_with(app, name)
        if why is not None:
            problems.append(Violation(path, line, name, why))
    return problems


def app_modules() -> list[tuple[str, Path]]:
    return [(app, path) for app in ALLOWED for path in sorted((PACKAGE / app).rglob("*.py"))]


def test_every_app_is_in_the_table():
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")} - {"api"}
    assert apps == set(ALLOWED), "Add the new app to ALLOWED with the apps it may import."


def test_no_app_imports_against_the_direction():
    problems = [
        violation
        for app, path in app_modules()
        for violation in violations_in(
            app, str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        )
    ]
    assert problems == [], "\n" + "\n".join(str(p) for p in problems)


@pytest.mark.parametrize(
    ("app", "source", "expected"),
    [
        ("core", "from secretariat.members.models import Institution", 1),
        ("core", "def f():\n    from secretariat.governance import selectors\n", 1),
        ("members", "import secretariat.governance.models", 1),
        ("governance", "from secretariat.members.views import public", 1),
        ("governance", "from secretariat.members import views", 1),
        ("governance", "from secretariat.members.models import Institution", 0),
        ("members", "from secretariat.core.audit import save_audited", 0),
        ("members", "from secretariat.conftest import make_member", 0),
        ("members", "from secretariat.finance.models import Entry", 1),
    ],
)
def test_the_check_finds_what_it_should(app, source, expected):
    assert len(violations_in(app, "x.py", source)) == expected
