from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "itgov.projects"
    label = "projects"
    verbose_name = _("项目")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission rules)
