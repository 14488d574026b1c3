from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "itgov.catalogue"
    verbose_name = _("政务数据资源目录")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission predicates)
