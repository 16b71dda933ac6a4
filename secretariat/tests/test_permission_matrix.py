"""Every route × every role: the expected HTTP status. A new route without an entry fails.

Roles: anonymous, the representative of member A (whose records the objects belong to),
the representative of member B (wrong scope), a Secretariat officer, a finance officer,
the Comptroller and the Secretary General.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from secretariat.core.health import heartbeat_write
from secretariat.core.models import EmailDelivery
from secretariat.core.testing import (
    AUDIT_READ,
    LOGGED_IN,
    POST_ONLY,
    PUBLIC,
    REP_A_ONLY,
    ROLES,
    SCOPED_A,
    STAFF_READ,
    STAFF_WRITE,
    L,
    log_in,
    status_failures,
)
from secretariat.members.models import ImportBatch
from secretariat.members.services.corrections import correction_propose
from secretariat.members.services.requests import request_disaffiliation_by_member

SG_ONLY = (L, 403, 403, 403, 403, 403, 200)

# Routes of the project's own namespaces. Third-party routes under /accounts/ (allauth) are
# tested by its suite and the login flow in core/tests/test_mfa.py; the admin's routes are
# walked below (ADMIN_*).
MATRIX: dict[str, tuple] = {
    "core:home": PUBLIC,
    "health:healthz": PUBLIC,
    "health:readyz": PUBLIC,  # with the worker's heartbeat written (the world below)
    "core:dashboard": LOGGED_IN,
    "core:action-log": AUDIT_READ,
    "core:outbox": AUDIT_READ,
    "core:outbox-retry": POST_ONLY,
    "core:rule-list": (L, 403, 403, 200, 200, 200, 200),
    "core:rule-detail": (L, 403, 403, 200, 200, 200, 200),
    "core:role-list": SG_ONLY,
    "core:role-person": SG_ONLY,
    "core:role-grant": POST_ONLY,
    "core:role-revoke": POST_ONLY,
    "governance:body-list": PUBLIC,
    "governance:body-detail": PUBLIC,
    "members:directory": PUBLIC,
    "members:directory-export": PUBLIC,
    "members:member-detail": PUBLIC,
    "members:apply": PUBLIC,
    "members:apply-done": PUBLIC,
    "members:institution-list": STAFF_READ,
    "members:institution-detail": STAFF_READ,
    "members:institution-create": STAFF_WRITE,
    "members:institution-edit": STAFF_WRITE,
    "members:membership-admit": STAFF_WRITE,
    "members:membership-change": STAFF_WRITE,
    "members:membership-end": STAFF_WRITE,
    "members:representative-add": STAFF_WRITE,
    "members:representative-edit": STAFF_WRITE,
    "members:correction-list": STAFF_READ,
    "members:correction-detail": STAFF_READ,
    "members:my-institution": SCOPED_A,
    "members:correction-propose": REP_A_ONLY,
    "members:request-disaffiliation": REP_A_ONLY,
    "members:request-list": LOGGED_IN,
    "members:request-create": STAFF_WRITE,
    "members:request-detail": SCOPED_A,
    "members:request-attachment": SCOPED_A,
    "members:request-review": POST_ONLY,
    "members:request-checklist": POST_ONLY,
    "members:request-forward": POST_ONLY,
    "members:request-approve": POST_ONLY,
    "members:request-reject": POST_ONLY,
    "members:request-withdraw": POST_ONLY,
    "members:request-attach": POST_ONLY,
    "members:import-upload": STAFF_WRITE,
    "members:import-list": STAFF_WRITE,
    "members:import-template": STAFF_WRITE,
    "members:import-preview": STAFF_WRITE,
    "members:import-commit": POST_ONLY,
    "members:import-discard": POST_ONLY,
}
API_PUBLIC_PREFIX = "api:"


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found.extend(_names(pattern, ns))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append(prefix + pattern.name)
    return found


def project_namespaces() -> set[str]:
    """Every app of the project (each Secretariat app's label), the API, and the health
    probes at the site's root."""
    return {
        config.label for config in apps.get_app_configs() if config.name.startswith("secretariat.")
    } | {"health"}


def project_routes() -> list[str]:
    namespaces = project_namespaces()
    return sorted({n for n in _names(get_resolver()) if n.split(":")[0] in namespaces})


def app_matrices() -> dict[str, tuple]:
    """The matrices the apps keep beside their tests (`<app>/tests/test_permission_matrix_*.py`),
    each with its own world: one per capability, so that parts built side by side do not
    share a file."""
    import importlib
    import pkgutil

    merged: dict[str, tuple] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("secretariat."):
            continue
        try:
            tests = importlib.import_module(f"{config.name}.tests")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(tests.__path__):
            if info.name.startswith("test_permission_matrix_"):
                module = importlib.import_module(f"{config.name}.tests.{info.name}")
                merged |= module.MATRIX
    return merged


def test_it_has_an_entry_for_every_route():
    others = app_matrices()
    assert "governance:session-detail" in others  # the governance matrix is found
    missing = [
        n
        for n in project_routes()
        if n not in MATRIX and n not in others and not n.startswith(API_PUBLIC_PREFIX)
    ]
    assert missing == [], f"Add these routes to the permission matrix: {missing}"
    stale = [n for n in (*MATRIX, *others) if n not in project_routes()]
    assert stale == [], f"Routes in the matrix that no longer exist: {stale}"


@pytest.fixture
def world(
    db, member_a, member_b, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general
):
    from secretariat.governance.models import Body

    Body.objects.create(code="general-assembly", name_es="Asamblea General", kind="assembly")
    request = request_disaffiliation_by_member(
        actor=rep_a,
        institution=member_a,
        statement="Leaving",
        files=[SimpleUploadedFile("letter.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
    )
    correction = correction_propose(
        actor=rep_a, institution=member_a, changes={"phone": "+52 55 1234"}
    )
    rep = member_a.representatives.first()
    batch = ImportBatch.objects.create(
        file_name="m.csv", checksum="0" * 64, rows=[], errors=[], uploaded_by=officer
    )
    heartbeat_write()  # /readyz: the worker is alive
    delivery = EmailDelivery.objects.create(
        purpose="test", to=["a@example.org"], from_email="s@x.org", subject="S", body="B"
    )
    kwargs = {
        "core:rule-detail": {"key": "members.arrears.threshold_years"},
        "core:outbox-retry": {"pk": delivery.pk},
        "core:role-person": {"pk": rep.user_id},
        "core:role-grant": {"pk": rep.user_id},
        "core:role-revoke": {"pk": rep.user_id},
        "governance:body-detail": {"code": "general-assembly"},
        "members:directory-export": {"fmt": "csv"},
        "members:import-template": {"fmt": "csv"},
        "members:request-attachment": {"pk": request.pk, "att_pk": request.attachments.first().pk},
        "members:representative-edit": {"pk": rep.pk},
        "members:correction-detail": {"pk": correction.pk},
        "members:import-preview": {"pk": batch.pk},
        "members:import-commit": {"pk": batch.pk},
        "members:import-discard": {"pk": batch.pk},
    }
    for name in MATRIX:
        if (
            name.startswith("members:request-")
            and name not in kwargs
            and name
            not in (
                "members:request-list",
                "members:request-create",
                "members:request-disaffiliation",
            )
        ):
            kwargs[name] = {"pk": request.pk}
    users = {
        "anonymous": None,
        "rep_a": rep_a,
        "rep_b": rep_b,
        "officer": officer,
        "finance": finance_officer,
        "comptroller": comptroller,
        "sg": secretary_general,
    }
    return {"kwargs": kwargs, "slug": member_a.slug, "users": users}


def _url(name: str, world) -> str:
    kwargs = world["kwargs"].get(name)
    if kwargs is None:
        try:
            return reverse(name)
        except Exception:
            return reverse(name, kwargs={"slug": world["slug"]})
    return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
def test_it_gives_each_role_the_expected_status(world):
    failures = status_failures(MATRIX, world["users"], lambda name: _url(name, world))
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_post_actions_to_the_wrong_roles(world):
    # POST-only actions: members' representatives and read-only staff cannot take them.
    for role in ("rep_b", "finance", "comptroller", "officer"):
        client = Client()
        log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if role == "officer" and not name.startswith("core:role-"):
                continue
            if row is not POST_ONLY:
                continue
            data = {
                "reason": "test",
                "decision_reference": "Res. 1",
                "decided_on": "2026-01-01",
                "effective_on": "2026-01-01",
                "check_letter": "on",
                "grant-role": "secretary_general",
                "grant-reason": "test",
                "revoke-role": "representative",
                "revoke-reason": "test",
            }
            response = client.post(_url(name, world), data)
            assert response.status_code in (403, 404), (role, name, response.status_code)
    # and nothing changed
    from secretariat.members.models import MembershipRequest

    assert MembershipRequest.objects.get().state == "submitted"
    assert list(world["users"]["rep_a"].groups.values_list("name", flat=True)) == ["representative"]


@pytest.mark.django_db
def test_it_serves_the_public_api_to_anyone(world):
    client = Client()
    for path in (
        "/api/v1/members",
        "/api/v1/categories",
        "/api/v1/countries",
        "/api/v1/openapi.json",
        "/api/v1/docs",
        f"/api/v1/members/{world['slug']}",
    ):
        assert client.get(path).status_code == 200, path


def test_every_app_of_the_project_is_checked():
    # a new app's routes are in the matrix's reach without anyone adding its name here
    assert {"core", "members", "governance", "api"} <= project_namespaces()
    assert any(name.startswith("governance:") for name in project_routes())


# --- The admin: read-only for staff, refused to others, login for anonymous -------------------

ADMIN_READ = (L, 403, 403, 200, 200, 200, 200)
ADMIN_WRITE = (L, 403, 403, 403, 403, 403, 403)
# The admin's own routes that are not a model's page, and what they give each role.
ADMIN_SITE_ROUTES = {
    "admin:index": ADMIN_READ,
    "admin:password_change": (L, 403, 403, 302, 302, 302, 302),  # to the site's own page
}
# Routes the walk does not GET: leaving, the admin's login (test_mfa.py), and helpers
# whose answer depends on parameters a page sends (read-only: they write nothing).
ADMIN_NOT_WALKED = {
    "admin:logout",
    "admin:login",
    "admin:password_change_done",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:autocomplete",
    "admin:app_list",
}
ADMIN_MODEL_PAGES = {
    "changelist": ADMIN_READ,
    "change": ADMIN_READ,
    "history": ADMIN_READ,
    "add": ADMIN_WRITE,
    "delete": ADMIN_WRITE,
}


def admin_routes(world) -> dict[str, tuple[str, tuple]]:
    """name -> (url, expected row) for every page of every registered model (those with an
    object use the first one), and the admin's own pages."""
    from django.contrib import admin

    routes = {name: (reverse(name), row) for name, row in ADMIN_SITE_ROUTES.items()}
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.order_by("pk").first()
        for page, row in ADMIN_MODEL_PAGES.items():
            if page in ("changelist", "add"):
                routes[f"{info}_{page}"] = (reverse(f"{info}_{page}"), row)
            elif obj is not None:
                routes[f"{info}_{page}"] = (reverse(f"{info}_{page}", args=[obj.pk]), row)
    return routes


def admin_names() -> set[str]:
    from django.contrib import admin

    return {f"admin:{n}" for n in _names(URLResolver(RoutePattern(""), admin.site.get_urls()))}


@pytest.mark.django_db
def test_the_admin_is_read_only_for_staff_and_closed_to_others(world):
    routes = admin_routes(world)
    # every admin route is walked, or named as not walked
    from django.contrib import admin

    model_pages = {
        f"admin:{m._meta.app_label}_{m._meta.model_name}_{page}"
        for m in admin.site._registry
        for page in ADMIN_MODEL_PAGES
    }
    unknown = admin_names() - model_pages - set(ADMIN_SITE_ROUTES) - ADMIN_NOT_WALKED
    assert unknown <= {"admin:auth_user_password_change"}, unknown
    assert len(routes) > 60
    failures = []
    for role_index, role in enumerate(ROLES):
        client = Client()
        if world["users"][role] is not None:
            log_in(client, world["users"][role])
        for name, (url, row) in routes.items():
            expected = row[role_index]
            response = client.get(url)
            got = response.status_code
            if expected == L:
                ok = got == 302 and "/accounts/login/" in response["Location"]
            else:
                ok = got == expected
            if ok and expected == 200 and name.endswith("_change"):
                ok = b'name="_save"' not in response.content  # shown, not editable
            if not ok:
                failures.append(f"{role:12} {name:50} expected {expected} got {got}")
    assert failures == [], "\n" + "\n".join(failures)
