"""Writes on organisations. Audited like every write."""

from django.db import transaction

from itgov.audit import events
from itgov.audit.services import audit_record

from .models import Unit


def unit_save(*, actor, unit: Unit, created: bool) -> Unit:
    with transaction.atomic():
        before = None if created else audit_snapshot_unit(Unit.objects.get(pk=unit.pk))
        unit.path = unit.compute_path()
        unit.save()
        audit_record(
            event_type=events.ORG_UNIT_CREATED if created else events.ORG_UNIT_CHANGED,
            actor=actor, obj=unit, before=before, after=audit_snapshot_unit(unit),
        )
    return unit


def audit_snapshot_unit(unit: Unit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "bureau_role": unit.bureau_role,
            "parent": unit.parent.code if unit.parent_id else None, "is_active": unit.is_active}
