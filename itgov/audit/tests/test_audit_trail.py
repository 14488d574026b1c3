"""Art. 25: the audit trail nobody can edit. Triggers on both engines; the hash chain finds tampering."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from itgov.audit import events
from itgov.audit.models import AuditChainHead, AuditEvent
from itgov.audit.services import audit_record
from itgov.audit.triggers import drop_triggers, install_triggers
from itgov.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


def _chain(n=3, **kw):
    return [audit_record(event_type=events.PROJECT_CHANGED, after={"i": i, "amount": "1.00"}, **kw) for i in range(n)]


def test_events_are_chained_and_verify(district):
    first, second, third = _chain()
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert AuditChainHead.objects.get(pk=1).hash == third.hash
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()


def test_orm_update_is_refused_by_the_database():
    event = _chain(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_orm_delete_is_refused_by_the_database():
    event = _chain(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_is_refused_too():
    event = _chain(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["someone", event.pk])


def _tamper(sql, params):
    """What someone with DDL rights could do: drop the trigger, edit, put it back."""
    drop_triggers()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        install_triggers()


def test_verify_audit_finds_an_edited_row():
    events_ = _chain(3)
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["hidden", events_[1].pk])
    report = verify_chain()
    assert not report.ok
    assert any(f"#{events_[1].seq}" in p and "tampered" in p for p in report.problems)
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("verify_audit")


def test_verify_audit_finds_a_missing_row_and_a_removed_tail():
    events_ = _chain(4)
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events_[1].pk])
    assert any("missing events" in p for p in verify_chain().problems)

    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events_[3].pk])
    assert any("chain head" in p for p in verify_chain().problems)


def test_verify_audit_command_reports_an_intact_chain(capsys):
    _chain(2)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_unknown_event_type_is_refused():
    with pytest.raises(ValueError, match="unknown audit event type"):
        audit_record(event_type="project.anything")


def test_event_keeps_the_actor_name_as_text(district):
    user = district.users["edu"]
    event = audit_record(event_type=events.PROJECT_CHANGED, actor=user)
    assert (event.actor_id, event.actor_name, event.unit_name) == (user.pk, user.full_name, "区教育局")
