from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcceptanceConfig(AppConfig):
    name = "itgov.acceptance"
    verbose_name = _("验收管理")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission predicates)
