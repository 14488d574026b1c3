from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "itgov.api"
    label = "api"
