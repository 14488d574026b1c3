from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "itgov.rules"
    label = "policy"
