"""The authorization matrix of /api/v1 (STYLE.md habits 5 and 6): every operation × every role × a project
of the owner unit 区教育局 (edu) in each state that matters, with the exact status the measures give.

How the tables below follow from the policy (itgov/projects/policies.py, rules art. 4 and 5):
- visibility: the owner unit sees its projects in every state; the five bureaus of art. 4 (drc, finance,
  audit, cyber, gov) see a project once it is submitted (not a draft), the audit bureau drafts too (art. 4,
  25); a classified project (art. 5) is seen by its owner unit and, once submitted, by DRC only; the expert
  sees the projects on its review panels (art. 28) and no other; sysadmin, supervisor and another unit's owner
  (health) see none of edu's projects — for them it is 404, exactly like a missing id;
- power: the owner unit edits, submits and withdraws (art. 7, a 403 that cites 第七条); DRC admits and
  returns (art. 4, a 403 that cites 第四条); a visible project without the power is 403; with the power in
  the wrong state, 409;
- listing needs an owner, bureau or expert role (a plain 403; the expert lists its panels' projects only);
  creating needs an owner role (art. 7); the audit trail needs the audit bureau (art. 4); the expert writes
  nothing (a 403 citing the power's article on a project of its panel).
The annual declaration (itgov/planning/policies.py, rules art. 8) — on the 2027 round, its window open or
closed:
- visibility: a round is seen by the owner units and the five bureaus; sysadmin, supervisor and expert list no
  round and get 404 on one; a line is seen by the bureaus (all) and by its own unit (health: 404 on edu's line);
- power: only DRC opens a round and grants an exception (others 403 citing 第八条); only the project's owner
  unit declares and withdraws (a bureau 403 citing 第八条; another unit cannot see the project: 400 naming
  project_id); outside the window without an exception the rule art8.declaration_window refuses (422).
A denied write leaves the project row (status, version, updated_at), the declaration's rows and the business
audit trail as they were; only an `access.denied` event records a 403, a `rule.refused` one a 422.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from itgov.core.dates import SHANGHAI
from itgov.planning.models import DeclarationLine, DeclarationRound
from itgov.projects.models import Project

from . import (
    matrix_acceptance,
    matrix_approvals,
    matrix_catalogue,
    matrix_construction,
    matrix_devplans,
    matrix_documents,
    matrix_operation,
    matrix_oversight,
    matrix_plans,
    matrix_security,
)
from .conftest import (
    API,
    AUDIT_POWER_FORBIDDEN,
    CJK,
    DECLARE_FORBIDDEN,
    DRC_POWER_FORBIDDEN,
    DRC_ROUND_FORBIDDEN,
    FORBIDDEN,
    INSIDE_WINDOW,
    NOT_FOUND,
    OUTSIDE_WINDOW,
    OWNER_POWER_FORBIDDEN,
    ROLES,
    ROUND_YEAR,
    UNAUTHENTICATED,
    business_events,
    line_row,
    missing_id,
    missing_project_id,
    planning_counts,
    project_row,
    refusal_events,
    valid_exception_payload,
    valid_line_payload,
    valid_project_payload,
)

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


# Operations that take no project. Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
GLOBAL_EXPECTED = _table("""
me              401 200 200 200 200 200 200 200 200 200 200
rules           401 200 200 200 200 200 200 200 200 200 200
units           401 200 200 200 200 200 200 200 200 200 200
plan_tasks      401 200 200 200 200 200 200 200 200 200 200
project_list    401 403 200 200 200 200 200 200 200 200 200
project_create  401 403 403 403 403 403 403 201 201 403 403
audit_events    401 403 403 403 200 403 403 403 403 403 403
round_list      401 403 200 200 200 200 200 200 200 403 403
round_open      401 403 201 403 403 403 403 403 403 403 403
""")

# Operations on one project of edu, per state (on_panel: under review, with the expert on its panel, its opinion
# recorded). Same columns.
PROJECT_EXPECTED = {
    "detail": _table("""
draft                 401 404 404 404 200 404 404 200 404 404 404
proposed              401 404 200 200 200 200 200 200 404 404 404
in_reserve            401 404 200 200 200 200 200 200 404 404 404
withdrawn             401 404 200 200 200 200 200 200 404 404 404
classified_draft      401 404 404 404 404 404 404 200 404 404 404
classified_proposed   401 404 200 404 404 404 404 200 404 404 404
on_panel              401 404 200 200 200 200 200 200 404 404 200
"""),
    "update": _table("""
draft                 401 404 404 404 403 404 404 200 404 404 404
proposed              401 404 403 403 403 403 403 409 404 404 404
in_reserve            401 404 403 403 403 403 403 409 404 404 404
withdrawn             401 404 403 403 403 403 403 409 404 404 404
classified_draft      401 404 404 404 404 404 404 200 404 404 404
classified_proposed   401 404 403 404 404 404 404 409 404 404 404
on_panel              401 404 403 403 403 403 403 409 404 404 403
"""),
    "submit_proposal": _table("""
draft                 401 404 404 404 403 404 404 200 404 404 404
proposed              401 404 403 403 403 403 403 409 404 404 404
in_reserve            401 404 403 403 403 403 403 409 404 404 404
withdrawn             401 404 403 403 403 403 403 409 404 404 404
classified_draft      401 404 404 404 404 404 404 200 404 404 404
classified_proposed   401 404 403 404 404 404 404 409 404 404 404
on_panel              401 404 403 403 403 403 403 409 404 404 403
"""),
    "admit": _table("""
draft                 401 404 404 404 403 404 404 403 404 404 404
proposed              401 404 200 403 403 403 403 403 404 404 404
in_reserve            401 404 409 403 403 403 403 403 404 404 404
withdrawn             401 404 409 403 403 403 403 403 404 404 404
classified_draft      401 404 404 404 404 404 404 403 404 404 404
classified_proposed   401 404 200 404 404 404 404 403 404 404 404
on_panel              401 404 409 403 403 403 403 403 404 404 403
"""),
    "return_for_revision": _table("""
draft                 401 404 404 404 403 404 404 403 404 404 404
proposed              401 404 200 403 403 403 403 403 404 404 404
in_reserve            401 404 409 403 403 403 403 403 404 404 404
withdrawn             401 404 409 403 403 403 403 403 404 404 404
classified_draft      401 404 404 404 404 404 404 403 404 404 404
classified_proposed   401 404 200 404 404 404 404 403 404 404 404
on_panel              401 404 409 403 403 403 403 403 404 404 403
"""),
    "withdraw": _table("""
draft                 401 404 404 404 403 404 404 200 404 404 404
proposed              401 404 403 403 403 403 403 200 404 404 404
in_reserve            401 404 403 403 403 403 403 200 404 404 404
withdrawn             401 404 403 403 403 403 403 409 404 404 404
classified_draft      401 404 404 404 404 404 404 200 404 404 404
classified_proposed   401 404 403 404 404 404 404 200 404 404 404
on_panel              401 404 403 403 403 403 403 200 404 404 403
"""),
    "compliance": _table("""
draft                 401 404 404 404 200 404 404 200 404 404 404
proposed              401 404 200 200 200 200 200 200 404 404 404
in_reserve            401 404 200 200 200 200 200 200 404 404 404
withdrawn             401 404 200 200 200 200 200 200 404 404 404
classified_draft      401 404 404 404 404 404 404 200 404 404 404
classified_proposed   401 404 200 404 404 404 404 200 404 404 404
on_panel              401 404 200 200 200 200 200 200 404 404 200
"""),
    "history": _table("""
draft                 401 404 404 404 200 404 404 200 404 404 404
proposed              401 404 200 200 200 200 200 200 404 404 404
in_reserve            401 404 200 200 200 200 200 200 404 404 404
withdrawn             401 404 200 200 200 200 200 200 404 404 404
classified_draft      401 404 404 404 404 404 404 200 404 404 404
classified_proposed   401 404 200 404 404 404 404 200 404 404 404
on_panel              401 404 200 200 200 200 200 200 404 404 200
"""),
}

# Operations on the 2027 round of the annual declaration (art. 8) — it holds a line of edu and one of health,
# and edu has a reserve project not declared yet — with the window open (2026-08-15) or closed (2026-10-01).
# Same columns.
ROUND_EXPECTED = {
    "round_detail": _table("""
open                  401 404 200 200 200 200 200 200 200 404 404
closed                401 404 200 200 200 200 200 200 200 404 404
"""),
    "exception_grant": _table("""
open                  401 404 201 403 403 403 403 403 403 404 404
closed                401 404 201 403 403 403 403 403 403 404 404
"""),
    "line_list": _table("""
open                  401 404 200 200 200 200 200 200 200 404 404
closed                401 404 200 200 200 200 200 200 200 404 404
"""),
    "line_declare": _table("""
open                  401 404 403 403 403 403 403 201 400 404 404
closed                401 404 403 403 403 403 403 422 400 404 404
"""),
}
# Withdrawing edu's line: declared, with the window open or closed; or withdrawn already. Same columns.
LINE_EXPECTED = {
    "line_withdraw": _table("""
declared_open         401 404 403 403 403 403 403 200 404 404 404
declared_closed       401 404 403 403 403 403 403 422 404 404 404
withdrawn_open        401 404 403 403 403 403 403 409 404 404 404
"""),
}
MOMENT = {"open": INSIDE_WINDOW, "closed": OUTSIDE_WINDOW}

# (method, path) of every operation, as the OpenAPI document names it.
GLOBAL_OPERATIONS = {
    "me": ("GET", "/me"),
    "rules": ("GET", "/rules"),
    "units": ("GET", "/units"),
    "plan_tasks": ("GET", "/plan-tasks"),
    "project_list": ("GET", "/projects"),
    "project_create": ("POST", "/projects"),
    "audit_events": ("GET", "/audit/events"),
    "round_list": ("GET", "/declaration-rounds"),
    "round_open": ("POST", "/declaration-rounds"),
}
PROJECT_OPERATIONS = {
    "detail": ("GET", "/projects/{project_id}"),
    "update": ("PATCH", "/projects/{project_id}"),
    "submit_proposal": ("POST", "/projects/{project_id}/submit-proposal"),
    "admit": ("POST", "/projects/{project_id}/admit"),
    "return_for_revision": ("POST", "/projects/{project_id}/return-for-revision"),
    "withdraw": ("POST", "/projects/{project_id}/withdraw"),
    "compliance": ("GET", "/projects/{project_id}/compliance"),
    "history": ("GET", "/projects/{project_id}/history"),
}
ROUND_OPERATIONS = {
    "round_detail": ("GET", "/declaration-rounds/{round_id}"),
    "exception_grant": ("POST", "/declaration-rounds/{round_id}/exceptions"),
    "line_list": ("GET", "/declaration-rounds/{round_id}/lines"),
    "line_declare": ("POST", "/declaration-rounds/{round_id}/lines"),
}
LINE_OPERATIONS = {
    "line_withdraw": ("POST", "/declaration-lines/{line_id}/withdraw"),
}
MATRIX_OPERATIONS = {(m, API + p) for m, p in [*GLOBAL_OPERATIONS.values(), *PROJECT_OPERATIONS.values(),
                                               *ROUND_OPERATIONS.values(), *LINE_OPERATIONS.values(),
                                               *matrix_plans.OPERATIONS, *matrix_devplans.OPERATIONS,
                                               *matrix_documents.OPERATIONS, *matrix_approvals.OPERATIONS,
                                               *matrix_construction.OPERATIONS,
                                               *matrix_acceptance.OPERATIONS, *matrix_operation.OPERATIONS,
                                               *matrix_oversight.OPERATIONS]}
MATRIX_OPERATIONS |= {(m, API + p) for m, p in [*matrix_catalogue.OPERATIONS, *matrix_security.OPERATIONS]}
TRANSITIONS = ("submit_proposal", "admit", "return_for_revision", "withdraw")  # the workflow table's order
WRITES = ("update", *TRANSITIONS)
# 403 bodies: a denial by a power rule (art. 4, art. 7) cites its article; the listing denial is plain.
FORBIDDEN_BODY = {"admit": DRC_POWER_FORBIDDEN, "return_for_revision": DRC_POWER_FORBIDDEN,
                  "audit_events": AUDIT_POWER_FORBIDDEN, "update": OWNER_POWER_FORBIDDEN,
                  "submit_proposal": OWNER_POWER_FORBIDDEN, "withdraw": OWNER_POWER_FORBIDDEN,
                  "project_create": OWNER_POWER_FORBIDDEN, "round_open": DRC_ROUND_FORBIDDEN,
                  "exception_grant": DRC_ROUND_FORBIDDEN, "line_declare": DECLARE_FORBIDDEN,
                  "line_withdraw": DECLARE_FORBIDDEN}
# What a successful write does: the status it leaves and the business event it records.
WRITE_EFFECT = {
    "update": (None, "project.changed"),
    "submit_proposal": ("proposed", "project.proposal.submitted"),
    "admit": ("in_reserve", "project.proposal.admitted"),
    "return_for_revision": ("draft", "project.proposal.returned"),
    "withdraw": ("withdrawn", "project.withdrawn"),
}
# What a global write creates: the model, its business event, and the action an `access.denied` names.
GLOBAL_CREATES = {
    "project_create": (Project, "project.created", "project.create"),
    "round_open": (DeclarationRound, "planning.round.opened", "declaration.open_round"),
}
# The declaration's writes: the business event a success records, the action a refusal names.
PLANNING_WRITES = {
    "exception_grant": ("planning.exception.granted", "declaration.grant_exception"),
    "line_declare": ("planning.line.declared", "declaration.declare"),
    "line_withdraw": ("planning.line.withdrawn", "declaration.withdraw"),
}
# What each role sees of the round's lines (and so of its totals): the bureaus all, a unit its own.
LINES_SEEN = {"edu": ("edu_line",), "health": ("health_line",)}
BUREAU_LINES = ("edu_line", "health_line")

def _state_and_flag(state: str) -> tuple[str, bool]:
    """The project status and the classified flag of a table's state."""
    if state in PANEL_STATES:
        return PANEL_STATES[state][0], False
    return (state.removeprefix("classified_"), True) if state.startswith("classified_") else (state, False)


# The states whose project went through the initiation approval (tests/approvals_world.py): its status, and the
# approval stage it was brought to.
PANEL_STATES = {"on_panel": ("under_review", "reviewed")}


def _make(district, make_project, state: str, **fields) -> Project:
    """A project of edu in `state`: through the approval (the expert on its panel) for a PANEL_STATES state."""
    if state in PANEL_STATES:
        from tests.approvals_world import approval_maker

        return approval_maker(district)(PANEL_STATES[state][1], **fields).project
    base_state, classified = _state_and_flag(state)
    return make_project(base_state, classified=classified, **fields)


def _project_cells():
    for op, table in PROJECT_EXPECTED.items():
        for state, row in table.items():
            for role, status in row.items():
                yield pytest.param(op, state, role, status, id=f"{op}-{state}-{role}")


def _round_cells():
    for op, table in ROUND_EXPECTED.items():
        for state, row in table.items():
            for role, status in row.items():
                yield pytest.param(op, state, role, status, id=f"{op}-{state}-{role}")


def _line_cells():
    for op, table in LINE_EXPECTED.items():
        for state, row in table.items():
            for role, status in row.items():
                yield pytest.param(op, state, role, status, id=f"{op}-{state}-{role}")


def _global_cells():
    for op, row in GLOBAL_EXPECTED.items():
        for role, status in row.items():
            yield pytest.param(op, role, status, id=f"{op}-{role}")


def _expected_actions(role: str, state: str) -> list[str]:
    """The detail's `actions`: exactly the writes this role would succeed with in this state."""
    return [op for op in WRITES if PROJECT_EXPECTED[op][state][role] == 200]


def _request(client, op: str, project: Project | int):
    pk = project if isinstance(project, int) else project.pk
    version = 1 if isinstance(project, int) else project.version
    method, path = PROJECT_OPERATIONS[op]
    url = API + path.format(project_id=pk)
    if op == "history":
        return client.get(url + "?limit=50&offset=0")  # the default paging has its own test (test_workflow_api)
    if method == "GET":
        return client.get(url)
    if op == "update":
        return client.patch(url, {"version": version, "name": "改名后的智慧校园项目"})
    return client.post(url, {"version": version, "reason": "请补充建设方案", "no_task_reason": "基础支撑"})


def _round_request(client, op: str, round_id: int, world, district):
    method, path = ROUND_OPERATIONS[op]
    url = API + path.format(round_id=round_id)
    if op == "exception_grant":
        return client.post(url, valid_exception_payload(district.edu.pk))
    if op == "line_declare":
        return client.post(url, valid_line_payload(world.project.pk))
    return client.call(method, url)


def _line_request(client, line_id: int, version: int):
    return client.post(API + LINE_OPERATIONS["line_withdraw"][1].format(line_id=line_id),
                       {"version": version, "reason": "改为明年申报"})


def test_the_tables_cover_every_role_and_state():
    assert ("anonymous", *ROLES) == COLUMNS
    states = {"draft", "proposed", "in_reserve", "withdrawn", "classified_draft", "classified_proposed", "on_panel"}
    assert set(PROJECT_EXPECTED) == set(PROJECT_OPERATIONS)
    assert set(GLOBAL_EXPECTED) == set(GLOBAL_OPERATIONS)
    assert set(ROUND_EXPECTED) == set(ROUND_OPERATIONS)
    assert set(LINE_EXPECTED) == set(LINE_OPERATIONS)
    assert all(set(table) == states for table in PROJECT_EXPECTED.values())
    assert all(set(table) == set(MOMENT) for table in ROUND_EXPECTED.values())
    assert all(set(table) == {"declared_open", "declared_closed", "withdrawn_open"}
               for table in LINE_EXPECTED.values())


@pytest.mark.parametrize(("op", "state", "role", "expected"), list(_project_cells()))
def test_project_operation(api, district, make_project, op, state, role, expected):
    # given a project of edu in `state`, and a client acting as `role`
    base_state, classified = _state_and_flag(state)
    project = _make(district, make_project, state)
    client = api(role)
    row_before = project_row(project.pk)
    events_before = business_events()
    refusals_before = refusal_events(project.pk)

    # when
    response = _request(client, op, project)

    # then
    assert response.status_code == expected, response.content.decode()
    body = response.json()
    if expected == 401:
        assert body == UNAUTHENTICATED
    elif expected == 404:
        assert body == NOT_FOUND
        assert _request(client, op, missing_project_id()).json() == body  # same as a truly missing id
    elif expected == 403:
        assert body == FORBIDDEN_BODY.get(op, FORBIDDEN)
    elif expected == 409:
        assert body["error"]["code"] == "conflict"
    elif op == "detail":
        assert (body["id"], body["status"], body["classified"]) == (project.pk, base_state, classified)
        assert body["actions"] == _expected_actions(role, state)
    elif op == "compliance":
        assert body["project_id"] == project.pk
        assert [item["rule"] for item in body["items"]][:1] == ["art2.kind_and_construction_type"]
    elif op == "history":  # the project's events, newest first: all of them but what the approval hides (below)
        from itgov.audit.models import AuditEvent

        events = AuditEvent.objects.filter(project_id=project.pk).order_by("-seq")
        seqs = list(events.values_list("seq", flat=True))
        may_hide = set(events.filter(event_type__in=HIDDEN_FROM.get(role, ())).values_list("seq", flat=True))
        got = [item["seq"] for item in body["items"]]
        assert (body["count"], got) == (len(got), [seq for seq in seqs if seq in got])
        assert set(seqs) - may_hide <= set(got)
    if op not in WRITES:
        assert project_row(project.pk) == row_before
        assert business_events() == events_before
        return

    if expected == 200:
        target, event_type = WRITE_EFFECT[op]
        row = project_row(project.pk)
        assert (body["id"], body["status"], body["version"]) == (project.pk, target or base_state, project.version + 1)
        assert (row["status"], row["version"]) == (target or base_state, project.version + 1)
        assert business_events()[:-1] == events_before
        assert business_events()[-1][1] == event_type
        return
    # a denied write: nothing changed, no business event; a 403 alone is recorded as access.denied
    assert project_row(project.pk) == row_before
    assert business_events() == events_before
    new_refusals = refusal_events(project.pk)[len(refusals_before):]
    if expected == 403:
        action = "project.update" if op == "update" else f"project.{op}"
        assert new_refusals == [("access.denied", action)]
    else:
        assert new_refusals == []


@pytest.mark.parametrize(("op", "role", "expected"), list(_global_cells()))
def test_global_operation(api, district, make_project, make_round, op, role, expected):
    # given one project of each unit, the 2027 round, and a client acting as `role`
    make_project("proposed")
    make_project("proposed", owner="health")
    make_round(ROUND_YEAR)
    client = api(role)
    counts_before = {model: model.objects.count() for model, *_ in GLOBAL_CREATES.values()}
    events_before = business_events()
    refusals_before = refusal_events()
    method, path = GLOBAL_OPERATIONS[op]

    # when
    if op == "project_create":
        response = client.post(API + path, valid_project_payload())
    elif op == "round_open":
        response = client.post(API + path, {"year": ROUND_YEAR + 1})
    else:
        response = client.call(method, API + path)

    # then
    assert response.status_code == expected, response.content.decode()
    body = response.json()
    if expected == 401:
        assert body == UNAUTHENTICATED
    elif expected == 403:
        assert body == FORBIDDEN_BODY.get(op, FORBIDDEN)
    elif op == "me":
        assert (body["username"], body["roles"]) == (role, sorted(district.users[role].roles))
    elif op == "rules":
        assert len(body["items"]) > 0
    elif op == "units":
        assert {"drc", "edu", "school1", "health"} <= {u["code"] for u in body}
    elif op == "plan_tasks":
        assert body == []
    elif op == "project_list":  # one proposed project of edu and one of health; none on the expert's panel
        expected_units = {"edu": ["edu"], "health": ["health"], "expert": [], "supervisor": []}.get(
            role, ["edu", "health"])
        assert sorted(item["owner_unit"]["code"] for item in body["items"]) == expected_units
        assert body["count"] == len(expected_units)
    elif op == "audit_events":
        assert body["count"] == len(body["items"]) > 0
    elif op == "project_create":
        assert body["status"] == "draft"
        assert body["owner_unit"]["code"] == role
    elif op == "round_list":  # the round, to the owner units and the bureaus (sysadmin and supervisor: 403)
        assert [item["year"] for item in body] == [ROUND_YEAR]
    elif op == "round_open":  # the window of plan year 2028 is the third quarter of 2027
        assert (body["year"], body["window"]["opens_on"], body["window"]["closes_on"]) == (
            ROUND_YEAR + 1, "2027-07-01", "2027-09-30")
    counts = {model: model.objects.count() for model in counts_before}
    if expected == 201:
        model, event_type, _action = GLOBAL_CREATES[op]
        assert counts == {**counts_before, model: counts_before[model] + 1}
        assert [e for _seq, e in business_events()[len(events_before):]] == [event_type]
        return
    assert counts == counts_before
    assert business_events() == events_before
    if op in GLOBAL_CREATES and expected == 403:
        assert refusal_events()[len(refusals_before):] == [("access.denied", GLOBAL_CREATES[op][2])]


def _check_planning_write(op: str, expected: int, counts_before, events_before, refusals_before):
    """A write of the declaration: on success one more row and its one business event; refused, nothing
    changed, no business event, and the refusal recorded as the status says (403 → access.denied, 422 →
    rule.refused, else nothing)."""
    event_type, action = PLANNING_WRITES[op]
    if expected in (200, 201):
        more = {"exception_grant": (0, 1, 0), "line_declare": (0, 0, 1), "line_withdraw": (0, 0, 0)}[op]
        assert planning_counts() == tuple(b + m for b, m in zip(counts_before, more, strict=True))
        assert [e for _seq, e in business_events()[len(events_before):]] == [event_type]
        assert refusal_events()[len(refusals_before):] == []
        return
    assert planning_counts() == counts_before
    assert business_events() == events_before
    recorded = {403: [("access.denied", action)], 422: [("rule.refused", action)]}.get(expected, [])
    assert refusal_events()[len(refusals_before):] == recorded


@pytest.mark.parametrize(("op", "state", "role", "expected"), list(_round_cells()))
def test_round_operation(api, district, declaration_round, at, op, state, role, expected):
    # given the 2027 round (a line of edu, a line of health, a reserve project of edu not declared), the clock
    # inside or past the window, and a client acting as `role`
    world = declaration_round
    at(MOMENT[state])
    client = api(role)
    row_before = project_row(world.project.pk)
    counts_before, events_before, refusals_before = planning_counts(), business_events(), refusal_events()

    # when
    response = _round_request(client, op, world.round.pk, world, district)

    # then
    assert response.status_code == expected, response.content.decode()[:300]
    body = response.json()
    seen = LINES_SEEN.get(role, BUREAU_LINES)
    if expected == 401:
        assert body == UNAUTHENTICATED
    elif expected == 404:
        assert body == NOT_FOUND
        assert _round_request(client, op, missing_id(DeclarationRound), world, district).json() == body
    elif expected == 403:
        assert body == FORBIDDEN_BODY[op]
    elif expected == 400:  # health cannot see edu's project: named as if it did not exist
        assert body["error"]["fields"] == {"project_id": ["项目不存在或无权查看"]}
    elif expected == 422:
        assert (body["error"]["rule"], body["error"]["article"]) == ("art8.declaration_window", "第八条")
    elif op == "round_detail":
        assert (body["id"], body["year"], body["window"]["state"]) == (world.round.pk, ROUND_YEAR, state)
        lines = [getattr(world, name) for name in seen]
        assert body["total"] == f"{sum(line.requested_amount for line in lines):.2f}"
        assert {row["unit"]["code"] for row in body["units"] if row["lines"]} == {line.unit.code for line in lines}
    elif op == "line_list":
        assert [item["id"] for item in body] == [getattr(world, name).pk for name in seen]
    elif op == "exception_grant":
        assert (body["unit"]["code"], body["reason"]) == ("edu", "机构调整,延期申报")
        assert dt.datetime.fromisoformat(body["deadline"]) == dt.datetime(2026, 10, 15, 18, tzinfo=SHANGHAI)
    elif op == "line_declare":
        assert (body["project"]["id"], body["unit"]["code"], body["status"], body["version"]) == (
            world.project.pk, "edu", "declared", 1)
        assert (body["requested_amount"], body["via_exception"]) == ("800000.00", False)
    assert project_row(world.project.pk) == row_before  # declaring never touches the project
    if op in PLANNING_WRITES:
        _check_planning_write(op, expected, counts_before, events_before, refusals_before)
    else:
        assert (planning_counts(), business_events()) == (counts_before, events_before)


@pytest.mark.parametrize(("op", "state", "role", "expected"), list(_line_cells()))
def test_line_operation(api, district, declaration_round, make_project, make_line, at, op, state, role, expected):
    # given a line of edu in the 2027 round, declared (or withdrawn already), the clock inside or past the window
    world = declaration_round
    line_state, moment = state.split("_")
    line = make_line(world.round, make_project("in_reserve"), status=line_state, requested_amount="120000.00")
    at(MOMENT[moment])
    client = api(role)
    row_before = line_row(line.pk)
    counts_before, events_before, refusals_before = planning_counts(), business_events(), refusal_events()

    # when
    response = _line_request(client, line.pk, line.version)

    # then
    assert response.status_code == expected, response.content.decode()[:300]
    body = response.json()
    if expected == 401:
        assert body == UNAUTHENTICATED
    elif expected == 404:
        assert body == NOT_FOUND
        assert _line_request(client, missing_id(DeclarationLine), 1).json() == body
    elif expected == 403:
        assert body == FORBIDDEN_BODY[op]
    elif expected == 409:
        assert body["error"]["code"] == "conflict"
    elif expected == 422:
        assert (body["error"]["rule"], body["error"]["article"]) == ("art8.declaration_window", "第八条")
    else:
        assert (body["id"], body["status"], body["version"]) == (line.pk, "withdrawn", line.version + 1)
        assert (line_row(line.pk)["status"], line_row(line.pk)["version"]) == ("withdrawn", line.version + 1)
    if expected != 200:
        assert line_row(line.pk) == row_before
    _check_planning_write(op, expected, counts_before, events_before, refusals_before)


# Listing: exactly the projects the role may see (the queryset and the object check agree). other_panel is
# under review with another expert (not the one who signs in) on its panel.
_REVIEWED = {"on_panel", "other_panel"}
LIST_SEES = {
    "admin": None,  # 403: no listing power
    "supervisor": set(),  # the projects its firm supervises (art. 19): none of these; see the test below
    "drc": {"proposed", "in_reserve", "withdrawn", "classified_proposed", "health_proposed", *_REVIEWED},
    "finance": {"proposed", "in_reserve", "withdrawn", "health_proposed", *_REVIEWED},
    "audit": {"draft", "proposed", "in_reserve", "withdrawn", "school1_draft", "health_draft", "health_proposed",
              *_REVIEWED},
    "cyber": {"proposed", "in_reserve", "withdrawn", "health_proposed", *_REVIEWED},
    "gov": {"proposed", "in_reserve", "withdrawn", "health_proposed", *_REVIEWED},
    "edu": {"draft", "proposed", "in_reserve", "withdrawn", "classified_draft", "classified_proposed",
            "school1_draft", *_REVIEWED},
    "health": {"health_draft", "health_proposed"},
    "expert": {"on_panel"},  # its panel's only (art. 28)
}


def test_a_supervision_firm_lists_and_reads_only_the_projects_it_supervises(api, district):
    from tests.construction_world import construction_maker
    from tests.factories import UnitFactory, UserFactory

    # given two building projects of edu, one supervised by the district's firm, and a supervisor of another firm
    make = construction_maker(district)
    supervised = make("in_construction").project
    unsupervised = make("budgeted", supervised=False).project
    other_firm = UnitFactory(code="firm2", name="另一监理公司", kind="supervision_firm")
    district.users["supervisor2"] = UserFactory(username="supervisor2", unit=other_firm, role="supervisor")

    # then the firm's supervisor lists and reads the one it supervises, and nothing else (404 like a missing id)
    client = api("supervisor")
    assert [item["id"] for item in client.get(f"{API}/projects?limit=200").json()["items"]] == [supervised.pk]
    assert client.get(f"{API}/projects/{supervised.pk}").status_code == 200
    assert client.get(f"{API}/projects/{unsupervised.pk}").status_code == 404
    other = api("supervisor2")
    assert other.get(f"{API}/projects?limit=200").json()["items"] == []
    assert other.get(f"{API}/projects/{supervised.pk}").status_code == 404


def test_the_listing_table_covers_every_role():
    assert set(LIST_SEES) == set(ROLES)


@pytest.mark.parametrize("role", [r for r, seen in LIST_SEES.items() if seen is not None])
def test_project_list_shows_exactly_the_visible_projects(api, district, make_project, role):
    from itgov.approvals import services as approval_services
    from tests.approvals_world import approval_maker

    # given projects of edu in every state (one on the expert's panel), one under review with another expert on
    # its panel, and projects of edu's sub-unit school1 and of health
    made = {state: _make(district, make_project, state) for state in PROJECT_EXPECTED["detail"]}
    made["other_panel"] = approval_maker(district)("reviewed", panel=False).project
    approval_services.panel_add(actor=district.users["drc"], project=made["other_panel"],
                                data={"expert_id": district.expert2.pk})
    made["school1_draft"] = make_project("draft", owner="school1")
    made["health_draft"] = make_project("draft", owner="health")
    made["health_proposed"] = make_project("proposed", owner="health")

    # when
    body = api(role).get(f"{API}/projects?limit=200").json()

    # then
    assert {item["id"] for item in body["items"]} == {made[name].pk for name in LIST_SEES[role]}
    assert body["count"] == len(LIST_SEES[role])


# What a project's history must leave out for a reader who may see the project but not every paper of its
# approval: the expert (approvals.view_decision: not the approval letter, not the budget) and the owner unit (the
# review and the panel are the bureaus' and the panel's own experts', api/routers/approvals._may_see_review).
HIDDEN_FROM = {
    "expert": {"approval.approved", "approval.baseline.fixed", "approval.letter.generated", "approval.budget.recorded",
               "approval.budget.revision"},
    "edu": {"approval.review.changed", "approval.panel.added", "approval.panel.opinion"},
}


@pytest.mark.parametrize("role", list(HIDDEN_FROM))
def test_the_history_does_not_show_what_the_approval_hides_from_the_reader(api, district, role):
    from tests.approvals_world import approval_maker

    # given a project approved and budgeted, the expert on its panel
    project = approval_maker(district)("budgeted").project
    client = api(role)
    assert client.get(f"projects/{project.pk}").status_code == 200  # it sees the project

    # when
    body = client.get(f"projects/{project.pk}/history?limit=200").json()

    # then the history names the approval's steps, but none of the papers hidden from this reader
    types = {item["event_type"] for item in body["items"]}
    assert {"approval.submitted", "approval.review.started"} <= types
    assert types & HIDDEN_FROM[role] == set()


@pytest.mark.parametrize(("role", "op", "expected"), [
    ("edu", "detail", 200),
    ("edu", "update", 200),
    ("edu", "submit_proposal", 200),
    ("edu", "compliance", 200),
    ("health", "detail", 404),
    ("health", "update", 404),
    ("health", "submit_proposal", 404),
    ("drc", "detail", 404),
])
def test_sub_unit_draft_is_its_parent_units_own(api, make_project, role, op, expected):
    # given a draft of school1, which lies under edu
    project = make_project("draft", owner="school1")
    row_before = project_row(project.pk)

    # when
    response = _request(api(role), op, project)

    # then
    assert response.status_code == expected, response.content.decode()
    if expected == 404:
        assert response.json() == NOT_FOUND
        assert project_row(project.pk) == row_before


PATH_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _api_operations_answered(client) -> set[tuple[str, str]]:
    """(method, path) of every operation the API serves, found over HTTP: walk the URLconf below /api/v1/
    and ask each route every method, every path parameter an id that does not exist; anything but 405 is an
    operation."""
    from django.urls import URLResolver, get_resolver

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                yield "/" + prefix + str(pattern.pattern), pattern.name

    found = set()
    missing = missing_project_id()
    for route, name in walk(get_resolver()):
        if not route.startswith(API + "/") or name in ("openapi-json", "openapi-view", "api-root"):
            continue
        url = PATH_PARAMETER.sub(str(missing), route)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            if client.call(method, url, *([] if method == "GET" else [{}])).status_code != 405:
                found.add((method, PATH_PARAMETER.sub(r"{\1}", route)))
    return found


def test_every_served_operation_has_a_matrix_row(api, district):
    # when every route of the API is asked every method (as DRC, on ids that do not exist)
    found = _api_operations_answered(api("drc"))

    # then each operation served is one the matrix covers, and the matrix names no phantom
    assert found == MATRIX_OPERATIONS


def test_every_operation_in_the_openapi_document_has_a_matrix_row(api, district):
    # when DRC reads the OpenAPI document
    response = api("drc").get(f"{API}/openapi.json")

    # then it lists exactly the operations the matrix covers
    assert response.status_code == 200
    documented = {(method.upper(), path) for path, ops in response.json()["paths"].items() for method in ops
                  if method in ("get", "post", "put", "patch", "delete")}
    assert documented == MATRIX_OPERATIONS


def test_session_post_without_csrf_token_is_refused(district):
    from django.test import Client

    # given a browser session with CSRF checks on, and no token sent
    client = Client(enforce_csrf_checks=True)
    client.force_login(district.users["edu"])
    projects_before = Project.objects.count()
    events_before = business_events()

    # when
    response = client.post(f"{API}/projects", data=valid_project_payload(), content_type="application/json")

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert Project.objects.count() == projects_before
    assert business_events() == events_before


def test_session_get_needs_no_csrf_token(district):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(district.users["edu"])

    response = client.get(f"{API}/me")

    assert response.status_code == 200
    assert response.json()["username"] == "edu"


@pytest.mark.parametrize(("op", "expected"), [
    ("detail", 200), ("compliance", 200), ("history", 200),
    ("update", 403), ("submit_proposal", 403), ("withdraw", 403), ("admit", 403), ("return_for_revision", 403),
])
def test_a_participating_unit_sees_the_project_but_cannot_act(api, make_project, district, op, expected):
    from itgov.projects.models import ProjectParticipant

    # given a draft of edu in which health takes part (art. 16)
    project = make_project("draft")
    ProjectParticipant.objects.create(project=project, unit=district.health)
    client = api("health")
    row_before, events_before = project_row(project.pk), business_events()

    # when
    response = _request(client, op, project)

    # then
    assert response.status_code == expected, response.content.decode()
    if expected == 403:
        assert response.json() == FORBIDDEN_BODY[op]
    if op == "detail":
        assert response.json()["actions"] == []
    assert project_row(project.pk) == row_before
    assert business_events() == events_before


def test_a_participating_unit_lists_the_project_unless_it_is_classified(api, make_project, district):
    from itgov.projects.models import ProjectParticipant

    open_project = make_project("draft")
    classified = make_project("proposed", classified=True)
    for project in (open_project, classified):
        ProjectParticipant.objects.create(project=project, unit=district.health)

    client = api("health")

    assert [item["id"] for item in client.get("projects").json()["items"]] == [open_project.pk]
    assert client.get(f"projects/{classified.pk}").json() == NOT_FOUND


def test_the_audit_trail_does_not_reveal_a_classified_project_to_whom_it_is_hidden(api, make_project):
    project = make_project("proposed", classified=True, name="某涉密指挥系统建设项目")
    client = api("audit")
    assert client.get(f"projects/{project.pk}").json() == NOT_FOUND

    everything = client.get("audit/events?limit=200").json()
    by_id = client.get(f"audit/events?project_id={project.pk}").json()

    assert "某涉密指挥系统建设项目" not in json.dumps(everything, ensure_ascii=False)
    assert by_id["count"] == 0


def test_the_csrf_refusal_speaks_chinese(district):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(district.users["edu"])

    response = client.post(f"{API}/projects", data=json.dumps(valid_project_payload()),
                           content_type="application/json")

    assert response.status_code == 403
    assert CJK.search(response.json()["error"]["message"]), response.json()
