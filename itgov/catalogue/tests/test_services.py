"""The catalogue's and sharing's writes (art. 27–29, 5): powers, input, the rules and their articles, races, the
audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.audit import events
from itgov.audit.models import AuditEvent
from itgov.catalogue import services
from itgov.catalogue.models import CatalogueResource, InformationSystem, SharingRequest
from itgov.catalogue.selectors import request_state
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation

from .conftest import resource_payload

pytestmark = pytest.mark.django_db


def test_registration_numbers_and_audits(catalogue):
    system = catalogue.system
    assert system.code.startswith("XT-") and system.code.endswith("-0001")
    assert system.owner_unit == catalogue.district.edu and system.status == "operating"
    codes = list(CatalogueResource.objects.order_by("seq").values_list("code", flat=True))
    assert codes[0].endswith("-3-000001") and codes[1].endswith("-1-000002")
    assert [i.name for i in catalogue.conditional.items.all()] == ["学籍号", "身份证号", "入学日期"]
    assert AuditEvent.objects.filter(event_type=events.RESOURCE_REGISTERED).count() == 3
    assert AuditEvent.objects.filter(event_type=events.SYSTEM_REGISTERED, object_id=str(system.pk)).exists()


def test_not_shared_without_legal_basis_is_refused_citing_article_29(catalogue):
    with pytest.raises(RuleViolation) as exc:
        services.resource_register(actor=catalogue.edu, data=resource_payload(
            catalogue.system, name="另一档案", sharing_type="not_shared", not_shared_basis="  ", sharing_method=""))
    assert exc.value.article == "第二十九条" and "not_shared_basis" in exc.value.fields
    with pytest.raises(RuleViolation) as exc:
        services.resource_register(actor=catalogue.edu, data=resource_payload(
            catalogue.system, name="另一资源", sharing_conditions=""))
    assert "sharing_conditions" in exc.value.fields
    assert CatalogueResource.objects.count() == 3
    assert AuditEvent.objects.filter(event_type=events.RULE_REFUSED, reason="catalogue.resource_save").count() == 2


def test_bad_input_names_fields(catalogue):
    with pytest.raises(InvalidInput) as exc:
        services.resource_register(actor=catalogue.edu, data=resource_payload(
            catalogue.system, update_cycle="hourly", items=[{"name": "", "data_type": "X"}], surprise=1))
    fields = exc.value.fields
    assert set(fields) >= {"update_cycle", "items", "surprise"}
    with pytest.raises(InvalidInput) as exc:
        services.resource_register(actor=catalogue.edu, data=resource_payload(catalogue.system, items=[]))
    assert exc.value.fields["items"] == ["至少登记一个信息项"]


def test_only_the_unit_or_drc_curates(catalogue):
    with pytest.raises(Forbidden) as exc:
        services.resource_register(actor=catalogue.health, data=resource_payload(catalogue.system, name="x"))
    assert "第二十七条" in str(exc.value)
    for name in ("finance", "cyber", "audit", "gov"):
        with pytest.raises(Forbidden):
            services.resource_change(actor=catalogue.district.users[name], resource=catalogue.conditional,
                                     data=resource_payload(catalogue.system))
    changed = services.resource_change(actor=catalogue.drc, resource=catalogue.conditional, data={
        **{k: v for k, v in resource_payload(catalogue.system).items() if k != "system_id"}, "name": "学生学籍"},
        expected_version=1)
    assert changed.name == "学生学籍" and changed.version == 2
    with pytest.raises(Conflict):
        services.resource_change(actor=catalogue.edu, resource=catalogue.conditional, data={
            k: v for k, v in resource_payload(catalogue.system).items() if k != "system_id"}, expected_version=1)


def test_publish_is_drcs(catalogue):
    with pytest.raises(Forbidden):
        services.resource_publish(actor=catalogue.edu, resource=catalogue.conditional)
    published = services.resource_publish(actor=catalogue.drc, resource=catalogue.conditional)
    assert published.published_on == local_today()
    with pytest.raises(Conflict):
        services.resource_publish(actor=catalogue.drc, resource=published)


def test_classified_system_keeps_no_resources(district):
    edu = district.users["edu"]
    system = services.system_register(actor=edu, data={"name": "保密系统", "summary": "涉密", "classified": True})
    with pytest.raises(RuleViolation) as exc:
        services.resource_register(actor=edu, data=resource_payload(system))
    assert exc.value.article == "第五条"
    health = district.users["health"]
    with pytest.raises(InvalidInput):  # another unit does not even see it
        services.resource_register(actor=health, data=resource_payload(system))


def test_owner_registers_only_for_its_units(district):
    with pytest.raises(InvalidInput) as exc:
        services.system_register(actor=district.users["edu"], data={"name": "x", "summary": "y",
                                                                    "owner_unit_id": district.health.pk})
    assert "owner_unit_id" in exc.value.fields
    school = services.system_register(actor=district.users["edu"], data={"name": "校园网", "summary": "y",
                                                                         "owner_unit_id": district.edu_school.pk})
    assert school.owner_unit == district.edu_school
    with pytest.raises(InvalidInput):
        services.system_register(actor=district.users["drc"], data={"name": "x", "summary": "y"})
    for name in ("finance", "audit", "supervisor", "expert"):
        with pytest.raises(Forbidden):
            services.system_register(actor=district.users[name], data={"name": "x", "summary": "y",
                                                                       "owner_unit_id": district.edu.pk})
    assert InformationSystem.objects.count() == 1


# --- sharing ----------------------------------------------------------------------------------------------------


def test_conditional_request_answered(catalogue):
    request = services.sharing_request(actor=catalogue.health, data={
        "resource_id": catalogue.conditional.pk, "purpose": "核验学生身份办理医保"})
    assert request.consumer == catalogue.district.health and request.due_on is None  # Gulou's profile sets none
    with pytest.raises(Conflict):
        services.sharing_request(actor=catalogue.health, data={"resource_id": catalogue.conditional.pk,
                                                              "purpose": "再次"})
    with pytest.raises(Forbidden) as exc:
        services.sharing_grant(actor=catalogue.health, request=request, data={})
    assert "第二十九条" in str(exc.value)
    with pytest.raises(RuleViolation) as exc:
        services.sharing_refuse(actor=catalogue.edu, request=request, data={"reasons": " "})
    assert exc.value.rule == "art29.refusal_reasons"
    granted = services.sharing_grant(actor=catalogue.edu, request=request, data={
        "valid_until": (local_today() + dt.timedelta(days=365)).isoformat()}, expected_version=1)
    assert granted.status == "granted" and granted.decided_on == local_today()
    with pytest.raises(Conflict):
        services.sharing_refuse(actor=catalogue.edu, request=granted, data={"reasons": "不同意"})
    use = services.sharing_use(actor=catalogue.health, request=granted, data={
        "used_on": local_today().isoformat(), "records": 120})
    assert use.records == 120
    with pytest.raises(InvalidInput):
        services.sharing_use(actor=catalogue.health, request=granted, data={
            "used_on": (local_today() + dt.timedelta(days=1)).isoformat(), "records": 1})
    assert AuditEvent.objects.filter(event_type__in=[events.SHARING_REQUESTED, events.SHARING_GRANTED,
                                                     events.SHARING_USE_RECORDED]).count() == 3


def test_only_conditional_resources_are_requested(catalogue):
    for resource, word in [(catalogue.unconditional, "无需申请"), (catalogue.unshared, "不予共享")]:
        with pytest.raises(RuleViolation) as exc:
            services.sharing_request(actor=catalogue.health, data={"resource_id": resource.pk, "purpose": "x"})
        assert exc.value.article == "第二十九条" and word in str(exc.value)
    with pytest.raises(InvalidInput) as exc:
        services.sharing_request(actor=catalogue.edu, data={"resource_id": catalogue.conditional.pk, "purpose": "x"})
    assert "resource_id" in exc.value.fields
    assert not SharingRequest.objects.exists()


def test_request_overdue_from_the_day_after_its_deadline(catalogue):
    from itgov.rules.models import PolicyProfile

    profile = PolicyProfile.objects.get(jurisdiction=catalogue.system.jurisdiction)
    PolicyProfile.objects.filter(pk=profile.pk).update(parameters={**profile.parameters, "sharing_answer_days": 10})
    request = services.sharing_request(actor=catalogue.health, data={
        "resource_id": catalogue.conditional.pk, "purpose": "核验"})
    assert request.due_on == local_today() + dt.timedelta(days=10)
    assert request_state(request, request.due_on) == "pending"
    assert request_state(request, request.due_on + dt.timedelta(days=1)) == "overdue"
    refused = services.sharing_refuse(actor=catalogue.edu, request=request, data={"reasons": "涉及个人隐私"})
    assert request_state(refused, request.due_on + dt.timedelta(days=1)) == "refused"


def test_two_answers_one_winner(catalogue):
    request = services.sharing_request(actor=catalogue.health, data={
        "resource_id": catalogue.conditional.pk, "purpose": "核验"})
    services.sharing_grant(actor=catalogue.edu, request=request, data={}, expected_version=1)
    with pytest.raises(Conflict):
        services.sharing_refuse(actor=catalogue.edu, request=request, data={"reasons": "不同意"}, expected_version=1)
    assert SharingRequest.objects.get().status == "granted"


def test_withdrawing_a_request_with_a_deadline(catalogue):
    from itgov.rules.models import PolicyProfile

    profile = PolicyProfile.objects.get(jurisdiction=catalogue.system.jurisdiction)
    PolicyProfile.objects.filter(pk=profile.pk).update(parameters={**profile.parameters, "sharing_answer_days": 10})
    request = services.sharing_request(actor=catalogue.health, data={
        "resource_id": catalogue.conditional.pk, "purpose": "核验"})
    with pytest.raises(Forbidden):
        services.sharing_withdraw(actor=catalogue.edu, request=request)
    withdrawn = services.sharing_withdraw(actor=catalogue.health, request=request, expected_version=1)
    assert withdrawn.status == "withdrawn" and withdrawn.decided_on is None
    event = AuditEvent.objects.get(event_type=events.SHARING_WITHDRAWN)
    assert event.after["late"] is False and event.after["status"] == "withdrawn"
    with pytest.raises(Conflict):
        services.sharing_withdraw(actor=catalogue.health, request=withdrawn)
