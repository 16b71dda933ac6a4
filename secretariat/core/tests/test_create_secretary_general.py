"""`manage.py create_secretary_general`: the first Secretary General, audited, who sets up
a second factor at first login (issue #9, "Doors")."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from secretariat.core import roles
from secretariat.core.models import ActionLog, User

pytestmark = pytest.mark.django_db

PASSWORD = "una-clave-larga-de-prueba-2026"


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "sg-password"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def test_it_creates_the_first_secretary_general_audited(password_file):
    # when
    call_command(
        "create_secretary_general",
        "--email=SG@ciss.example.org",
        "--name=Álvaro Velarca",
        f"--password-file={password_file}",
    )
    # then the account holds the role, and the action log says the system did it
    user = User.objects.get(email="sg@ciss.example.org")
    assert user.has_role(roles.SECRETARY_GENERAL) and user.check_password(PASSWORD)
    assert not user.is_superuser
    row = ActionLog.objects.get(event="role.bootstrapped")
    assert (row.actor, row.actor_label, row.target_id) == (None, "system", str(user.pk))
    assert "create_secretary_general" in row.reason


def test_the_account_sets_up_its_second_factor_at_first_login(password_file):
    call_command(
        "create_secretary_general",
        "--email=sg@ciss.example.org",
        "--name=Álvaro Velarca",
        f"--password-file={password_file}",
    )
    client = Client()
    response = client.post(
        "/es/accounts/login/", {"login": "sg@ciss.example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    for path in ("/es/dashboard/", "/es/roles/", "/es/admin/"):
        assert client.get(path)["Location"] == reverse("mfa_activate_totp"), path


def test_it_refuses_a_second_one_unless_forced_with_a_reason(password_file, secretary_general):
    args = [
        "create_secretary_general",
        "--email=other@ciss.example.org",
        "--name=Otra Persona",
        f"--password-file={password_file}",
    ]
    with pytest.raises(CommandError, match="A Secretary General already exists"):
        call_command(*args)
    with pytest.raises(CommandError, match="Say why"):
        call_command(*args, "--force")
    assert not User.objects.filter(email="other@ciss.example.org").exists()
    call_command(*args, "--force", "--reason=El titular perdió el acceso")
    assert User.objects.get(email="other@ciss.example.org").has_role(roles.SECRETARY_GENERAL)
    assert ActionLog.objects.get(event="role.bootstrapped").reason == "El titular perdió el acceso"


def test_it_refuses_a_weak_password_or_none(tmp_path, monkeypatch):
    weak = tmp_path / "weak"
    weak.write_text("12345678\n", encoding="utf-8")
    with pytest.raises(CommandError, match="too common|entirely numeric"):
        call_command(
            "create_secretary_general", "--email=sg@x.org", "--name=S G", f"--password-file={weak}"
        )
    monkeypatch.delenv("SECRETARIAT_SG_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="No password"):
        call_command("create_secretary_general", "--email=sg@x.org", "--name=S G")
    assert not User.objects.exists()


def test_it_reads_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRETARIAT_SG_PASSWORD", PASSWORD)
    call_command("create_secretary_general", "--email=sg@x.org", "--name=S G")
    assert User.objects.get(email="sg@x.org").check_password(PASSWORD)
