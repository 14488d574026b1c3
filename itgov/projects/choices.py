from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.rules.scope import ConstructionType, ProjectKind  # noqa: F401  (art. 2's closed lists)


class ProjectStatus(models.TextChoices):
    """The project's lifecycle (LIFECYCLE.md). Later stages are added by the issues that build them."""

    DRAFT = "draft", _("草稿")
    PROPOSED = "proposed", _("已申报入库")
    IN_RESERVE = "in_reserve", _("已入储备库")
    PLANNED = "planned", _("已列入年度计划")
    WITHDRAWN = "withdrawn", _("已撤回")


# The stepper on the project page: the main line of the life, in order.
MAIN_LINE = [ProjectStatus.DRAFT, ProjectStatus.PROPOSED, ProjectStatus.IN_RESERVE, ProjectStatus.PLANNED]
