from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "itgov.planning"
    label = "planning"
    verbose_name = _("计划管理")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission rules)
