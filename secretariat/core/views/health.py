"""The probes of a load balancer or a monitor: `/healthz` (the process answers; it reads
nothing) and `/readyz` (the database, the shared cache and the task worker's heartbeat).
Anyone may call them, they name each check in JSON, and nothing caches them."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from secretariat.core.access import public
from secretariat.core.health import readiness


@public
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@public
@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ready = all(check.ok for check in checks)
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": {c.name: c.as_dict() for c in checks}},
        status=200 if ready else 503,
    )
