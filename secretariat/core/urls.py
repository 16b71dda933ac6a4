"""Core URLs: the home page, the dashboard, the action log, the outbox and the organization's
rules."""

from django.urls import path

from secretariat.core.views import action_log, outbox, pages, rule_settings

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("dashboard/", pages.dashboard, name="dashboard"),
    path("action-log/", action_log.action_log, name="action-log"),
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/<int:pk>/retry/", outbox.outbox_retry, name="outbox-retry"),
    path("rules/", rule_settings.rule_list, name="rule-list"),
    path("rules/<str:key>/", rule_settings.rule_detail, name="rule-detail"),
]
