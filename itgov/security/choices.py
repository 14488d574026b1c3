"""Graded protection (等级保护) and the assessments of art. 30."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AssessmentKind(models.TextChoices):
    GRADED = "graded", _("等级保护测评")
    CRYPTO = "crypto", _("密码应用安全性评估")
    RISK = "risk", _("安全风险评估")


class AssessmentResult(models.TextChoices):
    """The conclusion of a 测评 or 密评 report: 符合 / 基本符合 pass, 不符合 fails."""

    CONFORMS = "conforms", pgettext_lazy("assessment result", "符合")
    MOSTLY = "mostly", pgettext_lazy("assessment result", "基本符合")
    FAILS = "fails", pgettext_lazy("assessment result", "不符合")


PASSING_RESULTS = (AssessmentResult.CONFORMS, AssessmentResult.MOSTLY)


class Severity(models.TextChoices):
    HIGH = "high", _("高风险")
    MEDIUM = "medium", _("中风险")
    LOW = "low", _("低风险")


class DueState(models.TextChoices):
    """Where a system's periodic assessment stands (art. 30 with the profile's intervals)."""

    NOT_REQUIRED = "not_required", _("无需定期测评")
    MISSING = "missing", _("未测评")
    CURRENT = "current", _("在有效期内")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
