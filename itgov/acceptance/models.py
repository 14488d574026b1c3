"""Trial operation and the acceptance application (art. 22): the unit declares construction complete and runs the
system on trial from day T; it may apply for acceptance from T + `min_trial_run` months and should by T +
`acceptance_window` months — a later application is taken, marked late, with the unit's explanation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.projects.models import Project

from .choices import AssetCategory, DocumentKind, Result


class AcceptanceApplication(models.Model):
    """An application for completion acceptance (art. 22). A project applies again after a failed acceptance: the
    applications are numbered."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="acceptance_applications")
    number = models.PositiveSmallIntegerField(_("申请序号"))
    trial_started_on = models.DateField(_("试运行开始日期"))
    applied_on = models.DateField(_("申请日期"))
    late = models.BooleanField(_("逾期申请"), default=False,
                               help_text=_("试运行开始后超过申请期限(办法:半年)提出的申请"))
    late_explanation = models.TextField(_("逾期说明"), blank=True)
    summary = models.TextField(_("建设完成情况"))
    applied_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("竣工验收申请")
        verbose_name_plural = _("竣工验收申请")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_acceptance_number_per_project"),
            models.CheckConstraint(condition=models.Q(late=False) | ~models.Q(late_explanation=""),
                                   name="late_application_explained"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.number}"


MONEY = {"max_digits": 14, "decimal_places": 2}


class AcceptanceDocument(models.Model):
    """A file the unit uploads for its acceptance application (art. 22) or its rectification (art. 23). Uploading
    again adds a newer file of that kind; nothing is deleted. `application` is the application it was filed with
    (empty until the unit applies)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="acceptance_documents")
    application = models.ForeignKey(AcceptanceApplication, verbose_name=_("所属申请"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("材料类型"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), upload_to="acceptance/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("竣工验收材料")
        verbose_name_plural = _("竣工验收材料")
        ordering = ["project", "kind", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Acceptance(models.Model):
    """DRC's acceptance of one application (art. 22): when and where, the optional expert group, the result with
    its findings; on a failure the rectification deadline (art. 23), and the unit's refusal or the suspension the
    failure led to."""

    application = models.OneToOneField(AcceptanceApplication, verbose_name=_("验收申请"), on_delete=models.PROTECT,
                                       related_name="acceptance")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="acceptances")
    scheduled_on = models.DateField(_("验收日期"))
    location = models.CharField(_("验收地点"), max_length=120, blank=True)
    note = models.TextField(_("组织说明"), blank=True)
    organised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("组织人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(_("验收结论"), max_length=12, choices=Result.choices, blank=True)
    decided_on = models.DateField(_("结论日期"), null=True, blank=True)
    findings = models.TextField(_("验收意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    rectification_due_on = models.DateField(_("整改期限"), null=True, blank=True)
    refused_at = models.DateTimeField(_("拒不整改时间"), null=True, blank=True)
    refusal_reason = models.TextField(_("拒不整改说明"), blank=True)
    suspension = models.OneToOneField("approvals.UnitSuspension", verbose_name=_("引起的暂缓审批"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="acceptance")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("竣工验收")
        verbose_name_plural = _("竣工验收")
        ordering = ["-scheduled_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(result="") | models.Q(decided_on__isnull=False),
                                   name="acceptance_decided_with_date"),
            models.CheckConstraint(condition=~models.Q(result="failed") | (
                models.Q(rectification_due_on__isnull=False) & ~models.Q(findings="")),
                name="failed_acceptance_has_findings_and_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.scheduled_on}"


class AcceptanceExpert(models.Model):
    """An expert of the pool in the acceptance's expert group (art. 22), with the opinion recorded."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="experts")
    expert = models.ForeignKey("organizations.Expert", verbose_name=_("专家"), on_delete=models.PROTECT,
                               related_name="acceptance_seats")
    added_at = models.DateTimeField(_("加入时间"), auto_now_add=True)
    opinion = models.CharField(_("验收意见"), max_length=12, choices=Result.choices, blank=True)
    opinion_text = models.TextField(_("意见说明"), blank=True)
    opinion_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("验收专家组成员")
        verbose_name_plural = _("验收专家组成员")
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["acceptance", "expert"], name="unique_acceptance_expert")]

    def __str__(self) -> str:
        return f"{self.acceptance} · {self.expert}"


class AcceptanceFiling(models.Model):
    """The unit files the passed acceptance's result with Finance (art. 22); Finance records its receipt."""

    acceptance = models.OneToOneField(Acceptance, verbose_name=_("竣工验收"), on_delete=models.PROTECT,
                                      related_name="filing")
    filed_on = models.DateField(_("报送日期"))
    document_number = models.CharField(_("报送文号"), max_length=60, blank=True)
    note = models.TextField(_("备注"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    received_at = models.DateTimeField(_("财政局确认时间"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("验收结果备案")
        verbose_name_plural = _("验收结果备案")

    def __str__(self) -> str:
        return f"{self.acceptance} · {self.filed_on}"


class Asset(models.Model):
    """An asset the accepted project produced, registered by the unit for its later management (art. 22)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="assets")
    acceptance = models.ForeignKey(Acceptance, verbose_name=_("竣工验收"), on_delete=models.PROTECT,
                                   related_name="assets")
    name = models.CharField(_("资产名称"), max_length=120)
    category = models.CharField(_("资产类别"), max_length=12, choices=AssetCategory.choices)
    quantity = models.PositiveIntegerField(_("数量"))
    value = models.DecimalField(_("价值(元)"), **MONEY)
    custodian_unit = models.ForeignKey("organizations.Unit", verbose_name=_("使用管理单位"),
                                       on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("存放地点"), max_length=120)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("项目资产")
        verbose_name_plural = _("项目资产")
        ordering = ["project", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="asset_value_not_negative"),
                       models.CheckConstraint(condition=models.Q(quantity__gt=0), name="asset_quantity_positive")]

    def __str__(self) -> str:
        return self.name

    @property
    def value_wan(self) -> str:
        from itgov.core.money import format_wan

        return format_wan(self.value)
