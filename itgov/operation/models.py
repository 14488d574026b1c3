"""Operation (art. 12, 23, 24): the project goes live after a passed acceptance (day G); the owner unit runs and
maintains it (the O&M arrangement, with its security responsibility), evaluates its performance G + 12 to G + 24
months after going live (the self-evaluation, reported to Finance and DRC), and applies for a year's O&M funds once
the warranty is over, which Finance decides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.money import format_wan
from itgov.projects.models import Project

from .choices import ArrangementMode, FundingStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class SelfEvaluation(models.Model):
    """The owner unit's performance self-evaluation report (art. 24), one per project, never edited after it is
    submitted. `late`: submitted after G + `self_evaluation_window.max` months."""

    project = models.OneToOneField(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                   related_name="self_evaluation")
    baseline = models.ForeignKey("approvals.Baseline", verbose_name=_("批复版本"), on_delete=models.PROTECT,
                                 related_name="+", null=True)
    operation_started_on = models.DateField(_("投入运行日期"))
    submitted_on = models.DateField(_("报送日期"))
    score = models.DecimalField(_("自评得分"), max_digits=4, decimal_places=1)
    summary = models.TextField(_("总体评价"))
    problems = models.TextField(_("存在的问题"))
    improvements = models.TextField(_("改进措施"))
    late = models.BooleanField(_("逾期报送"), default=False)
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("绩效自评价报告")
        verbose_name_plural = _("绩效自评价报告")
        ordering = ["-submitted_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=0) & models.Q(score__lte=100),
                                              name="self_evaluation_score_0_100")]

    def __str__(self) -> str:
        return f"{self.project} · {self.submitted_on}"


class SelfEvaluationValue(models.Model):
    """One performance target of the approval (art. 11) with its actual value in the self-evaluation; the
    target's words are kept as they were when the report was made."""

    evaluation = models.ForeignKey(SelfEvaluation, verbose_name=_("自评价报告"), on_delete=models.CASCADE,
                                   related_name="values")
    target = models.ForeignKey("approvals.PerformanceTarget", verbose_name=_("绩效目标"), on_delete=models.PROTECT,
                               related_name="+")
    position = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("指标类别"), max_length=24)
    indicator = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    target_value = models.CharField(_("目标值"), max_length=60)
    actual = models.CharField(_("实际值"), max_length=60)
    achieved = models.BooleanField(_("达到目标"))

    class Meta:
        verbose_name = _("自评价指标实际值")
        verbose_name_plural = _("自评价指标实际值")
        ordering = ["evaluation", "position"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "target"], name="one_evaluation_value_per_target")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.actual}"


class OMArrangement(models.Model):
    """How the owner unit runs and maintains the system (art. 24: 项目建设单位负责制, 落实信息安全保密措施). Recording
    again adds a newer arrangement; the latest is the one in force, the older ones are kept."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="om_arrangements")
    mode = models.CharField(_("运维方式"), max_length=12, choices=ArrangementMode.choices)
    provider = models.CharField(_("运维团队或服务商"), max_length=120)
    period_start = models.DateField(_("运维期起"))
    period_end = models.DateField(_("运维期止"))
    security_officer = models.CharField(_("安全保密责任人"), max_length=60)
    security_measures = models.TextField(_("信息安全保密措施"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("运行维护安排")
        verbose_name_plural = _("运行维护安排")
        ordering = ["project", "-recorded_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                              name="om_period_end_after_start")]

    def __str__(self) -> str:
        return f"{self.project} · {self.provider}"


class OMFundingRequest(models.Model):
    """The owner unit's request for a year's O&M funds after acceptance and the warranty (art. 12); Finance
    budgets it from the total investment: approves an amount or declines with a reason. One open or approved
    request per project and year."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="om_funding_requests")
    year = models.PositiveSmallIntegerField(_("预算年度"))
    requested_amount = models.DecimalField(_("申请金额(元)"), **MONEY)
    suggested_amount = models.DecimalField(_("建议金额(元)"), null=True, blank=True, **MONEY,
                                           help_text=_("核定总投资 × 本级设定的运维经费比例;未设定比例的为空"))
    justification = models.TextField(_("申请理由"))
    status = models.CharField(_("状态"), max_length=12, choices=FundingStatus.choices,
                              default=FundingStatus.SUBMITTED)
    decided_amount = models.DecimalField(_("核定金额(元)"), null=True, blank=True, **MONEY)
    decision_reason = models.TextField(_("审核意见"), blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("运行维护经费申请")
        verbose_name_plural = _("运行维护经费申请")
        ordering = ["project", "-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], condition=~models.Q(status="rejected"),
                                    name="one_open_om_request_per_year"),
            models.CheckConstraint(condition=models.Q(requested_amount__gt=0), name="om_requested_positive"),
            models.CheckConstraint(condition=models.Q(decided_amount__isnull=True) | models.Q(decided_amount__gt=0),
                                   name="om_decided_positive"),
            models.CheckConstraint(condition=~models.Q(status="approved") | models.Q(decided_amount__isnull=False),
                                   name="om_approved_with_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.year}"

    @property
    def requested_wan(self) -> str:
        return format_wan(self.requested_amount)

    @property
    def suggested_wan(self) -> str:
        return format_wan(self.suggested_amount)

    @property
    def decided_wan(self) -> str:
        return format_wan(self.decided_amount)
