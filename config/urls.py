"""Root URLs: i18n-prefixed pages (/es/, /en/, /pt/, /fr/), the API and language switching."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.i18n import set_language

from secretariat.api.api import api, not_found

urlpatterns = [
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("", include("secretariat.core.health_urls")),
    re_path(r"^api/(?P<rest>.*)$", login_not_required(not_found)),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("members/", include("secretariat.members.urls")),
    path("", include("secretariat.governance.urls")),
    path("elections/", include("secretariat.elections.urls")),
    path("finance/", include("secretariat.finance.urls")),
    path("", include("secretariat.core.urls")),
    prefix_default_language=True,
)
