"""Construction control (art. 13, 19, 8, 15, 20) over /api/v1.

The authorization matrix: every operation × every role of the district and anonymous × the states that tell
them apart — approved but not budgeted (with a line in this year's issued plan: only the budget is missing),
budgeted, in construction — with the exact status, following itgov/construction/policies.py and the services:
- visibility: edu's project is seen by the five bureaus and edu, and — once its firm is appointed (the budgeted
  and building projects here are supervised, art. 19) — by the supervisor; sysadmin, health and an expert
  outside any panel get 404, exactly like a missing id (and so does the supervisor on the approved project, which
  has no supervisor yet);
- power (art. 19): the owner unit starts construction and records procurement and contracts; the owner unit or
  Finance records payments. Anyone else who sees the project: 403 citing 第十九条. With the power in the wrong
  state (start when not budgeted, or already building): 409. A rule refusing: 422 with rule and article (a
  payment while no budget is recorded: art. 15).
A refusal leaves the project's row and its records and the business audit trail as they were; a 403 of a
write is recorded as `access.denied`, a 422 as `rule.refused`, naming the action.

Then the boundaries of each rule, exactly at the limit and one fen over, the input's shape, and two payments
racing for the last of a year's budget."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client

from itgov.construction.models import Contract, Payment, Procurement
from itgov.core.dates import local_today
from itgov.projects.models import Project
from tests.approvals_world import approval_maker
from tests.construction_world import ESTIMATE, construction_maker, issued_plan_line

from . import matrix_construction
from .conftest import API, NOT_FOUND, UNAUTHENTICATED, business_events, missing_project_id, refusal_events

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
STATES = ("approved", "budgeted", "in_construction")
OWNER_FORBIDDEN = {"error": {"code": "forbidden", "message": "只有项目的建设单位可以开工、登记采购和合同(第十九条)",
                             "article": "第十九条"}}
PAYER_FORBIDDEN = {"error": {"code": "forbidden", "message": "只有项目的建设单位或区财政局可以登记支付(第十九条)",
                             "article": "第十九条"}}


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


# The supervisor sees edu's project once its firm is appointed: not the approved one, the budgeted and building ones.
SUPERVISOR_SEES = {"approved": False, "budgeted": True, "in_construction": True}


def _supervisor(state: str, code: int) -> int:
    """The supervisor's cell: `code` where it sees the project, 404 where it does not."""
    return code if SUPERVISOR_SEES[state] else 404


def _owner(**cells: int) -> dict[str, dict[str, int]]:
    """edu's own writes, `cells` giving edu's status per state; the others who see it lack the power."""
    return _table("\n".join(f"{s} 401 404 403 403 403 403 403 {code} 404 {_supervisor(s, 403)} 404"
                            for s, code in cells.items()))


EXPECTED = {
    "dossier": _table("\n".join(f"{s} 401 404 200 200 200 200 200 200 404 {_supervisor(s, 200)} 404" for s in STATES)),
    "start": _owner(approved=409, budgeted=200, in_construction=409),
    "procurement_record": _owner(approved=201, budgeted=201, in_construction=201),
    "contract_record": _owner(approved=201, budgeted=201, in_construction=201),
    # the owner unit or Finance; with no budget recorded yet, art. 15 refuses (the year's budget is 0)
    "payment_record": _table("""
approved         401 404 403 422 403 403 403 422 404 404 404
budgeted         401 404 403 201 403 403 403 201 404 403 404
in_construction  401 404 403 201 403 403 403 201 404 403 404
"""),
}
FORBIDDEN_BODY = {"start": OWNER_FORBIDDEN, "procurement_record": OWNER_FORBIDDEN, "contract_record": OWNER_FORBIDDEN,
                  "payment_record": PAYER_FORBIDDEN}
ACTION = {"start": "construction.start", "procurement_record": "procurement.record",
          "contract_record": "contract.record", "payment_record": "payment.record"}
EVENTS = {"start": ["construction.started"], "procurement_record": ["construction.procurement.recorded"],
          "contract_record": ["construction.contract.recorded"], "payment_record": ["construction.payment.recorded"]}
RULE_422 = {"payment_record": ("art15.payment_within_budget", "第十五条")}
ACTION_OF_OP = {"start": "start", "procurement_record": "record_procurement", "contract_record": "record_contract",
                "payment_record": "record_payment"}
_RECORDS = ["record_procurement", "record_contract", "record_payment"]
ACTIONS = {
    "approved": {"edu": _RECORDS, "finance": ["record_payment"]},
    "budgeted": {"edu": ["start", *_RECORDS], "finance": ["record_payment"]},
    "in_construction": {"edu": _RECORDS, "finance": ["record_payment"]},
}
PROJECT_STATUS = {"approved": "approved", "budgeted": "budgeted", "in_construction": "in_construction"}


@pytest.fixture
def api(api):
    """The API clients of tests/api/conftest.py, every caller's token issued up front: issuing one is audited,
    and the tests compare the audit trail around each request."""
    for role in COLUMNS:
        api(role)
    return api


def test_the_tables_cover_every_operation_role_and_state():
    assert set(EXPECTED) == set(matrix_construction.PROJECT)
    assert set(matrix_construction.PROJECT.values()) <= matrix_construction.OPERATIONS
    assert all(tuple(table) == STATES for table in EXPECTED.values())


def test_the_dossiers_actions_agree_with_the_tables():
    """A power the role holds in that state (2xx, or 422: a rule refuses on execution) is an action."""
    for op, action in ACTION_OF_OP.items():
        for state, row in EXPECTED[op].items():
            for role, code in row.items():
                assert (action in ACTIONS[state].get(role, [])) == (code in (200, 201, 422)), (op, state, role)


# --- the world ---------------------------------------------------------------------------------------------


def _world(district, state: str) -> SimpleNamespace:
    """edu's project in `state`, with a procurement, a contract and a payment already recorded once it can
    have them (budgeted and later); approved: in this year's issued plan, no budget yet."""
    from itgov.construction import services

    if state == "approved":
        world = approval_maker(district)("approved", panel=False)
        world.year = local_today().year
        issued_plan_line(world.project, world.year)
    else:
        world = construction_maker(district)(state)
        edu, today = world.owner, local_today()  # a payment may not be dated after today (nor in another year)
        procurement = services.procurement_record(actor=edu, project=world.project, data={
            "title": "平台开发采购", "method": "open_tender", "announced_on": today, "awarded_on": today,
            "supplier": "某科技公司", "amount": "600000.00"})
        contract = services.contract_record(actor=edu, project=world.project, data={
            "title": "平台开发合同", "supplier": "某科技公司", "amount": "600000.00", "signed_on": today,
            "procurement_id": procurement.pk})
        services.payment_record(actor=edu, project=world.project, data={
            "amount": "100000.00", "paid_on": today, "purpose": "预付款", "contract_id": contract.pk})
    world.project = Project.objects.select_related("owner_unit").get(pk=world.project.pk)
    world.state = state
    return world


def construction_snapshot(project_id: int) -> dict:
    """The project's row and every record of its construction: what a refusal must leave as it was."""
    return {
        "project": Project.objects.filter(pk=project_id).values().get(),
        "procurements": list(Procurement.objects.filter(project_id=project_id).values()),
        "contracts": list(Contract.objects.filter(project_id=project_id).values()),
        "payments": list(Payment.objects.filter(project_id=project_id).values()),
    }


def _url(op: str, project_id: int) -> str:
    return API + matrix_construction.PROJECT[op][1].format(project_id=project_id)


BODIES = {
    "start": lambda w: {"version": w.project.version},
    "procurement_record": lambda w: {"title": "运维服务采购", "method": "inquiry",
                                     "announced_on": local_today().isoformat()},
    "contract_record": lambda w: {"title": "监理合同", "supplier": "某监理公司", "amount": "50000.00",
                                  "signed_on": local_today().isoformat(), "deliverables": "监理报告"},
    "payment_record": lambda w: {"amount": "20000.00", "paid_on": local_today().isoformat(), "purpose": "进度款"},
}


def _request(client, op: str, world, *, missing: bool = False):
    url = _url(op, missing_project_id() if missing else world.project.pk)
    if op == "dossier":
        return client.get(url)
    return client.post(url, BODIES[op](world))


def _check_dossier(role: str, world, body: dict) -> None:
    state, project = world.state, world.project
    assert (body["project"]["id"], body["project"]["status"], body["project"]["version"]) == (
        project.pk, PROJECT_STATUS[state], project.version)
    assert body["project"]["owner_unit"]["code"] == "edu"
    assert (body["project"]["construction_started_at"] is not None) == (state == "in_construction")
    spending = body["spending"]
    assert spending["estimate"] == "1150000.00"
    if state == "approved":
        assert (spending["contracted"], spending["paid"], spending["prework_paid"], spending["years"]) == (
            "0.00", "0.00", "0.00", [])
        assert (body["procurements"], body["contracts"], body["payments"]) == ([], [], [])
    else:
        y = world.year
        assert (spending["contracted"], spending["paid"], spending["prework_paid"]) == ("600000.00", "100000.00", "0.00")
        assert spending["years"] == [{"year": y, "budget": "800000.00", "paid": "100000.00"},
                                     {"year": y + 1, "budget": "300000.00", "paid": "0.00"}]
        [procurement], [contract], [payment] = body["procurements"], body["contracts"], body["payments"]
        assert (procurement["method"], procurement["method_label"], procurement["amount"], procurement["supplier"]) == (
            "open_tender", "公开招标", "600000.00", "某科技公司")
        assert (contract["procurement_id"], contract["amount"], contract["amount_wan"]) == (
            procurement["id"], "600000.00", "60.00")
        assert (payment["contract_id"], payment["amount"], payment["prework"], payment["paid_on"]) == (
            contract["id"], "100000.00", False, local_today().isoformat())
        assert payment["recorded_by"] == world.owner.display_name
    assert body["actions"] == ACTIONS[state].get(role, [])


def _check_success(op: str, role: str, world, response, new_events: list[str]) -> None:
    body = response.json()
    pid = world.project.pk
    if op == "dossier":
        _check_dossier(role, world, body)
    elif op == "start":
        assert (body["project"]["status"], body["project"]["version"]) == ("in_construction", world.project.version + 1)
        assert body["actions"] == _RECORDS
        assert Project.objects.get(pk=pid).construction_started_at is not None
    elif op == "procurement_record":
        assert (body["title"], body["method"], body["awarded_on"], body["amount"]) == ("运维服务采购", "inquiry", None,
                                                                                        None)
        assert Procurement.objects.filter(pk=body["id"], project_id=pid).exists()
    elif op == "contract_record":
        assert (body["title"], body["amount"], body["procurement_id"]) == ("监理合同", "50000.00", None)
        assert Contract.objects.get(pk=body["id"], project_id=pid).amount == Decimal("50000.00")
    elif op == "payment_record":
        assert (body["amount"], body["prework"], body["purpose"]) == ("20000.00", False, "进度款")
        assert body["recorded_by"] == world.district_users[role].display_name
        assert Payment.objects.get(pk=body["id"], project_id=pid).amount == Decimal("20000.00")
    else:  # pragma: no cover - a new operation needs its check
        raise AssertionError(op)
    assert new_events == EVENTS.get(op, [])


def _run_row(op: str, row: dict[str, int], world, clients, failures: list[str]) -> None:
    """Ask every role in turn, each inside a savepoint rolled back after its checks; collect what differs."""
    compared_missing = False
    for role, expected in row.items():
        with transaction.atomic():
            before = construction_snapshot(world.project.pk)
            events_before, refusals_before = business_events(), refusal_events()
            response = _request(clients[role], op, world)
            where = f"{op} {world.state} {role}"
            try:
                assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                body = response.json()
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                new_refusals = refusal_events()[len(refusals_before):]
                if expected >= 400:
                    assert new_events == [], where
                    assert construction_snapshot(world.project.pk) == before, where
                if expected == 401:
                    assert body == UNAUTHENTICATED, where
                elif expected == 404:
                    assert body == NOT_FOUND, where
                    if not compared_missing:  # exactly what a missing id answers
                        assert _request(clients[role], op, world, missing=True).json() == body, where
                        compared_missing = True
                elif expected == 403:
                    assert body == FORBIDDEN_BODY[op], f"{where}: {body}"
                elif expected == 409:
                    assert body["error"]["code"] == "conflict", where
                elif expected == 422:
                    rule, article = RULE_422[op]
                    assert (body["error"]["code"], body["error"]["rule"], body["error"]["article"]) == (
                        "rule_violation", rule, article), f"{where}: {body}"
                    assert f"({article})" in body["error"]["message"], where
                else:
                    _check_success(op, role, world, response, new_events)
                recorded = {403: [("access.denied", ACTION.get(op))], 422: [("rule.refused", ACTION.get(op))]}
                assert new_refusals == (recorded.get(expected, []) if op in ACTION else []), f"{where}: {new_refusals}"
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)


@pytest.mark.parametrize("state", STATES)
def test_project_operations(api, district, state):
    world = _world(district, state)
    world.district_users = district.users
    clients = {role: api(role) for role in COLUMNS}  # tokens issued outside the savepoints
    failures: list[str] = []
    for op, table in EXPECTED.items():
        _run_row(op, table[state], world, clients, failures)
    assert not failures, "\n".join(failures)


# --- the boundaries ----------------------------------------------------------------------------------------


def _refused(response, rule: str, article: str) -> dict:
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"]) == ("rule_violation", rule, article)
    assert f"({article})" in error["message"]
    return error


def _refused_cleanly(project_id: int, action: str, run) -> dict:
    """Run the refused call: nothing of the construction changed, no business event, one `rule.refused`."""
    before, events_before, refusals_before = construction_snapshot(project_id), business_events(), refusal_events()
    error = run()
    assert construction_snapshot(project_id) == before
    assert business_events() == events_before
    assert refusal_events()[len(refusals_before):] == [("rule.refused", action)]
    return error


def _pay(client, world, amount: str, *, paid_on: dt.date | None = None, prework: bool = False):
    return client.post(f"projects/{world.project.pk}/payments", {
        "amount": amount, "paid_on": (paid_on or local_today()).isoformat(), "purpose": "进度款", "prework": prework})


def _contract(client, world, amount: str):
    return client.post(f"projects/{world.project.pk}/contracts", {
        "title": "平台开发合同", "supplier": "某科技公司", "amount": amount, "signed_on": local_today().isoformat()})


def _procure(client, world):
    return client.post(f"projects/{world.project.pk}/procurements", {
        "title": "平台开发采购", "method": "open_tender", "announced_on": local_today().isoformat()})


def test_start_is_refused_outside_this_years_plan(api, district):
    world = construction_maker(district)("budgeted", planned=False)
    url = f"projects/{world.project.pk}/construction/start"

    error = _refused_cleanly(world.project.pk, "construction.start", lambda: _refused(
        api("edu").post(url, {"version": world.project.version}), "art19.planned_approved_budgeted", "第十九条"))
    assert "第八条" in error["message"]
    assert set(error["fields"]) == {"plan"}

    # once this year's issued plan carries it, it starts
    issued_plan_line(world.project, world.year)
    response = api("edu").post(url, {"version": world.project.version})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["project"]["status"] == "in_construction"


def test_start_without_a_budget_is_refused_by_state(api, district):
    world = approval_maker(district)("approved", panel=False)
    issued_plan_line(world.project, local_today().year)
    before = construction_snapshot(world.project.pk)

    response = api("edu").post(f"projects/{world.project.pk}/construction/start", {})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert construction_snapshot(world.project.pk) == before


def test_start_with_a_stale_version_is_a_conflict(api, district):
    world = construction_maker(district)("budgeted")
    response = api("edu").post(f"projects/{world.project.pk}/construction/start", {"version": world.project.version - 1})
    assert response.status_code == 409
    assert Project.objects.get(pk=world.project.pk).status == "budgeted"


@pytest.mark.parametrize(("op", "action"), [(_procure, "procurement.record"), (_contract, "contract.record"),
                                            (_pay, "payment.record")])
def test_nothing_is_procured_contracted_or_paid_before_approval(api, district, op, action):
    world = approval_maker(district)("under_review")
    world.year = local_today().year
    issued_plan_line(world.project, world.year)
    call = (lambda: op(api("edu"), world)) if op is _procure else (lambda: op(api("edu"), world, "10000.00"))

    _refused_cleanly(world.project.pk, action, lambda: _refused(call(), "art13.approved_before_spending", "第十三条"))


def test_a_prework_payment_passes_before_approval(api, district):
    world = approval_maker(district)("under_review")  # no plan line of this year either

    response = _pay(api("edu"), world, "30000.00", prework=True)

    assert response.status_code == 201, response.content.decode()
    assert response.json()["prework"] is True
    spending = api("edu").get(f"projects/{world.project.pk}/construction").json()["spending"]
    assert (spending["estimate"], spending["paid"], spending["prework_paid"]) == (None, "30000.00", "30000.00")


def test_a_payment_in_a_year_without_a_plan_line_is_refused_by_art8(api, district):
    world = construction_maker(district)("in_construction")

    error = _refused_cleanly(world.project.pk, "payment.record", lambda: _refused(
        _pay(api("edu"), world, "10000.00", paid_on=dt.date(world.year - 1, 6, 1)), "art8.payment_in_plan", "第八条"))
    assert "paid_on" in error["fields"]


def test_payments_up_to_the_years_budget_pass_and_one_fen_more_is_refused(api, district):
    world = construction_maker(district)("in_construction")
    edu, finance = api("edu"), api("finance")

    assert _pay(edu, world, "500000.00").status_code == 201
    assert _pay(finance, world, "300000.00").status_code == 201  # exactly the year's budget of 800 000.00
    error = _refused_cleanly(world.project.pk, "payment.record", lambda: _refused(
        _pay(edu, world, "0.01"), "art15.payment_within_budget", "第十五条"))
    assert "amount" in error["fields"]

    spending = edu.get(f"projects/{world.project.pk}/construction").json()["spending"]
    assert spending["paid"] == "800000.00"
    assert spending["years"][0] == {"year": world.year, "budget": "800000.00", "paid": "800000.00"}


def test_contracts_up_to_the_estimate_pass_and_one_fen_more_is_refused(api, district):
    world = construction_maker(district)("in_construction")
    edu = api("edu")

    assert _contract(edu, world, "1000000.00").status_code == 201
    assert _contract(edu, world, f"{ESTIMATE - Decimal('1000000.00'):.2f}").status_code == 201  # exactly 1 150 000.00
    error = _refused_cleanly(world.project.pk, "contract.record", lambda: _refused(
        _contract(edu, world, "0.01"), "art20.contracts_within_estimate", "第二十条"))
    assert "amount" in error["fields"]
    assert edu.get(f"projects/{world.project.pk}/construction").json()["spending"]["contracted"] == "1150000.00"


def test_a_payment_dated_in_the_future_is_bad_input(api, district):
    world = construction_maker(district)("in_construction")
    before, events_before = construction_snapshot(world.project.pk), business_events()

    response = _pay(api("edu"), world, "10000.00", paid_on=local_today() + dt.timedelta(days=1))

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"paid_on": ["支付日期不得晚于今天:登记的是已经发生的支付"]}
    assert (construction_snapshot(world.project.pk), business_events()) == (before, events_before)


@pytest.mark.parametrize("op", ["start", "procurement_record", "contract_record", "payment_record"])
def test_an_unknown_field_is_refused_in_chinese(api, district, op):
    world = construction_maker(district)("budgeted")
    world.state = "budgeted"
    before, events_before = construction_snapshot(world.project.pk), business_events()

    response = api("edu").post(_url(op, world.project.pk), {**BODIES[op](world), "approved_by": "edu"})

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid", "message": "输入有误,请检查标注的字段",
                                         "fields": {"approved_by": ["不允许的字段"]}}}
    assert (construction_snapshot(world.project.pk), business_events()) == (before, events_before)


@pytest.mark.parametrize(("op", "body", "fields"), [
    ("procurement_record", {"title": "采购", "method": "auction", "announced_on": "2026-01-01"}, {"method"}),
    ("procurement_record", {"title": "采购", "method": "inquiry", "announced_on": "2026-02-01",
                            "awarded_on": "2026-01-01", "supplier": "某公司", "amount": "1.00"}, {"awarded_on"}),
    ("procurement_record", {"title": "采购", "method": "inquiry", "announced_on": "2026-01-01",
                            "awarded_on": "2026-01-02"}, {"supplier", "amount"}),
    ("contract_record", {"title": "合同", "supplier": "某公司", "amount": "-5.00", "signed_on": "2026-01-01"},
     {"amount"}),
    ("contract_record", {"title": "合同", "supplier": "某公司", "amount": "0.00", "signed_on": "2026-01-01"},
     {"amount"}),
    ("contract_record", {"title": "合同" * 61, "supplier": "某公司", "amount": "1.00", "signed_on": "1999-12-31"},
     {"title", "signed_on"}),
    ("payment_record", {"amount": "1.00", "paid_on": "2026-13-01", "purpose": "进度款"}, {"paid_on"}),
    ("payment_record", {"amount": 100, "paid_on": "2026-01-01", "purpose": "进度款"}, {"amount"}),
    ("payment_record", {"amount": "1.00", "paid_on": "2026-01-01"}, {"purpose"}),
])
def test_bad_input_is_refused_and_nothing_saved(api, district, op, body, fields):
    world = construction_maker(district)("in_construction")
    before = construction_snapshot(world.project.pk)

    response = api("edu").post(_url(op, world.project.pk), body)

    assert response.status_code == 400, response.content.decode()
    error = response.json()["error"]
    assert set(error["fields"]) == fields, error
    assert construction_snapshot(world.project.pk) == before


def test_a_contract_or_payment_must_name_a_record_of_the_same_project(api, district):
    make = construction_maker(district)
    world, other = make("in_construction"), make("in_construction")
    theirs = api("edu").post(f"projects/{other.project.pk}/contracts", {
        "title": "合同", "supplier": "某公司", "amount": "1000.00", "signed_on": local_today().isoformat()}).json()

    response = api("edu").post(f"projects/{world.project.pk}/payments", {
        "amount": "1000.00", "paid_on": local_today().isoformat(), "purpose": "进度款", "contract_id": theirs["id"]})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"contract_id": ["须为本项目的合同"]}


def test_finance_records_a_payment_but_not_a_contract(api, district):
    world = construction_maker(district)("in_construction")
    finance = api("finance")

    paid = _pay(finance, world, "10000.00")
    assert paid.status_code == 201
    assert paid.json()["recorded_by"] == district.users["finance"].display_name

    events_before, refusals_before = business_events(), refusal_events()
    refused = _contract(finance, world, "10000.00")
    assert refused.status_code == 403
    assert refused.json() == OWNER_FORBIDDEN
    assert business_events() == events_before
    assert refusal_events()[len(refusals_before):] == [("access.denied", "contract.record")]
    assert not Contract.objects.filter(project=world.project).exists()


def test_a_whole_construction_over_the_api(api, district):
    world = construction_maker(district)("budgeted")
    edu, pid = api("edu"), world.project.pk

    dossier = edu.post(f"projects/{pid}/construction/start", {"version": world.project.version}).json()
    assert dossier["project"]["status"] == "in_construction"
    procurement = edu.post(f"projects/{pid}/procurements", {
        "title": "平台开发采购", "method": "open_tender", "announced_on": local_today().isoformat(),
        "awarded_on": local_today().isoformat(), "supplier": "某科技公司", "amount": "900000.00"})
    assert procurement.status_code == 201, procurement.content.decode()
    contract = edu.post(f"projects/{pid}/contracts", {
        "title": "平台开发合同", "supplier": "某科技公司", "amount": "900000.00", "signed_on": local_today().isoformat(),
        "procurement_id": procurement.json()["id"]})
    assert contract.status_code == 201, contract.content.decode()
    payment = _pay(edu, world, "270000.00")
    assert payment.status_code == 201

    dossier = api("audit").get(f"projects/{pid}/construction").json()
    assert dossier["spending"]["contracted"] == "900000.00"
    assert dossier["spending"]["paid"] == "270000.00"
    assert [c["procurement_id"] for c in dossier["contracts"]] == [procurement.json()["id"]]
    assert dossier["actions"] == []


# --- two payments at once ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_payments_racing_for_the_budget_have_one_winner(district):
    from itgov.accounts.services import api_token_issue
    from itgov.core.tests.test_concurrency import run_concurrently

    # given a building project with 800 000.00 budgeted this year, and two payments of 500 000.00 sent at once
    world = construction_maker(district)("in_construction")
    tokens = iter([api_token_issue(actor=None, user=district.users["edu"]),
                   api_token_issue(actor=None, user=district.users["finance"])])
    body = json.dumps({"amount": "500000.00", "paid_on": local_today().isoformat(), "purpose": "进度款"})

    def pay(token):
        response = Client().post(f"{API}/projects/{world.project.pk}/payments", data=body,
                                 content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        return response.status_code, response.json()

    outcomes = run_concurrently(lambda: pay(next(tokens)), n=2)

    # then one is recorded and the other refused by art. 15; the year's payments stay inside its budget
    assert sorted(status for status, _ in outcomes) == [201, 422], outcomes
    refused = next(body for status, body in outcomes if status == 422)
    assert (refused["error"]["rule"], refused["error"]["article"]) == ("art15.payment_within_budget", "第十五条")
    paid = [p.amount for p in Payment.objects.filter(project=world.project)]
    assert paid == [Decimal("500000.00")]
    assert sum(paid) <= Decimal("800000.00")
