"""The district IT development plan (art. 6): multi-year, with numbered key tasks projects serve.

This is the part the foundation needs (projects link to a task); the planning issue adds drafting,
publishing, versions and the plan view."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.core.models import TimeStamped
from itgov.organizations.models import Jurisdiction, Unit


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
