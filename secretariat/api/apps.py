from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "secretariat.api"
    label = "api"
    verbose_name = "API"
