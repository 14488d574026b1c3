from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "itgov.core"
    label = "core"
