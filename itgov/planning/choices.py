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


class DevelopmentPlanStatus(models.TextChoices):
    """Art. 6: DRC drafts the plan; a published plan is read-only; a revision is a new version."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本替代")


class PlanStatus(models.TextChoices):
    """Art. 8–10: the annual investment plan, drafted by DRC with Finance, co-signed by Finance, approved and
    issued (下达) by the district government. An issued edition is never changed; an adjustment makes a new one."""

    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("待财政会签")
    COSIGNED = "cosigned", _("待区政府审定")
    ISSUED = "issued", _("已下达")
    SUPERSEDED = "superseded", _("已被调整版本替代")


class AdjustmentKind(models.TextChoices):
    CHANGE = "change", _("增补或调整(第十条)")
    RELEASE = "release", _("年中结余资金安排B类项目(第九条)")


class AdjustmentStatus(models.TextChoices):
    """Art. 10: the unit applies → DRC reviews → Finance reviews → the government consents."""

    APPLIED = "applied", _("待发改审核")
    DRC_REVIEWED = "drc_reviewed", _("待财政审核")
    REVIEWED = "reviewed", _("待区政府同意")
    CONSENTED = "consented", _("已同意并生成新版本")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")
