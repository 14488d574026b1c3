"""Audit cooperation (art. 25) over /api/v1.

The authorization matrix: every operation × every role of the district and anonymous, on edu's building project
under the audit bureau's open case with a request to edu that edu has answered with a file, with the exact status,
following itgov/oversight/policies.py and the services:
- visibility: the audit bureau and DRC read every case (DRC reads, writes nothing: its 403 cites 第二十五条); every
  other role lists no case and gets 404 on one; a request is seen by the audit bureau, DRC and the unit it is
  addressed to (edu); an answer's file likewise;
- power: only the audit bureau opens, extends and closes a case and sends a request (403 citing 第二十五条 to DRC,
  and to anyone on a case open, which needs no case to see); only the addressee unit answers (403 citing 第二十五条
  to the audit bureau and DRC); the dossier is exported by the audit bureau, DRC and edu — the other roles that see
  the project (finance, cyberspace, government, the supervision firm) get 403 citing 第二十五条, the others 404.
A refusal leaves the case, its requests and answers and the business audit trail as they were; a 403 is recorded as
`access.denied` naming the action and the rule.

Then: bad input (400 naming the field), the deadline rule (422), answers with files and their supplement, no way to
edit or withdraw an answer, the dossier archive (the manifest's hashes, a payment and an audit event in it, query
count constant in the project's records), and the list endpoints' query counts."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from itgov.audit.models import AuditEvent
from itgov.core.dates import local_today
from itgov.oversight.models import AuditAnswer, AuditAnswerFile, AuditCase, AuditRequest
from itgov.oversight.tests.world import oversight_maker, pdf

from . import matrix_oversight
from .conftest import API, NOT_FOUND, UNAUTHENTICATED, business_events, project_maker

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
POWER = {"error": {"code": "forbidden", "article": "第二十五条",
                   "message": "只有区审计局可以开展审计:立项、增加被审计项目、发出调阅要求和结案(第二十五条)"}}
COOPERATES = {"error": {"code": "forbidden", "article": "第二十五条",
                        "message": "只有被调阅的项目建设单位可以报送审计资料;报送后不得撤回或修改,只能补充(第二十五条)"}}
READERS = {"error": {"code": "forbidden", "article": "第二十五条",
                     "message": "只有区审计局、区发改委(大数据局)和项目建设单位可以导出项目档案(第二十五条)"}}
# The 403 body and the refusal recorded (action, rule) of each operation.
DENIAL = {
    "case_open": (POWER, "oversight.case_open", "art25.audit_bureau_audits"),
    "case_add_project": (POWER, "oversight.case_add_project", "art25.audit_bureau_audits"),
    "case_close": (POWER, "oversight.case_close", "art25.audit_bureau_audits"),
    "request_send": (POWER, "oversight.request_send", "art25.audit_bureau_audits"),
    "answer_submit": (COOPERATES, "oversight.answer_submit", "art25.unit_cooperates"),
    "dossier": (READERS, "oversight.dossier_export", "art25.dossier_readers"),
}
EVENTS = {"case_open": ["oversight.case.opened"], "case_add_project": ["oversight.case.project_added"],
          "case_close": ["oversight.case.closed"], "request_send": ["oversight.request.sent"],
          "answer_submit": ["oversight.answer.submitted"], "answer_file": ["file.downloaded"],
          "dossier": ["oversight.dossier.exported"]}


def _row(text: str) -> dict[str, int]:
    codes = text.split()
    assert len(codes) == len(COLUMNS), text
    return dict(zip(COLUMNS, map(int, codes), strict=True))


# Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
EXPECTED = {
    "case_list":          _row("401 200 200 200 200 200 200 200 200 200 200"),
    "case_open":          _row("401 403 403 403 201 403 403 403 403 403 403"),
    "requests_addressed": _row("401 200 200 200 200 200 200 200 200 200 200"),
    "case_detail":        _row("401 404 200 404 200 404 404 404 404 404 404"),
    "case_add_project":   _row("401 404 403 404 200 404 404 404 404 404 404"),
    "case_close":         _row("401 404 403 404 200 404 404 404 404 404 404"),
    "request_send":       _row("401 404 403 404 201 404 404 404 404 404 404"),
    "request_detail":     _row("401 404 200 404 200 404 404 200 404 404 404"),
    "answer_submit":      _row("401 404 403 404 403 404 404 201 404 404 404"),
    "answer_file":        _row("401 404 200 404 200 404 404 200 404 404 404"),
    "dossier":            _row("401 404 200 403 200 403 403 200 404 403 404"),
}
# What each role finds in the lists: (cases, requests addressed to it).
LISTED = {"drc": (1, 0), "audit": (1, 0), "edu": (0, 1)}


@pytest.fixture
def api(api):
    """Every caller's token issued up front: issuing one is audited, and the tests compare the audit trail."""
    for role in COLUMNS:
        api(role)
    return api


@pytest.fixture
def world(district):
    world = oversight_maker(district)(answered=True)
    world.other = project_maker(district)("proposed", owner="health")  # a project to add to the case
    world.file = AuditAnswerFile.objects.get(answer=world.answer)
    return world


def test_the_tables_cover_every_oversight_operation():
    ops = {**matrix_oversight.GLOBAL, **matrix_oversight.CASE, **matrix_oversight.REQUEST, **matrix_oversight.FILE,
           **matrix_oversight.PROJECT}
    assert set(EXPECTED) == set(ops) and len(ops) == len(matrix_oversight.OPERATIONS)


def _path(op: str, world, **ids) -> str:
    method_path = {**matrix_oversight.GLOBAL, **matrix_oversight.CASE, **matrix_oversight.REQUEST,
                   **matrix_oversight.FILE, **matrix_oversight.PROJECT}[op]
    ids = {"case_id": world.case.pk, "request_id": world.request.pk, "file_id": world.file.pk,
           "project_id": world.project.pk, **ids}
    return API + method_path[1].format(**ids)


def _due(days: int = 7) -> str:
    return (local_today() + dt.timedelta(days=days)).isoformat()


def _call(client, op: str, world, **ids):
    url = _path(op, world, **ids)
    if op == "case_open":
        return client.post(url, {"title": "第二项审计", "scope": "合同管理", "project_ids": [world.project.pk]})
    if op == "case_add_project":
        return client.post(url, {"project_id": world.other.pk, "version": world.case.version})
    if op == "case_close":
        return client.post(url, {"closing_summary": "未发现重大问题", "version": world.case.version})
    if op == "request_send":
        return client.post(url, {"project_id": world.project.pk, "kind": "explanation", "subject": "说明支付",
                                 "text": "请说明第一期支付依据", "due_on": _due()})
    if op == "answer_submit":
        return client.client.post(url, {"text": "补充说明", "files": [pdf("补充.pdf")]}, **client.headers)
    return client.get(url)


def _snapshot(world) -> dict:
    return {"cases": list(AuditCase.objects.order_by("pk").values()),
            "projects": sorted(AuditCase.projects.through.objects.values_list("auditcase_id", "project_id")),
            "requests": list(AuditRequest.objects.order_by("pk").values()),
            "answers": list(AuditAnswer.objects.order_by("pk").values()),
            "files": list(AuditAnswerFile.objects.order_by("pk").values())}


def _refusals_since(seq: int) -> list:
    rows = AuditEvent.objects.filter(seq__gt=seq, event_type__in=("access.denied", "rule.refused")).order_by("seq")
    return [(e.event_type, e.reason, [r["rule"] for r in e.rule_results or []]) for e in rows]


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _check_success(op: str, role: str, world, response) -> None:
    if op in ("answer_file", "dossier"):
        content = b"".join(response.streaming_content)
        if op == "answer_file":
            assert (content, response["Content-Type"]) == (b"%PDF-1.4 itgov audit answer", "application/pdf")
        else:
            assert response["Content-Type"] == "application/zip" and zipfile.is_zipfile(io.BytesIO(content))
        return
    body = response.json()
    cases, addressed = LISTED.get(role, (0, 0))
    if op == "case_list":
        assert [c["number"] for c in body["items"]] == [world.case.number] * cases
    elif op == "requests_addressed":
        assert [r["id"] for r in body["items"]] == [world.request.pk] * addressed
    elif op == "case_open":
        assert (body["number"].endswith("〔%d〕2号" % local_today().year), [p["id"] for p in body["projects"]]) == (
            True, [world.project.pk])
    elif op == "case_detail":
        assert (body["id"], body["status"], body["projects_count"], body["requests_count"]) == (
            world.case.pk, "open", 1, 1)
        (request,) = body["requests"]
        assert (request["state"], request["state_label"], [a["sequence"] for a in request["answers"]]) == (
            "answered", "已报送", [1])
        assert request["answers"][0]["files"][0]["sha256"] == world.file.sha256
    elif op == "case_add_project":
        assert ({p["id"] for p in body["projects"]}, body["version"]) == ({world.project.pk, world.other.pk}, 2)
    elif op == "case_close":
        assert (body["status"], body["closed_on"], body["closing_summary"]) == (
            "closed", local_today().isoformat(), "未发现重大问题")
    elif op == "request_send":
        assert (body["addressee"]["code"], body["state"], body["kind"], body["answers"]) == (
            "edu", "open", "explanation", [])
    elif op == "request_detail":
        assert (body["id"], body["case"]["number"], body["state"]) == (world.request.pk, world.case.number, "answered")
    elif op == "answer_submit":
        assert [(a["sequence"], [f["name"] for f in a["files"]]) for a in body["answers"]] == [
            (1, ["合同台账.pdf"]), (2, ["补充.pdf"])]
    else:  # pragma: no cover - a new operation needs its check
        raise AssertionError(op)


def test_oversight_operations(api, district, world):
    clients = {role: api(role) for role in COLUMNS}
    failures: list[str] = []
    for op, row in EXPECTED.items():
        for role, expected in row.items():
            with transaction.atomic():
                before, events_before, seq = _snapshot(world), business_events(), _last_seq()
                response = _call(clients[role], op, world)
                where = f"{op} {role}"
                try:
                    assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                    new_events = [e for _seq, e in business_events()[len(events_before):]]
                    if expected >= 400:
                        assert (new_events, _snapshot(world)) == ([], before), where
                    if expected == 401:
                        assert response.json() == UNAUTHENTICATED, where
                    elif expected == 404:
                        assert response.json() == NOT_FOUND, where
                    elif expected == 403:
                        body, action, rule = DENIAL[op]
                        assert response.json() == body, f"{where}: {response.json()}"
                        assert _refusals_since(seq) == [("access.denied", action, [rule])], where
                    else:
                        _check_success(op, role, world, response)
                        assert new_events == EVENTS.get(op, []), f"{where}: {new_events}"
                        assert _refusals_since(seq) == [], where
                except Exception as exc:  # every differing cell is reported, not only the first
                    failures.append(f"{where}: {type(exc).__name__}: {exc}")
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def test_a_missing_case_request_file_or_project_is_404_like_a_hidden_one(api, world):
    audit = api("audit")
    for op, ids in (("case_detail", {"case_id": 10**9}), ("request_send", {"case_id": 10**9}),
                    ("request_detail", {"request_id": 10**9}), ("answer_submit", {"request_id": 10**9}),
                    ("answer_file", {"file_id": 10**9}), ("dossier", {"project_id": 10**9})):
        response = _call(audit if op != "answer_submit" else api("edu"), op, world, **ids)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), op


# --- bad input and the rule ------------------------------------------------------------------------------------


def _fields(response) -> dict:
    assert response.status_code == 400, response.content.decode()
    return response.json()["error"]["fields"]


def test_bad_input_names_the_field(api, world, make_project):
    audit, edu = api("audit"), api("edu")
    cases = API + "/oversight/cases"
    assert set(_fields(audit.post(cases, {"scope": "x", "project_ids": [world.project.pk]}))) == {"title"}
    assert set(_fields(audit.post(cases, {"title": "x", "scope": "y", "project_ids": []}))) == {"project_ids"}
    assert set(_fields(audit.post(cases, {"title": "x", "scope": "y", "project_ids": [world.project.pk],
                                          "status": "closed"}))) == {"status"}
    classified = make_project("proposed", classified=True)
    assert _fields(audit.post(cases, {"title": "x", "scope": "y", "project_ids": [classified.pk]})) == {
        "project_ids": [f"项目不存在或无权查看:{classified.pk}"]}
    send = _path("request_send", world)
    base = {"project_id": world.project.pk, "kind": "documents", "subject": "调阅", "text": "请提供", "due_on": _due()}
    assert set(_fields(audit.post(send, {**base, "kind": "gift"}))) == {"kind"}
    assert set(_fields(audit.post(send, {**base, "due_on": "2026-02-30"}))) == {"due_on"}
    assert _fields(audit.post(send, {**base, "project_id": world.other.pk})) == {
        "project_id": ["须为本审计案件的被审计项目"]}
    assert set(_fields(audit.post(_path("case_close", world), {"closing_summary": ""}))) == {"closing_summary"}
    answers = _path("answer_submit", world)
    assert _fields(edu.client.post(answers, {"text": " "}, **edu.headers)) == {"text": ["须填写说明或上传至少一个文件"]}
    bad = SimpleUploadedFile("说明.exe", b"MZ", content_type="application/octet-stream")
    assert _fields(edu.client.post(answers, {"text": "x", "files": [bad]}, **edu.headers)) == {
        "files": ["说明.exe:只接受 PDF、OFD、Word、WPS 或 ZIP 文件"]}
    assert AuditAnswer.objects.count() == 1 and AuditRequest.objects.count() == 1
    assert AuditCase.objects.count() == 1


@pytest.fixture
def make_project(district):
    return project_maker(district)


@pytest.mark.parametrize("days", [0, -3])
def test_a_deadline_not_after_today_is_refused_with_the_article(api, world, days):
    seq = _last_seq()
    response = api("audit").post(_path("request_send", world), {
        "project_id": world.project.pk, "kind": "documents", "subject": "调阅", "text": "请提供", "due_on": _due(days)})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["rule"], error["article"], error["fields"]) == (
        "art25.request_deadline", "第二十五条", {"due_on": ["须晚于今天"]})
    assert "报送期限须晚于今天(第二十五条)" in error["message"]
    assert AuditRequest.objects.count() == 1
    assert _refusals_since(seq) == [("rule.refused", "oversight.request_send", ["art25.request_deadline"])]


def test_a_closed_case_takes_nothing_more(api, world):
    audit = api("audit")
    assert audit.post(_path("case_close", world), {"closing_summary": "结论"}).status_code == 200
    for response in (audit.post(_path("case_close", world), {"closing_summary": "再次"}),
                     audit.post(_path("case_add_project", world), {"project_id": world.other.pk}),
                     _call(audit, "request_send", world),
                     _call(api("edu"), "answer_submit", world)):
        assert (response.status_code, response.json()["error"]["code"]) == (409, "conflict")
    stale = audit.post(_path("case_add_project", world), {"project_id": world.other.pk, "version": 1})
    assert stale.status_code == 409


# --- answers: supplemented, never edited nor withdrawn ---------------------------------------------------------


def test_an_answer_is_never_edited_nor_withdrawn_over_the_api(api, world):
    edu, stored = api("edu"), _snapshot(world)
    answers = _path("answer_submit", world)
    for method in ("put", "patch", "delete"):
        for url in (answers, f"{answers}/{world.answer.pk}", _path("answer_file", world),
                    _path("request_detail", world)):
            response = getattr(edu.client, method)(url, "{}", content_type="application/json", **edu.headers)
            assert response.status_code in (404, 405), (method, url, response.status_code)
    assert _snapshot(world) == stored
    # A supplement is a further answer, numbered 2.
    response = edu.client.post(answers, {"text": "补充:第二期支付凭证", "files": [pdf("凭证.pdf")]}, **edu.headers)
    assert response.status_code == 201
    assert [(a["sequence"], a["text"]) for a in response.json()["answers"]] == [
        (1, "已提供合同"), (2, "补充:第二期支付凭证")]
    assert _snapshot(world)["answers"][0] == stored["answers"][0]


def test_the_addressee_lists_its_requests_by_state(api, world, district):
    from itgov.oversight import services

    services.request_send(actor=world.audit, case=world.case, data={
        "project_id": world.project.pk, "kind": "explanation", "subject": "说明", "text": "请说明", "due_on": _due(3)})
    edu = api("edu")
    body = edu.get("/oversight/requests").json()
    assert [r["state"] for r in body["items"]] == ["open", "answered"]
    assert [r["id"] for r in edu.get("/oversight/requests?state=answered").json()["items"]] == [world.request.pk]
    assert _fields(edu.get("/oversight/requests?state=lost")) == {"state": ["须为以下之一:''、'open'、'overdue'、'answered'、'answered_late'"]}


# --- the dossier -----------------------------------------------------------------------------------------------


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:300]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_dossier_holds_every_record_file_and_event_with_their_hashes(api, world, district):
    archive = _archive(api("audit").get(f"/projects/{world.project.pk}/dossier.zip"))
    manifest = json.loads(archive.read("manifest.json"))
    names = set(archive.namelist())
    assert {"manifest.json", "project.json", "events.csv"} <= names
    assert manifest["exported_by"]["name"] == world.audit.display_name and manifest["exported_at"]
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json"}
    for entry in manifest["files"]:
        content = archive.read(entry["path"])
        assert (len(content), hashlib.sha256(content).hexdigest()) == (entry["size"], entry["sha256"]), entry["path"]
    # The records: the project, a payment, the application's documents, the answer with its file.
    rows = json.loads(archive.read("project.json"))
    models = {row["model"] for row in rows}
    assert {"projects.project", "construction.payment", "construction.contract", "approvals.initiationapplication",
            "approvals.applicationdocument", "approvals.baseline", "oversight.auditcase", "oversight.auditrequest",
            "oversight.auditanswer", "oversight.auditanswerfile"} <= models
    (payment,) = [row for row in rows if row["model"] == "construction.payment"]
    assert (payment["fields"]["project"], payment["fields"]["amount"]) == (world.project.pk, "10000.00")
    assert manifest["records"]["construction.payment"] == 1
    # Every file of those rows: the application's reports and the answer's file.
    files = [f["path"] for f in manifest["files"] if f["path"].startswith("files/")]
    assert any(p.startswith("files/approvals.applicationdocument/") for p in files)
    answer_file = [p for p in files if p.startswith("files/oversight.auditanswerfile/")]
    assert len(answer_file) == 1 and archive.read(answer_file[0]) == b"%PDF-1.4 itgov audit answer"
    # The events of the project, the payment's among them.
    events = list(csv.reader(io.StringIO(archive.read("events.csv").decode("utf-8-sig"))))
    assert events[0][:4] == ["序号", "时间", "事件类型", "事件"]
    types = [row[2] for row in events[1:]]
    assert "construction.payment.recorded" in types or "payment.recorded" in types or any(
        "payment" in t for t in types), types
    assert "oversight.answer.submitted" in types
    assert all(row[11] == str(world.project.pk) for row in events[1:])
    # The export is audited.
    event = AuditEvent.objects.filter(event_type="oversight.dossier.exported").get()
    assert (event.project_id, event.actor_id, event.after["records"]["construction.payment"]) == (
        world.project.pk, world.audit.pk, 1)


def test_the_owner_units_dossier_leaves_out_what_it_may_not_read(api, world):
    archive = _archive(api("edu").get(f"/projects/{world.project.pk}/dossier.zip"))
    models = {row["model"] for row in json.loads(archive.read("project.json"))}
    assert "oversight.auditcase" not in models and "approvals.approvalreview" not in models
    assert {"oversight.auditrequest", "oversight.auditanswer", "construction.payment"} <= models
    events = list(csv.reader(io.StringIO(archive.read("events.csv").decode("utf-8-sig"))))
    assert "access.denied" not in {row[2] for row in events[1:]}


def test_the_dossiers_query_count_does_not_grow_with_the_records(api, district):
    make = oversight_maker(district)
    small, large = make(answered=True), make(answered=True, payments=4, contracts=3, requests=3)
    audit = api("audit")
    _archive(audit.get(f"/projects/{small.project.pk}/dossier.zip"))  # warm: the first request's one-off reads
    counts = []
    for world in (small, large):
        with CaptureQueriesContext(connection) as queries:
            _archive(audit.get(f"/projects/{world.project.pk}/dossier.zip"))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_list_endpoints_query_count_does_not_grow(api, district):
    make = oversight_maker(district)
    make(answered=True)
    audit, edu = api("audit"), api("edu")
    audit.get("/oversight/cases"), edu.get("/oversight/requests")  # warm: the first request's one-off reads
    counts = []
    for _ in range(2):
        row = []
        for client, path in ((audit, "/oversight/cases"), (edu, "/oversight/requests")):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            row.append(len(queries))
        counts.append(row)
        make(answered=True, requests=3)
    assert counts[0] == counts[1], counts
    assert (AuditCase.objects.count(), len(edu.get("/oversight/requests").json()["items"])) == (3, 7)
