"""Acceptance and rectification (art. 22, 23) over /api/v1: the documents, DRC's acceptance with its expert group,
the decision, the rectification that follows a failure and the unit's suspension it may lead to, the filing with
Finance, the asset register; DRC's calendar and the portfolio of the acceptance stage.

The authorization matrix: the twelve operations on a project × every role of the district and anonymous × the
states that tell them apart (tests/acceptance_world.py, edu's supervised project, 王专家 in the group once it is
scheduled) — with the exact status, following itgov/acceptance/policies.py and the services:
- visibility: edu's project is seen by the five bureaus, edu and (its firm appointed) the supervisor, and by 王专家
  once seated in its acceptance's group; sysadmin, health and an expert outside the group get 404, like a missing id;
- power (403 citing 第二十二条): the owner unit uploads, applies again, refuses to rectify, files the result and
  registers the assets; DRC schedules, seats and removes experts and decides; an expert of the group (or DRC for
  it) gives the opinion; Finance receives the filing; with the power in the wrong state: 409;
- a 422 where a rule of the measures refuses: DRC deciding before the acceptance is organised or while an expert
  has not opined (art22.opinions_before_decision).
A refusal leaves every row of the acceptance and the business audit trail as they were; a 403 is recorded as
`access.denied`, a 422 as `rule.refused`, naming the action.

Then each rule over the API with its article, the second failure suspending edu (health unaffected, edu's new
initiation application refused by art23.unit_not_suspended), a refusal to rectify, the overdue job at its boundary,
bad input, the audit, one winner of two concurrent decisions, and the query counts of the dossier and the lists."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from itgov.acceptance import services
from itgov.acceptance.models import (
    Acceptance,
    AcceptanceApplication,
    AcceptanceDocument,
    AcceptanceExpert,
    AcceptanceFiling,
    Asset,
)
from itgov.approvals.models import UnitSuspension
from itgov.approvals.selectors import active_suspension
from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.projects.models import Project
from tests.acceptance_world import acceptance_maker, fresh, upload

from . import matrix_acceptance
from .conftest import API, NOT_FOUND, UNAUTHENTICATED, business_events, missing_id

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
STATES = ("trial_operation", "acceptance_applied", "scheduled", "rectifying", "accepted", "filed")
DAY = dt.timedelta(days=1)


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


def _forbidden(message: str) -> dict:
    return {"error": {"code": "forbidden", "message": f"{message}(第二十二条)", "article": "第二十二条"}}


OWNER_APPLIES = _forbidden("只有项目的建设单位可以宣布完成建设、申请竣工验收")
DRC_ORGANISES = _forbidden("只有区发改委(大数据局)可以组织竣工验收、作出验收结论")
EXPERT_OPINES = _forbidden("只有本项目验收专家组的专家(或代为录入的区发改委人员)可以提交验收意见")
UNIT_FILES = _forbidden("只有项目的建设单位可以报送验收结果备案、登记项目资产")
FINANCE_RECEIVES = _forbidden("只有区财政局可以确认验收结果备案")
# op: (the 403's body, the action the denial names, the power rule it cites)
POWER = {
    "upload": (OWNER_APPLIES, "acceptance.upload", "art22.owner_unit_applies"),
    "reapply": (OWNER_APPLIES, "acceptance.reapply", "art22.owner_unit_applies"),
    "refuse": (OWNER_APPLIES, "acceptance.refuse_rectification", "art22.owner_unit_applies"),
    "schedule": (DRC_ORGANISES, "acceptance.schedule", "art22.drc_organises"),
    "expert_add": (DRC_ORGANISES, "acceptance.expert_add", "art22.drc_organises"),
    "expert_remove": (DRC_ORGANISES, "acceptance.expert_remove", "art22.drc_organises"),
    "opinion": (EXPERT_OPINES, "acceptance.opinion", "art22.expert_opines"),
    "decision": (DRC_ORGANISES, "acceptance.pass", "art22.drc_organises"),
    "filing": (UNIT_FILES, "acceptance.file", "art22.unit_files_result"),
    "receipt": (FINANCE_RECEIVES, "acceptance.receive_filing", "art22.finance_receives_filing"),
    "asset": (UNIT_FILES, "asset.register", "art22.unit_files_result"),
}
EVENTS = {
    "download": ["file.downloaded"],
    "upload": ["acceptance.document.uploaded"],
    "reapply": ["acceptance.reapplied", "acceptance.application.filed"],
    "refuse": ["acceptance.rectification.refused", "approval.unit.suspended"],
    "schedule": ["acceptance.scheduled"],
    "expert_add": ["acceptance.expert.added"],
    "expert_remove": ["acceptance.expert.removed"],
    "opinion": ["acceptance.expert.opinion"],
    "filing": ["acceptance.filed"],
    "receipt": ["acceptance.filing.received"],
    "asset": ["acceptance.asset.registered"],
}

# Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
# 王专家 (expert) sits in the group from `scheduled` on; before, edu's project is not its to see.
EXPECTED = {
    "download": _table("""
trial_operation     401 404 200 200 200 200 200 200 404 200 404
acceptance_applied  401 404 200 200 200 200 200 200 404 200 404
scheduled           401 404 200 200 200 200 200 200 404 200 200
rectifying          401 404 200 200 200 200 200 200 404 200 200
accepted            401 404 200 200 200 200 200 200 404 200 200
filed               401 404 200 200 200 200 200 200 404 200 200
"""),
    "upload": _table("""
trial_operation     401 404 403 403 403 403 403 201 404 403 404
acceptance_applied  401 404 403 403 403 403 403 409 404 403 404
scheduled           401 404 403 403 403 403 403 409 404 403 403
rectifying          401 404 403 403 403 403 403 201 404 403 403
accepted            401 404 403 403 403 403 403 409 404 403 403
filed               401 404 403 403 403 403 403 409 404 403 403
"""),
    "reapply": _table("""
trial_operation     401 404 403 403 403 403 403 409 404 403 404
acceptance_applied  401 404 403 403 403 403 403 409 404 403 404
scheduled           401 404 403 403 403 403 403 409 404 403 403
rectifying          401 404 403 403 403 403 403 201 404 403 403
accepted            401 404 403 403 403 403 403 409 404 403 403
filed               401 404 403 403 403 403 403 409 404 403 403
"""),
    "refuse": _table("""
trial_operation     401 404 403 403 403 403 403 409 404 403 404
acceptance_applied  401 404 403 403 403 403 403 409 404 403 404
scheduled           401 404 403 403 403 403 403 409 404 403 403
rectifying          401 404 403 403 403 403 403 200 404 403 403
accepted            401 404 403 403 403 403 403 409 404 403 403
filed               401 404 403 403 403 403 403 409 404 403 403
"""),
    "schedule": _table("""
trial_operation     401 404 409 403 403 403 403 403 404 403 404
acceptance_applied  401 404 200 403 403 403 403 403 404 403 404
scheduled           401 404 200 403 403 403 403 403 404 403 403
rectifying          401 404 409 403 403 403 403 403 404 403 403
accepted            401 404 409 403 403 403 403 403 404 403 403
filed               401 404 409 403 403 403 403 403 404 403 403
"""),
    "expert_add": _table("""
trial_operation     401 404 409 403 403 403 403 403 404 403 404
acceptance_applied  401 404 409 403 403 403 403 403 404 403 404
scheduled           401 404 201 403 403 403 403 403 404 403 403
rectifying          401 404 409 403 403 403 403 403 404 403 403
accepted            401 404 409 403 403 403 403 403 404 403 403
filed               401 404 409 403 403 403 403 403 404 403 403
"""),
    # Before the acceptance is organised there is no seat: the id is not found, for whoever sees the project.
    "expert_remove": _table("""
trial_operation     401 404 404 404 404 404 404 404 404 404 404
acceptance_applied  401 404 404 404 404 404 404 404 404 404 404
scheduled           401 404 204 403 403 403 403 403 404 403 403
rectifying          401 404 409 403 403 403 403 403 404 403 403
accepted            401 404 409 403 403 403 403 403 404 403 403
filed               401 404 409 403 403 403 403 403 404 403 403
"""),
    "opinion": _table("""
trial_operation     401 404 404 404 404 404 404 404 404 404 404
acceptance_applied  401 404 404 404 404 404 404 404 404 404 404
scheduled           401 404 200 403 403 403 403 403 404 403 200
rectifying          401 404 409 403 403 403 403 403 404 403 409
accepted            401 404 409 403 403 403 403 403 404 403 409
filed               401 404 409 403 403 403 403 403 404 403 409
"""),
    "decision": _table("""
trial_operation     401 404 409 403 403 403 403 403 404 403 404
acceptance_applied  401 404 422 403 403 403 403 403 404 403 404
scheduled           401 404 422 403 403 403 403 403 404 403 403
rectifying          401 404 409 403 403 403 403 403 404 403 403
accepted            401 404 409 403 403 403 403 403 404 403 403
filed               401 404 409 403 403 403 403 403 404 403 403
"""),
    "filing": _table("""
trial_operation     401 404 403 403 403 403 403 409 404 403 404
acceptance_applied  401 404 403 403 403 403 403 409 404 403 404
scheduled           401 404 403 403 403 403 403 409 404 403 403
rectifying          401 404 403 403 403 403 403 409 404 403 403
accepted            401 404 403 403 403 403 403 201 404 403 403
filed               401 404 403 403 403 403 403 409 404 403 403
"""),
    "receipt": _table("""
trial_operation     401 404 403 409 403 403 403 403 404 403 404
acceptance_applied  401 404 403 409 403 403 403 403 404 403 404
scheduled           401 404 403 409 403 403 403 403 404 403 403
rectifying          401 404 403 409 403 403 403 403 404 403 403
accepted            401 404 403 409 403 403 403 403 404 403 403
filed               401 404 403 200 403 403 403 403 404 403 403
"""),
    "asset": _table("""
trial_operation     401 404 403 403 403 403 403 409 404 403 404
acceptance_applied  401 404 403 403 403 403 403 409 404 403 404
scheduled           401 404 403 403 403 403 403 409 404 403 403
rectifying          401 404 403 403 403 403 403 409 404 403 403
accepted            401 404 403 403 403 403 403 201 404 403 403
filed               401 404 403 403 403 403 403 201 404 403 403
"""),
}
# The dossier's `actions` for each role and state.
ACTIONS = {
    "trial_operation": {"edu": ["upload", "apply"]},
    "acceptance_applied": {"drc": ["schedule", "pass", "fail"]},
    "scheduled": {"drc": ["schedule", "expert_add", "opinion", "pass", "fail"], "expert": ["opinion"]},
    "rectifying": {"edu": ["upload", "reapply", "refuse"]},
    "accepted": {"edu": ["file", "register_asset"]},
    "filed": {"edu": ["register_asset"], "finance": ["receive_filing"]},
}
# The action of the dossier each operation answers to.
ACTION_OF = {"upload": ["upload"], "reapply": ["reapply"], "refuse": ["refuse"], "schedule": ["schedule"],
             "expert_add": ["expert_add"], "opinion": ["opinion"], "decision": ["pass", "fail"], "filing": ["file"],
             "receipt": ["receive_filing"], "asset": ["register_asset"]}


@pytest.fixture
def api(api):
    """Every caller's token issued up front: issuing one is audited, and the tests compare the audit trail."""
    for role in COLUMNS:
        api(role)
    return api


def test_the_tables_cover_every_operation():
    assert set(EXPECTED) == set(matrix_acceptance.REVIEW)
    assert all(set(table) == set(STATES) for table in EXPECTED.values())
    assert set(ACTION_OF) | {"download", "expert_remove"} == set(EXPECTED)


def test_the_dossiers_actions_agree_with_the_tables():
    for op, names in ACTION_OF.items():
        for state, row in EXPECTED[op].items():
            for role, code in row.items():
                offered = {name in ACTIONS[state].get(role, []) for name in names}
                assert offered == {200 <= code < 300 or code == 422}, (op, state, role)


# --- the world ---------------------------------------------------------------------------------------------


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)


def _world(district, state: str, **kwargs) -> SimpleNamespace:
    """edu's project in `state` (tests/acceptance_world.py), 王专家 seated once scheduled; on trial with a test
    report uploaded; rectifying with the rectification report uploaded (it may apply again); `filed`: accepted and
    the result filed with Finance."""
    make = acceptance_maker(district)
    world = make("accepted" if state == "filed" else state, experts=(district.expert,), **kwargs)
    if state == "trial_operation":
        upload(world, "test_report")
    if state == "rectifying":
        upload(world, "rectification_report")
    if state == "filed":
        services.filing_record(actor=world.owner, project=fresh(world.project),
                               data={"filed_on": local_today().isoformat(), "document_number": "教信〔2026〕3号"})
    world.project, world.state = fresh(world.project), state
    world.seat = AcceptanceExpert.objects.filter(acceptance__project=world.project).order_by("pk").first()
    world.document = AcceptanceDocument.objects.filter(project=world.project).order_by("pk").first()
    return world


def snapshot(project_id: int) -> dict:
    """Every row of the project's acceptance: what a refusal must leave as it was."""
    return {
        "project": Project.objects.filter(pk=project_id).values().get(),
        "applications": list(AcceptanceApplication.objects.filter(project_id=project_id).order_by("pk").values()),
        "documents": list(AcceptanceDocument.objects.filter(project_id=project_id).order_by("pk").values()),
        "acceptances": list(Acceptance.objects.filter(project_id=project_id).order_by("pk").values()),
        "seats": list(AcceptanceExpert.objects.filter(acceptance__project_id=project_id).order_by("pk").values()),
        "filings": list(AcceptanceFiling.objects.filter(acceptance__project_id=project_id).order_by("pk").values()),
        "assets": list(Asset.objects.filter(project_id=project_id).order_by("pk").values()),
        "suspensions": list(UnitSuspension.objects.order_by("pk").values()),
    }


def refusals_since(seq: int) -> list[tuple[str, str, list[str]]]:
    rows = AuditEvent.objects.filter(seq__gt=seq, event_type__in=("access.denied", "rule.refused")).order_by("seq")
    return [(e.event_type, e.reason, [r["rule"] for r in e.rule_results or []]) for e in rows]


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _url(op: str, project_id: int, **ids) -> str:
    _method, path = {**matrix_acceptance.PROJECT, **matrix_acceptance.REVIEW}[op]
    return API + path.format(project_id=project_id, **ids)


def _file(name: str = "报告.pdf", content: bytes = b"%PDF-1.4 itgov") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _upload(client, project_id: int, kind: str = "test_report", file=None, **extra):
    data = {"kind": kind, **extra}
    if file is not False:
        data["file"] = file or _file()
    return client.client.post(_url("upload", project_id), data, **client.headers)


def _body(op: str, world, district) -> dict:
    today = local_today().isoformat()
    return {
        "reapply": {"summary": "已按验收意见补充性能测试"},
        "refuse": {"reason": "经费不足,无法整改"},
        "schedule": {"scheduled_on": today, "location": "区政务服务中心"},
        "expert_add": {"expert_id": district.expert2.pk},
        "opinion": {"opinion": "passed", "opinion_text": "同意通过"},
        "decision": {"result": "passed", "decided_on": today, "findings": "同意通过竣工验收"},
        "filing": {"filed_on": today, "document_number": "教信〔2026〕3号"},
        "asset": {"name": "政务云服务器", "category": "hardware", "quantity": 2, "value": "180000.00",
                  "custodian_unit_id": district.edu.pk, "location": "区政务云机房"},
    }.get(op, {})


def _request(client, op: str, world, district, project_id: int | None = None):
    pid = world.project.pk if project_id is None else project_id
    ids = {}
    if op == "download":
        ids["document_id"] = world.document.pk if world.document else missing_id(AcceptanceDocument)
    if op in ("expert_remove", "opinion"):
        ids["seat_id"] = world.seat.pk if world.seat else missing_id(AcceptanceExpert)
    url = _url(op, pid, **ids)
    if op == "download":
        return client.get(url)
    if op == "upload":
        return _upload(client, pid)
    if op == "expert_remove":
        return client.call("DELETE", url)
    if op == "receipt":
        return client.post(url)
    return client.post(url, _body(op, world, district))


# --- the matrix ----------------------------------------------------------------------------------------------


def _check_success(op: str, role: str, world, district, response) -> None:
    pid, user, today = world.project.pk, district.users[role], local_today().isoformat()
    if op == "download":
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == b"%PDF-1.4 itgov test"
        return
    if op == "expert_remove":
        assert response.content == b""
        assert not AcceptanceExpert.objects.filter(pk=world.seat.pk).exists()
        return
    body = response.json()
    if op == "upload":
        document = AcceptanceDocument.objects.get(pk=body["id"])
        assert (body["kind"], body["kind_label"], body["name"], body["size"], body["uploaded_by"],
                body["application_number"]) == ("test_report", "测试报告", "报告.pdf", 14, user.display_name, None)
        assert body["download"] == _url("download", pid, document_id=document.pk)
        assert (document.project_id, document.sha256) == (pid, body["sha256"])
    elif op == "reapply":
        assert (body["number"], body["applied_on"], body["late"], body["summary"], body["applied_by"]) == (
            2, today, False, "已按验收意见补充性能测试", user.display_name)
        assert Project.objects.get(pk=pid).status == "acceptance_applied"
        assert AcceptanceDocument.objects.get(project_id=pid, kind="rectification_report").application.number == 2
    elif op == "refuse":
        assert (body["result"], body["refusal_reason"]) == ("failed", "经费不足,无法整改")
        assert body["refused_at"] is not None and body["suspension_id"] is not None
        assert UnitSuspension.objects.get(pk=body["suspension_id"]).unit_id == district.edu.pk
    elif op == "schedule":
        assert (body["scheduled_on"], body["location"], body["organised_by"], body["result"]) == (
            today, "区政务服务中心", user.display_name, "")
    elif op == "expert_add":
        assert (body["name"], body["employer"], body["employer_unit"], body["opinion"]) == ("赵专家", "某研究院", None, "")
    elif op == "opinion":
        assert (body["id"], body["name"], body["opinion"], body["opinion_label"], body["opinion_text"],
                body["recorded_by"]) == (world.seat.pk, "王专家", "passed", "通过", "同意通过", user.display_name)
    elif op == "filing":
        assert (body["filed_on"], body["document_number"], body["filed_by"], body["received_at"]) == (
            today, "教信〔2026〕3号", user.display_name, None)
    elif op == "receipt":
        assert (body["received_by"], body["received_at"] is not None) == (user.display_name, True)
    elif op == "asset":
        assert (body["name"], body["category_label"], body["quantity"], body["value"], body["value_wan"],
                body["custodian_unit"]["code"], body["registered_by"]) == (
            "政务云服务器", "硬件设备", 2, "180000.00", "18.00", "edu", user.display_name)
    else:  # pragma: no cover - a new operation needs its check
        raise AssertionError(op)


def _run_row(op: str, row: dict[str, int], world, district, clients, failures: list[str]) -> None:
    """Ask every role in turn, each inside a savepoint rolled back after its checks; collect what differs."""
    for role, expected in row.items():
        with transaction.atomic():
            before, events_before, seq = snapshot(world.project.pk), business_events(), _last_seq()
            response = _request(clients[role], op, world, district)
            where = f"{op} {world.state} {role}"
            try:
                assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                if expected >= 400:
                    assert (new_events, snapshot(world.project.pk)) == ([], before), where
                body = response.json() if expected >= 400 else None
                if expected == 401:
                    assert body == UNAUTHENTICATED, where
                elif expected == 404:
                    assert body == NOT_FOUND, where
                    other = _request(clients[role], op, world, district, project_id=missing_id(Project))
                    assert other.json() == body, where
                elif expected == 403:
                    assert body == POWER[op][0], f"{where}: {body}"
                elif expected == 409:
                    assert body["error"]["code"] == "conflict", where
                elif expected == 422:
                    assert (body["error"]["rule"], body["error"]["article"]) == (
                        "art22.opinions_before_decision", "第二十二条"), where
                else:
                    _check_success(op, role, world, district, response)
                    assert new_events == EVENTS.get(op, []), f"{where}: {new_events}"
                cited = {403: [("access.denied", POWER.get(op, ("", "", ""))[1], [POWER.get(op, ("", "", ""))[2]])],
                         422: [("rule.refused", "acceptance.pass", ["art22.opinions_before_decision"])]}
                assert refusals_since(seq) == cited.get(expected, []), f"{where}: {refusals_since(seq)}"
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)


def _check_dossier(role: str, world, body: dict) -> None:
    project = world.project
    assert (body["project"]["id"], body["project"]["status"], body["project"]["version"]) == (
        project.pk, "accepted" if world.state == "filed" else "acceptance_applied" if world.state == "scheduled"
        else world.state, project.version)
    assert body["actions"] == ACTIONS[world.state].get(role, []), (role, world.state, body["actions"])
    assert {d["id"] for d in body["documents"]} == set(
        AcceptanceDocument.objects.filter(project=project).values_list("pk", flat=True))


@pytest.mark.parametrize("state", STATES)
def test_acceptance_review_operations(api, district, state):
    world = _world(district, state)
    clients = {role: api(role) for role in COLUMNS}  # tokens issued outside the savepoints
    failures: list[str] = []
    for role in COLUMNS:
        expected = EXPECTED["download"][state][role]
        response = clients[role].get(_url("dossier", world.project.pk))
        if response.status_code != expected:
            failures.append(f"dossier {state} {role}: {response.status_code}")
        elif expected == 200:
            try:
                _check_dossier(role, world, response.json())
            except AssertionError as exc:
                failures.append(f"dossier {state} {role}: {exc}")
    for op, table in EXPECTED.items():
        _run_row(op, table[state], world, district, clients, failures)
    assert not failures, "\n".join(failures)


# --- the dossier -------------------------------------------------------------------------------------------


def test_the_dossier_shows_the_acceptance_its_group_filing_and_assets(api, district):
    # given an accepted project (王专家 in the group, his opinion recorded by DRC), filed with Finance and
    # received, one asset registered
    world = _world(district, "filed")
    pid, today = world.project.pk, local_today().isoformat()
    assert api("finance").post(_url("receipt", pid)).status_code == 200
    assert api("edu").post(_url("asset", pid), _body("asset", world, district)).status_code == 201

    # when edu reads the dossier
    body = api("edu").get(_url("dossier", pid)).json()

    # then everything is there, in order
    [acceptance] = body["acceptances"]
    assert (acceptance["application_number"], acceptance["scheduled_on"], acceptance["location"],
            acceptance["result"], acceptance["result_label"], acceptance["decided_on"], acceptance["findings"],
            acceptance["rectification_due_on"], acceptance["refused_at"], acceptance["suspension_id"]) == (
        1, today, "区政务服务中心", "passed", "通过", today, "同意通过竣工验收", None, None, None)
    [expert] = acceptance["experts"]
    assert (expert["name"], expert["employer"], expert["opinion"], expert["opinion_text"], expert["recorded_by"]) == (
        "王专家", "某大学", "passed", "会议意见", district.users["drc"].display_name)
    filing = acceptance["filing"]
    assert (filing["filed_on"], filing["document_number"], filing["received_by"]) == (
        today, "教信〔2026〕3号", district.users["finance"].display_name)
    [asset] = body["assets"]
    assert (asset["name"], asset["value"], asset["custodian_unit"]["code"]) == ("政务云服务器", "180000.00", "edu")
    assert [(i["kind"], i["required"], i["document"]["application_number"]) for i in body["checklist"][:-1]] == [
        (k, True, 1) for k in ("completion_report", "trial_report", "supervision_report", "test_report", "settlement",
                               "security_assessment")]
    assert (body["checklist"][-1]["kind"], body["checklist"][-1]["document"]) == ("rectification_report", None)
    assert [a["number"] for a in body["applications"]] == [1]
    assert body["actions"] == ["register_asset"]


def test_a_conflicted_experts_employer_is_shown_with_its_unit(api, district):
    # given a health project scheduled: 钱专家 of the education bureau may sit in its group
    world = acceptance_maker(district)("scheduled", owner="health", experts=(district.conflicted_expert,))
    body = api("drc").get(_url("dossier", world.project.pk)).json()
    [expert] = body["acceptances"][0]["experts"]
    assert (expert["name"], expert["employer"], expert["employer_unit"]["code"]) == ("钱专家", "区教育局", "edu")


# --- the rules with their articles ---------------------------------------------------------------------------


def _refused(response, rule: str, article: str) -> dict:
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"]) == ("rule_violation", rule, article), error
    assert f"({article})" in error["message"], error
    return error


def _refused_cleanly(project_id: int, action: str, rule: str, call) -> dict:
    """Run `call` (a refusal by `rule`); assert nothing was written but the `rule.refused` event naming it."""
    before, events_before, seq = snapshot(project_id), business_events(), _last_seq()
    error = call()
    assert (snapshot(project_id), business_events()) == (before, events_before)
    [(event_type, reason, rules)] = refusals_since(seq)
    assert (event_type, reason) == ("rule.refused", action)
    assert rule in rules
    return error


def _apply(api, world):
    return api("edu").post(_url("apply", world.project.pk), {"summary": "系统已按批复建成并试运行"})


def test_an_application_without_its_documents_is_refused(api, district):
    # given edu's supervised level-3 project on trial, nothing uploaded
    world = acceptance_maker(district)("trial_operation")
    pid = world.project.pk

    # when edu applies: refused, naming every missing document
    error = _refused_cleanly(pid, "acceptance.apply", "art22.application_documents", lambda: _refused(
        _apply(api, world), "art22.application_documents", "第二十二条"))
    assert error["fields"] == {"documents": ["缺少:竣工(建设工作)报告、试运行报告、测试报告、财务决算报告、监理总结报告、"
                                             "网络安全等级保护测评报告"]}

    # and with everything but the supervisor's report and the security assessment uploaded over the API
    for kind in ("completion_report", "trial_report", "test_report", "settlement"):
        assert _upload(api("edu"), pid, kind).status_code == 201
    error = _refused_cleanly(pid, "acceptance.apply", "art22.application_documents", lambda: _refused(
        _apply(api, world), "art22.application_documents", "第二十二条"))
    assert error["fields"] == {"documents": ["缺少:监理总结报告、网络安全等级保护测评报告"]}
    assert _upload(api("edu"), pid, "supervision_report").status_code == 201
    error = _refused(_apply(api, world), "art22.application_documents", "第二十二条")
    assert error["fields"] == {"documents": ["缺少:网络安全等级保护测评报告"]}

    # then with the security assessment it is taken, the documents filed with application 1
    assert _upload(api("edu"), pid, "security_assessment").status_code == 201
    assert _apply(api, world).status_code == 201
    assert set(AcceptanceDocument.objects.filter(project_id=pid).values_list("application__number", flat=True)) == {1}


def test_a_level_2_project_needs_no_security_assessment(api, district, monkeypatch):
    import tests.approvals_world as approvals_world

    # given a supervised project approved at protection level 2 (the approval world's application with the level
    # changed; the baseline is immutable). (An unsupervised one cannot be built at the world's estimate of 115万元:
    # art. 19 requires supervision from 100万元.)
    payload = approvals_world.valid_application_payload
    monkeypatch.setattr(approvals_world, "valid_application_payload",
                        lambda **kw: payload(**{**kw, "protection_level": 2}))
    world = acceptance_maker(district)("trial_operation")
    assert world.baseline.protection_level == 2

    # when edu reads the checklist and uploads the five reports
    checklist = api("edu").get(_url("dossier", world.project.pk)).json()["checklist"]
    assert [(i["kind"], i["required"]) for i in checklist] == [
        ("completion_report", True), ("trial_report", True), ("supervision_report", True), ("test_report", True),
        ("settlement", True), ("rectification_report", False)]
    for kind in ("completion_report", "trial_report", "supervision_report", "test_report", "settlement"):
        assert _upload(api("edu"), world.project.pk, kind).status_code == 201

    # then the application is taken without a security assessment
    assert _apply(api, world).status_code == 201


def test_a_conflicted_expert_is_refused(api, district):
    # given edu's project scheduled
    world = acceptance_maker(district)("scheduled")
    pid = world.project.pk

    # when DRC seats 钱专家, employed by the education bureau
    error = _refused_cleanly(pid, "acceptance.expert_add", "art22.expert_independent", lambda: _refused(
        api("drc").post(_url("expert_add", pid), {"expert_id": district.conflicted_expert.pk}),
        "art22.expert_independent", "第二十二条"))

    # then the field is named, and the same expert twice is a conflict
    assert error["fields"] == {"expert_id": ["应当回避"]}
    assert api("drc").post(_url("expert_add", pid), {"expert_id": district.expert.pk}).status_code == 201
    response = api("drc").post(_url("expert_add", pid), {"expert_id": district.expert.pk})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "conflict")


def test_no_decision_before_every_expert_opined(api, district):
    # given edu's project scheduled with 王专家 and 赵专家 in the group, 赵专家's opinion in
    world = acceptance_maker(district)("scheduled", experts=(district.expert, district.expert2))
    pid, today = world.project.pk, local_today().isoformat()
    seats = {s.expert.name: s for s in AcceptanceExpert.objects.filter(acceptance__project_id=pid)}
    response = api("drc").post(_url("opinion", pid, seat_id=seats["赵专家"].pk),
                               {"opinion": "passed", "opinion_text": "同意"})
    assert response.status_code == 200, response.content.decode()

    # when DRC decides: refused, naming who has not opined
    decision = {"result": "passed", "decided_on": today, "findings": "同意", "version": world.project.version}
    error = _refused_cleanly(pid, "acceptance.pass", "art22.opinions_before_decision", lambda: _refused(
        api("drc").post(_url("decision", pid), decision), "art22.opinions_before_decision", "第二十二条"))
    assert "王专家" in error["message"] and "赵专家" not in error["message"], error
    assert error["fields"] == {"experts": ["尚有专家未提交意见"]}

    # then once 王专家 gives his own opinion (recorded as his), the decision is taken
    response = api("expert").post(_url("opinion", pid, seat_id=seats["王专家"].pk),
                                  {"opinion": "passed", "opinion_text": "同意"})
    assert (response.status_code, response.json()["recorded_by"]) == (200, district.users["expert"].display_name)
    again = api("expert").post(_url("opinion", pid, seat_id=seats["王专家"].pk),
                               {"opinion": "failed", "opinion_text": "改主意"})
    assert again.status_code == 409
    events_before = business_events()
    response = api("drc").post(_url("decision", pid), decision)
    assert response.status_code == 200, response.content.decode()
    assert (response.json()["project"]["status"], response.json()["acceptances"][0]["result"]) == ("accepted", "passed")
    assert [e for _s, e in business_events()[len(events_before):]] == ["acceptance.passed"]
    assert Project.objects.get(pk=pid).accepted_on == local_today()


def test_a_decision_before_the_acceptance_day_is_refused(api, district):
    # given edu's project scheduled for tomorrow
    world = acceptance_maker(district)("scheduled")
    pid, today = world.project.pk, local_today()
    assert api("drc").post(_url("schedule", pid), {"scheduled_on": (today + DAY).isoformat()}).status_code == 200

    # when DRC records a result today
    error = _refused(api("drc").post(_url("decision", pid), {"result": "passed", "decided_on": today.isoformat()}),
                     "art22.opinions_before_decision", "第二十二条")

    # then the day is named
    assert error["fields"] == {"decided_on": ["不得早于验收日期"]}


def test_a_failure_needs_findings_and_a_deadline_after_the_decision(api, district):
    # given edu's project scheduled
    world = acceptance_maker(district)("scheduled")
    pid, today = world.project.pk, local_today()
    before = snapshot(pid)

    # when DRC fails it without findings or a deadline: the input is incomplete (400, both fields named)
    response = api("drc").post(_url("decision", pid), {"result": "failed", "decided_on": today.isoformat()})
    assert response.status_code == 400, response.content.decode()
    assert set(response.json()["error"]["fields"]) == {"findings", "rectification_due_on"}

    # and with a deadline on the day of the decision: the rule of art. 23 refuses
    error = _refused_cleanly(pid, "acceptance.fail", "art23.rectification_terms", lambda: _refused(
        api("drc").post(_url("decision", pid), {"result": "failed", "decided_on": today.isoformat(),
                                                "findings": "缺少性能测试", "rectification_due_on": today.isoformat()}),
        "art23.rectification_terms", "第二十三条"))
    assert error["fields"] == {"rectification_due_on": ["整改期限须晚于结论日期"]}
    assert snapshot(pid) == before

    # then with a later deadline the project goes to rectification, no suspension on a first failure
    events_before = business_events()
    response = api("drc").post(_url("decision", pid), {
        "result": "failed", "decided_on": today.isoformat(), "findings": "缺少性能测试",
        "rectification_due_on": (today + 30 * DAY).isoformat()})
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["project"]["status"], body["acceptances"][0]["result"], body["acceptances"][0]["findings"],
            body["acceptances"][0]["rectification_due_on"], body["acceptances"][0]["suspension_id"]) == (
        "rectifying", "failed", "缺少性能测试", (today + 30 * DAY).isoformat(), None)
    assert [e for _s, e in business_events()[len(events_before):]] == ["acceptance.failed"]
    assert active_suspension(district.edu) is None


def test_reapplying_needs_the_rectification_report(api, district):
    # given edu's project failed once, no rectification report yet
    world = acceptance_maker(district)("rectifying")
    pid = world.project.pk
    reapply = {"summary": "已整改"}

    # when edu applies again: refused by art. 23
    error = _refused_cleanly(pid, "acceptance.reapply", "art23.rectified_before_reapply", lambda: _refused(
        api("edu").post(_url("reapply", pid), reapply), "art23.rectified_before_reapply", "第二十三条"))
    assert error["fields"] == {"documents": ["须上传验收整改报告"]}

    # then with the report uploaded it is application 2, the report filed with it
    assert _upload(api("edu"), pid, "rectification_report").status_code == 201
    response = api("edu").post(_url("reapply", pid), reapply)
    assert (response.status_code, response.json()["number"]) == (201, 2), response.content.decode()
    body = api("drc").get(_url("dossier", pid)).json()
    assert [a["number"] for a in body["applications"]] == [2, 1]
    assert [a["application_number"] for a in body["acceptances"]] == [1]
    assert body["checklist"][-1]["document"]["application_number"] == 2
    assert body["actions"] == ["schedule", "pass", "fail"]


# --- the second failure, a refusal, a deadline let pass: the unit's approvals suspended (art. 23) --------------


def _suspended_units() -> set[str]:
    return set(UnitSuspension.objects.filter(lifted_at__isnull=True).values_list("unit__code", flat=True))


def _submit(api, district, owner: str):
    from tests.approvals_world import approval_maker

    project = approval_maker(district)("drafted", owner=owner).project
    return api(owner).post(f"{API}/projects/{project.pk}/initiation/submit", {"version": project.version})


def test_a_second_failure_suspends_the_owner_unit_and_only_it(api, district):
    # given edu's project failed once, rectified and applied again, scheduled
    world = _world(district, "rectifying")
    pid, today = world.project.pk, local_today().isoformat()
    assert api("edu").post(_url("reapply", pid), {"summary": "已整改"}).status_code == 201
    assert api("drc").post(_url("schedule", pid), {"scheduled_on": today}).status_code == 200

    # when DRC fails it again
    events_before = business_events()
    response = api("drc").post(_url("decision", pid), {
        "result": "failed", "decided_on": today, "findings": "性能仍不达标",
        "rectification_due_on": (local_today() + 30 * DAY).isoformat()})

    # then edu (and its sub-units) are suspended, health is not; the acceptance names the suspension
    assert response.status_code == 200, response.content.decode()
    acceptance = response.json()["acceptances"][0]
    assert (acceptance["application_number"], acceptance["result"]) == (2, "failed")
    suspension = UnitSuspension.objects.get(lifted_at__isnull=True)
    assert (acceptance["suspension_id"], suspension.unit.code, suspension.project_id) == (suspension.pk, "edu", pid)
    assert "第二十三条" in suspension.reason
    assert active_suspension(district.edu_school) == suspension and active_suspension(district.health) is None
    assert [e for _s, e in business_events()[len(events_before):]] == ["acceptance.failed", "approval.unit.suspended"]

    # and edu's new initiation application is refused by art. 23, health's is taken
    error = _refused(_submit(api, district, "edu"), "art23.unit_not_suspended", "第二十三条")
    assert error["fields"]["owner_unit"] == ["暂缓审批中"]
    response = _submit(api, district, "health")
    assert response.status_code == 200, response.content.decode()


def test_a_refusal_to_rectify_suspends_the_owner_unit(api, district):
    # given edu's project failed once
    world = acceptance_maker(district)("rectifying")
    pid = world.project.pk

    # when edu declares it will not rectify: the reason is required (400), then recorded
    response = api("edu").post(_url("refuse", pid), {"reason": ""})
    assert (response.status_code, set(response.json()["error"]["fields"])) == (400, {"reason"})
    events_before = business_events()
    response = api("edu").post(_url("refuse", pid), {"reason": "经费不足,无法整改"})

    # then its approvals are suspended, once; a second declaration is a conflict
    assert response.status_code == 200, response.content.decode()
    assert _suspended_units() == {"edu"}
    assert [e for _s, e in business_events()[len(events_before):]] == [
        "acceptance.rectification.refused", "approval.unit.suspended"]
    event = AuditEvent.objects.get(event_type="acceptance.rectification.refused")
    assert (event.reason, event.project_id) == ("经费不足,无法整改", pid)
    assert api("edu").post(_url("refuse", pid), {"reason": "再次声明"}).status_code == 409
    assert api("edu").get(_url("dossier", pid)).json()["actions"] == ["upload", "reapply"]
    _refused(_submit(api, district, "edu"), "art23.unit_not_suspended", "第二十三条")


def test_the_deadline_let_pass_suspends_the_day_after_not_on_the_day(api, district):
    # given edu's project failed, to rectify by D (thirty days on), and health's failed likewise, rectified in time
    world = acceptance_maker(district)("rectifying")
    due = Acceptance.objects.get(project=world.project).rectification_due_on
    assert due == local_today() + 30 * DAY

    # when the nightly job runs on D: nothing happens
    assert services.suspend_overdue_rectifications(due) == 0
    assert _suspended_units() == set()

    # then on D + 1 edu is suspended, the overdue recorded by the system, and the next night changes nothing
    assert services.suspend_overdue_rectifications(due + DAY) == 1
    assert _suspended_units() == {"edu"}
    overdue = AuditEvent.objects.get(event_type="acceptance.rectification.overdue")
    assert (overdue.project_id, overdue.actor_id) == (world.project.pk, None)
    assert services.suspend_overdue_rectifications(due + 2 * DAY) == 0
    acceptance = api("drc").get(_url("dossier", world.project.pk)).json()["acceptances"][0]
    assert acceptance["suspension_id"] == UnitSuspension.objects.get().pk


# --- the documents, the filing, the assets ---------------------------------------------------------------------


def test_a_download_is_audited_and_only_the_projects_document_is_served(api, district):
    world = _world(district, "trial_operation")
    other = _world(district, "trial_operation")
    pid, document = world.project.pk, world.document

    # another project's document under this project's path: not found
    response = api("drc").get(_url("download", pid, document_id=other.document.pk))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)

    # the own one: the file, and the download recorded with the reader
    response = api("audit").get(_url("download", pid, document_id=document.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.filter(event_type="file.downloaded").latest("seq")
    assert (event.project_id, event.actor_id, event.object_id, event.after["sha256"]) == (
        pid, district.users["audit"].pk, str(document.pk), document.sha256)


def test_filing_and_assets_follow_the_pass(api, district):
    # given an accepted project
    world = acceptance_maker(district)("accepted")
    pid, today = world.project.pk, local_today()

    # a filing before the result, or of a day to come: named; Finance cannot receive what was not filed
    response = api("edu").post(_url("filing", pid), {"filed_on": (today - DAY).isoformat()})
    assert (response.status_code, set(response.json()["error"]["fields"])) == (400, {"filed_on"})
    response = api("edu").post(_url("filing", pid), {"filed_on": (today + DAY).isoformat()})
    assert (response.status_code, set(response.json()["error"]["fields"])) == (400, {"filed_on"})
    assert api("finance").post(_url("receipt", pid)).status_code == 409

    # filed, received once
    assert api("edu").post(_url("filing", pid), {"filed_on": today.isoformat()}).status_code == 201
    assert api("edu").post(_url("filing", pid), {"filed_on": today.isoformat()}).status_code == 409
    assert api("finance").post(_url("receipt", pid)).status_code == 200
    assert api("finance").post(_url("receipt", pid)).status_code == 409
    assert [e.event_type for e in AuditEvent.objects.filter(project_id=pid, event_type__startswith="acceptance.fil")
            .order_by("seq")] == ["acceptance.filed", "acceptance.filing.received"]

    # an asset's custodian must be a unit of the district
    body = _body("asset", world, district)
    response = api("edu").post(_url("asset", pid), {**body, "custodian_unit_id": 2**40})
    assert (response.status_code, set(response.json()["error"]["fields"])) == (400, {"custodian_unit_id"})
    response = api("edu").post(_url("asset", pid), {**body, "custodian_unit_id": district.health.pk, "value": "0"})
    assert response.status_code == 201, response.content.decode()
    assert (response.json()["custodian_unit"]["code"], response.json()["value"]) == ("health", "0.00")


# --- bad input -----------------------------------------------------------------------------------------------


BAD_INPUT = {  # state: [(op, body, the fields named)]
    "acceptance_applied": [
        ("schedule", {}, {"scheduled_on"}),
        ("schedule", {"scheduled_on": "2026-02-30"}, {"scheduled_on"}),
        ("schedule", {"scheduled_on": "TODAY", "room": "3楼"}, {"room"}),
        ("schedule", {"scheduled_on": "TODAY", "location": "x" * 121}, {"location"}),
    ],
    "scheduled": [
        ("expert_add", {"expert_id": 0}, {"expert_id"}),
        ("expert_add", {"expert_id": 2**40}, {"expert_id"}),
        ("decision", {"result": "maybe", "decided_on": "TODAY"}, {"result"}),
        ("decision", {"result": "passed"}, {"decided_on"}),
        ("decision", {"result": "passed", "decided_on": "TOMORROW"}, {"decided_on"}),
        ("decision", {"result": "passed", "decided_on": "TODAY", "rectification_due_on": "TOMORROW"},
         {"rectification_due_on"}),
    ],
    "rectifying": [
        ("reapply", {}, {"summary"}),
        ("refuse", {"reason": "拒绝", "late": True}, {"late"}),
    ],
    "accepted": [
        ("filing", {}, {"filed_on"}),
        ("asset", {"name": "服务器", "category": "car", "quantity": 1, "value": "1.00", "custodian_unit_id": 1,
                   "location": "机房"}, {"category"}),
        ("asset", {"name": "服务器", "category": "hardware", "quantity": 0, "value": "-1", "custodian_unit_id": 1,
                   "location": "机房"}, {"quantity", "value"}),
    ],
}


@pytest.mark.parametrize("state", list(BAD_INPUT))
def test_bad_input_is_refused_naming_the_field(api, district, state):
    world = acceptance_maker(district)(state)
    days = {"TODAY": 0, "TOMORROW": 1}
    for op, body, fields in BAD_INPUT[state]:
        body = {k: (local_today() + dt.timedelta(days=days[v])).isoformat() if v in days else v
                for k, v in body.items()}
        before, events_before, seq = snapshot(world.project.pk), business_events(), _last_seq()

        response = api("drc" if op in ("schedule", "expert_add", "decision") else "edu").post(
            _url(op, world.project.pk), body)

        assert response.status_code == 400, (op, body, response.content.decode())
        assert set(response.json()["error"]["fields"]) == fields, (op, body, response.json())
        assert (snapshot(world.project.pk), business_events(), refusals_since(seq)) == (before, events_before, [])


def test_a_bad_upload_is_refused_naming_the_field(api, district):
    world = acceptance_maker(district)("trial_operation")
    for kind, file, fields in [
        ("bogus", None, {"kind"}),
        ("", None, {"kind"}),
        ("test_report", False, {"file"}),
        ("test_report", SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream"), {"file"}),
        ("test_report", SimpleUploadedFile("empty.pdf", b"", "application/pdf"), {"file"}),
    ]:
        before, events_before = snapshot(world.project.pk), business_events()

        response = _upload(api("edu"), world.project.pk, kind, file)

        assert response.status_code == 400, (kind, response.content.decode())
        assert set(response.json()["error"]["fields"]) == fields, (kind, response.json())
        assert (snapshot(world.project.pk), business_events()) == (before, events_before)


def test_a_stale_version_is_a_conflict(api, district):
    world = acceptance_maker(district)("scheduled")
    pid = world.project.pk
    body = {"result": "passed", "decided_on": local_today().isoformat(), "version": world.project.version - 1}
    before = snapshot(pid)
    response = api("drc").post(_url("decision", pid), body)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "conflict")
    assert snapshot(pid) == before


# --- two decisions at once -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_decisions_on_one_applied_project_have_one_winner(district):
    from itgov.accounts.services import api_token_issue
    from itgov.core.tests.test_concurrency import run_concurrently

    # given a scheduled acceptance, and two DRC sessions deciding it at once with the version they read: one
    # passes, one fails
    world = acceptance_maker(district)("scheduled")
    tokens = iter([api_token_issue(actor=None, user=district.users["drc"]) for _ in range(2)])
    results = iter(["passed", "failed"])
    url = _url("decision", world.project.pk)
    today = local_today()

    def decide(token, result):
        body = json.dumps({"result": result, "decided_on": today.isoformat(), "findings": "结论",
                           "rectification_due_on": (today + 30 * DAY).isoformat() if result == "failed" else None,
                           "version": world.project.version})
        response = Client().post(url, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        return response.status_code, result

    outcomes = run_concurrently(lambda: decide(next(tokens), next(results)), n=2)

    # then one decides and the other is told the project changed; the acceptance carries the winner's result
    assert sorted(status for status, _r in outcomes) == [200, 409], outcomes
    winner = next(result for status, result in outcomes if status == 200)
    acceptance = Acceptance.objects.get(project=world.project)
    assert acceptance.result == winner
    assert Project.objects.get(pk=world.project.pk).status == {"passed": "accepted", "failed": "rectifying"}[winner]
    assert AuditEvent.objects.filter(event_type__in=("acceptance.passed", "acceptance.failed"),
                                     project_id=world.project.pk).count() == 1


# --- the calendar and the portfolio ----------------------------------------------------------------------------


GLOBAL_EXPECTED = {  # anonymous admin drc finance audit cyber gov edu health supervisor expert
    "calendar": dict(zip(COLUMNS, (401, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200), strict=True)),
    "projects": dict(zip(COLUMNS, (401, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200), strict=True)),
}


def test_the_global_table_covers_every_operation():
    assert set(GLOBAL_EXPECTED) == set(matrix_acceptance.GLOBAL)


def _global(client, op: str, query: str = ""):
    return client.get(API + matrix_acceptance.GLOBAL[op][1] + query)


@pytest.mark.parametrize("op", list(GLOBAL_EXPECTED))
def test_who_reads_the_calendar_and_the_portfolio(api, district, op):
    # given edu's project scheduled today with 王专家, health's on trial
    edu = acceptance_maker(district)("scheduled", experts=(district.expert,))
    health = acceptance_maker(district)("trial_operation", owner="health")
    both = {edu.project.pk, health.project.pk}
    sees = {"drc": both, "finance": both, "audit": both, "cyber": both, "gov": both, "edu": {edu.project.pk},
            "health": {health.project.pk}, "supervisor": both, "expert": {edu.project.pk}}
    failures = []
    for role, expected in GLOBAL_EXPECTED[op].items():
        events_before = business_events()
        response = _global(api(role), op, "?limit=200" if op == "projects" else "")
        if response.status_code != expected:
            failures.append(f"{op} {role}: {response.status_code}")
            continue
        if business_events() != events_before:
            failures.append(f"{op} {role}: wrote events")
        if expected == 401:
            assert response.json() == UNAUTHENTICATED
        elif expected == 403:
            assert response.json()["error"]["code"] == "forbidden"
        else:
            body = response.json()
            seen = ({i["id"] for i in body["items"]} if op == "projects"
                    else {e["project"]["id"] for e in body["entries"] if e["kind"] == "acceptance"}
                    | {e["project"]["id"] for e in body["entries"] if e["kind"] != "acceptance"})
            wanted = sees[role]
            if op == "calendar":  # this month: edu's acceptance today; health's trial dates fall in other months
                wanted = sees[role] & {edu.project.pk}
            if seen != wanted:
                failures.append(f"{op} {role}: {seen} != {wanted}")
    assert not failures, "\n".join(failures)


def test_the_calendar_lists_the_days_of_the_month(api, district):
    # given edu's project scheduled today, edu's on trial since T = four months ago, health's failed (deadline D)
    today = local_today()
    scheduled = acceptance_maker(district)("scheduled")
    on_trial = acceptance_maker(district)("trial_operation")
    failed = acceptance_maker(district)("rectifying", owner="health")
    t, due = on_trial.trial, today + 30 * DAY

    def entries(role: str, day: dt.date):
        response = _global(api(role), "calendar", f"?month={day:%Y-%m}")
        assert response.status_code == 200, response.content.decode()
        body = response.json()
        assert (body["month"], body["first"]) == (f"{day:%Y-%m}", day.replace(day=1).isoformat())
        return [(e["date"], e["kind"], e["project"]["id"]) for e in body["entries"]]

    # then each kind falls on its day, in the month it falls in, for whoever sees the project
    drc_now = entries("drc", today)
    assert (today.isoformat(), "acceptance", scheduled.project.pk) in drc_now
    assert (add_months(t, 3).isoformat(), "may_apply", on_trial.project.pk) in entries("drc", add_months(t, 3))
    assert (add_months(t, 6).isoformat(), "application_due", on_trial.project.pk) in entries(
        "drc", add_months(t, 6))
    assert (due.isoformat(), "rectification_due", failed.project.pk) in entries("drc", due)
    assert failed.project.pk not in {pid for _d, _k, pid in entries("edu", due)}
    assert drc_now == sorted(drc_now, key=lambda e: e[0])
    body = _global(api("drc"), "calendar", f"?month={today:%Y-%m}").json()
    entry = next(e for e in body["entries"] if e["kind"] == "acceptance")
    assert (entry["kind_label"], entry["location"], entry["acceptance_id"]) == (
        "竣工验收", "区政务服务中心", scheduled.acceptance.pk)


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "26-01", "abc", "1999-12"])
def test_a_bad_month_is_refused_naming_it(api, district, month):
    response = _global(api("drc"), "calendar", f"?month={month}")
    assert response.status_code == 400, response.content.decode()
    assert set(response.json()["error"]["fields"]) == {"month"}


def test_the_portfolio_shows_the_latest_application_and_filters_by_status(api, district):
    # given edu's project on trial, one applied, one rectifying after a failure
    trial = acceptance_maker(district)("trial_operation")
    applied = acceptance_maker(district)("acceptance_applied")
    failed = acceptance_maker(district)("rectifying")
    today = local_today().isoformat()

    body = _global(api("drc"), "projects", "?limit=200").json()
    items = {i["id"]: i for i in body["items"]}
    assert body["count"] == 3
    assert (items[trial.project.pk]["application_number"], items[trial.project.pk]["scheduled_on"]) == (None, None)
    assert (items[applied.project.pk]["application_number"], items[applied.project.pk]["applied_on"],
            items[applied.project.pk]["scheduled_on"], items[applied.project.pk]["result"]) == (1, today, None, "")
    f = items[failed.project.pk]
    assert (f["status"], f["application_number"], f["scheduled_on"], f["result"], f["rectification_due_on"]) == (
        "rectifying", 1, today, "failed", (local_today() + 30 * DAY).isoformat())

    # the filter; after the reapplication the latest application has no acceptance yet
    upload(failed, "rectification_report")
    services.acceptance_reapply(actor=failed.owner, project=fresh(failed.project), data={"summary": "已整改"})
    body = _global(api("drc"), "projects", "?status=acceptance_applied&status=rectifying").json()
    assert {(i["id"], i["application_number"], i["scheduled_on"], i["result"]) for i in body["items"]} == {
        (applied.project.pk, 1, None, ""), (failed.project.pk, 2, None, "")}
    response = _global(api("drc"), "projects", "?status=draft")
    assert (response.status_code, set(response.json()["error"]["fields"])) == (400, {"status"})


# --- query counts --------------------------------------------------------------------------------------------


def _queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return len(ctx.captured_queries), response.json()


def _more_records(world, district, n: int) -> None:
    """n more documents, assets and experts (with opinions) on the accepted project: rows written directly."""
    acceptance = Acceptance.objects.get(project=world.project)
    for i in range(n):
        AcceptanceDocument.objects.create(project=world.project, application=acceptance.application,
                                          kind="test_report", file=f"acceptance/x{i}.pdf", name=f"x{i}.pdf", size=1,
                                          sha256="0" * 64, uploaded_by=world.owner)
        Asset.objects.create(project=world.project, acceptance=acceptance, name=f"设备{i}", category="hardware",
                             quantity=1, value="1000.00", custodian_unit=district.edu, location="机房",
                             registered_by=world.owner)
        from itgov.organizations.models import Expert

        expert = Expert.objects.create(jurisdiction=district.edu.jurisdiction, name=f"专家{i}", specialty="信息",
                                       employer="某大学")
        AcceptanceExpert.objects.create(acceptance=acceptance, expert=expert, opinion="passed", opinion_text="同意",
                                        recorded_by=world.drc)


@pytest.mark.parametrize("role", ["drc", "edu", "expert", "finance"])
def test_the_dossier_costs_the_same_with_more_records(api, district, role):
    world = _world(district, "filed")
    client, url = api(role), _url("dossier", world.project.pk)
    client.get(url)  # warm up: the token's last-used time is written once
    small, small_body = _queries(client, url)
    _more_records(world, district, 8)
    large, large_body = _queries(client, url)
    assert (len(small_body["assets"]), len(large_body["assets"])) == (0, 8)
    assert len(large_body["acceptances"][0]["experts"]) == 9
    assert large == small, (small, large)


def _add_stage_projects(district, n: int) -> None:
    """n projects of edu in the acceptance stage, each applied, scheduled and failed: rows written directly."""
    from tests.factories import ProjectFactory

    today = local_today()
    for _ in range(n):
        project = ProjectFactory(owner_unit=district.edu, status="rectifying", trial_started_on=today - 120 * DAY)
        application = AcceptanceApplication.objects.create(project=project, number=1, trial_started_on=today - 120 * DAY,
                                                           applied_on=today, summary="已建成")
        Acceptance.objects.create(application=application, project=project, scheduled_on=today, result="failed",
                                  decided_on=today, findings="不通过", rectification_due_on=today + 30 * DAY)


@pytest.mark.parametrize("op", ["projects", "calendar"])
def test_the_lists_cost_the_same_at_3_and_30_projects(api, district, op):
    client = api("drc")
    query = "?limit=200" if op == "projects" else f"?month={local_today() + 30 * DAY:%Y-%m}"
    _global(client, op, query)  # warm up
    _add_stage_projects(district, 3)
    small, small_body = _queries(client, API + matrix_acceptance.GLOBAL[op][1] + query)
    _add_stage_projects(district, 27)
    large, large_body = _queries(client, API + matrix_acceptance.GLOBAL[op][1] + query)
    if op == "projects":
        assert (small_body["count"], large_body["count"], len(large_body["items"])) == (3, 30, 30)
    else:
        assert (len(small_body["entries"]), len(large_body["entries"])) == (3, 30)
    assert large == small, (small, large)
