"""The architecture, checked: dependencies between apps point one way (docs/architecture.md).

`core ← members ← governance ← …`: an app imports only the apps below it, never another
app's views; core imports no app. Imports inside functions count too (a lazy import is
still a dependency). The site level above every app (`secretariat/api`, `secretariat/tests`,
`secretariat/e2e`, `secretariat/conftest.py`, `config/`) may import any app; app tests may
use `secretariat.conftest`'s helpers, which pytest shares with every app.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "secretariat"

# Each app and the apps it may import (shared/design.md, "Layout"). A new app is added here.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "members": {"core"},
    "governance": {"core", "members"},
    "elections": {"core", "members", "governance"},
    "finance": {"core", "members", "governance"},
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


# --- One way in: how each view reaches its objects -----------------------------------------

# URL arguments that name an object: a view that takes one fetches it through a selector.
OBJECT_ARGUMENTS = {"pk", "slug", "code", "number", "key"}
FORBIDDEN_CALLS = {"has_perm", "permission_required", "save", "delete", "create", "get_or_create"}


@dataclass(frozen=True)
class ViewProblem:
    route: str
    view: str
    problem: str

    def __str__(self) -> str:
        return f"{self.route} ({self.view}): {self.problem}"


def _calls(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.append(func.id)
            elif isinstance(func, ast.Attribute):
                names.append(func.attr)
    return names


def _uses_objects_manager(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")
        for node in ast.walk(tree)
    )


def view_calls(function_source: str, module_source: str) -> list[str]:
    """The names a view calls, and those called by the module's own helpers it calls."""
    module = ast.parse(module_source)
    helpers = {
        node.name: node
        for node in module.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_")
    }
    tree = ast.parse(function_source.lstrip())
    names = _calls(tree)
    for name in list(names):
        if name in helpers:
            names += _calls(helpers[name])
    return names


def view_problems(
    *,
    route: str,
    view: str,
    access: str | None,
    object_arguments: set[str],
    source: str,
    module_source: str,
) -> list[ViewProblem]:
    """What is wrong with how one view is reached (empty: nothing)."""
    tree = ast.parse(source.lstrip())
    calls = view_calls(source, module_source)
    problems = []
    forbidden = sorted(set(calls) & FORBIDDEN_CALLS)
    if forbidden:
        problems.append(
            f"calls {', '.join(forbidden)}: access and writes belong to selectors and services"
        )
    if _uses_objects_manager(tree):
        problems.append("reads a model's manager: fetch through a selector")
    fetches = any(name.endswith("_get_for_user") for name in calls)
    lists = any(name.endswith("_list_for_user") for name in calls)
    if object_arguments and not fetches:
        problems.append(
            f"takes {', '.join(sorted(object_arguments))} but fetches no object through a _get_for_user selector"
        )
    if (
        not object_arguments
        and access != "public"
        and not lists
        and not (access or "").startswith("requires:")
    ):
        problems.append(
            "is neither @public nor @requires(perm), and lists nothing through a _list_for_user selector"
        )
    return [ViewProblem(route, view, p) for p in problems]


def project_views() -> list[tuple[str, Callable[..., Any], set[str]]]:
    """(route, view, URL arguments naming an object) for every route of the apps' namespaces."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[tuple[str, Callable[..., Any], set[str]]] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in ALLOWED:
                arguments = set(pattern.pattern.regex.groupindex)
                objects = {a for a in arguments if a in OBJECT_ARGUMENTS or a.endswith("_pk")}
                found.append((f"{namespace}:{pattern.name}", pattern.callback, objects))

    walk(get_resolver(), "", "")
    return found


def problems_of_every_view() -> dict[str, list[ViewProblem]]:
    from secretariat.core.access import ACCESS_ATTRIBUTE

    result: dict[str, list[ViewProblem]] = {}
    for route, view, objects in project_views():
        function = inspect.unwrap(view)
        name = f"{function.__module__}.{function.__qualname__}"
        module_source = inspect.getsource(sys.modules[function.__module__])
        problems = view_problems(
            route=route,
            view=name,
            access=getattr(view, ACCESS_ATTRIBUTE, None),
            object_arguments=objects,
            source=inspect.getsource(function),
            module_source=module_source,
        )
        if problems:
            result[name] = problems
    return result


def test_every_view_is_reached_one_way():
    problems = [str(p) for _name, ps in sorted(problems_of_every_view().items()) for p in ps]
    assert problems == [], "\n" + "\n".join(problems)


def _problems(
    source: str, *, access: str | None = None, objects: set[str] | None = None
) -> list[str]:
    return [
        p.problem
        for p in view_problems(
            route="r",
            view="v",
            access=access,
            object_arguments=objects or set(),
            source=source,
            module_source=source,
        )
    ]


def test_the_view_check_finds_what_it_should():
    fetch = "def v(request, pk):\n    s = session_get_for_user(user=request.user, pk=pk, action='view')\n"
    assert _problems(fetch, objects={"pk"}) == []
    assert _problems(fetch, access="public", objects={"pk"}) == []
    no_fetch = "def v(request, pk):\n    return render(request, 'x.html')\n"
    assert "fetches no object" in _problems(no_fetch, access="public", objects={"pk"})[0]
    manager = "def v(request, pk):\n    s = session_get_for_user(user=request.user, pk=pk)\n    Session.objects.get(pk=pk)\n"
    assert "manager" in _problems(manager, objects={"pk"})[0]
    perm = "def v(request):\n    if request.user.has_perm('x'):\n        pass\n"
    assert "has_perm" in _problems(perm, access="requires:x")[0]
    assert "neither" in _problems("def v(request):\n    return 1\n")[0]
    assert _problems("def v(request):\n    return 1\n", access="requires:x") == []
    assert _problems("def v(request):\n    x = request_list_for_user(user=request.user)\n") == []
    helper = (
        "def _session(request, pk):\n    return session_get_for_user(user=request.user, pk=pk)\n"
        "def v(request, pk):\n    s = _session(request, pk)\n"
    )
    view_only = "def v(request, pk):\n    s = _session(request, pk)\n"
    assert [
        p.problem
        for p in view_problems(
            route="r",
            view="v",
            access=None,
            object_arguments={"pk"},
            source=view_only,
            module_source=helper,
        )
    ] == []


# --- Sizes: modules split by what they do, service and selector functions by their steps ---

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def app_code() -> list[Path]:
    """The apps' own code: neither migrations nor tests."""
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        and "tests" not in path.parts
        and "e2e" not in path.parts
        and not path.name.startswith("test_")
        and path.name != "conftest.py"
    ]


def long_modules() -> dict[str, int]:
    lines = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for p in app_code()
    }
    return {path: n for path, n in lines.items() if n > MAX_MODULE_LINES}


def long_functions(source: str, path: str) -> dict[str, int]:
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found[f"{path}::{node.name}"] = length
    return found


def is_service_or_selector(path: Path) -> bool:
    """A module of a services or selectors package (nested ones too), or services_*.py."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return any(part.split("_")[0] in ("services", "selectors") for part in parts)


def long_service_and_selector_functions() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in app_code():
        if is_service_or_selector(path):
            found |= long_functions(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return found


def test_no_module_is_longer_than_600_lines():
    found = long_modules()
    assert found == {}, f"Split these modules by what they do: {found}"


def test_no_service_or_selector_function_is_longer_than_80_lines():
    found = long_service_and_selector_functions()
    assert found == {}, f"Split these into their steps (check, compute, write): {found}"


def test_the_size_checks_find_what_they_should():
    assert is_service_or_selector(PACKAGE / "members/services/imports/commit.py")
    assert is_service_or_selector(PACKAGE / "members/selectors/registry.py")
    assert not is_service_or_selector(PACKAGE / "members/views/registry.py")
    body = "\n".join(f"    x = {i}" for i in range(MAX_FUNCTION_LINES))
    assert long_functions(f"def f():\n{body}\n", "m.py") == {"m.py::f": MAX_FUNCTION_LINES + 1}
    assert long_functions("def f():\n    return 1\n", "m.py") == {}


# --- Typing: the strict override reaches every services and selectors module --------------


def strict_patterns() -> list[str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for override in config["tool"]["mypy"]["overrides"]:
        if override.get("disallow_untyped_defs") and override.get("disallow_any_generics"):
            return list(override["module"])
    return []


def covered(module: str, patterns: list[str]) -> bool:
    """mypy's rule: `*` stands for one whole component; a trailing `.*` also for any below."""
    parts = module.split(".")
    for pattern in patterns:
        wanted = pattern.split(".")
        if wanted[-1] == "*" and len(parts) >= len(wanted):
            candidate = parts[: len(wanted) - 1]
            if all(w in ("*", p) for w, p in zip(wanted[:-1], candidate, strict=True)):
                return True
        if len(wanted) == len(parts) and all(
            w in ("*", p) for w, p in zip(wanted, parts, strict=True)
        ):
            return True
    return False


def test_every_services_and_selectors_module_is_type_checked_strictly():
    patterns = strict_patterns()
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in app_code()
        if is_service_or_selector(path)
    ]
    missed = [m for m in modules if not covered(m, patterns)]
    assert modules and missed == [], f"Add these to the strict override in pyproject.toml: {missed}"
    assert covered("secretariat.members.services.registry", patterns)
    assert not covered("secretariat.members.views.registry", patterns)


# --- `# type: ignore`: few, each with its reason --------------------------------------------

MAX_TYPE_IGNORES = 15
IGNORE = re.compile(r"#\s*type:\s*ignore(\[[^\]]*\])?(.*)$")


def type_ignores() -> list[tuple[str, int, str]]:
    """(path, line, what follows the ignore) for every `# type: ignore` in the apps' code."""
    found = []
    for path in app_code():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = IGNORE.search(line)
            if match:
                found.append((str(path.relative_to(ROOT)), number, match.group(0)))
    return found


def explained(ignore: str) -> bool:
    """`# type: ignore[code]  # why`: an error code, then a comment saying why."""
    return bool(re.search(r"\[[\w-]+(, *[\w-]+)*\]\s*#\s*\S", ignore))


def test_type_ignores_are_few_and_say_why():
    found = type_ignores()
    assert len(found) <= MAX_TYPE_IGNORES, f"{len(found)} `# type: ignore` in app code: {found}"
    unexplained = [(path, line) for path, line, text in found if not explained(text)]
    assert unexplained == [], f"Name the error code and say why after it: {unexplained}"
    assert explained("# type: ignore[override]  # e-mail first")
    assert not explained("# type: ignore[override]") and not explained("# type: ignore  # x")


# --- One shape: every app has the parts docs/architecture.md names ---------------------------

REQUIRED_PARTS = [
    "apps.py",
    "models/__init__.py",
    "services/__init__.py",
    "selectors/__init__.py",
    "views/__init__.py",
    "forms/__init__.py",
    "urls.py",
    "permissions.py",
    "admin.py",
    "tests/__init__.py",
    "tests/services/__init__.py",
    "tests/views/__init__.py",
]
# The flat modules the packages replace: an app never has them.
FLAT_MODULES = ["models.py", "services.py", "selectors.py", "views.py", "forms.py"]


def shape_problems(app_dir: Path) -> list[str]:
    problems = [f"missing {part}" for part in REQUIRED_PARTS if not (app_dir / part).exists()]
    problems += [
        f"{name} should be a package" for name in FLAT_MODULES if (app_dir / name).exists()
    ]
    problems += [
        f"{path.name}: one module per part inside the package instead"
        for pattern in ("services_*.py", "selectors_*.py")
        for path in app_dir.glob(pattern)
    ]
    if not (app_dir / "templates" / app_dir.name).is_dir():
        problems.append(f"missing templates/{app_dir.name}/")
    return problems


def test_every_app_has_the_same_shape():
    problems = {app: shape_problems(PACKAGE / app) for app in ALLOWED}
    assert {app: found for app, found in problems.items() if found} == {}


def test_the_shape_check_finds_what_it_should(tmp_path):
    app = tmp_path / "notices"
    (app / "templates" / "notices").mkdir(parents=True)
    for part in REQUIRED_PARTS:
        (app / part).parent.mkdir(parents=True, exist_ok=True)
        (app / part).touch()
    assert shape_problems(app) == []
    (app / "urls.py").unlink()
    (app / "services_accounts.py").touch()
    assert shape_problems(app) == [
        "missing urls.py",
        "services_accounts.py: one module per part inside the package instead",
    ]
