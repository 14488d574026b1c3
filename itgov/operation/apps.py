from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationConfig(AppConfig):
    name = "itgov.operation"
    verbose_name = _("运行管理")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission predicates)
