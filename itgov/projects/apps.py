from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "itgov.projects"
    label = "projects"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers the permission rules)
