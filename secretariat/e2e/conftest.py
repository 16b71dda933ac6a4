"""Browser-test fixtures: a live server, headless Chromium, login with MFA and axe-core checks.

What the journeys get:
  page            a fresh browser context and page per test, pointed at pytest-django's
                  `live_server` (transactional database, static files served by
                  django.contrib.staticfiles); dialogs (data-confirm) are accepted; a
                  screenshot and the HTML go to test-artifacts/ when the test fails.
  ciss_data       the CISS reference data (seed_ciss) plus three example members with a
                  category, so filters have something to narrow.
  staff_user / representative_user   people with roles, made with secretariat.conftest.make_user.
  login(page, email, password, totp_secret=None, lang="es")   allauth's login, then the TOTP
                  step when the account has an authenticator.
  axe_check(page) axe-core on the current page (WCAG 2.0/2.1 A and AA); fails listing each
                  violation (rule id, impact, help, elements). Also fails on a
                  Content-Security-Policy violation or a JavaScript error seen by the page.

Environment:
  SECRETARIAT_CHROMIUM   the browser binary (default /usr/bin/chromium; Playwright's own
                         download does not work offline). Missing → the e2e tests are skipped.
  E2E_AXE_REPORT_ONLY=1  record axe violations (printed at the end of the run) without failing,
                         to see how far a journey gets while accessibility bugs are open.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an asyncio loop in this thread; Django would then refuse ORM
# calls from the test ("You cannot call this from an async context"). The test code is not
# async, so the guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("SECRETARIAT_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_URL = "/static/vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_REPORT_ONLY = os.environ.get("E2E_AXE_REPORT_ONLY", "") not in ("", "0", "false")
TIMEOUT_MS = 10_000

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - the dev dependencies include playwright
    sync_playwright = None  # type: ignore[assignment]
else:
    # expect() retries for 5 s by default; a loaded CI machine needs the same margin as actions.
    expect.set_options(timeout=TIMEOUT_MS)


# --- Findings kept for the end-of-run summary ---------------------------------------


@dataclass
class AxeFinding:
    test: str
    url: str
    rule: str
    impact: str
    help: str
    targets: list[str] = field(default_factory=list)


AXE_FINDINGS: list[AxeFinding] = []
_CURRENT_TEST: dict[str, str] = {"id": ""}
# Console errors per page (CSP violations, JavaScript exceptions), keyed by id(page).
_CONSOLE: dict[int, list[str]] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not AXE_FINDINGS:
        return
    terminalreporter.section("axe-core violations")
    seen: set[tuple[str, str, str]] = set()
    for f in AXE_FINDINGS:
        key = (f.url, f.rule, ",".join(f.targets))
        if key in seen:
            continue
        seen.add(key)
        terminalreporter.write_line(f"[{f.impact}] {f.rule} on {f.url} ({f.test}): {f.help}")
        for target in f.targets[:8]:
            terminalreporter.write_line(f"    {target}")


# --- Browser and page ----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set SECRETARIAT_CHROMIUM)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any
) -> Iterator[Callable[..., Page]]:
    """A factory of pages, each in its own browser context (its own cookies: one person each).

    Every page accepts dialogs (data-confirm asks window.confirm(); a person would say yes)
    and records console errors for axe_check. On failure each page's screenshot and HTML go
    to test-artifacts/.
    """
    from django.core.cache import cache

    # Rate limits, used TOTP codes and throttles live in the cache: each test starts clean.
    cache.clear()
    _CURRENT_TEST["id"] = request.node.nodeid
    opened: list[tuple[Any, Page]] = []

    def open_page(locale: str = "es-MX", base_url: str | None = None) -> Page:
        context = browser.new_context(
            base_url=base_url or live_server.url,
            locale=locale,
            accept_downloads=True,
            viewport={"width": 1280, "height": 1000},
        )
        context.set_default_timeout(TIMEOUT_MS)
        created = context.new_page()
        messages: list[str] = []
        _CONSOLE[id(created)] = messages
        created.on("dialog", lambda dialog: dialog.accept())
        created.on(
            "console",
            lambda msg: messages.append(f"{msg.type}: {msg.text}") if msg.type == "error" else None,
        )
        created.on("pageerror", lambda exc: messages.append(f"pageerror: {exc}"))
        opened.append((context, created))
        return created

    try:
        yield open_page
    finally:
        report = getattr(request.node, "rep_call", None)
        for n, (context, created) in enumerate(opened):
            if report is not None and report.failed:
                _save_artifacts(created, request.node.nodeid + (f"-{n}" if n else ""))
            _CONSOLE.pop(id(created), None)
            context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """One page for the test (a fresh browser context)."""
    return new_page()


def _save_artifacts(page: Page, nodeid: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)[-150:]
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        (ARTIFACTS / f"{name}.url.txt").write_text(page.url + "\n", encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 - artifacts are best effort; the failure is reported anyway
        print(f"could not save artifacts for {nodeid}: {exc}")


# --- axe-core ------------------------------------------------------------------------

_AXE_RUN = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                             summary: n.failureSummary || ""})),
  }));
}
"""


def _origin(url: str) -> str:
    match = re.match(r"^(https?://[^/]+)", url)
    assert match, f"not an http page: {url}"
    return match.group(1)


def axe_check(page: Page, *, exclude_rules: tuple[str, ...] = ()) -> None:
    """Run axe-core (WCAG 2.0/2.1 A+AA) on the page as it is now; fail on any violation.

    axe is loaded from the site's own /static/ (the CSP allows scripts from 'self' only, so
    an inline copy would be refused). Also fails when the page reported a CSP violation or a
    JavaScript error since it was opened.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=_origin(page.url) + AXE_URL)
    violations = [v for v in page.evaluate(_AXE_RUN, AXE_TAGS) if v["id"] not in exclude_rules]
    lines = []
    for v in violations:
        targets = [f"{n['target']}  {n['html']}" for n in v["nodes"]]
        AXE_FINDINGS.append(
            AxeFinding(_CURRENT_TEST["id"], page.url, v["id"], v["impact"], v["help"], targets)
        )
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for n in v["nodes"][:10]:
            lines.append(f"    {n['target']}: {n['html']}")
            if n["summary"]:
                lines.append("      " + n["summary"].replace("\n", "\n      "))
    if lines and not AXE_REPORT_ONLY:
        pytest.fail(
            f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(lines)
        )
    problems = [
        m
        for m in _CONSOLE.get(id(page), [])
        if "Content Security Policy" in m or m.startswith("pageerror")
    ]
    if problems:
        pytest.fail(
            f"the page reported CSP violations or script errors on {page.url}:\n"
            + "\n".join(problems)
        )


@pytest.fixture
def axe() -> Callable[..., None]:
    return axe_check


# --- Logging in ----------------------------------------------------------------------


def totp_secret_for(email: str) -> str | None:
    """The TOTP secret of the account, read the way allauth reads it (adapter.decrypt)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    row = Authenticator.objects.filter(
        user__email=email.lower(), type=Authenticator.Type.TOTP
    ).first()
    return decrypt(row.data["secret"]) if row is not None else None


def fresh_totp_code(secret: str, email: str) -> str:
    """A code that will still be valid when submitted, and not yet marked as used.

    allauth accepts a code once per period (tolerance 0), so a second login in the same 30 s
    would be refused: the "used" mark in the cache is removed first.
    """
    import pyotp
    from django.core.cache import cache

    from secretariat.core.models import User

    remaining = 30 - (time.time() % 30)
    if remaining < 3:
        time.sleep(remaining + 0.2)
    code = pyotp.TOTP(secret).now()
    user_id = User.objects.filter(email=email.lower()).values_list("pk", flat=True).first()
    cache.delete(f"allauth.mfa.totp.used?user={user_id}&code={code}")
    return code


def login(
    page: Page,
    email: str,
    password: str | None = None,
    totp_secret: str | None = None,
    *,
    lang: str = "es",
    check_a11y: bool = False,
) -> None:
    """Log in through allauth's pages: e-mail and password, then the TOTP code if asked.

    The login and code pages are checked with axe by their own tests (test_shell.py), so
    that one fault in them fails one test rather than every journey that logs in; pass
    `check_a11y=True` to check them here too."""
    from secretariat.conftest import PASSWORD

    page.goto(f"/{lang}/accounts/login/")
    if check_a11y:
        axe_check(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password or PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    if page.locator("input[name=code]").count():
        if check_a11y:
            axe_check(page)
        secret = totp_secret or totp_secret_for(email)
        assert secret, f"{email} is asked for a code but has no TOTP authenticator"
        page.fill("input[name=code]", fresh_totp_code(secret, email))
        with page.expect_navigation():
            page.press("input[name=code]", "Enter")
    assert "/accounts/login" not in page.url and "/2fa/" not in page.url, (
        f"login of {email} did not complete; still on {page.url}"
    )


def logout(page: Page, *, lang: str = "es") -> None:
    """Log out with the header's button (a POST, as ACCOUNT_LOGOUT_ON_GET is off)."""
    page.goto(f"/{lang}/")
    with page.expect_navigation():
        page.locator("form[action*='logout'] button").first.click()


# --- Data ----------------------------------------------------------------------------

EXAMPLE_MEMBERS = [
    # name, acronym, country, category code
    ("Instituto Ejemplo de Pensiones", "IEP", "MX", "full"),
    ("Caja Ejemplo de Salud", "CES", "PE", "associate"),
    ("Fondo Ejemplo del Caribe", "FEC", "BB", "full"),
]


@dataclass
class CissData:
    """What the journeys can rely on after `ciss_data`."""

    examples: list[Any]  # the three example Institutions with a category


@pytest.fixture
def ciss_data(transactional_db: None) -> CissData:
    from django.core.management import call_command
    from django.utils.text import slugify

    from secretariat.members.models import Category, Country, Institution, Membership, Source

    call_command("seed_ciss", verbosity=0)  # the real reference data
    examples = []
    for name, acronym, code, category in EXAMPLE_MEMBERS:
        inst = Institution.objects.create(
            name=name,
            acronym=acronym,
            country=Country.objects.get(code=code),
            slug=slugify(f"{acronym}-{code}"),
            origin=Source.EXAMPLE,
            source="e2e example",
            email=f"info@{acronym.lower()}.example",
            website=f"https://{acronym.lower()}.example",
        )
        Membership.objects.create(
            institution=inst,
            category=Category.objects.get(code=category),
            valid_from=dt.date(2015, 1, 1),
            source="e2e example",
        )
        examples.append(inst)
    return CissData(examples=examples)


@pytest.fixture
def staff_officer(transactional_db: None) -> Any:
    """A Secretariat officer with a TOTP authenticator (made by make_user)."""
    from secretariat.conftest import make_user
    from secretariat.core import roles

    return make_user("officer.e2e@example.org", roles.OFFICER)


@pytest.fixture
def member_representative(ciss_data: CissData) -> Any:
    """The liaison of the first example member (no TOTP: representatives need none)."""
    from secretariat.conftest import make_user
    from secretariat.core import roles
    from secretariat.members.models import Representative

    user = make_user("rep.e2e@example.org", roles.REPRESENTATIVE)
    Representative.objects.create(
        institution=ciss_data.examples[0],
        user=user,
        full_name="Rita Representante",
        role=Representative.Role.LIAISON,
        valid_from=dt.date(2020, 1, 1),
    )
    return user
