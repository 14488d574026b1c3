"""Construction control (art. 11, 19, 20, 21) over /api/v1.

The authorization matrix: every control operation × every role of the district and anonymous × the states that
tell them apart — budgeted (supervised, not started), in construction, suspended — with the exact status,
following itgov/construction/policies.py and the services:
- visibility: edu's project is seen by the five bureaus, edu and (its firm appointed) the supervisor; sysadmin,
  health and an expert outside any panel get 404, exactly like a missing id;
- power: the owner unit appoints the supervisor, monitors, records milestones and asks for changes (403 citing
  第十九条 to anyone else), reports incidents and answers rectification (第二十一条); the appointed firm's
  supervisor files supervision reports (第十九条); DRC assesses risk (第十九条) and decides changes
  (第二十条); DRC or Finance order and review rectification, dismiss incidents, suspend and resume
  (第二十一条). With the power in the wrong state: 409. A rule refusing: 422 with rule and article — a
  suspended project does nothing but rectify (art21.not_suspended), one change at a time (art20.one_open_change).
- the portfolio is listed by the bureaus, the owner units and the supervisors (each what it sees); the
  supervision pool is read by them too and kept by DRC (第十九条).
A refusal leaves the project's row, its control records and the business audit trail as they were; a 403 of a
write is recorded as `access.denied`, a 422 as `rule.refused`, naming the action.

Then the boundaries over the API, each to the fen or the day: the supervision threshold at the start, the pool
of the year, the supervision fee, the 10% rule of art. 20, a contract up to the estimate a change approved, the
suspended project, the tolerance of a monitored indicator; the portfolio's order and its query budget; and two
decisions on one change racing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from itgov.approvals.models import InitiationApplication, Milestone
from itgov.construction.models import (
    ChangeRequest,
    ConstructionSuspension,
    Contract,
    Incident,
    MilestoneActual,
    MonitoringReport,
    MonitoringValue,
    Payment,
    RectificationOrder,
    RiskAssessment,
    RiskRating,
    SupervisionAppointment,
    SupervisionPoolEntry,
    SupervisionReport,
)
from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.projects.models import Project
from itgov.rules.measures.ch4_construction import SUSPENDED_BLOCKS
from tests.approvals_world import approval_maker
from tests.construction_world import construction_maker, issued_plan_line, pool_entry
from tests.factories import ProjectFactory, UnitFactory

from . import matrix_construction
from .conftest import API, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, business_events, missing_id, refusal_events

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
STATES = ("budgeted", "in_construction", "suspended")


def _power(article: str, message: str) -> dict:
    return {"error": {"code": "forbidden", "message": f"{message}({article})", "article": article}}


OWNER_BUILDS = _power("第十九条", "只有项目的建设单位可以开工、登记采购和合同")
SUPERVISOR_REPORTS = _power("第十九条", "只有本项目委托的监理单位可以报送监理报告")
DRC_ASSESSES = _power("第十九条", "只有区发改委(大数据局)可以评估项目风险")
DRC_KEEPS_POOL = _power("第十九条", "只有区发改委(大数据局)可以确定年度监理单位")
DRC_DECIDES = _power("第二十条", "只有区发改委(大数据局)可以审批变更申请")
OWNER_REPORTS = _power("第二十一条", "只有项目的建设单位可以报告问题、报送整改情况")
BUREAUS = _power("第二十一条", "只有区发改委(大数据局)或区财政局可以下达整改、暂停或恢复项目建设")


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


def _one(power: tuple[str, ...], **cells: int) -> dict[str, dict[str, int]]:
    """A write on edu's project that only the roles in `power` may make, `cells` giving their status per state;
    the others who see the project (the bureaus, edu, the supervisor) lack the power: 403."""
    lines = []
    for state, code in cells.items():
        row = dict.fromkeys(COLUMNS, 403) | {"anonymous": 401, "admin": 404, "health": 404, "expert": 404}
        lines.append(" ".join([state, *(str(code if role in power else row[role]) for role in COLUMNS)]))
    return _table("\n".join(lines))


EDU, SUPERVISOR, DRC, BUREAU = ("edu",), ("supervisor",), ("drc",), ("drc", "finance")
# Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
EXPECTED = {
    "control": _table("\n".join(f"{s} 401 404 200 200 200 200 200 200 404 200 404" for s in STATES)),
    # the world's project has its supervisor already (409); suspended, art. 21 refuses first
    "supervision_appoint": _one(EDU, budgeted=409, in_construction=409, suspended=422),
    "supervision_report": _one(SUPERVISOR, budgeted=409, in_construction=201, suspended=201),
    "monitoring_report": _one(EDU, budgeted=409, in_construction=201, suspended=422),
    "milestone_actual": _one(EDU, budgeted=409, in_construction=201, suspended=422),
    "risk_assessment": _one(DRC, budgeted=409, in_construction=201, suspended=201),
    # the world's building project has a change awaiting DRC: one change at a time (art. 20)
    "change_submit": _one(EDU, budgeted=409, in_construction=422, suspended=422),
    "change_decide": _one(DRC, in_construction=200, suspended=200),
    "incident_report": _one(EDU, budgeted=409, in_construction=201, suspended=201),
    "incident_dismiss": _one(BUREAU, in_construction=200, suspended=200),
    "rectification_order": _one(BUREAU, budgeted=409, in_construction=201, suspended=201),
    "rectification_respond": _one(EDU, in_construction=200, suspended=200),
    "rectification_review": _one(BUREAU, in_construction=200, suspended=200),
    "suspend": _one(BUREAU, budgeted=409, in_construction=200, suspended=409),
    "resume": _one(BUREAU, budgeted=409, in_construction=409, suspended=200),
}
FORBIDDEN_BODY = {
    "supervision_appoint": OWNER_BUILDS, "supervision_report": SUPERVISOR_REPORTS, "monitoring_report": OWNER_BUILDS,
    "milestone_actual": OWNER_BUILDS, "risk_assessment": DRC_ASSESSES, "change_submit": OWNER_BUILDS,
    "change_decide": DRC_DECIDES, "incident_report": OWNER_REPORTS, "incident_dismiss": BUREAUS,
    "rectification_order": BUREAUS, "rectification_respond": OWNER_REPORTS, "rectification_review": BUREAUS,
    "suspend": BUREAUS, "resume": BUREAUS,
}
# The action a refusal names in the audit trail.
ACTION = {
    "supervision_appoint": "supervision.appoint", "supervision_report": "supervision.report",
    "monitoring_report": "monitoring.submit", "milestone_actual": "milestone.record", "risk_assessment": "risk.assess",
    "change_submit": "change.submit", "change_decide": "change.decide", "incident_report": "incident.report",
    "incident_dismiss": "incident.dismiss", "rectification_order": "rectification.order",
    "rectification_respond": "rectification.respond", "rectification_review": "rectification.review",
    "suspend": "construction.suspend", "resume": "construction.resume",
}
# The business events a success records.
EVENTS = {
    "supervision_report": ["construction.supervision.reported"], "monitoring_report": ["construction.monitoring.reported"],
    "milestone_actual": ["construction.milestone.recorded"], "risk_assessment": ["construction.risk.assessed"],
    "change_decide": ["construction.change.decided"], "incident_report": ["construction.incident.reported"],
    "incident_dismiss": ["construction.incident.dismissed"], "rectification_order": ["construction.rectification.ordered"],
    "rectification_respond": ["construction.rectification.responded"],
    "rectification_review": ["construction.rectification.reviewed"], "suspend": ["construction.suspended"],
    "resume": ["construction.resumed"],
}
RULE_422 = {
    ("supervision_appoint", "suspended"): ("art21.not_suspended", "第二十一条"),
    ("monitoring_report", "suspended"): ("art21.not_suspended", "第二十一条"),
    ("milestone_actual", "suspended"): ("art21.not_suspended", "第二十一条"),
    ("change_submit", "in_construction"): ("art20.one_open_change", "第二十条"),
    ("change_submit", "suspended"): ("art20.one_open_change", "第二十条"),
}
# The dossier's `actions` name for each write (policies.CONTROL_ACTIONS).
ACTION_OF_OP = {
    "supervision_appoint": "appoint_supervisor", "supervision_report": "report_supervision",
    "monitoring_report": "submit_monitoring", "milestone_actual": "record_milestone", "risk_assessment": "assess_risk",
    "change_submit": "submit_change", "change_decide": "decide_change", "incident_report": "report_incident",
    "incident_dismiss": "order_rectification", "rectification_order": "order_rectification",
    "rectification_respond": "respond_rectification", "rectification_review": "order_rectification",
    "suspend": "suspend", "resume": "resume",
}
_BUILDING_EDU = ["submit_monitoring", "record_milestone", "submit_change", "report_incident",
                 "respond_rectification"]
ACTIONS = {
    "budgeted": {},  # the world's supervisor is appointed already: one a project
    "in_construction": {"edu": _BUILDING_EDU, "drc": ["decide_change", "assess_risk", "order_rectification", "suspend"],
                        "finance": ["order_rectification", "suspend"], "supervisor": ["report_supervision"]},
    "suspended": {"edu": ["report_incident", "respond_rectification"],
                  "drc": ["decide_change", "assess_risk", "order_rectification", "resume"],
                  "finance": ["order_rectification", "resume"], "supervisor": ["report_supervision"]},
}
@pytest.fixture
def district(district, district_settings):
    """The district with its settings of what the measures leave open (monitoring every 3 months, a 10% tolerance
    of the performance targets, the incident thresholds: the profile in force since 2026-01-01)."""
    return district


@pytest.fixture
def api(api):
    """Every caller's token issued up front: issuing one is audited, and the tests compare the audit trail."""
    for role in COLUMNS:
        api(role)
    return api


def test_the_tables_cover_every_control_operation():
    assert set(EXPECTED) == set(matrix_construction.CONTROL) | set(matrix_construction.OBJECT)
    assert set(GLOBAL_EXPECTED) == set(matrix_construction.GLOBAL)
    assert all(set(table) <= set(STATES) for table in EXPECTED.values())
    assert all(set(table) == set(STATES) for op, table in EXPECTED.items() if op not in OBJECT_ONLY)


def test_the_dossiers_actions_agree_with_the_tables():
    """A power the role holds in that state (2xx, or 422: a rule refuses on execution) is an action — but for
    what a suspended project may not do (art21.not_suspended), which is not offered."""
    for op, action in ACTION_OF_OP.items():
        for state, row in EXPECTED[op].items():
            blocked = state == "suspended" and ACTION[op] in SUSPENDED_BLOCKS
            for role, code in row.items():
                offered = action in ACTIONS[state].get(role, [])
                agrees = offered == (200 <= code < 300 or (code == 422 and not blocked))
                assert agrees, (op, state, role, code)


# --- the world ---------------------------------------------------------------------------------------------

# The operations on an object that exists only once the project is building (a change, an incident, an order).
OBJECT_ONLY = {"change_decide", "incident_dismiss", "rectification_respond", "rectification_review"}
TARGETS = [{"category": "output_quantity", "indicator": "建设子系统数量", "unit": "个", "target": "3"},
           {"category": "benefit", "indicator": "办件平均时长缩短", "unit": "%", "target": "30"},
           {"category": "satisfaction", "indicator": "用户满意度", "unit": "%", "target": "≥90"}]


def _world(district, state: str) -> SimpleNamespace:
    """edu's project in `state`, supervised by the district's firm. Building (and suspended): with a change
    awaiting DRC (content, the change procedure), an incident edu reported, an order to rectify and one edu has
    answered — all through the services; suspended by DRC after that."""
    from itgov.construction import services

    world = construction_maker(district)("budgeted" if state == "budgeted" else "in_construction")
    project, edu, drc = world.project, district.users["edu"], district.users["drc"]
    world.milestone = Milestone.objects.filter(application_id=world.baseline.application_id).order_by("due_date").first()
    world.change = world.incident = world.ordered = world.answered = None
    if state != "budgeted":
        deadline = local_today() + dt.timedelta(days=30)
        world.change = services.change_submit(actor=edu, project=project, data={
            "kinds": ["content"], "description": "增加统计分析模块", "reason": "业务需要"})
        world.incident = services.incident_report(actor=edu, project=project, data={
            "kind": "serious_delay", "description": "系统开发进度严重滞后"})
        world.ordered = services.rectification_order(actor=drc, project=project, data={
            "requirements": "补充进度计划", "deadline": deadline})
        answered = services.rectification_order(actor=drc, project=project, data={
            "requirements": "完善测试报告", "deadline": deadline})
        world.answered = services.rectification_respond(actor=edu, project=project, order=answered, data={
            "response": "已补充测试报告"})
        world.ordered.refresh_from_db()
    if state == "suspended":
        services.construction_suspend(actor=drc, project=Project.objects.get(pk=project.pk),
                                      data={"reason": "进度严重滞后,暂停整改"})
    world.project = Project.objects.select_related("owner_unit").get(pk=project.pk)
    world.state = state
    return world


def control_snapshot(project_id: int) -> dict:
    """The project's row and every record of its construction control: what a refusal must leave as it was."""
    of = {"project_id": project_id}
    return {
        "project": Project.objects.filter(pk=project_id).values().get(),
        "applications": list(InitiationApplication.objects.filter(**of).values("pk", "number")),
        **{model.__name__: list(model.objects.filter(**of).order_by("pk").values()) for model in (
            SupervisionAppointment, SupervisionReport, MonitoringReport, MilestoneActual, RiskAssessment, RiskRating,
            ChangeRequest, Incident, RectificationOrder, ConstructionSuspension, Contract, Payment)},
        "values": list(MonitoringValue.objects.filter(report__project_id=project_id).order_by("pk").values()),
    }


def _today(days: int = 0) -> str:
    return (local_today() + dt.timedelta(days=days)).isoformat()


# The actual value of each performance target of the application (approvals_world), all inside the tolerance.
ACTUALS = {"建设子系统数量": "3", "办件平均时长缩短": "30", "用户满意度": "92"}


def _values(baseline, **extra) -> list[dict]:
    """A value for every target of `baseline`, in its order (position i: its i-th target); `extra` maps an
    indicator to the fields that replace its defaults."""
    return [{"position": i, "actual": ACTUALS[t["indicator"]], **extra.get(t["indicator"], {})}
            for i, t in enumerate(baseline.performance_targets)]


def _position(baseline, indicator: str) -> int:
    return next(i for i, t in enumerate(baseline.performance_targets) if t["indicator"] == indicator)


MONITORING = {"period_end": None, "completion": 30, "forecast_cost": "1150000.00", "summary": "进展正常", "values": []}
BODIES = {
    "supervision_appoint": lambda w, d: {"firm_id": d.firm.pk, "fee": "50000.00", "appointed_on": _today()},
    "supervision_report": lambda w, d: {"period_start": _today(-30), "period_end": _today(), "progress": "完成需求调研",
                                        "quality": "符合要求", "recommendations": "加快开发进度"},
    "monitoring_report": lambda w, d: {**MONITORING, "period_end": _today(), "values": _values(w.baseline)},
    "milestone_actual": lambda w, d: {"actual_date": _today(), "note": "提前完成"},
    "risk_assessment": lambda w, d: {"score": 2, "comment": "进度风险较高"},
    "change_submit": lambda w, d: {"kinds": ["schedule"], "description": "完工日期顺延", "reason": "需求调整",
                                   "proposed_end_date": "2028-03-31"},
    "change_decide": lambda w, d: {"decision": "approve", "reason": "同意变更", "version": w.change.version},
    "incident_report": lambda w, d: {"kind": "other", "description": "主要供应商破产"},
    "incident_dismiss": lambda w, d: {"reason": "经核实不构成重大问题"},
    "rectification_order": lambda w, d: {"requirements": "限期完成等保测评", "deadline": _today(20)},
    "rectification_respond": lambda w, d: {"response": "已补充进度计划", "version": w.ordered.version},
    "rectification_review": lambda w, d: {"accept": True, "note": "整改到位", "version": w.answered.version},
    "suspend": lambda w, d: {"reason": "投资损失风险", "version": w.project.version},
    "resume": lambda w, d: {"reason": "整改完成", "version": w.project.version},
}
# The object each object operation names, from the world.
OBJECT_OF = {"milestone_actual": "milestone", "change_decide": "change", "incident_dismiss": "incident",
             "rectification_respond": "ordered", "rectification_review": "answered"}
PATH_PARAMETER = {"milestone_actual": "milestone_id", "change_decide": "change_id", "incident_dismiss": "incident_id",
                  "rectification_respond": "order_id", "rectification_review": "order_id"}


def _url(op: str, project_id: int, object_id: int | None = None) -> str:
    _method, path = matrix_construction.CONTROL.get(op) or matrix_construction.OBJECT[op]
    ids = {"project_id": project_id}
    if op in PATH_PARAMETER:
        ids[PATH_PARAMETER[op]] = object_id
    return API + path.format(**ids)


def _request(client, op: str, world, district, *, project_id: int | None = None, object_id: int | None = None):
    pid = project_id or world.project.pk
    oid = object_id or (getattr(world, OBJECT_OF[op]).pk if op in OBJECT_OF else None)
    url = _url(op, pid, oid)
    if op == "control":
        return client.get(url)
    return client.post(url, BODIES[op](world, district))


def _check_control(role: str, world, body: dict) -> None:
    state, project = world.state, world.project
    assert (body["project"]["id"], body["project"]["status"], body["project"]["version"]) == (
        project.pk, state, project.version)
    assert (body["baseline_version"], body["approved_estimate"], body["estimate"], body["end_date"]) == (
        1, "1150000.00", "1150000.00", "2027-12-31")
    # nothing monitored yet: no cost rating; no milestone due yet: no slippage; no DRC assessment
    assert body["ratings"] == {"cost_variance": None, "cost_rating": None, "schedule_variance": "0.0000",
                               "schedule_rating": 5, "drc_rating": None, "overall": "5.00", "level": "low",
                               "level_label": "低风险"}
    assert [(m["name"], m["due_date"], m["state"], m["slip_days"], m["actual_date"]) for m in body["milestones"]] == [
        ("完成招标采购", "2027-04-30", "pending", 0, None), ("系统上线试运行", "2027-10-31", "pending", 0, None)]
    supervision = body["supervision"]
    assert (supervision["firm"]["code"], supervision["fee"], supervision["pool_year"]) == (
        "firm1", "50000.00", local_today().year)
    assert (body["supervision_reports"], body["monitoring_reports"], body["risk_assessments"]) == ([], [], [])
    if state == "budgeted":
        assert body["monitoring"] == {"interval": 3, "last": None, "due": None, "overdue": False}
        assert (body["flags"], body["deviations"], body["changes"], body["incidents"], body["rectifications"],
                body["suspensions"]) == ([], [], [], [], [], [])
    else:
        started = project.construction_started_at.astimezone(SHANGHAI).date()
        assert body["monitoring"] == {"interval": 3, "last": None, "due": add_months(started, 3).isoformat(),
                                      "overdue": False}
        assert body["deviations"] == [{"code": "open_change", "label": "第1号变更申请尚未批准(待区发改委(大数据局)审批)"}]
        flags = ["open_change", *(["suspended"] if state == "suspended" else []), "incident_open"]
        assert [f["code"] for f in body["flags"]] == flags
        assert body["flags"][0]["label"] == "变更未批准"
        [change] = body["changes"]
        assert (change["number"], change["classification"], change["status"], change["kinds"], change["increase"],
                change["increase_ratio"]) == (1, "procedure", "submitted", ["content"], "0.00", "0.000000")
        [incident] = body["incidents"]
        assert (incident["kind"], incident["source"], incident["status"], incident["reported_by"]) == (
            "serious_delay", "unit", "open", world.owner.display_name)
        assert [(r["id"], r["status"], r["overdue"]) for r in body["rectifications"]] == [
            (world.answered.pk, "submitted", False), (world.ordered.pk, "ordered", False)]
        assert [s["reason"] for s in body["suspensions"]] == (["进度严重滞后,暂停整改"] if state == "suspended" else [])
    assert body["actions"] == ACTIONS[state].get(role, [])


def _check_success(op: str, role: str, world, district, response, new_events: list[str]) -> None:
    body = response.json()
    pid, user = world.project.pk, district.users[role]
    if op == "control":
        _check_control(role, world, body)
    elif op == "supervision_report":
        assert (body["firm"]["code"], body["progress"], body["filed_by"]) == ("firm1", "完成需求调研", user.display_name)
        assert SupervisionReport.objects.filter(pk=body["id"], project_id=pid).exists()
    elif op == "monitoring_report":
        assert (body["completion"], body["forecast_cost"], body["baseline_version"]) == (30, "1150000.00", 1)
        assert {v["indicator"]: (v["target"], v["actual"], v["deviation"], v["beyond"]) for v in body["values"]} == {
            "建设子系统数量": ("3", "3", "0.0000", False), "办件平均时长缩短": ("30", "30", "0.0000", False),
            "用户满意度": ("≥90", "92", "0.0222", False)}
        assert [v["position"] for v in body["values"]] == [0, 1, 2]
        assert MonitoringValue.objects.filter(report_id=body["id"]).count() == 3
    elif op == "milestone_actual":
        assert (body["id"], body["state"], body["actual_date"], body["note"]) == (
            world.milestone.pk, "done", _today(), "提前完成")
        assert body["slip_days"] == (local_today() - world.milestone.due_date).days < 0  # ahead of the plan
        assert MilestoneActual.objects.get(milestone=world.milestone).actual_date == local_today()
    elif op == "risk_assessment":
        assert (body["score"], body["assessed_by"]) == (2, user.display_name)
        assert RiskRating.objects.get(project_id=pid).drc_rating == 2  # the rating follows
    elif op == "change_decide":
        assert (body["id"], body["status"], body["version"], body["decided_by"]) == (
            world.change.pk, "approved", world.change.version + 1, user.display_name)
    elif op == "incident_report":
        assert (body["kind"], body["source"], body["status"]) == ("other", "unit", "open")
        assert Incident.objects.filter(project_id=pid).count() == 2
    elif op == "incident_dismiss":
        assert (body["id"], body["status"], body["handling_note"], body["handled_by"]) == (
            world.incident.pk, "dismissed", "经核实不构成重大问题", user.display_name)
    elif op == "rectification_order":
        assert (body["status"], body["deadline"], body["overdue"], body["ordered_by"]) == (
            "ordered", _today(20), False, user.display_name)
    elif op == "rectification_respond":
        assert (body["id"], body["status"], body["response"], body["version"]) == (
            world.ordered.pk, "submitted", "已补充进度计划", world.ordered.version + 1)
    elif op == "rectification_review":
        assert (body["id"], body["status"], body["closed_by"], body["version"]) == (
            world.answered.pk, "closed", user.display_name, world.answered.version + 1)
    elif op in ("suspend", "resume"):
        status = "suspended" if op == "suspend" else "in_construction"
        assert (body["project"]["status"], body["project"]["version"]) == (status, world.project.version + 1)
        assert ("resume" in body["actions"]) == (op == "suspend")
        suspension = ConstructionSuspension.objects.filter(project_id=pid).order_by("-pk").first()
        assert (suspension.resumed_at is None) == (op == "suspend")
    else:  # pragma: no cover - a new operation needs its check
        raise AssertionError(op)
    assert new_events == EVENTS.get(op, []), new_events


def _run_row(op: str, row: dict[str, int], world, district, clients, failures: list[str]) -> None:
    """Ask every role in turn, each inside a savepoint rolled back after its checks; collect what differs."""
    compared_missing = False
    for role, expected in row.items():
        with transaction.atomic():
            before = control_snapshot(world.project.pk)
            events_before, refusals_before = business_events(), refusal_events()
            response = _request(clients[role], op, world, district)
            where = f"{op} {world.state} {role}"
            try:
                assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                body = response.json()
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                new_refusals = refusal_events()[len(refusals_before):]
                if expected >= 400:
                    assert new_events == [], where
                    assert control_snapshot(world.project.pk) == before, where
                if expected == 401:
                    assert body == UNAUTHENTICATED, where
                elif expected == 404:
                    assert body == NOT_FOUND, where
                    if not compared_missing:  # exactly what a missing id answers
                        missing = missing_id(Project)
                        assert _request(clients[role], op, world, district, project_id=missing).json() == body, where
                        compared_missing = True
                elif expected == 403:
                    assert body == FORBIDDEN_BODY[op], f"{where}: {body}"
                elif expected == 409:
                    assert body["error"]["code"] == "conflict", where
                elif expected == 422:
                    rule, article = RULE_422[(op, world.state)]
                    assert (body["error"]["code"], body["error"]["rule"], body["error"]["article"]) == (
                        "rule_violation", rule, article), f"{where}: {body}"
                    assert f"({article})" in body["error"]["message"], where
                    if world.state == "suspended" and ACTION[op] in SUSPENDED_BLOCKS:  # whatever else refuses too
                        assert "art21.not_suspended" in {rule, *(v["rule"] for v in body["error"].get(
                            "violations") or [])}, where
                else:
                    _check_success(op, role, world, district, response, new_events)
                recorded = {403: [("access.denied", ACTION.get(op))], 422: [("rule.refused", ACTION.get(op))]}
                assert new_refusals == (recorded.get(expected, []) if op in ACTION else []), f"{where}: {new_refusals}"
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)


@pytest.mark.parametrize("state", STATES)
def test_control_operations(api, district, state):
    world = _world(district, state)
    clients = {role: api(role) for role in COLUMNS}  # tokens issued outside the savepoints
    failures: list[str] = []
    for op, table in EXPECTED.items():
        if state in table:
            _run_row(op, table[state], world, district, clients, failures)
    assert not failures, "\n".join(failures)


def test_an_object_of_another_project_is_not_found(api, district):
    # given two building projects of edu, each with its milestones, change, incident and orders
    world, other = _world(district, "in_construction"), _world(district, "in_construction")
    before, before_other = control_snapshot(world.project.pk), control_snapshot(other.project.pk)
    events_before = business_events()
    role = {"milestone_actual": "edu", "change_decide": "drc", "incident_dismiss": "drc",
            "rectification_respond": "edu", "rectification_review": "drc"}
    for op, name in OBJECT_OF.items():
        # when edu or DRC names the other project's object under this project (or an object that does not exist)
        theirs = _request(api(role[op]), op, world, district, object_id=getattr(other, name).pk)
        missing = _request(api(role[op]), op, world, district, object_id=2**40)
        overflowing = _request(api(role[op]), op, world, district, object_id=2**64)

        # then it is not found, exactly like a missing one
        for response in (theirs, missing, overflowing):
            assert (response.status_code, response.json()) == (404, NOT_FOUND), op
    # and nothing changed on either project
    assert (control_snapshot(world.project.pk), control_snapshot(other.project.pk)) == (before, before_other)
    assert business_events() == events_before


# --- the operations that take no project: the portfolio and the supervision pool ---------------------------

GLOBAL_EXPECTED = _table("""
portfolio    401 403 200 200 200 200 200 200 200 200 403
pool_list    401 403 200 200 200 200 200 200 200 200 403
pool_add     401 403 201 403 403 403 403 403 403 403 403
pool_remove  401 404 204 403 403 403 403 403 403 403 404
""")
GLOBAL_ACTION = {"pool_add": "pool.add", "pool_remove": "pool.remove"}
GLOBAL_FORBIDDEN = {"portfolio": FORBIDDEN, "pool_list": FORBIDDEN, "pool_add": DRC_KEEPS_POOL,
                    "pool_remove": DRC_KEEPS_POOL}


def _global_world(district) -> SimpleNamespace:
    """A building project of edu and one of health, both supervised by the district's firm (this year's pool);
    the firm named in next year's pool too (removable: nobody appointed from it); a second firm, in no pool."""
    year = local_today().year
    make = construction_maker(district)
    world = SimpleNamespace(edu=make("in_construction").project, health=make("in_construction", owner="health").project,
                            year=year, firm2=UnitFactory(code="firm2", name="另一监理公司", kind="supervision_firm"))
    world.this_year = SupervisionPoolEntry.objects.get(year=year, firm=district.firm)
    world.next_year = pool_entry(district, year + 1)
    return world


def pool_snapshot() -> list[dict]:
    return list(SupervisionPoolEntry.objects.order_by("pk").values())


def _global_request(client, op: str, world, *, entry_id: int | None = None):
    if op == "portfolio":
        return client.get("construction/projects?limit=200")
    if op == "pool_list":
        return client.get("supervision-pool")
    if op == "pool_add":
        return client.post("supervision-pool", {
            "year": world.year + 1, "firm_id": world.firm2.pk, "qualification": "信息系统工程监理乙级",
            "certificate_number": "JL-2-07", "valid_until": f"{world.year + 3}-06-30"})
    return client.call("DELETE", f"supervision-pool/{entry_id or world.next_year.pk}")


# What each role sees in the portfolio: the bureaus both, an owner unit its own, the firm the ones it supervises.
PORTFOLIO_SEES = {"edu": {"edu"}, "health": {"health"}}


def test_global_operations(api, district):
    world = _global_world(district)
    clients = {role: api(role) for role in COLUMNS}
    failures: list[str] = []
    for op, row in GLOBAL_EXPECTED.items():
        for role, expected in row.items():
            with transaction.atomic():
                pool_before, events_before, refusals_before = pool_snapshot(), business_events(), refusal_events()
                response = _global_request(clients[role], op, world)
                where = f"{op} {role}"
                try:
                    assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                    body = response.json() if expected != 204 else None
                    new_events = [e for _seq, e in business_events()[len(events_before):]]
                    new_refusals = refusal_events()[len(refusals_before):]
                    if expected >= 400:
                        assert (new_events, pool_snapshot()) == ([], pool_before), where
                    if expected == 401:
                        assert body == UNAUTHENTICATED, where
                    elif expected == 404:
                        assert body == NOT_FOUND, where
                        missing = _global_request(clients[role], op, world, entry_id=missing_id(SupervisionPoolEntry))
                        assert missing.json() == body, where
                    elif expected == 403:
                        assert body == GLOBAL_FORBIDDEN[op], f"{where}: {body}"
                    elif op == "portfolio":
                        seen = PORTFOLIO_SEES.get(role, {"edu", "health"})
                        assert {item["id"] for item in body["items"]} == {getattr(world, s).pk for s in seen}, where
                        assert body["count"] == len(seen), where
                    elif op == "pool_list":
                        assert (body["year"], body["count"]) == (world.year, 1), where
                        assert [(e["firm"]["code"], e["certificate_number"]) for e in body["items"]] == [
                            ("firm1", f"JL-{world.year}-01")], where
                        assert body["actions"] == (["add", "remove"] if role == "drc" else []), where
                    elif op == "pool_add":
                        assert (body["year"], body["firm"]["code"], body["recorded_by"]) == (
                            world.year + 1, "firm2", district.users[role].display_name), where
                        assert new_events == ["construction.pool.added"], where
                    elif op == "pool_remove":
                        assert not SupervisionPoolEntry.objects.filter(pk=world.next_year.pk).exists(), where
                        assert new_events == ["construction.pool.removed"], where
                    recorded = {403: [("access.denied", GLOBAL_ACTION.get(op))]}.get(expected, [])
                    assert new_refusals == (recorded if op in GLOBAL_ACTION else []), f"{where}: {new_refusals}"
                except Exception as exc:
                    failures.append(f"{where}: {type(exc).__name__}: {exc}")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def test_a_firm_appointed_from_the_pool_stays_in_it(api, district):
    world = _global_world(district)
    before, events_before = pool_snapshot(), business_events()

    response = _global_request(api("drc"), "pool_remove", world, entry_id=world.this_year.pk)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert (pool_snapshot(), business_events()) == (before, events_before)


def test_the_pool_of_a_year_holds_at_most_three_firms(api, district):
    year = local_today().year + 1
    drc = api("drc")

    def add(code: str):
        firm = UnitFactory(code=code, name=f"{code}监理公司", kind="supervision_firm")
        return drc.post("supervision-pool", {"year": year, "firm_id": firm.pk, "qualification": "甲级",
                                             "certificate_number": code, "valid_until": f"{year}-12-31"})

    assert [add(code).status_code for code in ("fa", "fb", "fc")] == [201, 201, 201]
    before = pool_snapshot()
    error = _refused(add("fd"), "art19.pool_size", "第十九条")
    assert "firm_id" in error["fields"]
    assert pool_snapshot() == before
    assert [e["firm"]["code"] for e in drc.get(f"supervision-pool?year={year}").json()["items"]] == ["fa", "fb", "fc"]


# --- the boundaries ----------------------------------------------------------------------------------------


def _refused(response, rule: str, article: str) -> dict:
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"]) == ("rule_violation", rule, article)
    assert f"({article})" in error["message"]
    return error


def _refused_cleanly(project_id: int, action: str, run) -> dict:
    """Run the refused call: nothing of the control changed, no business event, one `rule.refused`."""
    before, events_before, refusals_before = control_snapshot(project_id), business_events(), refusal_events()
    error = run()
    assert control_snapshot(project_id) == before
    assert business_events() == events_before
    assert refusal_events()[len(refusals_before):] == [("rule.refused", action)]
    return error


def _approved_at(district, estimate: str) -> Project:
    """A project of edu approved at `estimate` (the application asks 1,200,000.00, supervision fee 50,000.00),
    budgeted (950,000.00 this year) and in this year's issued plan, with no supervisor."""
    from itgov.approvals import services as approvals

    world = approval_maker(district)("reviewed", panel=False)
    project = approvals.initiation_approve(actor=district.users["drc"], project=world.project, data={
        "approved_estimate": estimate, "control_indicators": "建设工期10个月。", "opinion": "同意建设。",
        "copy_to": "区财政局"})
    year = local_today().year
    project = approvals.budget_record(actor=district.users["finance"], project=project, data={
        "lines": [{"year": year, "fund_source": "general", "amount": "950000.00"}], "note": "一次安排"})
    issued_plan_line(project, year)
    return Project.objects.get(pk=project.pk)


def _start(client, project):
    return client.post(f"projects/{project.pk}/construction/start", {"version": project.version})


def _appoint(client, project, district, *, fee: str = "50000.00", firm=None):
    return client.post(f"projects/{project.pk}/supervision", {
        "firm_id": (firm or district.firm).pk, "fee": fee, "appointed_on": _today()})


def test_a_project_of_exactly_the_threshold_needs_a_supervisor_and_one_fen_less_does_not(api, district):
    # given two projects approved at 1,000,000.00 and 999,999.99, neither supervised, and this year's pool
    pool_entry(district, local_today().year)
    at_threshold, below = _approved_at(district, "1000000.00"), _approved_at(district, "999999.99")
    edu = api("edu")

    # then the one at the threshold may not start without a supervisor (art. 19) …
    error = _refused_cleanly(at_threshold.pk, "construction.start", lambda: _refused(
        _start(edu, at_threshold), "art19.supervisor_required", "第十九条"))
    assert set(error["fields"]) == {"supervision"}
    # … the one a fen below starts as it is
    response = _start(edu, below)
    assert response.status_code == 200, response.content.decode()
    assert response.json()["project"]["status"] == "in_construction"

    # and once its supervisor is appointed from this year's pool, the first starts too
    appointed = _appoint(edu, at_threshold, district)
    assert appointed.status_code == 201, appointed.content.decode()
    assert (appointed.json()["firm"]["code"], appointed.json()["pool_year"]) == ("firm1", local_today().year)
    response = _start(edu, Project.objects.get(pk=at_threshold.pk))
    assert response.status_code == 200, response.content.decode()
    control = api("supervisor").get(f"projects/{at_threshold.pk}/construction/control")
    assert control.status_code == 200  # the firm sees the project it supervises
    assert control.json()["actions"] == ["report_supervision"]


def test_a_supervisor_from_last_years_pool_is_refused(api, district):
    # given a budgeted project without supervisor, and a firm named in last year's pool only
    world = construction_maker(district)("budgeted", supervised=False)
    last_year = UnitFactory(code="oldfirm", name="去年的监理公司", kind="supervision_firm")
    pool_entry(district, local_today().year - 1, firm=last_year)

    # when edu appoints it today: refused by art. 19, nothing appointed
    error = _refused_cleanly(world.project.pk, "supervision.appoint", lambda: _refused(
        _appoint(api("edu"), world.project, district, firm=last_year), "art19.supervisor_from_pool", "第十九条"))
    assert set(error["fields"]) == {"firm_id"}
    assert str(local_today().year) in error["message"]
    # and the district's supervisor, appointed nowhere here, does not see the project
    assert api("supervisor").get(f"projects/{world.project.pk}/construction/control").json() == NOT_FOUND


def test_a_firm_in_no_pool_is_bad_input(api, district):
    world = construction_maker(district)("budgeted", supervised=False)
    stranger = UnitFactory(code="nofirm", name="未入库监理公司", kind="supervision_firm")
    before = control_snapshot(world.project.pk)

    response = _appoint(api("edu"), world.project, district, firm=stranger)

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"firm_id": ["须为备选监理单位"]}
    assert control_snapshot(world.project.pk) == before


def test_the_supervision_fee_reaches_the_estimates_part_and_not_a_fen_more(api, district):
    # given a budgeted project whose approved estimate holds 50,000.00 of supervision fee
    world = construction_maker(district)("budgeted", supervised=False)
    pool_entry(district, local_today().year)
    edu = api("edu")

    error = _refused_cleanly(world.project.pk, "supervision.appoint", lambda: _refused(
        _appoint(edu, world.project, district, fee="50000.01"), "art19.supervision_fee_in_estimate", "第十九条"))
    assert set(error["fields"]) == {"fee"}

    response = _appoint(edu, world.project, district, fee="50000.00")
    assert response.status_code == 201, response.content.decode()
    assert response.json()["fee"] == "50000.00"
    # one supervisor per project
    again = _appoint(edu, world.project, district, fee="1.00")
    assert again.status_code == 409


def _change(client, project, **fields):
    body = {"description": "增加建设内容", "reason": "业务需要扩展", **fields}
    return client.post(f"projects/{project.pk}/changes", body)


def test_an_increase_of_exactly_ten_percent_sends_the_project_to_reapproval(api, district):
    # given a building project approved at 1,150,000.00
    world = construction_maker(district)("in_construction")
    edu, events_before = api("edu"), business_events()

    # when edu asks for 1,265,000.00 (+115,000.00: exactly 10%)
    response = _change(edu, world.project, kinds=["estimate"], proposed_estimate="1265000.00")

    # then the change goes to re-approval: the project is back in initiation with application number 2
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["classification"], body["status"], body["increase"], body["increase_ratio"]) == (
        "reapproval", "reapproval", "115000.00", "0.100000")
    project = Project.objects.get(pk=world.project.pk)
    assert project.status == "planned"
    assert InitiationApplication.objects.filter(project=project).order_by("-number").first().number == 2
    assert [e for _seq, e in business_events()[len(events_before):]] == [
        "construction.change.reapproval", "construction.change.submitted", "approval.application.saved"]
    # the portfolio shows it as a project in re-approval
    listed = api("drc").get("construction/projects?status=reapproval").json()
    assert [(i["id"], i["status"], i["reapproval"]) for i in listed["items"]] == [(project.pk, "planned", True)]
    # and the change stays open (a deviation: no acceptance) until the new approval
    control = edu.get(f"projects/{project.pk}/construction/control").json()
    assert [c["status"] for c in control["changes"]] == ["reapproval"]
    assert [d["code"] for d in control["deviations"]] == ["open_change"]


def test_an_increase_of_9_99_percent_goes_through_the_change_procedure(api, district):
    world = construction_maker(district)("in_construction")

    # +114,885.00 over 1,150,000.00 is 9.99%
    response = _change(api("edu"), world.project, kinds=["estimate"], proposed_estimate="1264885.00")

    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["classification"], body["status"], body["increase_ratio"]) == ("procedure", "submitted", "0.099900")
    assert Project.objects.get(pk=world.project.pk).status == "in_construction"
    assert InitiationApplication.objects.filter(project=world.project).count() == 1


def test_one_fen_below_ten_percent_goes_through_the_change_procedure(api, district):
    world = construction_maker(district)("in_construction")

    # +114,999.99 is 9.9999991%: the ratio is cut, never rounded up to 10%
    response = _change(api("edu"), world.project, kinds=["estimate"], proposed_estimate="1264999.99")

    assert response.status_code == 201, response.content.decode()
    assert (response.json()["classification"], response.json()["increase_ratio"]) == ("procedure", "0.099999")
    assert Project.objects.get(pk=world.project.pk).status == "in_construction"


def test_a_schedule_only_change_is_recorded(api, district):
    world = construction_maker(district)("in_construction")
    edu = api("edu")

    response = _change(edu, world.project, kinds=["schedule"], proposed_end_date="2028-06-30")

    assert response.status_code == 201, response.content.decode()
    assert (response.json()["classification"], response.json()["status"]) == ("schedule_only", "recorded")
    control = edu.get(f"projects/{world.project.pk}/construction/control").json()
    assert (control["end_date"], control["deviations"]) == ("2028-06-30", [])  # in force, and no deviation
    assert "submit_change" in control["actions"]  # nothing open: the next change may come


def _contract(client, project, amount: str):
    return client.post(f"projects/{project.pk}/contracts", {
        "title": "平台开发合同", "supplier": "某科技公司", "amount": amount, "signed_on": _today()})


def test_an_approved_change_moves_the_estimate_contracts_are_held_to(api, district):
    # given a building project approved at 1,150,000.00 with contracts up to it
    world = construction_maker(district)("in_construction")
    edu, drc, pid = api("edu"), api("drc"), world.project.pk
    assert _contract(edu, world.project, "1150000.00").status_code == 201

    # when edu asks for 1,200,000.00 (+4.35%: the change procedure) and DRC approves it
    change = _change(edu, world.project, kinds=["estimate", "content"], proposed_estimate="1200000.00").json()
    assert (change["classification"], change["status"]) == ("procedure", "submitted")
    _refused(_contract(edu, world.project, "0.01"), "art20.contracts_within_estimate", "第二十条")  # not yet
    decided = drc.post(f"projects/{pid}/changes/{change['id']}/decision", {
        "decision": "approve", "reason": "同意增加投资", "version": change["version"]})
    assert decided.status_code == 200, decided.content.decode()
    assert (decided.json()["status"], decided.json()["version"]) == ("approved", 2)

    # then contracts reach the new estimate to the fen, and not one fen beyond
    assert _contract(edu, world.project, "50000.00").status_code == 201
    error = _refused_cleanly(pid, "contract.record", lambda: _refused(
        _contract(edu, world.project, "0.01"), "art20.contracts_within_estimate", "第二十条"))
    assert "amount" in error["fields"]
    control = edu.get(f"projects/{pid}/construction/control").json()
    assert (control["approved_estimate"], control["estimate"], control["deviations"]) == (
        "1150000.00", "1200000.00", [])
    [item] = drc.get("construction/projects").json()["items"]
    assert (item["estimate"], item["contracted"]) == ("1200000.00", "1200000.00")


def test_a_decision_on_a_stale_version_is_a_conflict(api, district):
    world = _world(district, "in_construction")
    before = control_snapshot(world.project.pk)

    response = api("drc").post(f"projects/{world.project.pk}/changes/{world.change.pk}/decision", {
        "decision": "refuse", "reason": "不同意", "version": world.change.version + 1})

    assert response.status_code == 409
    assert control_snapshot(world.project.pk) == before


def test_a_suspended_project_refuses_a_payment_but_takes_a_rectification_response(api, district):
    # given a building project DRC suspended, with an order to rectify
    world = _world(district, "suspended")
    edu, pid = api("edu"), world.project.pk

    # a payment is refused by art. 21
    error = _refused_cleanly(pid, "payment.record", lambda: _refused(edu.post(f"projects/{pid}/payments", {
        "amount": "10000.00", "paid_on": _today(), "purpose": "进度款"}), "art21.not_suspended", "第二十一条"))
    assert "暂停" in error["message"]
    # the answer to the order is taken
    response = edu.post(f"projects/{pid}/rectifications/{world.ordered.pk}/response", {"response": "已整改完毕"})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["status"] == "submitted"
    # and once DRC resumes, the payment passes
    resumed = api("drc").post(f"projects/{pid}/construction/resume", {"reason": "整改到位,恢复建设"})
    assert resumed.status_code == 200, resumed.content.decode()
    assert edu.post(f"projects/{pid}/payments", {"amount": "10000.00", "paid_on": _today(),
                                                 "purpose": "进度款"}).status_code == 201


def _monitor(client, world, **extra):
    return client.post(f"projects/{world.project.pk}/monitoring-reports", {
        "period_end": _today(), "completion": 40, "forecast_cost": "1150000.00", "summary": "进展基本正常",
        "values": _values(world.baseline, **extra)})


def test_an_indicator_beyond_the_tolerance_needs_its_cause(api, district):
    # given a building project (tolerance 10%) with a target of 30 (办件平均时长缩短)
    world = construction_maker(district)("in_construction")
    edu, n = api("edu"), _position(world.baseline, "办件平均时长缩短")

    # 33.03 is 10.1% over 30: beyond the tolerance, and no cause given
    error = _refused_cleanly(world.project.pk, "monitoring.submit", lambda: _refused(
        _monitor(edu, world, 办件平均时长缩短={"actual": "33.03"}), "art19.deviation_causes", "第十九条"))
    assert error["fields"] == {f"values.{n}.cause": ["偏差超出容差,须分析原因"]}
    assert "办件平均时长缩短" in error["message"]

    # 33 is exactly 10%: inside the tolerance, no cause needed
    response = _monitor(edu, world, 办件平均时长缩短={"actual": "33"})
    assert response.status_code == 201, response.content.decode()
    value = response.json()["values"][n]
    assert (value["indicator"], value["deviation"], value["beyond"], value["cause"]) == (
        "办件平均时长缩短", "0.1000", False, "")


def test_a_target_not_achieved_needs_its_cause_and_takes_it(api, district):
    world = construction_maker(district)("in_construction")
    edu, n = api("edu"), _position(world.baseline, "用户满意度")

    error = _refused(_monitor(edu, world, 用户满意度={"actual": "未测评", "achieved": False}),
                     "art19.deviation_causes", "第十九条")
    assert set(error["fields"]) == {f"values.{n}.cause"}
    response = _monitor(edu, world, 用户满意度={"actual": "未测评", "achieved": False, "cause": "系统尚未上线,满意度未测评"})

    assert response.status_code == 201, response.content.decode()
    value = response.json()["values"][n]
    assert (value["deviation"], value["achieved"], value["beyond"], value["cause"]) == (
        None, False, True, "系统尚未上线,满意度未测评")
    report = edu.get(f"projects/{world.project.pk}/construction/control").json()["monitoring_reports"][0]
    assert report["values"][n]["cause"] == "系统尚未上线,满意度未测评"


@pytest.mark.parametrize(("op", "body", "fields"), [
    ("monitoring_report", {**MONITORING, "period_end": "2026-01-01", "values": [{"position": 0, "actual": "3"}]},
     {"values"}),
    ("monitoring_report", {**MONITORING, "period_end": "2026-01-01", "values": [{"position": 3, "actual": "3"}]},
     {"values.0.position"}),
    ("monitoring_report", {**MONITORING, "period_end": "2026-01-01", "completion": 101}, {"completion"}),
    ("risk_assessment", {"score": 6, "comment": "高"}, {"score"}),
    ("change_submit", {"kinds": ["estimate"], "description": "增加", "reason": "需要"}, {"proposed_estimate"}),
    ("change_submit", {"kinds": ["budget"], "description": "增加", "reason": "需要"}, {"kinds"}),
    ("rectification_order", {"requirements": "整改", "deadline": "TODAY"}, {"deadline"}),  # must come after today
    ("incident_report", {"kind": "serious_delay", "description": "延误", "severity": "high"}, {"severity"}),
])
def test_bad_input_is_refused_and_nothing_saved(api, district, op, body, fields):
    world = construction_maker(district)("in_construction")
    role = {"risk_assessment": "drc", "rectification_order": "drc"}.get(op, "edu")
    body = {key: _today() if value == "TODAY" else value for key, value in body.items()}
    before, events_before = control_snapshot(world.project.pk), business_events()

    response = api(role).post(_url(op, world.project.pk), body)

    assert response.status_code == 400, response.content.decode()
    assert set(response.json()["error"]["fields"]) == fields, response.json()
    assert (control_snapshot(world.project.pk), business_events()) == (before, events_before)


# --- the portfolio -------------------------------------------------------------------------------------------


def test_the_portfolio_sorts_by_risk_and_pages(api, district):
    # given three projects of edu: two building, DRC assessing one 1 (high risk) and one 5; one budgeted, unrated
    make = construction_maker(district)
    risky, safe = make("in_construction").project, make("in_construction").project
    unrated = make("budgeted").project
    drc = api("drc")
    for project, score in ((risky, 1), (safe, 5)):
        assert drc.post(f"projects/{project.pk}/risk-assessments", {"score": score, "comment": "评估"}).status_code == 201

    def order(query: str) -> list[int]:
        return [item["id"] for item in drc.get(f"construction/projects?{query}").json()["items"]]

    # then the riskiest come first by default, the safest first with `risk`, the unrated last either way
    assert order("") == order("sort=risk") == [risky.pk, safe.pk, unrated.pk]
    assert order("sort=-risk") == [safe.pk, risky.pk, unrated.pk]
    body = drc.get("construction/projects?sort=risk&limit=1&offset=1").json()
    assert (body["count"], [i["id"] for i in body["items"]]) == (3, [safe.pk])
    assert "offset=2" in body["next"] and "offset=0" in body["previous"]
    [first] = drc.get("construction/projects?limit=1").json()["items"]
    assert first["risk"] == {"overall": "1.00", "level": "high", "level_label": "高风险", "cost_rating": None,
                             "schedule_rating": 5, "drc_rating": 1, "flags": [], "computed_on": _today()}
    assert (first["estimate"], first["contracted"], first["paid"], first["reapproval"]) == (
        "1150000.00", "0.00", "0.00", False)
    assert order("status=budgeted") == [unrated.pk]
    assert drc.get("construction/projects?status=budgeted").json()["items"][0]["risk"] is None


def _add_building(district, n: int) -> None:
    """Projects in construction with a rating, a contract and a payment (rows written directly: the count is what
    the query budget is about)."""
    today = local_today()
    for i in range(n):
        project = ProjectFactory(owner_unit=district.edu if i % 2 else district.health,
                                 status=("in_construction", "suspended", "budgeted")[i % 3])
        RiskRating.objects.create(project=project, overall=Decimal(1 + i % 5), level="medium", flags=["open_change"],
                                  computed_on=today)
        contract = Contract.objects.create(project=project, title="合同", supplier="某公司", amount=Decimal("1000.00"),
                                           signed_on=today)
        Payment.objects.create(project=project, contract=contract, amount=Decimal("500.00"), paid_on=today,
                               purpose="进度款")


def _queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return len(ctx.captured_queries), response.json()


def test_the_portfolio_costs_the_same_at_10_and_100_projects(api, district):
    client = api("drc")
    client.get("construction/projects")  # warm up: the token's last-used time is written once
    _add_building(district, 10)
    small, small_body = _queries(client, "construction/projects?limit=200&sort=risk")

    _add_building(district, 90)
    large, large_body = _queries(client, "construction/projects?limit=200&sort=risk")

    assert (small_body["count"], large_body["count"], len(large_body["items"])) == (10, 100, 100)
    assert [i["risk"]["overall"] for i in large_body["items"]] == sorted(i["risk"]["overall"]
                                                                         for i in large_body["items"])
    assert large == small
    assert small <= 4, small  # the token, its user, the count, the page


# --- two decisions at once -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_decisions_on_one_change_have_one_winner(district):
    from itgov.accounts.services import api_token_issue
    from itgov.core.tests.test_concurrency import run_concurrently

    # given a change awaiting DRC, and two DRC sessions deciding it at once: one approves, one refuses
    world = _world(district, "in_construction")
    tokens = iter([api_token_issue(actor=None, user=district.users["drc"]) for _ in range(2)])
    decisions = iter(["approve", "refuse"])
    url = f"{API}/projects/{world.project.pk}/changes/{world.change.pk}/decision"

    def decide(token, decision):
        body = json.dumps({"decision": decision, "reason": "审批意见", "version": world.change.version})
        response = Client().post(url, data=body, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {token}")
        return response.status_code, decision, response.json()

    outcomes = run_concurrently(lambda: decide(next(tokens), next(decisions)), n=2)

    # then one decides it and the other is told it was decided already; the change carries the winner's decision
    assert sorted(status for status, _d, _b in outcomes) == [200, 409], outcomes
    winner = next(decision for status, decision, _b in outcomes if status == 200)
    change = ChangeRequest.objects.get(pk=world.change.pk)
    assert (change.status, change.version) == ({"approve": "approved", "refuse": "refused"}[winner], 2)
    from itgov.audit.models import AuditEvent

    assert AuditEvent.objects.filter(event_type="construction.change.decided", object_id=str(change.pk)).count() == 1
