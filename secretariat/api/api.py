"""Assembles each app's django-ninja router under /api/v1/, with errors in JSON."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from secretariat.core.api import install_error_handlers
from secretariat.governance.api import router as governance_router
from secretariat.members.api import router as members_router

api = NinjaAPI(
    title="Secretariat API",
    version="1",
    description=(
        "Public data of the organization and authenticated access for machines. Every error "
        'is answered in JSON, `{"detail": ...}`.'
    ),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", members_router)
api.add_router("/", governance_router)


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/: a 404 in JSON, like the API's own."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
