"""The demo's construction control (art. 19–21): the supervision pool, and three projects built through the
services — one on track with a change waiting for DRC, one late and suspended, one sent back to initiation."""

import copy
from decimal import Decimal

import pytest
from django.db import transaction

from itgov.accounts.models import User
from itgov.approvals.selectors import current_application, current_baseline
from itgov.audit.models import AuditEvent
from itgov.construction import services
from itgov.construction.models import SupervisionAppointment, SupervisionPoolEntry
from itgov.construction.selectors import control_of, effective_estimate, open_changes, spending
from itgov.core.dates import add_months, local_today
from itgov.core.errors import RuleViolation
from itgov.demo import data
from itgov.demo.history import STORIES
from itgov.projects.models import Project
from itgov.projects.selectors import projects_visible_to
from itgov.rules.profiles import parameters_in_force

pytestmark = pytest.mark.django_db

DATA, VIDEO, NINGHAI = data.DATA_PLATFORM, data.VIDEO_PLATFORM, data.NINGHAI_GRID
SITES = "鼓楼区建筑工地智慧监管平台建设项目"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice, once for the module, inside a transaction rolled back at the end; the first run's
    counts."""
    from itgov.demo.services import load_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            counts = load_demo()
            again = load_demo()
            assert again["construction_created"] == 0 and "notes" not in again
            yield counts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def project(name: str) -> Project:
    return Project.objects.select_related("owner_unit__jurisdiction").get(name=name)


def control(name: str) -> dict:
    p = project(name)
    return control_of(p, parameters_in_force(p.owner_unit.jurisdiction, local_today()), local_today())


def test_every_story_is_told_and_every_write_audited(demo):
    assert demo["construction_created"] == len(data.CONSTRUCTION) == 3 and "notes" not in demo
    assert dict(Project.objects.filter(name__in=[DATA, VIDEO, NINGHAI, SITES]).values_list("name", "status")) == {
        DATA: "in_construction", VIDEO: "suspended", NINGHAI: "planned", SITES: "budgeted"}
    history = Project.objects.filter(name__in=[story["name"] for story in STORIES]).values("pk")
    counts = {event: AuditEvent.objects.filter(event_type=event).exclude(project_id__in=history).count() for event in (
        "construction.pool.added", "construction.supervisor.appointed", "construction.started",
        "construction.supervision.reported", "construction.milestone.recorded", "construction.monitoring.reported",
        "construction.risk.assessed", "construction.change.submitted", "construction.change.reapproval",
        "construction.incident.proposed", "construction.rectification.ordered", "construction.suspended")}
    assert counts == {
        "construction.pool.added": 4, "construction.supervisor.appointed": 2, "construction.started": 3,
        "construction.supervision.reported": 3, "construction.milestone.recorded": 3,
        "construction.monitoring.reported": 3, "construction.risk.assessed": 2, "construction.change.submitted": 3,
        "construction.change.reapproval": 1, "construction.incident.proposed": 2,
        "construction.rectification.ordered": 1, "construction.suspended": 1}
    # the demo acts within the rules: nothing it tried was refused
    assert not AuditEvent.objects.filter(event_type__in=("rule.refused", "access.denied")).exists()


def test_the_settings_of_the_demo_district_are_in_force(demo):
    params = parameters_in_force(project(DATA).owner_unit.jurisdiction, local_today())
    assert (params["performance_tolerance"], params["monitoring_interval"], params["incident_schedule_slippage"],
            params["incident_cost_overrun"]) == ("0.10", 3, "0.30", "0.10")


def test_drc_named_this_years_pool_and_kept_last_years(demo):
    year = local_today().year
    pools = {y: set(SupervisionPoolEntry.objects.filter(year=y).values_list("firm__code", flat=True))
             for y in (year - 1, year)}
    assert pools == {year - 1: {"huiheng", "zhongxinda"}, year: {"huiheng", "zhenghong"}}
    assert set(SupervisionPoolEntry.objects.values_list("recorded_by__username", flat=True)) == {"drc"}
    assert all(entry.valid_until >= local_today() for entry in SupervisionPoolEntry.objects.all())


def test_each_supervisor_signs_in_and_sees_the_projects_its_firm_supervises(demo):
    seen = {}
    for username in ("supervisor", "huiheng", "zhenghong", "zhongxinda"):
        user = User.objects.get(username=username)
        assert user.check_password("Gulou@2026") and user.roles == frozenset({"supervisor"})
        seen[username] = set(projects_visible_to(user).values_list("name", flat=True))
    assert User.objects.get(username="supervisor").unit.code == "huiheng"
    assert seen == {"supervisor": {DATA}, "huiheng": {DATA}, "zhenghong": {VIDEO}, "zhongxinda": set()}


def test_the_project_on_track_is_supervised_monitored_assessed_and_awaits_a_change(demo):
    figures = control(DATA)
    appointment = figures["supervision"]
    assert (appointment.firm.code, appointment.fee, appointment.pool_entry.year) == (
        "huiheng", Decimal("85000.00"), local_today().year)
    assert [(r.firm.code, r.filed_by.username) for r in figures["supervision_reports"]] == [
        ("huiheng", "supervisor"), ("huiheng", "supervisor")]
    assert [(row["state"], row["slip_days"]) for row in figures["milestones"]] == [
        ("done", -3), ("pending", 0), ("pending", 0)]
    report = figures["latest_report"]
    beyond = {v.indicator: v.cause for v in report.values.all() if v.beyond}
    assert set(beyond) == {"接入共享交换平台的部门数量", "共享申请平均办理时长缩短"} and all(beyond.values())
    assert report.values.get(indicator="接入共享交换平台的部门数量").deviation == Decimal("-0.1463")
    assert (figures["cost_rating"], figures["schedule_rating"], figures["drc_rating"]) == (5, 5, 4)
    assert (figures["overall"], figures["level"]) == (Decimal("4.00"), "low")  # DRC's, worse than both
    change = figures["changes"][0]
    assert (change.classification, change.status, change.increase_ratio) == ("procedure", "submitted",
                                                                              Decimal("0.050000"))
    assert effective_estimate(project(DATA)) == Decimal("2960000.00")  # until DRC approves
    assert figures["flags"] == ["open_change"] and not figures["monitoring"]["overdue"]
    # its money: one tender, the works and the supervision contracts, two payments, all inside the approval
    money = spending(project(DATA))
    assert (money["contracted"], money["paid"], money["prework_paid"]) == (
        Decimal("2465000.00"), Decimal("739500.00"), Decimal("0.00"))
    assert money["years"][0] == {"year": local_today().year, "budget": Decimal("1800000.00"),
                                 "paid": Decimal("739500.00")}


def test_the_late_project_was_flagged_rectified_and_suspended(demo):
    figures = control(VIDEO)
    p = project(VIDEO)
    late = [row for row in figures["milestones"] if row["state"] == "late"]
    assert [row["milestone"].name for row in late] == ["存储扩容设备到货部署"]
    assert figures["schedule_variance"] >= Decimal("0.30") and figures["schedule_rating"] == 1
    # the system proposed the serious delay (art. 21); DRC ordered rectification of it and suspended the project
    incident = figures["incidents"][0]
    assert (incident.kind, incident.source, incident.status) == ("serious_delay", "system", "rectifying")
    order = figures["rectifications"][0]
    assert (order.incident, order.status, order.overdue) == (incident, "ordered", False)
    assert order.deadline > local_today() and order.ordered_by.username == "drc"
    suspension = figures["suspensions"][0]
    assert (suspension.incident, suspension.resumed_at, suspension.suspended_by.username) == (incident, None, "drc")
    # the completion date moved by a recorded change; monitoring is overdue
    schedule = figures["changes"][0]
    assert (schedule.classification, schedule.status) == ("schedule_only", "recorded")
    assert figures["end_date"] == schedule.proposed_end_date > current_baseline(p).end_date
    last = figures["monitoring"]["last"]
    assert figures["monitoring"]["due"] == add_months(last, 3) < local_today()
    assert set(figures["flags"]) == {"monitoring_overdue", "suspended", "incident_open"}
    # while suspended it can only rectify (art. 21)
    with pytest.raises(RuleViolation) as refused:
        services.change_submit(actor=User.objects.get(username="police"), project=p, data={
            "kinds": ["content"], "description": "x", "reason": "y"})
    assert (refused.value.rule, refused.value.article) == ("art21.not_suspended", "第二十一条")


def test_the_project_over_ten_percent_went_back_to_initiation(demo):
    p = project(NINGHAI)
    assert not SupervisionAppointment.objects.filter(project=p).exists()  # below 100万元 (art. 19)
    first, second = p.applications.order_by("number")
    assert (first.decision, second.number, second.submitted_at, second.documents.count()) == ("approved", 2, None, 0)
    assert current_application(p) == second
    assert list(second.milestones.values_list("name", "due_date")) == list(
        first.milestones.values_list("name", "due_date"))
    change = p.change_requests.get()
    assert (change.classification, change.status, change.increase_ratio) == ("reapproval", "reapproval",
                                                                             Decimal("0.120000"))
    assert open_changes(p) == [change]
    # the forecast 12 % over the estimate made the system propose a major investment loss, still open
    incident = p.incidents.get()
    assert (incident.kind, incident.source, incident.status) == ("major_loss", "system", "open")


def test_a_budgeted_project_above_the_threshold_waits_for_its_supervisor(demo):
    sites = project(SITES)
    with pytest.raises(RuleViolation) as refused:
        services.construction_start(actor=User.objects.get(username="housing"), project=sites)
    assert (refused.value.rule, refused.value.article) == ("art19.supervisor_required", "第十九条")


def test_the_riskiest_project_sorts_first(demo):
    names = list(Project.objects.filter(status__in=("in_construction", "suspended"))
                 .order_by("risk__overall").values_list("name", flat=True))
    assert names == [VIDEO, DATA]


def test_the_data_check_refuses_a_supervisor_missing_above_the_threshold(monkeypatch):
    data.validate()
    broken = copy.deepcopy(data.CONSTRUCTION)
    next(story for story in broken if story["project"] == DATA)["supervisor"] = None
    monkeypatch.setattr(data, "CONSTRUCTION", broken)
    with pytest.raises(AssertionError):
        data.validate()
