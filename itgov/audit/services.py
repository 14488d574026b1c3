"""`audit_record`: the one way to write an audit event."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from itgov.core import context

from .events import EVENT_TYPES
from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
SYSTEM_ACTOR = "系统"


def _plain(value: Any) -> Any:
    """JSON-safe and stable across a database round trip (Decimal → str, dates → ISO)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_record(
    *,
    event_type: str,
    actor=None,
    obj: Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    rule_results: list | dict | None = None,
    project_id: int | None = None,
    object_repr: str | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Append an event to the chain, inside the caller's transaction (or a new one).

    Must be called in the same transaction as the change it describes: if the change rolls back, so
    does its event."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown audit event type {event_type!r}")
    ctx = context.current()
    unit = getattr(actor, "unit", None) if actor is not None else None
    if project_id is None and obj is not None and obj._meta.label_lower == "projects.project":
        project_id = obj.pk
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now().astimezone(dt.UTC),
            event_type=event_type,
            actor_id=getattr(actor, "pk", None),
            actor_name=(actor_name or (actor.display_name if actor is not None else SYSTEM_ACTOR))[:150],
            unit_id=getattr(unit, "pk", None),
            unit_name=(unit.name if unit is not None else "")[:100],
            ip=ctx.ip,
            channel=ctx.channel,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=(object_repr if object_repr is not None else (str(obj) if obj is not None else ""))[:200],
            project_id=project_id,
            before=_plain(before),
            after=_plain(after),
            reason=reason or "",
            rule_results=_plain(rule_results),
            prev_hash=head.hash if head.seq else GENESIS,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


def audit_record_now(**kwargs) -> AuditEvent:
    """Record an event about something that did *not* happen (a denial, a refused rule, a failed login).

    Called after the refused action's own transaction has rolled back, so the event is committed on its
    own in autocommit mode (a request, a command). Inside a caller's transaction it commits with it."""
    return audit_record(**kwargs)
