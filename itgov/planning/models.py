"""Chapter 2 of the measures: the district IT development plan (art. 6) — multi-year, with numbered key tasks
projects serve, published in versions — the Q3 declaration of next year's plans (art. 8), the annual investment
plan in classes A/B/C (art. 8–9) and its adjustments (art. 10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.models import TimeStamped
from itgov.organizations.models import Jurisdiction, Unit

from .choices import (
    AdjustmentKind,
    AdjustmentStatus,
    DevelopmentPlanStatus,
    LineStatus,
    LineType,
    PlanClass,
    PlanStatus,
)


class DevelopmentPlan(TimeStamped):
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("行政区域"), on_delete=models.PROTECT)
    name = models.CharField(_("规划名称"), max_length=120)
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("截止年度"))
    status = models.CharField(_("状态"), max_length=16, choices=DevelopmentPlanStatus.choices,
                              default=DevelopmentPlanStatus.DRAFT)
    edition = models.PositiveSmallIntegerField(_("版本号"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("修订自"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="revision")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("并发版本"), default=1)

    class Meta:
        verbose_name = _("政务信息化发展规划")
        verbose_name_plural = _("政务信息化发展规划")
        ordering = ["-start_year", "-edition"]
        constraints = [models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")),
                                              name="plan_years_ordered")]

    def __str__(self) -> str:
        return self.name


class PlanTask(models.Model):
    plan = models.ForeignKey(DevelopmentPlan, verbose_name=_("规划"), on_delete=models.PROTECT, related_name="tasks")
    number = models.CharField(_("任务编号"), max_length=10)
    title = models.CharField(_("任务名称"), max_length=120)
    description = models.TextField(_("任务内容"), blank=True)
    lead_unit = models.ForeignKey(Unit, verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.PROTECT)
    previous = models.ForeignKey("self", verbose_name=_("上一版本中的任务"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

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


class AnnualPlan(TimeStamped):
    """One edition of the annual investment plan for `year` (art. 8). Edition 1 is compiled from the
    declarations and issued by the government; each consented adjustment (art. 10) issues edition n+1 from
    edition n, which is kept, superseded. An issued edition is never changed in place."""

    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("行政区域"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("计划年度"))
    edition = models.PositiveSmallIntegerField(_("版本号"), default=1)
    status = models.CharField(_("状态"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    capacity = models.DecimalField(_("财政承受能力(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    document_number = models.CharField(_("下达文号"), max_length=60, blank=True)
    based_on = models.OneToOneField("self", verbose_name=_("上一版本"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="next_edition")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    cosigned_at = models.DateTimeField(_("财政会签时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    last_return_reason = models.TextField(_("最近退回理由"), blank=True)
    version = models.PositiveIntegerField(_("并发版本"), default=1)
    created_by = models.ForeignKey("accounts.User", verbose_name=_("编制人"), null=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("年度投资计划")
        verbose_name_plural = _("年度投资计划")
        ordering = ["-year", "-edition"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year", "edition"], name="unique_plan_edition"),
            models.UniqueConstraint(fields=["jurisdiction", "year"], condition=models.Q(status="issued"),
                                    name="one_issued_plan_per_year"),
            models.UniqueConstraint(fields=["jurisdiction", "year"],
                                    condition=models.Q(status__in=["draft", "submitted", "cosigned"]),
                                    name="one_plan_in_progress_per_year"),
            models.CheckConstraint(condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=0),
                                   name="plan_capacity_not_negative"),
        ]

    def __str__(self) -> str:
        return _("%(year)d年度政务信息化项目投资计划(第%(n)d版)") % {"year": self.year, "n": self.edition}

    @property
    def is_editable(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanLine(models.Model):
    """One project's line in an edition: class (art. 9), the year's allocation and the part of it that is
    pre-work (前期工作) money. Lines of an issued edition are never changed."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="lines")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="plan_lines")
    unit = models.ForeignKey(Unit, verbose_name=_("建设单位"), on_delete=models.PROTECT, related_name="+")
    line_type = models.CharField(_("类型"), max_length=16, choices=LineType.choices)
    plan_class = models.CharField(_("类别"), max_length=1, choices=PlanClass.choices)
    requested_amount = models.DecimalField(_("申报金额(元)"), max_digits=14, decimal_places=2, default=0)
    amount = models.DecimalField(_("年度安排资金(元)"), max_digits=14, decimal_places=2, default=0)
    prework_amount = models.DecimalField(_("其中前期工作经费(元)"), max_digits=14, decimal_places=2, default=0)
    priority = models.PositiveSmallIntegerField(_("优先级评分"), default=50)
    must_start_reason = models.TextField(_("必须开工的理由"), blank=True)
    skip_reason = models.TextField(_("跨类别安排的理由"), blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    declaration = models.ForeignKey(DeclarationLine, verbose_name=_("申报事项"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="plan_lines")
    version = models.PositiveIntegerField(_("并发版本"), default=1)

    class Meta:
        verbose_name = _("计划事项")
        verbose_name_plural = _("计划事项")
        ordering = ["plan", "plan_class", "-priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "project", "line_type"], name="one_line_per_project_and_type"),
            models.CheckConstraint(condition=models.Q(amount__gte=0) & models.Q(prework_amount__gte=0)
                                   & models.Q(requested_amount__gte=0), name="plan_line_amounts_not_negative"),
            models.CheckConstraint(condition=models.Q(prework_amount__lte=models.F("amount")),
                                   name="plan_line_prework_within_amount"),
            models.CheckConstraint(condition=models.Q(priority__lte=100), name="plan_line_priority_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_plan_class_display()}"

    @property
    def construction_amount(self):
        return self.amount - self.prework_amount


class PlanAdjustment(TimeStamped):
    """An application to change an issued edition (art. 10), or DRC's mid-year release of surplus to B lines
    (art. 9). Consent issues a new edition; the base edition is kept."""

    plan = models.ForeignKey(AnnualPlan, verbose_name=_("所调整的计划版本"), on_delete=models.PROTECT,
                             related_name="adjustments")
    kind = models.CharField(_("调整类型"), max_length=16, choices=AdjustmentKind.choices,
                            default=AdjustmentKind.CHANGE)
    unit = models.ForeignKey(Unit, verbose_name=_("申请单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    reason = models.TextField(_("调整理由"))
    new_capacity = models.DecimalField(_("调整后财政承受能力(元)"), max_digits=14, decimal_places=2, null=True,
                                       blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=AdjustmentStatus.choices,
                              default=AdjustmentStatus.APPLIED)
    version = models.PositiveIntegerField(_("并发版本"), default=1)
    applied_by = models.ForeignKey("accounts.User", verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    drc_reviewed_at = models.DateTimeField(_("发改审核时间"), null=True, blank=True)
    finance_reviewed_at = models.DateTimeField(_("财政审核时间"), null=True, blank=True)
    consented_at = models.DateTimeField(_("区政府同意时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)
    result = models.OneToOneField(AnnualPlan, verbose_name=_("生成的计划版本"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="made_by_adjustment")

    class Meta:
        verbose_name = _("年度计划调整")
        verbose_name_plural = _("年度计划调整")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(new_capacity__isnull=True)
                                              | models.Q(new_capacity__gte=0), name="adjusted_capacity_not_negative")]

    def __str__(self) -> str:
        return _("%(plan)s的调整申请 #%(id)s") % {"plan": self.plan, "id": self.pk}

    @property
    def jurisdiction(self):
        return self.plan.jurisdiction


class AdjustmentItem(models.Model):
    """One line of an adjustment: the line as it should stand in the new edition (or its removal)."""

    adjustment = models.ForeignKey(PlanAdjustment, on_delete=models.CASCADE, related_name="items")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="+")
    line_type = models.CharField(_("类型"), max_length=16, choices=LineType.choices)
    remove = models.BooleanField(_("调出计划"), default=False)
    plan_class = models.CharField(_("类别"), max_length=1, choices=PlanClass.choices, blank=True)
    amount = models.DecimalField(_("年度安排资金(元)"), max_digits=14, decimal_places=2, default=0)
    prework_amount = models.DecimalField(_("其中前期工作经费(元)"), max_digits=14, decimal_places=2, default=0)
    skip_reason = models.TextField(_("跨类别安排的理由"), blank=True)
    must_start_reason = models.TextField(_("必须开工的理由"), blank=True)

    class Meta:
        verbose_name = _("调整事项")
        verbose_name_plural = _("调整事项")
        constraints = [
            models.UniqueConstraint(fields=["adjustment", "project", "line_type"], name="one_item_per_line"),
            models.CheckConstraint(condition=models.Q(amount__gte=0) & models.Q(prework_amount__gte=0)
                                   & models.Q(prework_amount__lte=models.F("amount")),
                                   name="adjustment_item_amounts_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.adjustment} · {self.project}"
