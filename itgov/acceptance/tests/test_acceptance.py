"""Trial operation and the acceptance application (art. 22, 20) at their boundaries, through the services: each
refusal with its rule and article and nothing written, each write audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from itgov.acceptance import services
from itgov.acceptance.models import AcceptanceApplication
from itgov.acceptance.selectors import acceptance_dates
from itgov.audit import events
from itgov.audit.models import AuditEvent
from itgov.construction import services as construction
from itgov.core.dates import add_months, local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force
from tests.acceptance_world import catalogue_and_security, upload_required
from tests.construction_world import construction_maker

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def fresh(project) -> Project:
    return Project.objects.select_related("owner_unit__jurisdiction").get(pk=project.pk)


def first_day(months: int, condition) -> dt.date:
    """The earliest trial start T (within the last year) for which `condition(add_months(T, months))` holds —
    the exact boundary on the calendar, month ends included."""
    day = local_today() - dt.timedelta(days=370)
    while not condition(add_months(day, months)):
        day += DAY
    return day


def on_trial(district, trial: dt.date | None = None):
    """A project of edu that started construction long ago and went on trial on `trial` (today by default), the
    documents its application carries uploaded."""
    world = construction_maker(district)("in_construction")
    Project.objects.filter(pk=world.project.pk).update(
        construction_started_at=timezone.now() - dt.timedelta(days=800))
    trial = trial or local_today()
    services.trial_start(actor=world.owner, project=fresh(world.project),
                         data={"trial_started_on": trial.isoformat()})
    world.project, world.trial = fresh(world.project), trial
    upload_required(world)
    catalogue_and_security(world)
    return world


def refused(call, rule: str, article: str) -> RuleViolation:
    before = (AcceptanceApplication.objects.count(), list(Project.objects.values_list("pk", "status", "version")))
    refusals = AuditEvent.objects.filter(event_type=events.RULE_REFUSED).count()
    with pytest.raises(RuleViolation) as exc:
        call()
    assert (exc.value.rule, exc.value.article) == (rule, article)
    assert (AcceptanceApplication.objects.count(), list(Project.objects.values_list("pk", "status", "version"))) \
        == before
    assert AuditEvent.objects.filter(event_type=events.RULE_REFUSED).count() == refusals + 1
    return exc.value


def apply(world, explanation: str = ""):
    return services.acceptance_apply(actor=world.owner, project=fresh(world.project), data={
        "summary": "建设内容全部完成,试运行正常。", "late_explanation": explanation})


def test_completing_construction_starts_the_trial_on_a_day_after_the_start(district):
    world = construction_maker(district)("in_construction")
    started = timezone.localtime(world.project.construction_started_at).date()

    # a trial before the start of construction is refused, one in the future is not a trial yet (400)
    error = refused(lambda: services.trial_start(actor=world.owner, project=fresh(world.project), data={
        "trial_started_on": (started - DAY).isoformat()}), "art22.trial_after_start", "第二十二条")
    assert set(error.fields) == {"trial_started_on"}
    with pytest.raises(InvalidInput) as exc:
        services.trial_start(actor=world.owner, project=fresh(world.project),
                             data={"trial_started_on": (local_today() + DAY).isoformat()})
    assert set(exc.value.fields) == {"trial_started_on"}

    # on the day construction started it is fine: the project is on trial from T, audited
    project = services.trial_start(actor=world.owner, project=fresh(world.project),
                                   data={"trial_started_on": started.isoformat()})
    assert (project.status, project.trial_started_on) == ("trial_operation", started)
    event = AuditEvent.objects.filter(event_type=events.TRIAL_OPERATION_STARTED, object_id=str(project.pk)).get()
    assert event.after["status"] == "trial_operation"


def test_only_the_owner_unit_completes_and_applies(district):
    world = on_trial(district, add_months(local_today(), -4))
    for role in ("drc", "finance", "supervisor", "health"):
        with pytest.raises(Forbidden) as exc:
            services.acceptance_apply(actor=district.users[role], project=fresh(world.project),
                                      data={"summary": "x"})
        assert exc.value.article == "第二十二条"
    assert not AcceptanceApplication.objects.exists()


def test_the_application_opens_three_months_after_t_to_the_day(district):
    today = local_today()
    # given the first trial start whose three months are not yet run: today is before T + 3 months
    trial = first_day(3, lambda earliest: earliest > today)
    world = on_trial(district, trial)
    assert add_months(trial, 3) > today >= add_months(trial - DAY, 3)

    error = refused(lambda: apply(world), "art22.min_trial_run", "第二十二条")
    assert set(error.fields) == {"applied_on"}

    # a day earlier start: the three months have run, the application is taken, on time
    world = on_trial(district, trial - DAY)
    project = apply(world)
    application = AcceptanceApplication.objects.get(project=project)
    assert (project.status, application.number, application.late, application.applied_on) == (
        "acceptance_applied", 1, False, local_today())
    assert AuditEvent.objects.filter(event_type=events.ACCEPTANCE_APPLICATION_FILED,
                                     object_id=str(application.pk)).exists()


def test_the_window_closes_six_months_after_t_and_a_late_application_explains(district):
    today = local_today()
    # the earliest trial start still in its window (today ≤ T + 6 months): on time, no explanation needed
    trial = first_day(6, lambda due: due >= today)
    world = on_trial(district, trial)
    assert apply(world).status == "acceptance_applied"
    assert not AcceptanceApplication.objects.get(project=world.project).late

    # a day earlier start: today is past T + 6 months — refused without the reason, taken with it, marked late
    world = on_trial(district, trial - DAY)
    assert add_months(world.trial, 6) < today
    error = refused(lambda: apply(world), "art22.late_application_explained", "第二十二条")
    assert error.fields == {"late_explanation": ["逾期申请须说明原因"]}
    apply(world, explanation="等级测评机构排期推迟。")
    application = AcceptanceApplication.objects.get(project=world.project)
    assert (application.late, application.late_explanation) == (True, "等级测评机构排期推迟。")
    dates = acceptance_dates(fresh(world.project), parameters_in_force(world.project.owner_unit.jurisdiction),
                             local_today())
    assert (dates["earliest"], dates["due"], dates["late"]) == (
        add_months(world.trial, 3), add_months(world.trial, 6), True)


def test_no_application_while_a_change_is_unapproved(district):
    # given a project with a change waiting for DRC (art. 20), then put on trial
    world = construction_maker(district)("in_construction")
    construction.change_submit(actor=world.owner, project=fresh(world.project), data={
        "kinds": ["estimate"], "description": "增加接口", "reason": "上级平台调整", "proposed_estimate": "1200000.00"})
    Project.objects.filter(pk=world.project.pk).update(construction_started_at=timezone.now() - dt.timedelta(days=800))
    services.trial_start(actor=world.owner, project=fresh(world.project),
                         data={"trial_started_on": add_months(local_today(), -4).isoformat()})
    upload_required(world)
    catalogue_and_security(world)

    # then the application is refused until DRC decides the change
    error = refused(lambda: apply(world), "art20.no_unapproved_deviation", "第二十条")
    assert "第1号变更申请尚未批准" in error.message
    change = world.project.change_requests.get()
    construction.change_decide(actor=district.users["drc"], project=fresh(world.project), change=change,
                               data={"decision": "approve", "reason": "同意。"})
    assert apply(world).status == "acceptance_applied"


def test_a_suspended_project_cannot_start_its_trial_and_an_applied_one_cannot_apply_again(district):
    world = construction_maker(district)("in_construction")
    construction.construction_suspend(actor=district.users["drc"], project=fresh(world.project),
                                      data={"reason": "严重逾期"})
    with pytest.raises(Conflict):
        services.trial_start(actor=world.owner, project=fresh(world.project),
                             data={"trial_started_on": local_today().isoformat()})

    world = on_trial(district, add_months(local_today(), -4))
    apply(world)
    with pytest.raises(Conflict):
        apply(world)
    assert AcceptanceApplication.objects.filter(project=world.project).count() == 1


def test_the_produced_resources_must_be_in_the_catalogue_and_a_level_3_system_assessed(district):
    """Art. 27: the application is refused while a resource the approved application said the project produces is not
    in the district catalogue; art. 30: a level-3 system passes acceptance only with a passed graded assessment."""
    from itgov.acceptance.selectors import current_acceptance
    from itgov.security import services as security
    from tests.acceptance_world import acceptance_maker

    world = acceptance_maker(district)("trial_operation", catalogued=False)
    upload_required(world)
    error = refused(lambda: apply(world), "art27.produced_resources_catalogued", "第二十七条")
    assert "业务办件信息" in error.message
    catalogue_and_security(world, assessed=False)
    assert apply(world).status == "acceptance_applied"
    drc = district.users["drc"]
    services.acceptance_schedule(actor=drc, project=fresh(world.project),
                                 data={"scheduled_on": local_today().isoformat(), "location": "区政务服务中心"})
    decision = {"decided_on": local_today().isoformat(), "findings": "同意通过竣工验收"}
    error = refused(lambda: services.acceptance_pass(actor=drc, project=fresh(world.project), data=decision),
                    "art30.assessment_before_acceptance", "第三十条")
    assert world.system.name in error.message
    # a failed assessment does not count; a passed one does
    security.assessment_record(actor=world.owner, system=world.system, data={
        "kind": "graded", "assessed_on": local_today().isoformat(), "assessor": "测评中心", "result": "fails",
        "report_number": "R-1"})
    refused(lambda: services.acceptance_pass(actor=drc, project=fresh(world.project), data=decision),
            "art30.assessment_before_acceptance", "第三十条")
    security.assessment_record(actor=world.owner, system=world.system, data={
        "kind": "graded", "assessed_on": local_today().isoformat(), "assessor": "测评中心", "result": "mostly",
        "report_number": "R-2"})
    assert services.acceptance_pass(actor=drc, project=fresh(world.project), data=decision).status == "accepted"
    assert current_acceptance(fresh(world.project)).result == "passed"
