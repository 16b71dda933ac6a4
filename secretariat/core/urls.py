"""Core URLs: the home page, the dashboard, the action log, the outbox, the organization's
rules and the roles of its people."""

from django.urls import path

from secretariat.core.views import action_log, outbox, pages, roles, rule_settings

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("dashboard/", pages.dashboard, name="dashboard"),
    path("action-log/", action_log.action_log, name="action-log"),
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", outbox.outbox_retry, name="outbox-retry"),
    path("rules/", rule_settings.rule_list, name="rule-list"),
    path("rules/<str:key>/", rule_settings.rule_detail, name="rule-detail"),
    path("roles/", roles.role_list, name="role-list"),
    path("roles/<int:pk>/", roles.role_person, name="role-person"),
    path("roles/<int:pk>/grant/", roles.role_grant_view, name="role-grant"),
    path("roles/<int:pk>/revoke/", roles.role_revoke_view, name="role-revoke"),
]
