"""Personas and reference rows shared by every app's tests.

Personas (built once per test that asks for them): the Secretary General, a Secretariat
officer, a finance officer, the Comptroller, the representative of member A, of member B,
and anonymous. Staff personas have a TOTP authenticator so the MFA requirement is met.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from secretariat.core import roles
from secretariat.core.models import User
from secretariat.members.models import (
    Category,
    Country,
    Institution,
    Membership,
    Representative,
    Source,
    SubRegion,
)

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The action log: no signing key and a checkpoint folder of the test's own (decision
    # 0010); the tests of the anchor set a key themselves.
    settings.ACTION_LOG_SIGNING_KEY = ""
    settings.ACTION_LOG_RETIRED_KEYS = []
    settings.SECRETARIAT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    # A fast hasher: the suite creates many personas; production keeps the default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run as soon as they are queued (after the transaction commits);
    # tests of the worker's queue itself choose the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Each test gets empty caches in its own memory: rate limits and allauth's "TOTP code
    # already used" marks are keyed by ids that a rolled-back test may hand to the next one.
    # (Production shares the default cache between processes, in the database or Redis;
    # the tests of that sharing choose the database cache themselves.)
    local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {
        "default": local | {"LOCATION": "default"},
        "local": local | {"LOCATION": "local"},
        "template_fragments": local | {"LOCATION": "local"},
    }
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Each test starts in English: a request's LocaleMiddleware activates its own language
    (from the URL prefix) and leaves it active on the thread, so without a fixed start a
    service's message would be in whatever language the previous test's request used."""
    from django.utils import translation

    with translation.override("en"):
        yield


def make_user(email: str, *role_names: str, mfa: bool = True) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, full_name=email.split("@")[0].title()
    )
    for name in role_names:
        group, _ = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    if mfa and roles.STAFF_ROLES.intersection(role_names):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"},
        )
    return user


@pytest.fixture
def categories(db) -> dict[str, Category]:
    spec = [
        ("full", "Miembro titular", "Miembros titulares", "Full member", "Full members", True),
        (
            "associate",
            "Miembro asociado",
            "Miembros asociados",
            "Associate member",
            "Associate members",
            False,
        ),
        (
            "affiliate",
            "Miembro adherente",
            "Miembros adherentes",
            "Affiliate member",
            "Affiliate members",
            False,
        ),
        (
            "linked",
            "Miembro vinculado",
            "Miembros vinculados",
            "Linked member",
            "Linked members",
            False,
        ),
    ]
    result = {}
    for order, (code, es, es_pl, en, en_pl, vote) in enumerate(spec):
        result[code] = Category.objects.create(
            code=code,
            name_es=es,
            name_plural_es=es_pl,
            name_en=en,
            name_plural_en=en_pl,
            has_vote=vote,
            order=order,
            source="test",
        )
    return result


@pytest.fixture
def countries(db) -> dict[str, Country]:
    four = SubRegion.objects.create(number=4, name_es="Subregión IV", name_en="Sub-region IV")
    return {
        "MX": Country.objects.create(code="MX", name_es="México", name_en="Mexico"),
        "PE": Country.objects.create(code="PE", name_es="Perú", name_en="Peru"),
        "CA": Country.objects.create(code="CA", name_es="Canadá", name_en="Canada", subregion=four),
    }


def make_member(
    name: str,
    country: Country,
    category: Category | None,
    since: dt.date | None = dt.date(2010, 1, 1),
    **extra,
) -> Institution:
    inst = Institution.objects.create(
        name=name,
        country=country,
        slug=name.lower().replace(" ", "-")[:100],
        origin=Source.REFERENCE,
        source="test",
        **extra,
    )
    Membership.objects.create(institution=inst, category=category, valid_from=since, source="test")
    return inst


@pytest.fixture
def member_a(categories, countries) -> Institution:
    return make_member("Instituto Alfa", countries["MX"], categories["full"], acronym="IA")


@pytest.fixture
def member_b(categories, countries) -> Institution:
    return make_member("Instituto Beta", countries["PE"], categories["associate"], acronym="IB")


@pytest.fixture
def secretary_general(db) -> User:
    return make_user("sg@example.org", roles.SECRETARY_GENERAL)


@pytest.fixture
def officer(db) -> User:
    return make_user("officer@example.org", roles.OFFICER)


@pytest.fixture
def finance_officer(db) -> User:
    return make_user("finance@example.org", roles.FINANCE)


@pytest.fixture
def comptroller(db) -> User:
    return make_user("comptroller@example.org", roles.COMPTROLLER)


@pytest.fixture
def rep_a(member_a) -> User:
    user = make_user("rep.a@example.org", roles.REPRESENTATIVE)
    Representative.objects.create(
        institution=member_a,
        user=user,
        full_name="Ana Alfa",
        role=Representative.Role.LIAISON,
        valid_from=dt.date(2020, 1, 1),
    )
    return user


@pytest.fixture
def rep_b(member_b) -> User:
    user = make_user("rep.b@example.org", roles.REPRESENTATIVE)
    Representative.objects.create(
        institution=member_b,
        user=user,
        full_name="Bruno Beta",
        role=Representative.Role.LIAISON,
        valid_from=dt.date(2020, 1, 1),
    )
    return user


def client_for(user: User | None) -> Client:
    """A client signed in as `user` (staff with their second factor entered), or anonymous."""
    from secretariat.core.testing import log_in

    client = Client()
    if user is not None:
        log_in(client, user)
    return client


@pytest.fixture
def as_officer(officer) -> Client:
    return client_for(officer)


@pytest.fixture
def as_rep_a(rep_a) -> Client:
    return client_for(rep_a)


@pytest.fixture
def as_anonymous() -> Client:
    return Client()
