from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "itgov.web"
    label = "web"
