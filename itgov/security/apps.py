from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "itgov.security"
    verbose_name = _("网络安全")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission predicates)
