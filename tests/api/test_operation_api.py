"""Operation (art. 12, 23, 24) over /api/v1.

The authorization matrix: every operation × every role of the district and anonymous × three states of edu's
project — accepted today (a funding request of this year awaiting Finance), in operation since 13 months back (the
self-evaluation window open) and evaluated (its report submitted) — with the exact status, following
itgov/operation/policies.py and the services:
- visibility: edu's project is seen by the five bureaus, edu and its supervisor; sysadmin, health and an expert
  outside its groups get 404, exactly like a missing id; the portfolio is for the owner units and the bureaus (403
  to the others);
- power: only the owner unit goes live, evaluates, records the arrangement (403 citing 第二十四条) and requests O&M
  funds (403 citing 第十二条); only Finance decides (403 citing 第十二条); with the power in the wrong state: 409.
A refusal leaves the rows and the business audit trail as they were; each success writes its events.

Then bad input (400 naming the field), the rules (422 naming rule and article: 第二十三条 go-live before a pass,
第二十四条 the window, 第十二条 warranty and acceptance), the PDF, the portfolio's filters and query count, and two
decisions at once (one winner)."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from itgov.audit.models import AuditEvent
from itgov.core.dates import add_months, local_today
from itgov.operation import services
from itgov.operation.models import OMArrangement, OMFundingRequest, SelfEvaluation
from itgov.operation.tests.world import add_contract, evaluation_payload, operation_maker
from itgov.projects.models import Project

from . import matrix_operation
from .conftest import API, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, business_events, missing_id

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
STATES = ("accepted", "in_operation", "evaluated")
OWNER_OPERATES = {"error": {"code": "forbidden", "article": "第二十四条",
                            "message": "只有项目的建设单位可以投入运行、登记运行维护安排、报送绩效自评价(第二十四条)"}}
OWNER_REQUESTS = {"error": {"code": "forbidden", "article": "第十二条",
                            "message": "只有项目的建设单位可以申请运行维护经费(第十二条)"}}
FINANCE_DECIDES = {"error": {"code": "forbidden", "article": "第十二条", "message": "只有区财政局可以审核运行维护经费(第十二条)"}}
DENIAL = {"go_live": (OWNER_OPERATES, "operation.go_live", "art24.owner_unit_operates"),
          "evaluate": (OWNER_OPERATES, "operation.self_evaluate", "art24.owner_unit_operates"),
          "arrange": (OWNER_OPERATES, "operation.arrange", "art24.owner_unit_operates"),
          "funding": (OWNER_REQUESTS, "operation.om_request", "art12.owner_unit_requests_om"),
          "decide": (FINANCE_DECIDES, "operation.om_decide", "art12.finance_budgets_om")}
EVENTS = {"go_live": ["operation.started"], "evaluate": ["operation.self_evaluation.submitted"],
          "pdf": ["file.downloaded"], "arrange": ["operation.om.arranged"],
          "funding": ["operation.om_funding.requested"], "decide": ["operation.om_funding.decided"]}
ACTION_OF = {"go_live": "go_live", "evaluate": "self_evaluate", "arrange": "arrange", "funding": "request_funding",
             "decide": "decide_funding"}


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


# Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
EXPECTED = {
    "dossier": _table("""
accepted      401 404 200 200 200 200 200 200 404 200 404
in_operation  401 404 200 200 200 200 200 200 404 200 404
evaluated     401 404 200 200 200 200 200 200 404 200 404
"""),
    "go_live": _table("""
accepted      401 404 403 403 403 403 403 200 404 403 404
in_operation  401 404 403 403 403 403 403 409 404 403 404
evaluated     401 404 403 403 403 403 403 409 404 403 404
"""),
    "evaluate": _table("""
accepted      401 404 403 403 403 403 403 409 404 403 404
in_operation  401 404 403 403 403 403 403 201 404 403 404
evaluated     401 404 403 403 403 403 403 409 404 403 404
"""),
    "pdf": _table("""
accepted      401 404 404 404 404 404 404 404 404 404 404
in_operation  401 404 404 404 404 404 404 404 404 404 404
evaluated     401 404 200 200 200 200 200 200 404 200 404
"""),
    "arrange": _table("""
accepted      401 404 403 403 403 403 403 201 404 403 404
in_operation  401 404 403 403 403 403 403 201 404 403 404
evaluated     401 404 403 403 403 403 403 201 404 403 404
"""),
    "funding": _table("""
accepted      401 404 403 403 403 403 403 201 404 403 404
in_operation  401 404 403 403 403 403 403 201 404 403 404
evaluated     401 404 403 403 403 403 403 201 404 403 404
"""),
    "decide": _table("""
accepted      401 404 403 200 403 403 403 403 404 403 404
in_operation  401 404 403 200 403 403 403 403 404 403 404
evaluated     401 404 403 200 403 403 403 403 404 403 404
"""),
    "portfolio": _table("""
accepted      401 403 200 200 200 200 200 200 200 403 403
in_operation  401 403 200 200 200 200 200 200 200 403 403
evaluated     401 403 200 200 200 200 200 200 200 403 403
"""),
}
ACTIONS = {"accepted": {"edu": ["go_live", "arrange", "request_funding"], "finance": ["decide_funding"]},
           "in_operation": {"edu": ["self_evaluate", "arrange", "request_funding"], "finance": ["decide_funding"]},
           "evaluated": {"edu": ["arrange", "request_funding"], "finance": ["decide_funding"]}}
ARRANGEMENT = {"mode": "contractor", "provider": "某某运维服务有限公司", "period_start": "2026-01-01",
               "period_end": "2026-12-31", "security_officer": "王五", "security_measures": "等保三级,专人负责。"}


@pytest.fixture
def api(api):
    """Every caller's token issued up front: issuing one is audited, and the tests compare the audit trail."""
    for role in COLUMNS:
        api(role)
    return api


def test_the_tables_cover_every_operation():
    assert set(EXPECTED) == set(matrix_operation.PROJECT) | set(matrix_operation.GLOBAL)
    assert all(set(table) == set(STATES) for table in EXPECTED.values())


def test_the_dossiers_actions_agree_with_the_tables():
    for op, action in ACTION_OF.items():
        for state, row in EXPECTED[op].items():
            for role, code in row.items():
                assert (action in ACTIONS[state].get(role, [])) == (200 <= code < 300 or code == 422), (
                    op, state, role)


# --- the world ---------------------------------------------------------------------------------------------


def _world(district, state: str) -> SimpleNamespace:
    """edu's project accepted today; or in operation from 13 months back (G), its report submitted when
    `evaluated`; with a request of this year's O&M funds awaiting Finance (no warranty recorded)."""
    g = add_months(local_today(), -13) if state != "accepted" else None
    world = operation_maker(district)("accepted" if state == "accepted" else "in_operation", g=g)
    if state == "evaluated":
        services.self_evaluation_submit(actor=world.owner, project=world.project, data=evaluation_payload(world))
    world.request = services.funding_request(actor=world.owner, project=world.project, data={
        "year": local_today().year, "requested_amount": "80000.00", "justification": "质保期满,委托运维。"})
    world.project = Project.objects.select_related("owner_unit").get(pk=world.project.pk)
    world.state = state
    return world


def snapshot(project_id: int) -> dict:
    return {"project": Project.objects.filter(pk=project_id).values().get(),
            "evaluations": list(SelfEvaluation.objects.filter(project_id=project_id).values()),
            "arrangements": list(OMArrangement.objects.filter(project_id=project_id).values()),
            "requests": list(OMFundingRequest.objects.filter(project_id=project_id).order_by("pk").values())}


def refusals_since(seq: int) -> list[tuple[str, str, list[str]]]:
    rows = AuditEvent.objects.filter(seq__gt=seq, event_type__in=("access.denied", "rule.refused")).order_by("seq")
    return [(e.event_type, e.reason, [r["rule"] for r in e.rule_results or []]) for e in rows]


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _url(op: str, project_id: int, request_id: int = 0) -> str:
    table = matrix_operation.GLOBAL if op in matrix_operation.GLOBAL else matrix_operation.PROJECT
    return API + table[op][1].format(project_id=project_id, request_id=request_id)


def _request(client, op: str, world, project_id: int | None = None):
    pid = world.project.pk if project_id is None else project_id
    url = _url(op, pid, world.request.pk)
    if op in ("dossier", "pdf", "portfolio"):
        return client.get(url)
    body = {"go_live": {"operation_started_on": local_today().isoformat()},
            "evaluate": evaluation_payload(world),
            "arrange": ARRANGEMENT,
            "funding": {"year": local_today().year + 1, "requested_amount": "60000.00", "justification": "运维"},
            "decide": {"decision": "approve", "amount": "70000.00", "reason": "按标准核定"}}[op]
    return client.post(url, body)


def _check_success(op: str, role: str, world, district, response) -> None:
    pid, user = world.project.pk, district.users[role]
    if op == "pdf":
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        return
    body = response.json()
    if op == "dossier":
        assert (body["project"]["id"], body["project"]["status"]) == (
            pid, "accepted" if world.state == "accepted" else "in_operation")
        assert body["actions"] == ACTIONS[world.state].get(role, [])
        assert [r["id"] for r in body["funding_requests"]] == [world.request.pk]
        status = body["evaluation_status"]
        if world.state == "accepted":
            assert (status["state"], status["opens"], body["evaluation"]) == ("not_in_operation", None, None)
        else:
            g = add_months(local_today(), -13)
            assert (status["operation_started_on"], status["opens"], status["closes"]) == (
                g.isoformat(), add_months(g, 12).isoformat(), add_months(g, 24).isoformat())
            assert status["state"] == ("submitted" if world.state == "evaluated" else "open")
            if world.state == "evaluated":
                assert (body["evaluation"]["score"], len(body["evaluation"]["values"])) == ("86.5", 3)
    elif op == "go_live":
        assert (body["project"]["status"], body["project"]["operation_started_on"]) == (
            "in_operation", local_today().isoformat())
        assert body["evaluation_status"]["state"] == "not_yet"
    elif op == "evaluate":
        assert (body["submitted_on"], body["late"], body["score"], body["submitted_by"]) == (
            local_today().isoformat(), False, "86.5", user.display_name)
        assert [(v["target_id"], v["actual"], v["achieved"]) for v in body["values"]] == [
            (t.pk, a, ok) for t, (a, ok) in zip(world.targets, [("3", True), ("25", False), ("93", True)], strict=True)]
        assert SelfEvaluation.objects.filter(project_id=pid).count() == 1
    elif op == "arrange":
        assert (body["mode"], body["provider"], body["recorded_by"]) == ("contractor", "某某运维服务有限公司",
                                                                          user.display_name)
    elif op == "funding":
        assert (body["year"], body["requested_amount"], body["suggested_amount"], body["status"]) == (
            local_today().year + 1, "60000.00", None, "submitted")
    elif op == "decide":
        assert (body["status"], body["decided_amount"], body["decided_by"], body["version"]) == (
            "approved", "70000.00", user.display_name, 2)
    elif op == "portfolio":
        assert pid in [item["id"] for item in body["items"]] or role == "health", body
    else:  # pragma: no cover
        raise AssertionError(op)


def _run_row(op: str, row: dict[str, int], world, district, clients, failures: list[str]) -> None:
    for role, expected in row.items():
        with transaction.atomic():
            before, events_before, seq = snapshot(world.project.pk), business_events(), _last_seq()
            response = _request(clients[role], op, world)
            where = f"{op} {world.state} {role}"
            try:
                assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                if expected >= 400:
                    body = response.json()
                    assert (new_events, snapshot(world.project.pk)) == ([], before), where
                if expected == 401:
                    assert body == UNAUTHENTICATED, where
                elif expected == 404:
                    assert body == NOT_FOUND, where
                    if op != "pdf" or role in ("admin", "health", "expert"):
                        assert _request(clients[role], op, world, missing_id(Project)).json() == body, where
                elif expected == 403:
                    assert body == (FORBIDDEN if op == "portfolio" else DENIAL[op][0]), f"{where}: {body}"
                elif expected == 409:
                    assert body["error"]["code"] == "conflict", where
                else:
                    _check_success(op, role, world, district, response)
                    assert new_events == EVENTS.get(op, []), f"{where}: {new_events}"
                cited = ([("access.denied", DENIAL[op][1], [DENIAL[op][2]])]
                         if expected == 403 and op in DENIAL else [])
                assert refusals_since(seq) == cited, f"{where}: {refusals_since(seq)}"
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)


@pytest.mark.parametrize("state", STATES)
def test_operation_operations(api, district, state):
    world = _world(district, state)
    clients = {role: api(role) for role in COLUMNS}
    failures: list[str] = []
    for op, table in EXPECTED.items():
        _run_row(op, table[state], world, district, clients, failures)
    assert not failures, "\n".join(failures)


# --- rules and input ----------------------------------------------------------------------------------------


def _refused(response, rule: str, article: str) -> dict:
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"]) == ("rule_violation", rule, article), error
    assert f"({article})" in error["message"], error
    return error


@pytest.mark.parametrize("state", ["trial_operation", "acceptance_applied", "rectifying"])
def test_going_live_without_a_pass_is_refused_citing_article_23(api, district, state):
    world = operation_maker(district)(state)
    before, events_before, seq = snapshot(world.project.pk), business_events(), _last_seq()

    response = api("edu").post(_url("go_live", world.project.pk), {"operation_started_on": local_today().isoformat()})

    _refused(response, "art23.accepted_before_operation", "第二十三条")
    assert (snapshot(world.project.pk), business_events()) == (before, events_before)
    assert refusals_since(seq) == [("rule.refused", "operation.go_live", ["art23.accepted_before_operation"])]


def test_a_report_before_the_window_opens_is_refused_citing_article_24(api, district):
    world = operation_maker(district)("in_operation")  # G today
    response = api("edu").post(_url("evaluate", world.project.pk), evaluation_payload(world))
    error = _refused(response, "art24.self_evaluation_window", "第二十四条")
    assert set(error["fields"]) == {"submitted_on"}
    assert SelfEvaluation.objects.count() == 0


def test_in_warranty_the_request_is_refused_citing_article_12(api, district):
    world = operation_maker(district)("accepted")
    contract = add_contract(world.project, local_today())
    body = {"year": local_today().year, "requested_amount": "60000.00", "justification": "运维"}

    _refused(api("edu").post(_url("funding", world.project.pk), body), "art12.om_after_warranty", "第十二条")
    assert OMFundingRequest.objects.count() == 0

    contract.warranty_ends_on = local_today() - dt.timedelta(days=1)
    contract.save(update_fields=["warranty_ends_on"])
    response = api("edu").post(_url("funding", world.project.pk), body)
    assert response.status_code == 201, response.content.decode()
    assert AuditEvent.objects.filter(event_type="operation.om_funding.requested").count() == 1


def test_a_project_not_accepted_gets_no_om_funds(api, district):
    world = operation_maker(district)("rectifying")
    response = api("edu").post(_url("funding", world.project.pk),
                               {"year": local_today().year, "requested_amount": "60000.00", "justification": "运维"})
    _refused(response, "art12.om_after_acceptance", "第十二条")


def test_a_second_request_of_the_year_is_a_conflict(api, district):
    world = _world(district, "accepted")
    response = api("edu").post(_url("funding", world.project.pk),
                               {"year": local_today().year, "requested_amount": "60000.00", "justification": "运维"})
    assert response.status_code == 409, response.content.decode()


BAD = [
    ("go_live", {"operation_started_on": "TOMORROW"}, {"operation_started_on"}),
    ("go_live", {}, {"operation_started_on"}),
    ("go_live", {"operation_started_on": "TODAY", "reason": "上线"}, {"reason"}),
    ("evaluate", {"score": "101"}, {"score"}),
    ("evaluate", {"score": "abc"}, {"score"}),
    ("evaluate", {"summary": ""}, {"summary"}),
    ("evaluate", {"values": "ROW0_BLANK"}, {"values.0.actual"}),
    ("evaluate", {"values": "TWO_ROWS"}, {"values"}),
    ("evaluate", {"values": "UNKNOWN_TARGET"}, {"values.0.target_id"}),
    ("arrange", {"period_end": "2025-12-31"}, {"period_end"}),
    ("arrange", {"mode": "outsourced"}, {"mode"}),
    ("arrange", {"provider": ""}, {"provider"}),
    ("funding", {"requested_amount": "0"}, {"requested_amount"}),
    ("funding", {"requested_amount": "-5"}, {"requested_amount"}),
    ("funding", {"year": 1999}, {"year"}),
    ("funding", {"justification": ""}, {"justification"}),
    ("decide", {"decision": "approve", "amount": None}, {"amount"}),
    ("decide", {"decision": "approve", "amount": "0"}, {"amount"}),
    ("decide", {"decision": "reject", "amount": None, "reason": ""}, {"reason"}),
    ("decide", {"decision": "maybe"}, {"decision"}),
]


@pytest.mark.parametrize(("op", "change", "fields"), BAD)
def test_bad_input_is_refused_naming_the_field_and_nothing_saved(api, district, op, change, fields):
    world = _world(district, "accepted" if op == "go_live" else "in_operation")
    days = {"TODAY": 0, "TOMORROW": 1}
    base = {"go_live": {}, "evaluate": evaluation_payload(world), "arrange": ARRANGEMENT,
            "funding": {"year": local_today().year + 1, "requested_amount": "60000.00", "justification": "运维"},
            "decide": {"decision": "approve", "amount": "70000.00", "reason": ""}}[op]
    body = {**base, **{k: (local_today() + dt.timedelta(days=days[v])).isoformat() if v in days else v
                       for k, v in change.items()}}
    if body.get("values") == "ROW0_BLANK":
        body["values"] = [{**base["values"][0], "actual": " "}, *base["values"][1:]]
    elif body.get("values") == "TWO_ROWS":
        body["values"] = base["values"][:2]
    elif body.get("values") == "UNKNOWN_TARGET":
        body["values"] = [{**base["values"][0], "target_id": 10**9}, *base["values"][1:]]
    body = {k: v for k, v in body.items() if v is not None}
    role = "finance" if op == "decide" else "edu"
    before, events_before, seq = snapshot(world.project.pk), business_events(), _last_seq()

    response = api(role).post(_url(op, world.project.pk, world.request.pk), body)

    assert response.status_code == 400, response.content.decode()
    assert set(response.json()["error"]["fields"]) == fields, response.json()
    assert (snapshot(world.project.pk), business_events(), refusals_since(seq)) == (before, events_before, [])


def test_a_request_of_another_project_is_not_found(api, district):
    world = _world(district, "accepted")
    other = operation_maker(district)("accepted")
    response = api("finance").post(_url("decide", other.project.pk, world.request.pk),
                                   {"decision": "approve", "amount": "1000.00"})
    assert response.status_code == 404
    assert OMFundingRequest.objects.get(pk=world.request.pk).status == "submitted"


# --- the portfolio ------------------------------------------------------------------------------------------


def test_the_portfolio_filters_and_its_queries_do_not_grow(api, district):
    accepted = _world(district, "accepted")
    operating = operation_maker(district)("in_operation", g=add_months(local_today(), -25))  # overdue
    client = api("drc")

    def ids(query: str) -> list[int]:
        response = client.get(f"{API}/operation/projects{query}")
        assert response.status_code == 200, response.content.decode()
        return [item["id"] for item in response.json()["items"]]

    assert set(ids("")) == {accepted.project.pk, operating.project.pk}
    assert ids("?filter=accepted") == [accepted.project.pk]
    assert ids("?filter=in_operation") == [operating.project.pk]
    assert ids("?filter=evaluation_overdue") == [operating.project.pk]
    assert ids("?filter=evaluation_open") == []
    assert ids("?filter=funding_pending") == [accepted.project.pk]
    assert ids("?state=overdue&state=not_in_operation") != []
    assert client.get(f"{API}/operation/projects?filter=nonsense").status_code == 400
    assert api("health").get(f"{API}/operation/projects").json()["count"] == 0

    with CaptureQueriesContext(connection) as small:
        client.get(f"{API}/operation/projects")
    for _ in range(3):
        operation_maker(district)("in_operation", g=add_months(local_today(), -14))
    with CaptureQueriesContext(connection) as large:
        body = client.get(f"{API}/operation/projects").json()
    assert body["count"] == 5
    assert len(large) == len(small), (len(small), len(large))


# --- two decisions at once ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_decisions_on_one_request_have_one_winner(district):
    from itgov.accounts.services import api_token_issue
    from itgov.core.tests.test_concurrency import run_concurrently

    world = _world(district, "accepted")
    tokens = iter([api_token_issue(actor=None, user=district.users["finance"]) for _ in range(2)])
    decisions = iter([{"decision": "approve", "amount": "70000.00"}, {"decision": "reject", "reason": "统筹安排"}])
    url = _url("decide", world.project.pk, world.request.pk)

    def decide(token, body):
        response = Client().post(url, data=json.dumps(body), content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {token}")
        return response.status_code, body["decision"]

    outcomes = run_concurrently(lambda: decide(next(tokens), next(decisions)), n=2)

    assert sorted(status for status, _d in outcomes) == [200, 409], outcomes
    winner = next(decision for status, decision in outcomes if status == 200)
    request = OMFundingRequest.objects.get(pk=world.request.pk)
    assert (request.status, request.version) == ({"approve": "approved", "reject": "rejected"}[winner], 2)
    assert AuditEvent.objects.filter(event_type="operation.om_funding.decided").count() == 1
