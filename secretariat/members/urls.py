"""Member registry URLs; each views module declares its own patterns."""

from secretariat.members.views import imports, portal, public, requests, staff, standing

app_name = "members"
# Staff, portal and import prefixes come first so they are not taken for a member's slug.
urlpatterns = (
    staff.urlpatterns
    + requests.urlpatterns
    + portal.urlpatterns
    + imports.urlpatterns
    + standing.urlpatterns
    + public.urlpatterns
)
