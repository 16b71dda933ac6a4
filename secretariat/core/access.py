"""How access is checked: one way in services, one in selectors, one in views.

- **Services** call `require(actor, perm, obj)` first (PermissionDenied, translated), and
  `require_reason(reason)` where the record must say why.
- **Selectors** hand out objects and lists only through `<entity>_get_for_user(*, user, pk,
  action)` and `<entity>_list_for_user(*, user, …)`, built on `get_for_user_or_404` and
  `list_for_user`: a missing object and one the user may not see are the same 404; where the
  object's existence is public, a refused action is a 403. What a page offers (buttons,
  forms) comes from the selector too, through `can`.
- **Views** declare who may call them with one decorator: `@public` (anyone, anonymous
  included), nothing (any signed-in user: the selector decides), or `@requires(perm)` (a
  role's permission, 403 otherwise, checked before any object is looked up). A view never
  calls `has_perm` itself. `tests/test_architecture.py` checks every view against this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=Callable[..., HttpResponseBase])

# The attribute a view carries to say how it is reached ("public" or "requires:<perm>").
ACCESS_ATTRIBUTE = "secretariat_access"


# --- Services ------------------------------------------------------------------------


def can(user: Any, perm: str, obj: Any = None) -> bool:
    """Whether `user` has `perm`, on `obj` when given. An anonymous visitor has the
    permissions whose predicates allow anyone (reading a convened session)."""
    return bool(user is not None and user.has_perm(perm, obj))


def require(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied (translated) unless the actor, signed in, has the permission."""
    if actor is None or not actor.is_authenticated or not can(actor, perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_reason(reason: str | None, field: str = "reason") -> str:
    """The reason, stripped; a translated error on `field` when it is empty."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({field: _("Say why: the reason is recorded with the change.")})
    return text


# --- Selectors -----------------------------------------------------------------------


def permission_for(actions: Mapping[str, str | None], action: str) -> str | None:
    """The permission an action needs, from a selector's table of actions.

    None means "whoever may see the queryset"; an action missing from the table is a
    programming error, not a user's.
    """
    try:
        return actions[action]
    except KeyError as exc:
        raise ValueError(f"Unknown action {action!r}; expected one of {sorted(actions)}") from exc


def get_for_user_or_404(
    queryset: QuerySet[M],
    *,
    user: Any,
    perm: str | None,
    public: bool = False,
    **lookup: Any,
) -> M:
    """The one object of `queryset` matching `lookup`, if `user` has `perm` on it.

    Missing, and not allowed, are both Http404, so a stranger learns nothing; where the
    object's existence is public (`public=True`), not allowed is PermissionDenied (403).
    `queryset` is already scoped to what the user may see (drafts hidden, own institution).
    """
    obj = queryset.filter(**lookup).first() if lookup else None
    if obj is None:
        raise Http404
    if perm is not None and not can(user, perm, obj):
        if public:
            raise PermissionDenied(_("You do not have permission to do this."))
        raise Http404
    return obj


def list_for_user(queryset: QuerySet[M], *, user: Any, perm: str | None) -> QuerySet[M]:
    """`queryset` when `user` may list it (`perm` None: anyone); PermissionDenied otherwise."""
    if perm is not None and not can(user, perm):
        raise PermissionDenied(_("You do not have permission to do this."))
    return queryset


# --- Views ---------------------------------------------------------------------------


def public(view: V) -> V:
    """Anyone may call this view, anonymous visitors included; what it shows is still
    scoped by the selector it calls (drafts are never public)."""
    setattr(view, ACCESS_ATTRIBUTE, "public")  # noqa: B010  # read by the architecture test
    return login_not_required(view)


def requires(perm: str) -> Callable[[V], V]:
    """The view needs the role permission `perm`: 403 otherwise, before any object is read.

    For the pages of a role (lists, forms that create a record); the object a view serves is
    still fetched through its `_get_for_user` selector, which checks the object's scope.
    """

    def decorate(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not can(request.user, perm):
                raise PermissionDenied(_("You do not have permission to do this."))
            return view(request, *args, **kwargs)

        setattr(wrapped, ACCESS_ATTRIBUTE, f"requires:{perm}")  # noqa: B010
        return cast(V, wrapped)

    return decorate
