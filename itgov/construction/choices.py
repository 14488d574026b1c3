from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcurementMethod(models.TextChoices):
    """The procurement methods of the Government Procurement Law and its rules."""

    OPEN_TENDER = "open_tender", _("公开招标")
    INVITED_TENDER = "invited_tender", _("邀请招标")
    NEGOTIATION = "negotiation", _("竞争性谈判")
    CONSULTATION = "consultation", _("竞争性磋商")
    SINGLE_SOURCE = "single_source", _("单一来源")
    INQUIRY = "inquiry", _("询价")
    FRAMEWORK = "framework", _("框架协议")


class ChangeKind(models.TextChoices):
    """What a change request changes, against the approval's baseline (art. 20)."""

    CONTENT = "content", _("建设内容")
    SCALE = "scale", _("建设规模")
    STANDARDS = "standards", _("建设标准")
    ESTIMATE = "estimate", _("投资概算")
    SCHEDULE = "schedule", _("建设工期")
    TECHNICAL = "technical", _("技术方案")


class ChangeClass(models.TextChoices):
    """The system's classification of a change request (art. 20)."""

    REAPPROVAL = "reapproval", _("重新立项")
    PROCEDURE = "procedure", _("变更手续")
    SCHEDULE_ONLY = "schedule_only", _("工期调整备案")


class ChangeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待区发改委(大数据局)审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未予批准")
    RECORDED = "recorded", _("已备案")
    REAPPROVAL = "reapproval", _("转重新立项")


class IncidentKind(models.TextChoices):
    """The problems art. 21 names, and others the unit reports."""

    SERIOUS_DELAY = "serious_delay", _("工程严重逾期")
    MAJOR_LOSS = "major_loss", _("投资重大损失")
    OTHER = "other", _("其他重大问题")


class IncidentSource(models.TextChoices):
    UNIT = "unit", _("建设单位报告")
    SYSTEM = "system", _("系统预警")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RECTIFYING = "rectifying", _("整改中")
    CLOSED = "closed", _("已办结")
    DISMISSED = "dismissed", _("未予立案")


class RectificationStatus(models.TextChoices):
    ORDERED = "ordered", _("整改中")
    SUBMITTED = "submitted", _("已报送整改情况")
    CLOSED = "closed", _("整改完成")


class RiskLevel(models.TextChoices):
    """The IT Dashboard's three colours of a 1–5 rating (5: least risk)."""

    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")
