"""The audit trail of art. 25: append-only, hash-chained, written in the same transaction as the change.

A database trigger refuses UPDATE and DELETE on AuditEvent (SQLite and PostgreSQL, see migration 0002).
Each event's hash covers its content and the previous event's hash; AuditChainHead holds the last
sequence number and hash, so a deleted tail is found as well as an edited or missing row.
"""

import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import EVENT_TYPE_CHOICES


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    event_type = models.CharField(_("事件类型"), max_length=40, choices=EVENT_TYPE_CHOICES, db_index=True)
    # Kept as plain values, not foreign keys: the row must outlive users and units.
    actor_id = models.BigIntegerField(_("操作人ID"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=150)
    unit_id = models.BigIntegerField(_("单位ID"), null=True, blank=True, db_index=True)
    unit_name = models.CharField(_("单位"), max_length=100, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=10)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    project_id = models.BigIntegerField(_("项目ID"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    rule_results = models.JSONField(_("规则检查结果"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.actor_name}"

    HASHED_FIELDS = ("seq", "at", "event_type", "actor_id", "actor_name", "unit_id", "unit_name", "ip", "channel",
                     "object_type", "object_id", "object_repr", "project_id", "before", "after", "reason",
                     "rule_results")

    def compute_hash(self) -> str:
        payload = {name: getattr(self, name) for name in self.HASHED_FIELDS}
        payload["at"] = self.at.isoformat(timespec="microseconds")
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
        return hashlib.sha256((self.prev_hash + canonical).encode()).hexdigest()


class AuditChainHead(models.Model):
    """One row: the last sequence number and hash. Locked by every writer, so the chain never forks."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
