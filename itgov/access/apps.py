from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "itgov.access"
    label = "access"
