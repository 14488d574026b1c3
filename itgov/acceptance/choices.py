from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """What an acceptance application carries (art. 22), and the report of a rectification (art. 23)."""

    COMPLETION_REPORT = "completion_report", _("竣工(建设工作)报告")
    TRIAL_REPORT = "trial_report", _("试运行报告")
    SUPERVISION_REPORT = "supervision_report", _("监理总结报告")
    TEST_REPORT = "test_report", _("测试报告")
    SETTLEMENT = "settlement", _("财务决算报告")
    SECURITY_ASSESSMENT = "security_assessment", _("网络安全等级保护测评报告")
    RECTIFICATION_REPORT = "rectification_report", _("验收整改报告")


class Result(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")


class AssetCategory(models.TextChoices):
    HARDWARE = "hardware", _("硬件设备")
    SOFTWARE = "software", _("软件")
    DATA = "data", _("数据资源")
    OTHER = "other", _("其他")
