"""How access is checked (core.access): one way in services, selectors and views."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from secretariat.core.access import (
    ACCESS_ATTRIBUTE,
    can,
    get_for_user_or_404,
    list_for_user,
    permission_for,
    public,
    require,
    require_reason,
    requires,
)
from secretariat.core.models import RuleSetting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    return RuleSetting.objects.create(
        key="x.rule", value=1, valid_from="2026-01-01", status="default"
    )


def test_can_follows_the_predicates_for_anyone(officer, rep_a):
    assert can(officer, "core.change_rules")
    assert not can(rep_a, "core.change_rules")
    assert not can(AnonymousUser(), "core.change_rules") and not can(None, "core.change_rules")


def test_require_refuses_an_anonymous_actor_even_for_what_anyone_may_read(officer):
    require(officer, "core.view_rules")
    with pytest.raises(PermissionDenied):
        require(AnonymousUser(), "core.view_dashboard")
    with pytest.raises(PermissionDenied):
        require(None, "core.view_rules")


def test_require_reason_strips_and_insists():
    assert require_reason("  because  ") == "because"
    with pytest.raises(ValidationError) as refused:
        require_reason("   ", field="why")
    assert "why" in refused.value.message_dict


def test_get_for_user_or_404_hides_missing_and_refused_alike(setting, officer, rep_a):
    queryset = RuleSetting.objects.all()
    assert (
        get_for_user_or_404(queryset, user=officer, perm="core.change_rules", pk=setting.pk)
        == setting
    )
    with pytest.raises(Http404):
        get_for_user_or_404(queryset, user=officer, perm="core.change_rules", pk=setting.pk + 1)
    with pytest.raises(Http404):
        get_for_user_or_404(queryset, user=rep_a, perm="core.change_rules", pk=setting.pk)
    # where the object's existence is public, a refusal is a 403
    with pytest.raises(PermissionDenied):
        get_for_user_or_404(
            queryset, user=rep_a, perm="core.change_rules", public=True, pk=setting.pk
        )
    # no perm: whoever may see the queryset
    assert get_for_user_or_404(queryset, user=rep_a, perm=None, pk=setting.pk) == setting
    with pytest.raises(Http404):
        get_for_user_or_404(queryset, user=officer, perm=None)  # no lookup: nothing


def test_list_for_user_refuses_who_may_list_nothing(setting, officer, rep_a):
    assert list(list_for_user(RuleSetting.objects.all(), user=officer, perm="core.view_rules")) == [
        setting
    ]
    with pytest.raises(PermissionDenied):
        list_for_user(RuleSetting.objects.all(), user=rep_a, perm="core.view_rules")


def test_permission_for_names_an_unknown_action_as_a_programming_error():
    assert permission_for({"view": "a.b", "any": None}, "any") is None
    with pytest.raises(ValueError, match="Unknown action 'edit'"):
        permission_for({"view": "a.b"}, "edit")


def test_the_view_decorators_say_how_a_view_is_reached(officer, rep_a):
    @public
    def open_view(request):
        return HttpResponse("ok")

    @requires("core.change_rules")
    def staff_view(request):
        return HttpResponse("ok")

    assert getattr(open_view, ACCESS_ATTRIBUTE) == "public"
    assert getattr(open_view, "login_required", True) is False  # LoginRequiredMiddleware lets it
    assert getattr(staff_view, ACCESS_ATTRIBUTE) == "requires:core.change_rules"
    request = RequestFactory().get("/")
    request.user = officer
    assert staff_view(request).status_code == 200
    request.user = rep_a
    with pytest.raises(PermissionDenied):
        staff_view(request)
