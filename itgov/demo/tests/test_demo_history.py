"""The recent years of the demo district (itgov/demo/history.py), acted out through the services with the clock set
back: every story at its stage — in trial (one late), failed once and rectifying, failed twice with the unit's
approvals suspended, accepted, filed and registered, in operation with its evaluation open, overdue or reported,
O&M funding waiting, granted or refused — and the audit bureau's case with one answer and one overdue request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from itgov.acceptance.models import Acceptance, AcceptanceApplication, AcceptanceFiling, Asset
from itgov.acceptance.selectors import acceptance_dates
from itgov.approvals.selectors import active_suspension
from itgov.audit.models import AuditEvent
from itgov.audit.verify import verify_chain
from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.demo.history import STORIES, months_ago
from itgov.operation.models import OMFundingRequest, SelfEvaluation
from itgov.operation.selectors import evaluation_status
from itgov.organizations.models import Unit
from itgov.oversight.models import AuditCase
from itgov.oversight.selectors import request_state
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force

pytestmark = pytest.mark.django_db

JUSTICE, CULTURE, CIVIL = "鼓楼区社区矫正智慧管理平台建设项目", "鼓楼区文化馆数字化服务平台建设项目", "鼓楼区养老机构视频监管系统建设项目"
MARKET, ECO = "鼓楼区市场主体信用监管平台建设项目", "鼓楼区噪声自动监测系统建设项目"
HUNANLU, HEALTH = "湖南路街道网格化服务管理系统升级项目", "鼓楼区社区卫生服务中心远程会诊系统建设项目"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice inside a transaction rolled back at the end; the first run's counts."""
    from itgov.demo.services import load_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            counts = load_demo()
            again = load_demo()
            assert again["history_created"] == 0 and "notes" not in again
            yield counts
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def project(name: str) -> Project:
    return Project.objects.select_related("owner_unit__jurisdiction").get(name=name)


def params():
    return parameters_in_force(Unit.objects.get(code="drc").jurisdiction, local_today())


def test_every_story_is_at_its_stage(demo):
    assert demo["history_created"] == len(STORIES) + 1 and "notes" not in demo
    assert dict(Project.objects.filter(name__in=[s["name"] for s in STORIES]).values_list("name", "status")) == {
        JUSTICE: "in_operation", CULTURE: "in_operation", CIVIL: "in_operation", MARKET: "rectifying",
        ECO: "rectifying", HUNANLU: "trial_operation", HEALTH: "trial_operation"}
    # nothing the stories tried was refused, and the trail they left holds together
    assert not AuditEvent.objects.filter(event_type__in=("rule.refused", "access.denied")).exists()
    assert verify_chain().ok


def test_each_step_happened_on_its_own_day(demo):
    today = local_today()
    justice = project(JUSTICE)
    assert justice.trial_started_on == months_ago(today, 26)
    assert justice.accepted_on == months_ago(today, 21) and justice.operation_started_on == months_ago(today, 20)
    # the audit trail dates the steps when they happened
    started = AuditEvent.objects.get(event_type="construction.started", project_id=justice.pk)
    assert started.at.astimezone(SHANGHAI).date() == months_ago(today, 34) + dt.timedelta(days=14)
    application = AcceptanceApplication.objects.get(project=justice)
    assert (application.applied_on, application.late) == (months_ago(today, 22), False)


def test_the_trials_on_time_and_late(demo):
    today = local_today()
    late = acceptance_dates(project(HUNANLU), params(), today)
    assert late["late"] and late["due"] == add_months(months_ago(today, 7), 6)
    on_time = acceptance_dates(project(HEALTH), params(), today)
    assert on_time["may_apply"] and not on_time["late"]
    # the unit on time has uploaded three of the four documents the application carries
    assert sorted(project(HEALTH).acceptance_documents.values_list("kind", flat=True)) == [
        "completion_report", "test_report", "trial_report"]


def test_a_failure_rectifying_and_a_second_failure_suspending_its_unit(demo):
    market = Acceptance.objects.get(project__name=MARKET)
    assert market.result == "failed" and market.rectification_due_on > local_today() and market.suspension is None
    assert active_suspension(Unit.objects.get(code="market")) is None
    eco = list(Acceptance.objects.filter(project__name=ECO).order_by("application__number"))
    assert [a.result for a in eco] == ["failed", "failed"]
    suspension = active_suspension(Unit.objects.get(code="eco"))
    assert suspension is not None and eco[1].suspension == suspension and "第二十三条" in suspension.reason


def test_the_accepted_are_filed_registered_and_operated(demo):
    for name in (JUSTICE, CULTURE, CIVIL):
        filing = AcceptanceFiling.objects.get(acceptance__project__name=name)
        assert filing.received_at is not None
        assert Asset.objects.filter(project__name=name).count() == 2
    today = local_today()
    states = {name: evaluation_status(project(name), params(), today)["state"] for name in (JUSTICE, CULTURE, CIVIL)}
    assert states == {JUSTICE: "open", CULTURE: "overdue", CIVIL: "submitted"}
    assert SelfEvaluation.objects.get(project__name=CIVIL).values.count() == 4
    funding = dict(OMFundingRequest.objects.values_list("project__name", "status"))
    assert funding == {JUSTICE: "submitted", CULTURE: "approved", CIVIL: "rejected"}


def test_the_audit_case_has_an_answer_and_an_overdue_request(demo):
    case = AuditCase.objects.get()
    assert case.number == f"鼓审〔{case.year}〕1号" and case.projects.count() == 2
    today = local_today()
    states = {r.project.name: request_state(r, today) for r in case.requests.select_related("project")}
    assert states == {JUSTICE: "answered", CULTURE: "overdue"}
    answer = case.requests.get(project__name=JUSTICE).answers.get()
    assert answer.files.count() == 1 and not answer.late


def test_a_story_the_services_refuse_leaves_nothing_of_the_history(demo, monkeypatch):
    # given one more story whose trial would begin before its construction (art. 22 refuses it)
    from itgov.accounts.models import User
    from itgov.demo import history
    from itgov.planning.models import AnnualPlan

    broken = {**STORIES[0], "name": "鼓楼区演示用拒绝项目", "approved": 60, "trial": 70}
    monkeypatch.setattr(history, "STORIES", [*STORIES, broken])
    users = {user.username: user for user in User.objects.all()}
    units = {unit.code: unit for unit in Unit.objects.all()}
    gulou = units["drc"].jurisdiction
    events = AuditEvent.objects.count()
    # when the history loads, then it says why and leaves nothing of the story: no project, no plan of its year
    told, notes = history.load_history(users, units, gulou)
    assert told == 0 and len(notes) == 1 and notes[0].startswith("历年项目演示未载入:") and "第二十二条" in notes[0]
    assert not Project.objects.filter(name=broken["name"]).exists()
    assert not AnnualPlan.objects.filter(year=months_ago(local_today(), 60).year).exists()
    assert AuditEvent.objects.count() == events  # not a trace: the note says why
