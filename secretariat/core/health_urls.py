"""The health probes, at the site's root (no language prefix): /healthz and /readyz."""

from django.urls import path

from secretariat.core.views import health

app_name = "health"
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
