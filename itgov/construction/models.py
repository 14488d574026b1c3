"""Construction control (art. 13, 19, 8, 15): the procurement, the contracts and the payments of a project.
Every record is checked, when it is made, against the approval's baseline, the budget and the issued plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.money import format_wan
from itgov.projects.models import Project

from .choices import (
    ChangeClass,
    ChangeKind,
    ChangeStatus,
    IncidentKind,
    IncidentSource,
    IncidentStatus,
    ProcurementMethod,
    RectificationStatus,
    RiskLevel,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class Procurement(models.Model):
    """A tender or government procurement of the project (art. 13: none before approval; art. 19)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="procurements")
    title = models.CharField(_("采购项目名称"), max_length=120)
    method = models.CharField(_("采购方式"), max_length=20, choices=ProcurementMethod.choices)
    announced_on = models.DateField(_("公告(邀请)日期"))
    awarded_on = models.DateField(_("成交日期"), null=True, blank=True)
    supplier = models.CharField(_("成交供应商"), max_length=120, blank=True)
    amount = models.DecimalField(_("成交金额(元)"), null=True, blank=True, **MONEY)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("采购")
        verbose_name_plural = _("采购")
        ordering = ["project", "announced_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                                              name="procurement_amount_positive")]

    def __str__(self) -> str:
        return self.title


class Contract(models.Model):
    """A contract of the project: its contracts together stay inside the approved estimate (art. 15, 20)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="contracts")
    procurement = models.ForeignKey(Procurement, verbose_name=_("采购"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(_("合同名称"), max_length=120)
    supplier = models.CharField(_("乙方"), max_length=120)
    amount = models.DecimalField(_("合同金额(元)"), **MONEY)
    signed_on = models.DateField(_("签订日期"))
    deliverables = models.TextField(_("交付内容"), blank=True)
    warranty_ends_on = models.DateField(_("质保期截止日期"), null=True, blank=True,
                                        help_text=_("第十二条:质保期满后方可申请运行维护经费"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        ordering = ["project", "signed_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="contract_amount_positive")]

    def __str__(self) -> str:
        return self.title

    @property
    def amount_wan(self) -> str:
        return format_wan(self.amount)


class Payment(models.Model):
    """A payment of fiscal money (art. 13: only pre-work costs before approval; art. 8: only for a project with a
    line in the issued plan of the payment's year; art. 15: inside that year's budget and the approved estimate)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="payments")
    contract = models.ForeignKey(Contract, verbose_name=_("合同"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="payments")
    prework = models.BooleanField(_("前期工作费用"), default=False,
                                  help_text=_("第十三条:项目论证等前期工作费用可在立项批复前支付"))
    amount = models.DecimalField(_("支付金额(元)"), **MONEY)
    paid_on = models.DateField(_("支付日期"))
    purpose = models.CharField(_("用途"), max_length=200)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("支付")
        verbose_name_plural = _("支付")
        ordering = ["project", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.project} · {self.paid_on}"

    @property
    def amount_wan(self) -> str:
        return format_wan(self.amount)


# --- supervision (art. 19) ---------------------------------------------------------------------------------------


class SupervisionPoolEntry(models.Model):
    """One of the qualified supervision firms DRC names for a year (art. 19: `supervision_pool_size`, 2–3)."""

    jurisdiction = models.ForeignKey("organizations.Jurisdiction", verbose_name=_("行政区域"),
                                     on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    firm = models.ForeignKey("organizations.Unit", verbose_name=_("监理单位"), on_delete=models.PROTECT,
                             related_name="pool_entries")
    qualification = models.CharField(_("监理资质"), max_length=100)
    certificate_number = models.CharField(_("资质证书编号"), max_length=60)
    valid_until = models.DateField(_("资质有效期至"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("年度监理单位")
        verbose_name_plural = _("年度监理单位")
        ordering = ["-year", "firm__name"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year", "firm"], name="one_pool_entry_per_firm")]

    def __str__(self) -> str:
        return f"{self.year} · {self.firm}"


class SupervisionAppointment(models.Model):
    """The supervisor of a project (art. 19: required from `supervision_threshold`, drawn from the pool of the
    year it is appointed, its fee inside the approved estimate's supervision fee)."""

    project = models.OneToOneField(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                   related_name="supervision")
    pool_entry = models.ForeignKey(SupervisionPoolEntry, verbose_name=_("年度监理单位"), on_delete=models.PROTECT,
                                   related_name="appointments")
    firm = models.ForeignKey("organizations.Unit", verbose_name=_("监理单位"), on_delete=models.PROTECT,
                             related_name="supervised")
    fee = models.DecimalField(_("监理费(元)"), **MONEY)
    appointed_on = models.DateField(_("委托日期"))
    contract = models.ForeignKey(Contract, verbose_name=_("监理合同"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("项目监理")
        verbose_name_plural = _("项目监理")
        constraints = [models.CheckConstraint(condition=models.Q(fee__gt=0), name="supervision_fee_positive")]

    def __str__(self) -> str:
        return f"{self.project} · {self.firm}"


class SupervisionReport(models.Model):
    """A supervision report filed by the project's supervisor (art. 19)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="supervision_reports")
    firm = models.ForeignKey("organizations.Unit", verbose_name=_("监理单位"), on_delete=models.PROTECT,
                             related_name="+")
    period_start = models.DateField(_("报告期起"))
    period_end = models.DateField(_("报告期止"))
    progress = models.TextField(_("进度情况"))
    quality = models.TextField(_("质量情况"))
    issues_found = models.TextField(_("发现的问题"), blank=True)
    recommendations = models.TextField(_("监理建议"), blank=True)
    filed_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("监理报告")
        verbose_name_plural = _("监理报告")
        ordering = ["project", "-period_end", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(period_start__lte=models.F("period_end")),
                                              name="supervision_report_period")]

    def __str__(self) -> str:
        return f"{self.project} · {self.period_start}–{self.period_end}"


# --- performance monitoring, milestones, risk (art. 11, 19) ------------------------------------------------------


class MonitoringReport(models.Model):
    """A periodic performance-monitoring report (art. 19: 实时进行绩效监控): each target of the baseline with its
    actual value and deviation, the image progress and the forecast cost at completion."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="monitoring_reports")
    baseline = models.ForeignKey("approvals.Baseline", verbose_name=_("批复版本"), on_delete=models.PROTECT,
                                 related_name="+")
    period_end = models.DateField(_("监控截止日期"))
    completion = models.PositiveSmallIntegerField(_("形象进度(%)"))
    forecast_cost = models.DecimalField(_("预计完工总投资(元)"), **MONEY)
    summary = models.TextField(_("总体情况"))
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("绩效监控报告")
        verbose_name_plural = _("绩效监控报告")
        ordering = ["project", "-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period_end"], name="one_monitoring_report_per_period"),
            models.CheckConstraint(condition=models.Q(completion__lte=100), name="monitoring_completion_percent"),
            models.CheckConstraint(condition=models.Q(forecast_cost__gt=0), name="monitoring_forecast_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.period_end}"


class MonitoringValue(models.Model):
    """One performance target's actual value in a report; `deviation` = (actual − target) / target where both
    are numbers; `beyond` when it exceeds the profile's tolerance or the target is not achieved."""

    report = models.ForeignKey(MonitoringReport, verbose_name=_("监控报告"), on_delete=models.CASCADE,
                               related_name="values")
    position = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("指标类别"), max_length=24)
    indicator = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    target = models.CharField(_("目标值"), max_length=60)
    actual = models.CharField(_("实际值"), max_length=60)
    achieved = models.BooleanField(_("达到目标"), null=True, blank=True)
    deviation = models.DecimalField(_("偏差率"), max_digits=12, decimal_places=4, null=True, blank=True)
    beyond = models.BooleanField(_("超出容差"), default=False)
    cause = models.TextField(_("偏差原因"), blank=True)

    class Meta:
        verbose_name = _("绩效指标实际值")
        verbose_name_plural = _("绩效指标实际值")
        ordering = ["report", "position"]
        constraints = [models.UniqueConstraint(fields=["report", "position"], name="one_value_per_target")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.actual}"


class MilestoneActual(models.Model):
    """The actual completion date of a milestone of the approved application."""

    milestone = models.OneToOneField("approvals.Milestone", verbose_name=_("里程碑"), on_delete=models.PROTECT,
                                     related_name="actual")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="milestone_actuals")
    actual_date = models.DateField(_("实际完成日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("里程碑完成情况")
        verbose_name_plural = _("里程碑完成情况")

    def __str__(self) -> str:
        return f"{self.milestone} · {self.actual_date}"


class RiskAssessment(models.Model):
    """DRC's assessment of a project's risk, 1 (high) to 5 (low), as the CIO's on the US IT Dashboard."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="risk_assessments")
    score = models.PositiveSmallIntegerField(_("评估分值(1-5)"))
    comment = models.TextField(_("评估意见"))
    assessed_at = models.DateTimeField(_("评估时间"), auto_now_add=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评估人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")
        ordering = ["project", "-assessed_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="risk_score_1_5")]

    def __str__(self) -> str:
        return f"{self.project} · {self.score}"


class RiskRating(models.Model):
    """The project's ratings now, kept so lists can sort by them: recomputed on every write that moves them and
    each night (slippage grows with the days). Ratings are 1 (high risk) to 5 (low)."""

    project = models.OneToOneField(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="risk")
    cost_variance = models.DecimalField(_("成本偏差率"), max_digits=12, decimal_places=4, null=True)
    cost_rating = models.PositiveSmallIntegerField(_("成本评级"), null=True)
    schedule_variance = models.DecimalField(_("进度偏差率"), max_digits=12, decimal_places=4, null=True)
    schedule_rating = models.PositiveSmallIntegerField(_("进度评级"), null=True)
    drc_rating = models.PositiveSmallIntegerField(_("发改评估"), null=True)
    overall = models.DecimalField(_("综合评级"), max_digits=3, decimal_places=2, null=True, db_index=True)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, blank=True)
    flags = models.JSONField(_("标记"), default=list)
    computed_on = models.DateField(_("计算日期"))

    class Meta:
        verbose_name = _("风险评级")
        verbose_name_plural = _("风险评级")

    def __str__(self) -> str:
        return f"{self.project} · {self.overall}"


# --- change control (art. 20) ------------------------------------------------------------------------------------


class ChangeRequest(models.Model):
    """A change of the approved project, compared with the baseline in force and classified by the system
    (art. 20): ≥ `reapproval_overrun_ratio` over the approved estimate → re-approval; a smaller increase or a
    change of content, scale, standards or technical approach → the change procedure (DRC decides); the
    schedule alone → recorded."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="change_requests")
    number = models.PositiveSmallIntegerField(_("变更序号"))
    baseline = models.ForeignKey("approvals.Baseline", verbose_name=_("对照的批复版本"), on_delete=models.PROTECT,
                                 related_name="change_requests")
    kinds = models.JSONField(_("变更事项"), default=list)
    description = models.TextField(_("变更内容"))
    reason = models.TextField(_("变更理由"))
    proposed_estimate = models.DecimalField(_("变更后总投资(元)"), null=True, blank=True, **MONEY)
    proposed_end_date = models.DateField(_("变更后完工日期"), null=True, blank=True)
    increase = models.DecimalField(_("较核定概算增加(元)"), default=0, **MONEY)
    increase_ratio = models.DecimalField(_("增加比例"), max_digits=10, decimal_places=6, default=0)
    classification = models.CharField(_("系统分类"), max_length=16, choices=ChangeClass.choices)
    status = models.CharField(_("状态"), max_length=12, choices=ChangeStatus.choices)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decision_reason = models.TextField(_("审批意见"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        ordering = ["project", "-number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="one_change_number_per_project")]

    def __str__(self) -> str:
        return f"{self.project} · {self.number}"

    def get_kinds_display(self) -> str:
        labels = dict(ChangeKind.choices)
        return str(_("、")).join(str(labels.get(k, k)) for k in self.kinds)


# --- incidents, rectification, suspension (art. 21) -------------------------------------------------------------


class Incident(models.Model):
    """A serious delay, a major investment loss or another major problem (art. 21): reported by the unit, or
    proposed by the system when slippage or cost variance crosses the profile's thresholds."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("问题类型"), max_length=16, choices=IncidentKind.choices)
    source = models.CharField(_("来源"), max_length=8, choices=IncidentSource.choices)
    description = models.TextField(_("情况说明"))
    measure = models.JSONField(_("触发指标"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.OPEN)
    reported_at = models.DateTimeField(_("报告时间"), auto_now_add=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handling_note = models.TextField(_("处理意见"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("重大问题报告")
        verbose_name_plural = _("重大问题报告")
        ordering = ["project", "-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"


class RectificationOrder(models.Model):
    """An order to rectify, with a deadline (art. 21): the unit reports what it did; the bureau closes it or
    sends it back."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="rectifications")
    incident = models.ForeignKey(Incident, verbose_name=_("所涉问题"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="rectifications")
    requirements = models.TextField(_("整改要求"))
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=12, choices=RectificationStatus.choices,
                              default=RectificationStatus.ORDERED)
    ordered_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("下达人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    response = models.TextField(_("整改情况"), blank=True)
    responded_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办结人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    review_note = models.TextField(_("审核意见"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["project", "-ordered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.deadline}"


class ConstructionSuspension(models.Model):
    """A suspension of the project's construction (art. 21) and its resumption, each a recorded decision."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="construction_suspensions")
    incident = models.ForeignKey(Incident, verbose_name=_("所涉问题"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("暂停理由"))
    suspended_at = models.DateTimeField(_("暂停时间"))
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    resumed_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("恢复决定人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    resume_reason = models.TextField(_("恢复理由"), blank=True)

    class Meta:
        verbose_name = _("暂停建设")
        verbose_name_plural = _("暂停建设")
        ordering = ["project", "-suspended_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.suspended_at:%Y-%m-%d}"
