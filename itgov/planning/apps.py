from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "itgov.planning"
    label = "planning"
