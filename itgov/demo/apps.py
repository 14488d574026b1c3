from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "itgov.demo"
    label = "demo"
