"""The reference-data loader (seed_ciss), the demo (seed_demo, demo_totp) and seed_scale."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from secretariat.core import roles
from secretariat.core.models import ActionLog, User
from secretariat.governance.models import Body, Mandate, Office
from secretariat.members.models import (
    Category,
    Country,
    Institution,
    Membership,
    MembershipRequest,
    Representative,
    Source,
    SubRegion,
)
from secretariat.members.references import next_request_reference

pytestmark = pytest.mark.django_db

SUBREGION_IV = {
    "US", "CA", "AW", "CW",  # named by the source
    "AG", "BS", "BB", "DM", "GD", "JM", "KN", "LC", "VC", "TT",  # English-speaking states
    "AI", "VG", "KY", "MS", "TC", "BM",  # English-speaking territories
}  # fmt: skip


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model, historical ones included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"members", "governance", "core", "auth", "mfa", "account"}
    }


def historical_counts() -> dict[str, int]:
    return {k: v for k, v in row_counts().items() if ".Historical" in k}


# --- seed_ciss ---------------------------------------------------------------------------


def test_it_loads_the_reference_data():
    # when
    run("seed_ciss")

    # then
    assert Institution.objects.filter(origin=Source.REFERENCE).count() == 14
    assert list(Category.objects.values_list("code", "published_count", "has_vote")) == [
        ("full", 31, True),
        ("associate", 38, False),
        ("affiliate", 6, False),
        ("linked", 8, False),
    ]
    full = Category.objects.get(code="full")
    assert full.name_es == "Miembro titular" and full.name_plural_es == "Miembros titulares"
    assert full.name_en == "Full member" and full.name_pt and full.name_fr
    assert SubRegion.objects.count() == 5
    assert (
        set(Country.objects.filter(subregion__number=4).values_list("code", flat=True))
        == SUBREGION_IV
    )
    assert not SubRegion.objects.exclude(number=4).filter(countries__isnull=False).exists()
    for code in ("BZ", "GY", "VI", "MX"):
        assert Country.objects.get(code=code).subregion is None
    assert "Not stated by the source" in Country.objects.get(code="BZ").subregion_source
    assert Body.objects.count() == 19
    assert Body.objects.get(code="ciess-board").parent.code == "ciess"
    assert Body.objects.filter(parent__code="cass").count() == 6
    assert Office.objects.count() == 5
    assert Mandate.objects.count() == 8


def test_it_keeps_unknown_facts_unknown():
    # when
    run("seed_ciss")

    # then: no source states a real member's category
    assert Membership.objects.count() == 14
    assert not Membership.objects.filter(category__isnull=False).exists()
    belize = Membership.objects.get(institution__country__code="BZ")
    assert (belize.valid_from, belize.valid_from_precision) == (dt.date(1987, 1, 1), "year")
    essalud = Institution.objects.get(acronym="EsSalud")
    assert essalud.country.code == "PE" and essalud.website == ""
    assert Membership.objects.get(institution=essalud).valid_from == dt.date(2022, 1, 1)
    assert Membership.objects.get(institution__acronym="IMSS").valid_from is None
    comptroller = Mandate.objects.get(office__code="comptroller")
    assert comptroller.valid_from is None and comptroller.valid_to is None
    assert "term not stated" in comptroller.source
    omar = Mandate.objects.get(holder="Omar de la Torre")
    assert (omar.valid_from, omar.valid_to, omar.valid_to_precision) == (
        dt.date(2016, 1, 1),
        dt.date(2023, 1, 1),
        "year",
    )
    assert "inferred" in omar.source


def test_it_gives_every_record_its_source():
    # when
    run("seed_ciss")

    # then
    for model in (Category, SubRegion, Institution, Membership, Body, Office, Mandate):
        assert not model.objects.filter(source="").exists(), model
    assert not Country.objects.filter(subregion__isnull=False, subregion_source="").exists()


def test_it_records_the_pending_requests():
    # when
    run("seed_ciss")

    # then
    requests = MembershipRequest.objects.order_by("reference")
    assert [(r.reference, r.applicant_name, r.applicant_country.code) for r in requests] == [
        ("SOL-2022-0001", "CONLACTRAHO", "CR"),
        ("SOL-2022-0002", "Dirección General de Jubilaciones y Pensiones", "DO"),
    ]
    for request in requests:
        assert request.state == MembershipRequest.State.SUBMITTED
        assert request.kind == MembershipRequest.Kind.AFFILIATION
        assert request.channel == MembershipRequest.Channel.SECRETARIAT
        assert "current status unknown" in request.note and "Source:" in request.note


def test_it_is_idempotent():
    # given
    run("seed_ciss")
    assert ActionLog.objects.filter(event="seed.ciss_loaded").count() == 1
    entry = ActionLog.objects.get(event="seed.ciss_loaded")
    # 165 members and governance records, 59 of finance (47 accounts, 7 journals, 2 funds, 3 programmes)
    assert entry.new_values == {"created": 165 + 59, "updated": 0} and entry.actor is None
    before = row_counts()

    # when
    output = run("seed_ciss")

    # then: same rows, no history row, no action-log row
    assert row_counts() == before
    assert "nothing changed" in output


def test_it_updates_a_corrected_fact_once():
    # given
    run("seed_ciss")
    Category.objects.filter(code="full").update(published_count=30)
    history_before = historical_counts()

    # when
    run("seed_ciss")
    run("seed_ciss")

    # then
    assert Category.objects.get(code="full").published_count == 31
    after = historical_counts()
    assert after["members.HistoricalCategory"] == history_before["members.HistoricalCategory"] + 1
    assert ActionLog.objects.filter(event="seed.ciss_loaded").count() == 2
    assert ActionLog.objects.filter(event="seed.ciss_loaded").first().new_values == {
        "created": 0,
        "updated": 1,
    }


def test_it_never_erases_what_the_secretariat_entered():
    # given
    run("seed_ciss")
    one = SubRegion.objects.get(number=1)
    Country.objects.filter(code="MX").update(subregion=one, subregion_source="Secretariat, 2026")
    Membership.objects.filter(institution__acronym="IMSS").update(
        category=Category.objects.get(code="full")
    )

    # when
    run("seed_ciss")

    # then
    mexico = Country.objects.get(code="MX")
    assert (mexico.subregion, mexico.subregion_source) == (one, "Secretariat, 2026")
    assert Membership.objects.get(institution__acronym="IMSS").category.code == "full"


def test_next_request_reference_continues_the_years_highest():
    # given
    run("seed_ciss")

    # then
    assert next_request_reference(year=2022) == "SOL-2022-0003"
    assert next_request_reference(year=2031) == "SOL-2031-0001"
    assert next_request_reference() == f"SOL-{timezone.localdate().year}-0001"


# --- seed_demo ---------------------------------------------------------------------------


def current_per_category() -> dict[str, int]:
    today = timezone.localdate()
    return {
        c.code: Membership.objects.active_on(today).filter(category=c).count()
        for c in Category.objects.all()
    }


def test_seed_demo_reaches_the_published_counts():
    # when
    output = run("seed_demo")

    # then
    assert current_per_category() == {"full": 31, "associate": 38, "affiliate": 6, "linked": 8}
    examples = Institution.objects.filter(origin=Source.EXAMPLE)
    assert examples.count() == 84  # 83 in force + one disaffiliated in 2021
    assert all("ejemplo" in name.lower() for name in examples.values_list("name", flat=True))
    assert Institution.objects.filter(origin=Source.REFERENCE).count() == 14
    assert not Membership.objects.filter(
        institution__origin=Source.REFERENCE, category__isnull=False
    ).exists()
    assert "demo_totp" in output and "sg@demo.ciss" in output


def test_seed_demo_has_history_to_show():
    # given
    run("seed_demo")
    full = Category.objects.get(code="full")

    # when
    full_2018 = set(
        Membership.objects.active_on(dt.date(2018, 1, 1))
        .filter(category=full)
        .values_list("institution__slug", flat=True)
    )
    full_2020 = set(
        Membership.objects.active_on(dt.date(2020, 1, 1))
        .filter(category=full)
        .values_list("institution__slug", flat=True)
    )

    # then: 03 became full in 2019; 06 left in 2021
    assert "ejemplo-03-cl" not in full_2018 and "ejemplo-03-cl" in full_2020
    assert "ejemplo-06-uy" in full_2020
    assert "ejemplo-06-uy" not in {
        m.institution.slug for m in Membership.objects.active_on(dt.date(2022, 1, 1))
    }
    assert Representative.objects.filter(valid_to__isnull=False).exists()


def test_seed_demo_creates_the_demo_accounts():
    # when
    run("seed_demo")

    # then
    expected = {
        "sg@demo.ciss": roles.SECRETARY_GENERAL,
        "officer@demo.ciss": roles.OFFICER,
        "finance@demo.ciss": roles.FINANCE,
        "comptroller@demo.ciss": roles.COMPTROLLER,
        "rep.a@demo.ciss": roles.REPRESENTATIVE,
        "rep.b@demo.ciss": roles.REPRESENTATIVE,
    }
    for email, role in expected.items():
        user = User.objects.get(email=email)
        assert user.check_password("demo-secretariat-2026")
        assert user.has_role(role)
        has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert has_totp == (role in roles.STAFF_ROLES)
    rep_a = Representative.objects.get(user__email="rep.a@demo.ciss")
    rep_b = Representative.objects.get(user__email="rep.b@demo.ciss")
    assert rep_a.role == rep_b.role == Representative.Role.LIAISON
    assert rep_a.institution != rep_b.institution
    assert rep_a.institution.origin == rep_b.institution.origin == Source.EXAMPLE


def test_seed_demo_is_idempotent():
    # given
    run("seed_demo")
    before = row_counts()

    # when
    run("seed_demo")

    # then
    assert row_counts() == before


def test_seed_demo_takes_the_password_option():
    # when
    run("seed_demo", "--password", "another-demo-password-1")

    # then
    assert User.objects.get(email="officer@demo.ciss").check_password("another-demo-password-1")


# --- demo_totp ---------------------------------------------------------------------------


def test_demo_totp_prints_a_code_allauth_accepts():
    # given
    run("seed_demo")
    user = User.objects.get(email="sg@demo.ciss")

    # when
    code = run("demo_totp", "sg@demo.ciss").strip()

    # then
    assert re.fullmatch(r"\d{6}", code)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(code)


def test_demo_totp_refuses_other_accounts():
    # given
    User.objects.create_user(email="real@ciss.example", password="x" * 12)

    # then
    with pytest.raises(CommandError):
        run("demo_totp", "real@ciss.example")


# --- seed_scale --------------------------------------------------------------------------


def test_seed_scale_reaches_the_factor_and_stops_there():
    # when
    run("seed_scale", "--factor", "2")

    # then
    assert Institution.objects.count() == 182
    synthetic = Institution.objects.filter(origin=Source.SYNTHETIC)
    assert Membership.objects.filter(institution__in=synthetic).count() == synthetic.count()
    assert Representative.objects.filter(institution__in=synthetic).count() == 2 * synthetic.count()
    assert Institution.history.filter(origin=Source.SYNTHETIC).count() == synthetic.count()
    assert (
        Membership.history.filter(institution__origin=Source.SYNTHETIC).count() == synthetic.count()
    )

    # when run again
    before = row_counts()
    run("seed_scale", "--factor", "2")

    # then
    assert row_counts() == before
