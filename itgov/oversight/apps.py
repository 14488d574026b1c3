from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "itgov.oversight"
    verbose_name = _("审计监督")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission predicates)
