from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "itgov.approvals"
    verbose_name = _("立项审批")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission predicates)
