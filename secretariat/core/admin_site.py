"""The Django admin as a read-only window for Secretariat staff (issue #9, "Doors").

- Every model any app registers (ours, allauth's, django.contrib.auth's, the task queue's)
  is shown read-only: no add, change or delete for anyone, superusers included. Writes go
  through the services, which check permission and write the action log; roles are granted
  on the staff page of core (`core:role-list`), never in the admin's user form.
- The admin has no login of its own: `/admin/login/` sends to the site's login, where staff
  enter their second factor. Staff (a staff role, `is_staff` or a superuser) may look; anyone
  else signed in is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _


def _no(self: Any, request: HttpRequest, *args: Any) -> bool:
    return False


def _if_staff(self: Any, request: HttpRequest, *args: Any) -> bool:
    return bool(self.admin_site.has_permission(request))


def read_only(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    """`admin_class`, made to show its model and nothing more."""
    return type(
        admin_class.__name__,
        (admin_class,),
        {
            "__module__": admin_class.__module__,
            "__doc__": admin_class.__doc__,
            "has_add_permission": _no,
            "has_change_permission": _no,
            "has_delete_permission": _no,
            "has_view_permission": _if_staff,
            "has_module_permission": _if_staff,
            "secretariat_read_only": True,
        },
    )


class SecretariatAdminSite(admin.AdminSite):
    site_header = "Secretariat"

    def has_permission(self, request: HttpRequest) -> bool:
        from secretariat.core.staff_sessions import is_staff_user

        return bool(request.user.is_active and is_staff_user(request.user))

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        super().register(model_or_iterable, read_only(admin_class or admin.ModelAdmin), **options)

    def get_urls(self) -> list[Any]:
        """The admin's own pages: a visitor who is not signed in goes to the site's login
        (LoginRequiredMiddleware reads each view's `login_url`), not the admin's."""
        urls = super().get_urls()
        for pattern in urls:
            callback = getattr(pattern, "callback", None)
            if callback is not None and hasattr(callback, "login_url"):
                callback.login_url = reverse_lazy("account_login")
        return urls

    def admin_view(self, view: Callable[..., Any], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def staff_only(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path(), reverse("account_login"))
            if not self.has_permission(request):
                raise PermissionDenied(_("You do not have permission to do this."))
            return inner(request, *args, **kwargs)

        return staff_only

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No password is checked here: the site's login asks staff for their code."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get("next") or index
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise PermissionDenied(_("You do not have permission to do this."))
            return HttpResponseRedirect(next_url)
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """Passwords are changed on the site's own page, which asks for the second factor."""
        return HttpResponseRedirect(reverse("account_change_password"))


class SecretariatAdminConfig(AdminConfig):
    default_site = "secretariat.core.admin_site.SecretariatAdminSite"
