"""Governance URLs; each views module declares its own patterns (fixed prefixes first)."""

from secretariat.governance.views import (
    agenda,
    bodies,
    console,
    minutes,
    registration,
    resolutions,
    seats,
    sessions,
    voting,
)

app_name = "governance"
urlpatterns = (
    seats.urlpatterns
    + agenda.urlpatterns
    + registration.urlpatterns
    + console.urlpatterns
    + voting.urlpatterns
    + minutes.urlpatterns
    + resolutions.urlpatterns
    + sessions.urlpatterns
    + bodies.urlpatterns
)
