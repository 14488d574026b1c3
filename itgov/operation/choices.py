from django.db import models
from django.utils.translation import gettext_lazy as _


class ArrangementMode(models.TextChoices):
    """Who runs and maintains the system for the owner unit (art. 24)."""

    TEAM = "team", _("本单位运维团队")
    CONTRACTOR = "contractor", _("委托运维服务商")


class FundingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已核定")
    REJECTED = "rejected", _("不予安排")


class EvaluationState(models.TextChoices):
    """Where a project stands with its performance self-evaluation (art. 24)."""

    NOT_IN_OPERATION = "not_in_operation", _("未投入运行")
    NOT_YET = "not_yet", _("未到报送期")
    OPEN = "open", _("待报送")
    OVERDUE = "overdue", _("已逾期")
    SUBMITTED = "submitted", _("已报送")
    SUBMITTED_LATE = "submitted_late", _("逾期报送")


class Decision(models.TextChoices):
    APPROVE = "approve", _("核定安排")
    REJECT = "reject", _("不予安排")
