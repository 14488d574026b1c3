"""Acceptance and rectification (art. 22, 23) through the services: the documents an application carries, DRC's
acceptance with its expert group, the decision, the rectification loop and the owner unit's suspension (a second
failure, a refusal, a deadline let pass — and another unit untouched), the filing with Finance and the asset
register. Each refusal with its rule and article and nothing written; each write audited."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.acceptance import services
from itgov.acceptance.models import (
    Acceptance,
    AcceptanceApplication,
    AcceptanceDocument,
    AcceptanceFiling,
    Asset,
)
from itgov.acceptance.selectors import (
    calendar_entries,
    current_acceptance,
    document_checklist,
    required_kinds,
)
from itgov.approvals.models import UnitSuspension
from itgov.approvals.selectors import active_suspension
from itgov.audit import events
from itgov.audit.models import AuditEvent
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.rules.measures.ch4_acceptance import required_documents
from tests.acceptance_world import acceptance_maker, fresh, upload, upload_required

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
TODAY = local_today


def refused(call, rule: str, article: str) -> RuleViolation:
    before = (AcceptanceApplication.objects.count(), Acceptance.objects.count(), UnitSuspension.objects.count(),
              list(Acceptance.objects.values_list("pk", "result", "version")))
    with pytest.raises(RuleViolation) as exc:
        call()
    assert (exc.value.rule, exc.value.article) == (rule, article)
    assert (AcceptanceApplication.objects.count(), Acceptance.objects.count(), UnitSuspension.objects.count(),
            list(Acceptance.objects.values_list("pk", "result", "version"))) == before
    return exc.value


def decide_fail(world, *, due: dt.date | None = None, findings: str = "性能测试未达标"):
    return services.acceptance_fail(actor=world.drc, project=fresh(world.project), data={
        "decided_on": TODAY().isoformat(), "findings": findings,
        "rectification_due_on": (due or TODAY() + 30 * DAY).isoformat()})


def decide_pass(world):
    return services.acceptance_pass(actor=world.drc, project=fresh(world.project),
                                    data={"decided_on": TODAY().isoformat(), "findings": "同意通过"})


def reapply(world):
    return services.acceptance_reapply(actor=world.owner, project=fresh(world.project), data={"summary": "已整改"})


def schedule(world, day: dt.date | None = None):
    return services.acceptance_schedule(actor=world.drc, project=fresh(world.project),
                                        data={"scheduled_on": (day or TODAY()).isoformat(), "location": "会议室"})


# --- the documents ---------------------------------------------------------------------------------------------


def test_the_documents_an_application_carries_follow_supervision_and_the_protection_level():
    base = ["completion_report", "trial_report", "test_report", "settlement"]
    assert required_documents(supervised=False, protection_level=None) == base
    assert required_documents(supervised=False, protection_level=2) == base
    assert required_documents(supervised=True, protection_level=2) == [*base, "supervision_report"]
    assert required_documents(supervised=False, protection_level=3) == [*base, "security_assessment"]
    assert required_documents(supervised=True, protection_level=4)[-2:] == ["supervision_report", "security_assessment"]


def test_an_application_without_its_documents_is_refused_naming_what_is_missing(district):
    world = acceptance_maker(district)("trial_operation")
    # the approvals world's baseline is level 3 and the project is supervised
    assert "supervision_report" in required_kinds(world.project)
    assert "security_assessment" in required_kinds(world.project)
    for kind in ("completion_report", "trial_report", "test_report", "settlement", "supervision_report"):
        upload(world, kind)
    error = refused(lambda: services.acceptance_apply(actor=world.owner, project=fresh(world.project), data={
        "summary": "完成"}), "art22.application_documents", "第二十二条")
    assert "网络安全等级保护测评报告" in error.message and set(error.fields) == {"documents"}
    assert AuditEvent.objects.filter(event_type=events.RULE_REFUSED, object_id=str(world.project.pk)).exists()

    upload(world, "security_assessment")
    project = services.acceptance_apply(actor=world.owner, project=fresh(world.project), data={"summary": "完成"})
    assert project.status == "acceptance_applied"
    application = AcceptanceApplication.objects.get(project=project)
    # the files uploaded so far are filed with the application
    assert set(application.documents.values_list("kind", flat=True)) == set(required_kinds(project))
    assert all(row["document"] for row in document_checklist(project) if row["required"])


def test_an_unsupervised_project_needs_no_supervision_report(district):
    from itgov.construction.models import SupervisionAppointment

    world = acceptance_maker(district)("trial_operation")
    # a project under the supervision threshold has no supervisor (the world's is above it: its appointment is
    # taken away here, a row no service deletes)
    SupervisionAppointment.objects.filter(project=world.project).delete()
    assert "supervision_report" not in required_kinds(world.project)
    upload_required(world)
    project = services.acceptance_apply(actor=world.owner, project=fresh(world.project), data={"summary": "完成"})
    assert project.status == "acceptance_applied"


def test_uploads_are_the_owner_units_in_trial_or_rectification_and_bad_files_say_why(district):
    world = acceptance_maker(district)("acceptance_applied")
    with pytest.raises(Conflict):
        upload(world, "test_report")  # applied: the application's files are filed
    other = acceptance_maker(district)("trial_operation")
    for role in ("drc", "health", "finance"):
        with pytest.raises(Forbidden) as exc:
            services.document_upload(actor=district.users[role], project=other.project, data={"kind": "test_report"},
                                     files={})
        assert exc.value.article == "第二十二条"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(InvalidInput) as exc:
        services.document_upload(actor=other.owner, project=other.project, data={"kind": "poem"}, files={
            "file": SimpleUploadedFile("a.exe", b"MZ")})
    assert set(exc.value.fields) == {"kind", "file"}
    assert not AcceptanceDocument.objects.filter(project=other.project, name="a.exe").exists()


# --- DRC's acceptance and the expert group (art. 22) ------------------------------------------------------------


def test_drc_schedules_after_the_application_and_only_drc(district):
    world = acceptance_maker(district)("acceptance_applied")
    for role in ("finance", "edu", "audit"):
        with pytest.raises(Forbidden) as exc:
            schedule(SimpleWorld(world, drc=district.users[role]))
        assert exc.value.article == "第二十二条"
    error = refused(lambda: schedule(world, TODAY() - DAY), "art22.acceptance_after_application", "第二十二条")
    assert set(error.fields) == {"scheduled_on"}
    acceptance = schedule(world)
    assert acceptance.scheduled_on == TODAY() and acceptance.application.number == 1
    moved = schedule(world, TODAY() + 7 * DAY)
    assert moved.pk == acceptance.pk and moved.scheduled_on == TODAY() + 7 * DAY and moved.version == 2
    assert AuditEvent.objects.filter(event_type=events.ACCEPTANCE_SCHEDULED, project_id=world.project.pk).count() == 2


class SimpleWorld:
    def __init__(self, world, **overrides):
        self.__dict__.update(vars(world), **overrides)


def test_the_expert_group_stands_aside_for_conflicts_and_every_opinion_comes_before_the_decision(district):
    world = acceptance_maker(district)("scheduled")
    drc = world.drc
    error = refused(lambda: services.expert_add(actor=drc, project=fresh(world.project), data={
        "expert_id": district.conflicted_expert.pk}), "art22.expert_independent", "第二十二条")
    assert "钱专家" in error.message
    seat = services.expert_add(actor=drc, project=fresh(world.project), data={"expert_id": district.expert.pk})
    with pytest.raises(Conflict):
        services.expert_add(actor=drc, project=fresh(world.project), data={"expert_id": district.expert.pk})
    with pytest.raises(InvalidInput) as exc:
        services.expert_add(actor=drc, project=fresh(world.project), data={"expert_id": 10**9})
    assert set(exc.value.fields) == {"expert_id"}
    other = services.expert_add(actor=drc, project=fresh(world.project), data={"expert_id": district.expert2.pk})

    # the decision waits for both opinions
    error = refused(lambda: decide_pass(world), "art22.opinions_before_decision", "第二十二条")
    assert "王专家" in error.message and "赵专家" in error.message
    # the expert gives its own; another expert may not; a second opinion is refused
    with pytest.raises(Forbidden):
        services.expert_opinion(actor=district.users["edu"], project=fresh(world.project), seat=seat,
                                data={"opinion": "passed", "opinion_text": "同意"})
    services.expert_opinion(actor=district.users["expert"], project=fresh(world.project), seat=seat,
                            data={"opinion": "passed", "opinion_text": "功能完整"})
    with pytest.raises(Conflict):
        services.expert_opinion(actor=district.users["expert"], project=fresh(world.project), seat=seat,
                                data={"opinion": "failed", "opinion_text": "改主意"})
    with pytest.raises(Conflict):  # an expert who gave an opinion stays in the group
        services.expert_remove(actor=drc, project=fresh(world.project), seat=seat)
    # DRC records the other expert's opinion from the meeting
    recorded = services.expert_opinion(actor=drc, project=fresh(world.project), seat=other,
                                       data={"opinion": "passed", "opinion_text": "同意"})
    assert recorded.recorded_by == drc
    project = decide_pass(world)
    assert (project.status, project.accepted_on) == ("accepted", TODAY())
    acceptance = current_acceptance(project)
    assert (acceptance.result, acceptance.decided_by, acceptance.findings) == ("passed", drc, "同意通过")
    assert AuditEvent.objects.filter(event_type=events.ACCEPTANCE_PASSED, object_id=str(project.pk)).exists()


def test_the_expert_sees_the_project_of_its_group(district):
    from itgov.projects.models import Project
    from itgov.projects.policies import can_view_project, visible_projects_q

    world = acceptance_maker(district)("scheduled")
    expert = district.users["expert"]
    assert not can_view_project(expert, world.project)
    services.expert_add(actor=world.drc, project=fresh(world.project), data={"expert_id": district.expert.pk})
    assert can_view_project(expert, fresh(world.project))
    assert list(Project.objects.filter(visible_projects_q(expert)).values_list("pk", flat=True)) == [world.project.pk]


def test_a_decision_needs_a_schedule_a_date_after_it_and_for_a_failure_findings_and_a_later_deadline(district):
    world = acceptance_maker(district)("acceptance_applied")
    refused(lambda: decide_pass(world), "art22.opinions_before_decision", "第二十二条")
    schedule(world, TODAY())
    with pytest.raises(InvalidInput) as exc:  # a decision in the future, a failure without a deadline
        services.acceptance_fail(actor=world.drc, project=fresh(world.project), data={
            "decided_on": (TODAY() + DAY).isoformat(), "findings": ""})
    assert set(exc.value.fields) == {"decided_on", "findings", "rectification_due_on"}
    error = refused(lambda: decide_fail(world, due=TODAY()), "art23.rectification_terms", "第二十三条")
    assert set(error.fields) == {"rectification_due_on"}
    project = decide_fail(world, due=TODAY() + DAY)
    assert project.status == "rectifying"
    acceptance = current_acceptance(project)
    assert (acceptance.result, acceptance.rectification_due_on) == ("failed", TODAY() + DAY)
    assert active_suspension(district.edu) is None  # one failure does not suspend


# --- rectification and the suspension of the unit (art. 23) -----------------------------------------------------


def test_reapplying_needs_a_rectification_report_and_numbers_the_application(district):
    world = acceptance_maker(district)("rectifying")
    refused(lambda: reapply(world), "art23.rectified_before_reapply", "第二十三条")
    report = upload(world, "rectification_report")
    project = reapply(world)
    assert project.status == "acceptance_applied"
    second = AcceptanceApplication.objects.get(project=project, number=2)
    assert list(second.documents.values_list("pk", flat=True)) == [report.pk]
    assert not second.late
    assert AuditEvent.objects.filter(event_type=events.ACCEPTANCE_REAPPLIED, object_id=str(project.pk)).exists()
    # the new application is organised afresh
    assert current_acceptance(project) is None


def test_a_second_failure_suspends_the_owner_unit_and_not_another(district):
    world = acceptance_maker(district)("rectifying")
    other = acceptance_maker(district)("rectifying", owner="health")
    upload(world, "rectification_report")
    reapply(world)
    schedule(world)
    decide_fail(world)
    suspension = active_suspension(district.edu)
    assert suspension is not None and suspension.project_id == world.project.pk
    assert "第二十三条" in suspension.reason
    assert current_acceptance(fresh(world.project)).suspension == suspension
    assert active_suspension(district.health) is None
    assert fresh(other.project).status == "rectifying"
    assert AuditEvent.objects.filter(event_type=events.UNIT_SUSPENDED, object_id=str(suspension.pk)).exists()


def test_a_refusal_to_rectify_suspends_the_unit_once(district):
    world = acceptance_maker(district)("rectifying")
    with pytest.raises(InvalidInput):
        services.rectification_refuse(actor=world.owner, project=fresh(world.project), data={"reason": " "})
    with pytest.raises(Forbidden) as exc:
        services.rectification_refuse(actor=district.users["health"], project=fresh(world.project),
                                      data={"reason": "x"})
    assert exc.value.article == "第二十二条"
    acceptance = services.rectification_refuse(actor=world.owner, project=fresh(world.project),
                                               data={"reason": "系统已停用,不再整改"})
    assert acceptance.refused_at is not None and acceptance.suspension is not None
    assert active_suspension(district.edu) == acceptance.suspension
    with pytest.raises(Conflict):
        services.rectification_refuse(actor=world.owner, project=fresh(world.project), data={"reason": "再次"})
    assert UnitSuspension.objects.count() == 1


def test_the_deadline_let_pass_suspends_the_unit_the_day_after_and_only_once(district):
    world = acceptance_maker(district)("rectifying")
    due = current_acceptance(world.project).rectification_due_on
    assert services.suspend_overdue_rectifications(due) == 0
    assert active_suspension(district.edu) is None
    assert services.suspend_overdue_rectifications(due + DAY) == 1
    assert active_suspension(district.edu) is not None
    assert services.suspend_overdue_rectifications(due + 2 * DAY) == 0
    assert AuditEvent.objects.filter(event_type=events.ACCEPTANCE_RECTIFICATION_OVERDUE).count() == 1


def test_a_unit_already_suspended_keeps_its_one_suspension(district):
    world = acceptance_maker(district)("rectifying")
    existing = UnitSuspension.objects.create(unit=district.edu, reason="已暂缓", started_at=world.project.updated_at)
    due = current_acceptance(world.project).rectification_due_on
    # the overdue job leaves it alone night after night (no new suspension, no repeated event) ...
    assert services.suspend_overdue_rectifications(due + DAY) == 0
    assert services.suspend_overdue_rectifications(due + 2 * DAY) == 0
    assert not AuditEvent.objects.filter(event_type=events.ACCEPTANCE_RECTIFICATION_OVERDUE).exists()
    services.rectification_refuse(actor=world.owner, project=fresh(world.project), data={"reason": "不整改"})
    assert list(UnitSuspension.objects.filter(lifted_at__isnull=True)) == [existing]


def test_an_overdue_rectification_suspends_again_once_the_other_suspension_is_lifted(district):
    from django.utils import timezone

    world = acceptance_maker(district)("rectifying")
    existing = UnitSuspension.objects.create(unit=district.edu, reason="已暂缓", started_at=timezone.now())
    due = current_acceptance(world.project).rectification_due_on
    assert services.suspend_overdue_rectifications(due + DAY) == 0
    UnitSuspension.objects.filter(pk=existing.pk).update(lifted_at=timezone.now(), lift_reason="已整改")
    assert services.suspend_overdue_rectifications(due + 2 * DAY) == 1
    assert active_suspension(district.edu).project_id == world.project.pk


# --- filing with Finance and the asset register (art. 22) --------------------------------------------------------


def test_the_unit_files_the_passed_result_with_finance_which_confirms_it(district):
    world = acceptance_maker(district)("rectifying")
    with pytest.raises(Conflict):  # not accepted
        services.filing_record(actor=world.owner, project=fresh(world.project), data={"filed_on": TODAY().isoformat()})
    world = acceptance_maker(district)("accepted")
    with pytest.raises(InvalidInput) as exc:
        services.filing_record(actor=world.owner, project=fresh(world.project), data={
            "filed_on": (TODAY() - DAY).isoformat()})
    assert set(exc.value.fields) == {"filed_on"}
    with pytest.raises(Forbidden) as exc:
        services.filing_record(actor=district.users["finance"], project=fresh(world.project),
                               data={"filed_on": TODAY().isoformat()})
    assert exc.value.article == "第二十二条"
    with pytest.raises(Conflict):  # nothing to confirm yet
        services.filing_receive(actor=district.users["finance"], project=fresh(world.project))
    filing = services.filing_record(actor=world.owner, project=fresh(world.project), data={
        "filed_on": TODAY().isoformat(), "document_number": "鼓教〔2026〕12号"})
    with pytest.raises(Conflict):
        services.filing_record(actor=world.owner, project=fresh(world.project), data={"filed_on": TODAY().isoformat()})
    with pytest.raises(Forbidden):
        services.filing_receive(actor=world.owner, project=fresh(world.project))
    received = services.filing_receive(actor=district.users["finance"], project=fresh(world.project))
    assert received.pk == filing.pk and received.received_by == district.users["finance"]
    with pytest.raises(Conflict):
        services.filing_receive(actor=district.users["finance"], project=fresh(world.project))
    assert AcceptanceFiling.objects.count() == 1
    assert set(AuditEvent.objects.filter(project_id=world.project.pk).values_list("event_type", flat=True)) \
        >= {events.ACCEPTANCE_FILED, events.ACCEPTANCE_FILING_RECEIVED}


def test_assets_are_registered_after_the_pass_with_a_custodian_of_the_district(district):
    world = acceptance_maker(district)("accepted")
    data = {"name": "服务器", "category": "hardware", "quantity": 2, "value": "180000.00",
            "custodian_unit_id": district.edu.pk, "location": "区数据中心"}
    asset = services.asset_register(actor=world.owner, project=fresh(world.project), data=data)
    assert (asset.acceptance, asset.value_wan, asset.custodian_unit) == (world.acceptance, "18.00", district.edu)
    with pytest.raises(InvalidInput) as exc:
        services.asset_register(actor=world.owner, project=fresh(world.project), data={
            **data, "quantity": 0, "value": "-1", "custodian_unit_id": 10**9})
    assert set(exc.value.fields) == {"quantity", "value"}
    with pytest.raises(InvalidInput) as exc:
        services.asset_register(actor=world.owner, project=fresh(world.project), data={
            **data, "custodian_unit_id": 10**9})
    assert set(exc.value.fields) == {"custodian_unit_id"}
    assert Asset.objects.count() == 1
    applied = acceptance_maker(district)("acceptance_applied")
    with pytest.raises(Conflict):
        services.asset_register(actor=applied.owner, project=fresh(applied.project), data=data)


def test_the_calendar_shows_what_falls_due_to_those_who_see_it(district, django_assert_max_num_queries):
    scheduled = acceptance_maker(district)("scheduled")
    on_trial = acceptance_maker(district)("trial_operation", owner="health")
    failing = acceptance_maker(district)("rectifying")
    first, last = TODAY() - 40 * DAY, TODAY() + 100 * DAY
    with django_assert_max_num_queries(8):
        entries = calendar_entries(district.users["drc"], first, last)
    found = {(e["kind"], e["project"].pk) for e in entries}
    assert {("acceptance", scheduled.project.pk), ("application_due", on_trial.project.pk),
            ("rectification_due", failing.project.pk)} <= found
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    mine = {e["project"].owner_unit_id for e in calendar_entries(district.users["edu"], first, last)}
    assert mine == {district.edu.pk}
    assert calendar_entries(district.users["admin"], first, last) == []


def test_the_calendar_finds_every_month_end_day_of_trial(district):
    """T + 3 months and T + 6 months at month ends (31 Aug + 6 = 28/29 Feb; 30/31 Nov… + 3): each trial day of a
    year appears in the month its dates fall in, and in no other."""
    from itgov.core.dates import add_months
    from itgov.projects.models import Project

    world = acceptance_maker(district)("trial_operation")
    drc = district.users["drc"]
    start = dt.date(2025, 1, 1)
    for offset in range(0, 366, 1):
        trial = start + offset * DAY
        Project.objects.filter(pk=world.project.pk).update(trial_started_on=trial)
        for months, kind in ((3, "may_apply"), (6, "application_due")):
            day = add_months(trial, months)
            first = day.replace(day=1)
            last = add_months(first, 1) - DAY
            found = [e for e in calendar_entries(drc, first, last) if e["kind"] == kind]
            assert [e["date"] for e in found] == [day], (trial, kind)


def test_the_power_to_opine_is_an_experts_or_drcs(district):
    from itgov.rules.registry import Case, evaluate, get_rule

    rule = get_rule("art22.expert_opines")
    status = {role: evaluate(rule, Case(subject=None, actor=district.users[role]), {}).status
              for role in ("expert", "drc", "edu", "finance", "audit")}
    assert status == {"expert": "met", "drc": "met", "edu": "violated", "finance": "violated", "audit": "violated"}
