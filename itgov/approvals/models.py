"""Initiation approval (art. 13–17, 23, 28): the unit's application, DRC's review with its expert panel,
the decision whose baseline every later check compares with, the approval letter, Finance's budget, and
the approval suspension of a unit (art. 23).

A `Baseline` is never edited: the database refuses an UPDATE of its row (migration 0002), and a
re-approval (art. 20) adds a new version beside the old one."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.models import TimeStamped
from itgov.core.money import format_wan
from itgov.organizations.models import Expert, Unit
from itgov.projects.models import Project

from .choices import (
    ChecklistItem,
    DataDirection,
    Decision,
    DocumentKind,
    ExpertOpinion,
    FundSource,
    InvestmentItem,
    SharingConclusion,
    SharingType,
    TargetCategory,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")
INVESTMENT_FIELDS = tuple(InvestmentItem.values)


class InitiationApplication(TimeStamped):
    """What the owner unit submits (art. 14): the structured content of its initiation application and
    feasibility study reports, the reports themselves (`documents`), and (art. 16) a joint project's
    framework. Editable while the project waits to apply or was returned; fixed once submitted.
    `number` counts the project's approvals: 1 for the first, 2 for a re-approval (art. 20)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="applications")
    number = models.PositiveSmallIntegerField(_("申请序号"), default=1)
    construction_content = models.TextField(_("建设内容"), blank=True)
    scale = models.TextField(_("建设规模"), blank=True)
    standards = models.TextField(_("建设标准"), blank=True)
    technical_approach = models.TextField(_("技术路线"), blank=True)
    hardware = models.DecimalField(_("硬件购置(元)"), default=ZERO, **MONEY)
    software = models.DecimalField(_("软件开发及购置(元)"), default=ZERO, **MONEY)
    services = models.DecimalField(_("服务费用(元)"), default=ZERO, **MONEY)
    integration = models.DecimalField(_("系统集成(元)"), default=ZERO, **MONEY)
    supervision_fee = models.DecimalField(_("监理费(元)"), default=ZERO, **MONEY)
    prework = models.DecimalField(_("前期工作费用(元)"), default=ZERO, **MONEY)
    other = models.DecimalField(_("其他费用(元)"), default=ZERO, **MONEY)
    start_date = models.DateField(_("计划开工"), null=True, blank=True)
    end_date = models.DateField(_("计划完工"), null=True, blank=True)
    data_sharing_summary = models.TextField(_("数据资源共享内容"), blank=True,
                                            help_text=_("第二十八条:共享需求、归集安排、共享方式"))
    shared_platforms = models.JSONField(_("复用的统一平台"), default=list, blank=True)
    platforms_note = models.TextField(_("集约建设说明"), blank=True,
                                      help_text=_("第十八条:复用情况;不复用的须说明理由"))
    protection_level = models.PositiveSmallIntegerField(
        _("拟定等级保护级别"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)])
    security_measures = models.TextField(_("安全保护措施"), blank=True)
    joint_framework = models.TextField(_("总体框架"), blank=True)
    business_flow = models.TextField(_("业务流"), blank=True)
    data_flow = models.TextField(_("数据流"), blank=True)
    system_interfaces = models.TextField(_("系统接口"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decision = models.CharField(_("审批结果"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("立项申请")
        verbose_name_plural = _("立项申请")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_application_number"),
            *[models.CheckConstraint(condition=models.Q(**{f"{item}__gte": 0}), name=f"application_{item}_not_negative")
              for item in INVESTMENT_FIELDS],
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.number}"

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, name) or ZERO for name in INVESTMENT_FIELDS), ZERO)

    @property
    def total_wan(self) -> str:
        return format_wan(self.total)

    def breakdown(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in INVESTMENT_FIELDS}


class ApplicationDocument(models.Model):
    """A report file (art. 14). Uploading again adds a newer file of that kind; the older one is kept."""

    application = models.ForeignKey(InitiationApplication, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("材料类型"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), upload_to="applications/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["kind", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    application = models.ForeignKey(InitiationApplication, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("里程碑"), max_length=100)
    due_date = models.DateField(_("计划完成日期"))

    class Meta:
        verbose_name = _("进度里程碑")
        verbose_name_plural = _("进度里程碑")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.name


class PerformanceTarget(models.Model):
    """Art. 11: one performance target — category, indicator, unit, target value."""

    application = models.ForeignKey(InitiationApplication, on_delete=models.CASCADE,
                                    related_name="performance_targets")
    category = models.CharField(_("指标类别"), max_length=24, choices=TargetCategory.choices)
    indicator = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    target = models.CharField(_("目标值"), max_length=60)

    class Meta:
        verbose_name = _("绩效目标")
        verbose_name_plural = _("绩效目标")
        ordering = ["category", "id"]

    def __str__(self) -> str:
        return self.indicator


class DataResource(models.Model):
    """Art. 28: a data resource the project produces or consumes, its sharing type (art. 29) and whether it
    is collected into the district catalogue (art. 27)."""

    application = models.ForeignKey(InitiationApplication, on_delete=models.CASCADE, related_name="data_resources")
    name = models.CharField(_("数据资源名称"), max_length=100)
    direction = models.CharField(_("产生/使用"), max_length=12, choices=DataDirection.choices)
    sharing_type = models.CharField(_("共享类型"), max_length=16, choices=SharingType.choices)
    into_catalogue = models.BooleanField(_("纳入全区目录"), default=True)
    source_or_use = models.CharField(_("来源或用途"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("数据资源")
        verbose_name_plural = _("数据资源")
        ordering = ["direction", "id"]

    def __str__(self) -> str:
        return self.name


class ApprovalReview(TimeStamped):
    """DRC's review of one application (art. 15, 28): the checklist, the data-sharing assessment, and
    whether an expert panel is required."""

    application = models.OneToOneField(InitiationApplication, on_delete=models.PROTECT, related_name="review")
    checklist = models.JSONField(_("审查要点"), default=dict, blank=True)
    review_notes = models.TextField(_("审查意见"), blank=True)
    sharing_conclusion = models.CharField(_("数据共享评估结论"), max_length=24, choices=SharingConclusion.choices,
                                          blank=True)
    sharing_opinion = models.TextField(_("数据共享评估意见"), blank=True)
    assessed_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    expert_panel_required = models.BooleanField(_("须组织专家评审"), default=False)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审查人"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("立项审查")
        verbose_name_plural = _("立项审查")

    def __str__(self) -> str:
        return str(self.application)

    def checklist_rows(self) -> list[dict]:
        return [{"item": item, "label": label, **(self.checklist or {}).get(item, {"ok": None, "note": ""})}
                for item, label in ChecklistItem.choices]


class PanelMember(models.Model):
    """An expert of the pool on an application's panel (art. 28), with the opinion the expert records."""

    review = models.ForeignKey(ApprovalReview, on_delete=models.CASCADE, related_name="panel")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="panels")
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)
    opinion = models.CharField(_("评审意见"), max_length=24, choices=ExpertOpinion.choices, blank=True)
    opinion_text = models.TextField(_("意见说明"), blank=True)
    opinion_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    help_text=_("专家本人,或为没有账号的专家代为录入会议意见的区发改委(大数据局)人员"))

    class Meta:
        verbose_name = _("评审专家组成员")
        verbose_name_plural = _("评审专家组成员")
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "expert"], name="unique_panel_member")]

    def __str__(self) -> str:
        return f"{self.review} · {self.expert}"


class Baseline(models.Model):
    """The approval (art. 15): construction content, scale, standard, the approved total investment estimate
    and the other control indicators. Never updated (a database trigger refuses it); version n+1 is a
    re-approval."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="baselines")
    version = models.PositiveSmallIntegerField(_("批复版本"))
    application = models.OneToOneField(InitiationApplication, on_delete=models.PROTECT, related_name="baseline")
    approved_estimate = models.DecimalField(_("核定总投资概算(元)"), **MONEY)
    construction_content = models.TextField(_("建设内容"))
    scale = models.TextField(_("建设规模"))
    standards = models.TextField(_("建设标准"))
    investment_breakdown = models.JSONField(_("投资构成"), default=dict)
    start_date = models.DateField(_("计划开工"), null=True)
    end_date = models.DateField(_("计划完工"), null=True)
    protection_level = models.PositiveSmallIntegerField(_("等级保护级别"), null=True)
    performance_targets = models.JSONField(_("绩效目标"), default=list)
    control_indicators = models.TextField(_("其他控制指标"), blank=True)
    opinion = models.TextField(_("批复意见"), blank=True)
    issuing_unit = models.ForeignKey(Unit, verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="+")
    document_year = models.PositiveSmallIntegerField(_("发文年度"))
    document_seq = models.PositiveIntegerField(_("发文序号"))
    document_number = models.CharField(_("批复文号"), max_length=60, unique=True)
    copy_to = models.TextField(_("抄送"), blank=True)
    approved_on = models.DateField(_("批复日期"))
    approved_at = models.DateTimeField(_("批复时间"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批复人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("立项批复(基线)")
        verbose_name_plural = _("立项批复(基线)")
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="unique_baseline_version"),
            models.UniqueConstraint(fields=["issuing_unit", "document_year", "document_seq"],
                                    name="unique_baseline_document_seq"),
            models.CheckConstraint(condition=models.Q(approved_estimate__gt=0), name="baseline_estimate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.document_number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("a baseline is never edited (art. 15); a re-approval adds a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("a baseline is never deleted (art. 15)")

    @property
    def approved_estimate_wan(self) -> str:
        return format_wan(self.approved_estimate)


class ApprovalLetter(models.Model):
    """The approval letter (立项批复) as a PDF in official-document layout, rendered once and kept with its
    SHA-256, so every later download is the very document issued."""

    baseline = models.OneToOneField(Baseline, on_delete=models.PROTECT, related_name="letter")
    file = models.FileField(_("文件"), upload_to="letters/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小(字节)"))
    generated_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("立项批复文件")
        verbose_name_plural = _("立项批复文件")

    def __str__(self) -> str:
        return str(self.baseline)


class Budget(models.Model):
    """Finance's budget for the project from its approval (art. 15), by year and fund source. A revision
    adds a new budget; the latest is in force."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="budgets")
    baseline = models.ForeignKey(Baseline, verbose_name=_("依据批复"), on_delete=models.PROTECT,
                                 related_name="budgets")
    revision = models.PositiveSmallIntegerField(_("预算版本"))
    total = models.DecimalField(_("预算合计(元)"), **MONEY)
    note = models.TextField(_("说明"), blank=True)
    recorded_at = models.DateTimeField(_("编列时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编列人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("项目预算")
        verbose_name_plural = _("项目预算")
        ordering = ["project", "-revision"]
        constraints = [models.UniqueConstraint(fields=["project", "revision"], name="unique_budget_revision")]

    def __str__(self) -> str:
        return f"{self.project} · {self.revision}"

    @property
    def total_wan(self) -> str:
        return format_wan(self.total)


class BudgetLine(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    year = models.PositiveSmallIntegerField(_("年度"))
    fund_source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    amount = models.DecimalField(_("金额(元)"), **MONEY)

    class Meta:
        verbose_name = _("预算明细")
        verbose_name_plural = _("预算明细")
        ordering = ["year", "fund_source"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "year", "fund_source"], name="unique_budget_line"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="budget_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_fund_source_display()}"

    @property
    def amount_wan(self) -> str:
        return format_wan(self.amount)


class UnitSuspension(TimeStamped):
    """Art. 23: a unit that refused to rectify, or failed acceptance again, has its later approvals suspended
    until DRC lifts the suspension. Covers the unit's sub-units. The acceptance issue creates them from a
    failed acceptance; DRC may record one directly."""

    unit = models.ForeignKey(Unit, verbose_name=_("建设单位"), on_delete=models.PROTECT, related_name="suspensions")
    project = models.ForeignKey(Project, verbose_name=_("所涉项目"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    reason = models.TextField(_("暂缓理由"))
    started_at = models.DateTimeField(_("开始时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lift_reason = models.TextField(_("解除理由"), blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("解除人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("暂缓审批")
        verbose_name_plural = _("暂缓审批")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.started_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None

