from django.urls import path

from secretariat.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("action-log/", views.action_log, name="action-log"),
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/<str:key>/", views.rule_detail, name="rule-detail"),
]
