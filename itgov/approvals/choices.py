from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    """Art. 14: the two reports an application needs; art. 16: a joint project's one study."""

    APPLICATION_REPORT = "application_report", _("立项申请报告")
    FEASIBILITY_STUDY = "feasibility_study", _("可行性研究报告")
    OTHER = "other", _("其他附件")


REQUIRED_DOCUMENTS = (DocumentKind.APPLICATION_REPORT, DocumentKind.FEASIBILITY_STUDY)


class TargetCategory(models.TextChoices):
    """Art. 11: performance targets follow the fiscal rules — outputs, benefits, satisfaction."""

    OUTPUT_QUANTITY = "output_quantity", _("产出指标·数量")
    OUTPUT_QUALITY = "output_quality", _("产出指标·质量")
    OUTPUT_TIMELINESS = "output_timeliness", _("产出指标·时效")
    OUTPUT_COST = "output_cost", _("产出指标·成本")
    BENEFIT = "benefit", _("效益指标")
    SATISFACTION = "satisfaction", _("满意度指标")


OUTPUT_CATEGORIES = frozenset({TargetCategory.OUTPUT_QUANTITY, TargetCategory.OUTPUT_QUALITY,
                               TargetCategory.OUTPUT_TIMELINESS, TargetCategory.OUTPUT_COST})


class DataDirection(models.TextChoices):
    PRODUCED = "produced", _("产生")
    CONSUMED = "consumed", _("使用")


class SharingType(models.TextChoices):
    """Art. 29: the sharing type of a data resource."""

    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NOT_SHARED = "not_shared", _("不予共享")


class SharedPlatform(models.TextChoices):
    """Art. 18: the district's unified platforms a project reuses instead of building its own."""

    GOV_CLOUD = "gov_cloud", _("政务云")
    EGOV_NETWORK = "egov_network", _("电子政务外网")
    DATA_EXCHANGE = "data_exchange", _("政务数据共享交换平台")
    IDENTITY = "identity", _("统一身份认证")
    E_LICENSE = "e_license", _("电子证照库")
    VIDEO = "video", _("视频资源共享平台")
    GIS = "gis", _("地理信息公共平台")
    GOV_SERVICE = "gov_service", _("政务服务平台")


class InvestmentItem(models.TextChoices):
    """The estimate's breakdown (the feasibility study's investment table)."""

    HARDWARE = "hardware", _("硬件购置")
    SOFTWARE = "software", _("软件开发及购置")
    SERVICES = "services", _("服务费用")
    INTEGRATION = "integration", _("系统集成")
    SUPERVISION_FEE = "supervision_fee", _("监理费")
    PREWORK = "prework", _("前期工作费用")
    OTHER = "other", _("其他费用")


class ChecklistItem(models.TextChoices):
    """DRC's review checklist (art. 15, 18, 28, 30, 11)."""

    NECESSITY = "necessity", _("建设必要性充分")
    CONTENT_SCALE = "content_scale", _("建设内容和规模合理")
    TECHNICAL = "technical", _("技术方案可行")
    ESTIMATE = "estimate", _("投资估算合理")
    INTENSIVE = "intensive", _("复用全区统一平台,不重复建设(第十八条)")
    SECURITY = "security", _("安全保护等级与措施明确(第三十条)")
    PERFORMANCE = "performance", _("绩效目标明确可衡量(第十一条)")


CHECKLIST_ITEMS = tuple(ChecklistItem.values)


class SharingConclusion(models.TextChoices):
    """Art. 28: DRC's assessment of the data-sharing content."""

    ADEQUATE = "adequate", _("满足共享要求")
    NEEDS_IMPROVEMENT = "needs_improvement", _("基本满足,需完善")
    INADEQUATE = "inadequate", _("不满足共享要求")


class ExpertOpinion(models.TextChoices):
    AGREE = "agree", _("同意")
    AGREE_WITH_CHANGES = "agree_with_changes", _("修改后同意")
    DISAGREE = "disagree", _("不同意")


class Decision(models.TextChoices):
    APPROVED = "approved", _("批复同意")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("不予批复")


class FundSource(models.TextChoices):
    """Where the budgeted money comes from (art. 15: Finance budgets from the approval)."""

    GENERAL = "general", _("一般公共预算")
    GOV_FUND = "gov_fund", _("政府性基金预算")
    TRANSFER = "transfer", _("上级转移支付")
    OTHER = "other", _("其他资金")
