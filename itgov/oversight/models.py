"""Audit cooperation (art. 25, with art. 4's audit bureau): the audit bureau opens an audit case on projects and
sends the owner units requests with deadlines; the unit answers, truthfully, with text and files (如实提供…不得拒绝、
隐匿、瞒报). An answer is never edited nor withdrawn — a further answer supplements it: the model refuses to save an
existing row or delete one, and a database trigger (migration 0002) refuses UPDATE and DELETE on SQLite and
PostgreSQL, whatever code tries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CaseStatus, RequestKind


class AuditCase(models.Model):
    """An audit of one or more projects by the audit bureau (art. 4, 25), numbered per jurisdiction and year like
    its documents (鼓审〔2026〕1号). Only the audit bureau opens it, adds projects and closes it."""

    jurisdiction = models.ForeignKey("organizations.Jurisdiction", verbose_name=_("行政区域"),
                                     on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("审计编号"), max_length=60)
    title = models.CharField(_("审计事项"), max_length=120)
    scope = models.TextField(_("审计范围和内容"))
    opened_on = models.DateField(_("立项日期"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("立项人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    projects = models.ManyToManyField("projects.Project", verbose_name=_("被审计项目"), related_name="audit_cases")
    status = models.CharField(_("状态"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN,
                              db_index=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    closing_summary = models.TextField(_("审计结论"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结案人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("审计案件")
        verbose_name_plural = _("审计案件")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year", "seq"], name="unique_audit_case_number"),
            models.CheckConstraint(condition=models.Q(status="open") | (
                models.Q(closed_on__isnull=False) & ~models.Q(closing_summary="")), name="closed_case_has_summary"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class AuditRequest(models.Model):
    """A request of the audit bureau to the owner unit of one of the case's projects (art. 25): documents or an
    explanation, by `due_on`. Unanswered, it is overdue from the day after `due_on`."""

    case = models.ForeignKey(AuditCase, verbose_name=_("审计案件"), on_delete=models.PROTECT, related_name="requests")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="audit_requests")
    addressee = models.ForeignKey("organizations.Unit", verbose_name=_("被调阅单位"), on_delete=models.PROTECT,
                                  related_name="audit_requests")
    kind = models.CharField(_("类型"), max_length=12, choices=RequestKind.choices)
    subject = models.CharField(_("事由"), max_length=120)
    text = models.TextField(_("调阅内容"))
    due_on = models.DateField(_("报送期限"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发出人"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("发出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审计调阅要求")
        verbose_name_plural = _("审计调阅要求")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.subject}" if self.case_id else self.subject


class AuditAnswer(models.Model):
    """The unit's answer to a request (art. 25), numbered 1, 2, … per request; a later one supplements the earlier
    ones. `late`: submitted after the request's deadline. Never edited nor deleted."""

    request = models.ForeignKey(AuditRequest, verbose_name=_("调阅要求"), on_delete=models.PROTECT,
                                related_name="answers")
    sequence = models.PositiveSmallIntegerField(_("报送次序"))
    text = models.TextField(_("说明"), blank=True)
    late = models.BooleanField(_("逾期报送"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"))

    class Meta:
        verbose_name = _("审计报送")
        verbose_name_plural = _("审计报送")
        ordering = ["request", "sequence"]
        constraints = [models.UniqueConstraint(fields=["request", "sequence"], name="unique_answer_sequence")]

    def __str__(self) -> str:
        return f"{self.request} · {self.sequence}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("an audit answer is never edited (art. 25); a further answer supplements it")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("an audit answer is never withdrawn (art. 25)")


class AuditAnswerFile(models.Model):
    """A file of an answer, kept with its size and SHA-256 as submitted. Never replaced nor deleted."""

    answer = models.ForeignKey(AuditAnswer, verbose_name=_("审计报送"), on_delete=models.PROTECT,
                               related_name="files")
    file = models.FileField(_("文件"), upload_to="oversight/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("审计报送文件")
        verbose_name_plural = _("审计报送文件")
        ordering = ["answer", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("an audit answer's file is never replaced (art. 25)")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("an audit answer's file is never withdrawn (art. 25)")
