from django.db import models
from django.utils.translation import gettext_lazy as _


class LineType(models.TextChoices):
    """Art. 8: units declare next year's construction and O&M plans."""

    CONSTRUCTION = "construction", _("建设")
    OM = "om", _("运维")


class PlanClass(models.TextChoices):
    """Art. 9: the three classes of the annual investment plan."""

    A = "A", _("A类(续建及必须开工)")
    B = "B", _("B类(具备条件,力争年内开工)")
    C = "C", _("C类(前期工作)")


class LineStatus(models.TextChoices):
    DECLARED = "declared", _("已申报")
    WITHDRAWN = "withdrawn", _("已撤回")
