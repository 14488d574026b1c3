"""Chapter 2 of the measures: the district IT development plan (art. 6) — multi-year, with numbered key tasks
projects serve — and the Q3 declaration of next year's plans (art. 8). Drafting and publishing plan versions,
the annual investment plan (art. 8–9) and its adjustments (art. 10) come next."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.models import TimeStamped
from itgov.organizations.models import Jurisdiction, Unit

from .choices import LineStatus, LineType, PlanClass


class DevelopmentPlan(TimeStamped):
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("行政区域"), on_delete=models.PROTECT)
    name = models.CharField(_("规划名称"), max_length=120)
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("截止年度"))

    class Meta:
        verbose_name = _("政务信息化发展规划")
        verbose_name_plural = _("政务信息化发展规划")
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return self.name


class PlanTask(models.Model):
    plan = models.ForeignKey(DevelopmentPlan, verbose_name=_("规划"), on_delete=models.PROTECT, related_name="tasks")
    number = models.CharField(_("任务编号"), max_length=10)
    title = models.CharField(_("任务名称"), max_length=120)
    description = models.TextField(_("任务内容"), blank=True)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("规划任务")
        verbose_name_plural = _("规划任务")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_task_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class DeclarationRound(TimeStamped):
    """The Q3 collection of next year's construction and O&M plans (art. 8) for plan year `year`.

    Its window is the profile's `declaration_window` in year `year - 1` (Asia/Shanghai), judged at the moment
    of each declaration by the profile then in force; DRC may open a recorded exception for a unit."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("行政区域"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("计划年度"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    opened_by = models.ForeignKey("accounts.User", verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("年度集中申报")
        verbose_name_plural = _("年度集中申报")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="one_round_per_year")]

    def __str__(self) -> str:
        return _("%(year)d年度政务信息化项目集中申报") % {"year": self.year}


class DeclarationException(models.Model):
    """DRC lets one unit declare outside the window until `deadline` (art. 8), for a recorded reason."""

    round = models.ForeignKey(DeclarationRound, on_delete=models.CASCADE, related_name="exceptions")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    reason = models.TextField(_("理由"))
    deadline = models.DateTimeField(_("截止时间"))
    granted_by = models.ForeignKey("accounts.User", verbose_name=_("批准人"), null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报例外")
        verbose_name_plural = _("申报例外")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"


class DeclarationLine(TimeStamped):
    """One line a unit declares: a reserve project's construction, or a running project's O&M (art. 8)."""

    round = models.ForeignKey(DeclarationRound, on_delete=models.PROTECT, related_name="lines")
    unit = models.ForeignKey(Unit, verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="declaration_lines")
    line_type = models.CharField(_("类型"), max_length=16, choices=LineType.choices)
    requested_amount = models.DecimalField(_("申请年度资金(元)"), max_digits=14, decimal_places=2)
    proposed_class = models.CharField(_("建议类别"), max_length=1, choices=PlanClass.choices)
    justification = models.TextField(_("申报理由"))
    status = models.CharField(_("状态"), max_length=16, choices=LineStatus.choices, default=LineStatus.DECLARED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    via_exception = models.ForeignKey(DeclarationException, verbose_name=_("依据例外"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    declared_by = models.ForeignKey("accounts.User", verbose_name=_("申报人"), null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)

    class Meta:
        verbose_name = _("申报事项")
        verbose_name_plural = _("申报事项")
        ordering = ["unit", "-requested_amount", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project", "line_type"], condition=models.Q(status="declared"),
                                    name="one_declared_line_per_project_and_type"),
            models.CheckConstraint(condition=models.Q(requested_amount__gt=0), name="declared_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_line_type_display()}"
