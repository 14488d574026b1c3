from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConstructionConfig(AppConfig):
    name = "itgov.construction"
    verbose_name = _("建设管理")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission predicates)
