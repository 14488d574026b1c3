"""Trial operation and the acceptance application (art. 22): the unit declares construction complete and runs the
system on trial from day T; it may apply for acceptance from T + `min_trial_run` months and should by T +
`acceptance_window` months — a later application is taken, marked late, with the unit's explanation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.projects.models import Project


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
