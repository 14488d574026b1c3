"""Construction control (art. 13, 19, 8, 15): the procurement, the contracts and the payments of a project.
Every record is checked, when it is made, against the approval's baseline, the budget and the issued plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.money import format_wan
from itgov.projects.models import Project

from .choices import ProcurementMethod

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
