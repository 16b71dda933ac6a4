"""Assembles each app's django-ninja router under /api/v1/."""

from ninja import NinjaAPI

from secretariat.governance.api import router as governance_router
from secretariat.members.api import router as members_router

api = NinjaAPI(
    title="Secretariat API",
    version="1",
    description="Public data of the organization and authenticated access for machines.",
    urls_namespace="api",
)
api.add_router("/", members_router)
api.add_router("/", governance_router)
