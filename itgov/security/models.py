"""Security of the information systems (art. 30): assessments — graded protection (等级测评), cryptography (密评),
periodic risk assessments — and their findings with remediation deadlines. The level and the filing are on the
system (`catalogue.InformationSystem`). The next assessment's due day is derived from the last one and the
profile's interval for the level, never typed in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AssessmentKind, AssessmentResult, Severity


class SecurityAssessment(models.Model):
    """An assessment report of one system: kind, day, body, conclusion, score, report number and summary. Recorded
    once and never edited (a correction is a new report)."""

    system = models.ForeignKey("catalogue.InformationSystem", verbose_name=_("信息系统"), on_delete=models.PROTECT,
                               related_name="assessments")
    kind = models.CharField(_("测评类型"), max_length=8, choices=AssessmentKind.choices)
    assessed_on = models.DateField(_("测评日期"))
    assessor = models.CharField(_("测评机构"), max_length=100)
    result = models.CharField(_("测评结论"), max_length=10, choices=AssessmentResult.choices)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    report_number = models.CharField(_("报告编号"), max_length=60)
    summary = models.TextField(_("主要问题"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("安全测评")
        verbose_name_plural = _("安全测评")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["system", "kind", "assessed_on"], name="assessment_system_kind_day")]
        constraints = [
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                                   name="assessment_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.assessed_on}"


class SecurityFinding(models.Model):
    """A finding to remediate by `due_on`, from an assessment or from the Cyberspace Office's inspection. Open
    until the unit records its remediation; overdue from the day after `due_on`."""

    system = models.ForeignKey("catalogue.InformationSystem", verbose_name=_("信息系统"), on_delete=models.PROTECT,
                               related_name="findings")
    assessment = models.ForeignKey(SecurityAssessment, verbose_name=_("来源测评"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="findings")
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("风险等级"), max_length=8, choices=Severity.choices)
    due_on = models.DateField(_("整改期限"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    remediated_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    remediation = models.TextField(_("整改情况"), blank=True)
    remediated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("整改登记人"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("安全问题")
        verbose_name_plural = _("安全问题")
        ordering = ["remediated_on", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(remediated_on__isnull=True) | ~Q(remediation=""),
                                   name="remediated_finding_has_note"),
        ]

    def __str__(self) -> str:
        return self.description[:40]
