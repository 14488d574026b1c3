"""The annual investment plan (art. 8–9), its adjustments (art. 10) and "is P funded in year Y" over /api/v1.

The authorization matrix (STYLE.md habits 5 and 6): every operation × every role × the states that matter,
with the exact status, following itgov/planning/policies.py:
- visibility: the five bureaus of art. 4 see every edition (drafts included) and every line; an owner unit
  sees the issued and superseded editions and only its own lines and adjustments; sysadmin, supervisor and
  expert see no plan (the list is 403, an edition 404, exactly like a missing id);
- power: DRC and Finance compile the draft (create, edit, lines, allocation; art. 8), DRC submits, Finance
  co-signs, Finance returns what waits for its signature and the government what waits for its approval, the
  government issues; a unit applies to adjust its own projects (art. 10), DRC then Finance review, the
  government consents, each reviewer may reject at its own step, the applicant withdraws. A visible object
  without the power is 403 citing the article; with the power in the wrong state 409; an edit of an edition
  no longer in draft is refused by the rule art10.issued_plan_unchanged (422).
A refusal leaves every row of the plan and the business audit trail as they were; a 403 is recorded as
`access.denied`, a 422 as `rule.refused`, naming the action.

Each matrix test builds the world once and asks every role in turn, each inside a savepoint rolled back
after its checks, so one role's success does not change what the next one meets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from itgov.planning.models import AdjustmentItem, AnnualPlan, PlanAdjustment, PlanLine
from itgov.projects.models import Project
from tests.factories import ProjectFactory

from . import matrix_plans
from .conftest import (
    API,
    FORBIDDEN,
    NOT_FOUND,
    ROLES,
    UNAUTHENTICATED,
    business_events,
    missing_id,
    missing_project_id,
    refusal_events,
)
from .conftest_plans import (  # noqa: F401  (the fixtures plan_world and adjustment_world)
    ADJUSTMENT_STATES,
    APPLY_FORBIDDEN,
    CAPACITY,
    COMPILE_FORBIDDEN,
    CONSENT_FORBIDDEN,
    COSIGN_FORBIDDEN,
    GOVERNMENT_FORBIDDEN,
    PLAN_STATES,
    PLAN_YEAR,
    REVIEW_FORBIDDEN,
    add_line,
    adjustment_world_fixture,
    apply_adjustment,
    move_adjustment,
    plan_snapshot,
    plan_world_fixture,
)
from .test_bad_input import INVALID, ONE_OF, _assert_field_error

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


# Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
GLOBAL_EXPECTED = _table("""
plan_list       401 403 200 200 200 200 200 200 200 403 403
plan_create     401 403 201 201 403 403 403 403 403 403 403
""")

_SEEN = """
draft          401 404 200 200 200 200 200 404 404 404 404
submitted      401 404 200 200 200 200 200 404 404 404 404
cosigned       401 404 200 200 200 200 200 404 404 404 404
issued         401 404 200 200 200 200 200 200 200 404 404
superseded     401 404 200 200 200 200 200 200 200 404 404
"""


def _draft_edit(ok: int) -> str:
    """DRC and Finance edit the draft; once it left the draft, art. 10 refuses (422)."""
    return f"""
draft          401 404 {ok} {ok} 403 403 403 404 404 404 404
submitted      401 404 422 422 403 403 403 404 404 404 404
cosigned       401 404 422 422 403 403 403 404 404 404 404
issued         401 404 422 422 403 403 403 403 403 404 404
superseded     401 404 422 422 403 403 403 403 403 404 404
"""


# Operations on one edition, per its state. Same columns.
PLAN_EXPECTED = {
    "plan_detail": _table(_SEEN),
    "plan_update": _table(_draft_edit(200)),
    "compile": _table(_draft_edit(200)),
    "line_list": _table(_SEEN),
    "line_add": _table(_draft_edit(201)),
    "allocation": _table("""
draft          401 404 200 200 403 403 403 404 404 404 404
submitted      401 404 200 200 403 403 403 404 404 404 404
cosigned       401 404 200 200 403 403 403 404 404 404 404
issued         401 404 200 200 403 403 403 403 403 404 404
superseded     401 404 200 200 403 403 403 403 403 404 404
"""),
    "allocate": _table(_draft_edit(200)),
    "submit": _table("""
draft          401 404 200 403 403 403 403 404 404 404 404
submitted      401 404 409 403 403 403 403 404 404 404 404
cosigned       401 404 409 403 403 403 403 404 404 404 404
issued         401 404 409 403 403 403 403 403 403 404 404
superseded     401 404 409 403 403 403 403 403 403 404 404
"""),
    "cosign": _table("""
draft          401 404 403 409 403 403 403 404 404 404 404
submitted      401 404 403 200 403 403 403 404 404 404 404
cosigned       401 404 403 409 403 403 403 404 404 404 404
issued         401 404 403 409 403 403 403 403 403 404 404
superseded     401 404 403 409 403 403 403 403 403 404 404
"""),
    "return": _table("""
draft          401 404 403 409 403 403 409 404 404 404 404
submitted      401 404 403 200 403 403 403 404 404 404 404
cosigned       401 404 403 403 403 403 200 404 404 404 404
issued         401 404 403 409 403 403 409 403 403 404 404
superseded     401 404 403 409 403 403 409 403 403 404 404
"""),
    "issue": _table("""
draft          401 404 403 403 403 403 409 404 404 404 404
submitted      401 404 403 403 403 403 409 404 404 404 404
cosigned       401 404 403 403 403 403 200 404 404 404 404
issued         401 404 403 403 403 403 409 403 403 404 404
superseded     401 404 403 403 403 403 409 403 403 404 404
"""),
    "diff": _table(_SEEN),
    "adjustment_list": _table(_SEEN),
    # edu applies for its own project; health's application names edu's project (400 naming it); an edition
    # already superseded cannot be adjusted (422, art10.adjustment_on_current_edition, before anything else).
    "adjustment_apply": _table("""
draft          401 404 403 403 403 403 403 404 404 404 404
submitted      401 404 403 403 403 403 403 404 404 404 404
cosigned       401 404 403 403 403 403 403 404 404 404 404
issued         401 404 403 403 403 403 403 201 400 404 404
superseded     401 404 403 403 403 403 403 422 422 404 404
"""),
}

# Operations on edu's line, per the state of its edition. Same columns.
_LINE_EDIT = """
draft          401 404 {ok} {ok} 403 403 403 404 404 404 404
submitted      401 404 422 422 403 403 403 404 404 404 404
cosigned       401 404 422 422 403 403 403 404 404 404 404
issued         401 404 422 422 403 403 403 403 404 404 404
superseded     401 404 422 422 403 403 403 403 404 404 404
"""
LINE_EXPECTED = {
    "line_detail": _table("""
draft          401 404 200 200 200 200 200 404 404 404 404
submitted      401 404 200 200 200 200 200 404 404 404 404
cosigned       401 404 200 200 200 200 200 404 404 404 404
issued         401 404 200 200 200 200 200 200 404 404 404
superseded     401 404 200 200 200 200 200 200 404 404 404
"""),
    "line_update": _table(_LINE_EDIT.format(ok=200)),
    "line_delete": _table(_LINE_EDIT.format(ok=204)),
}

# Operations on edu's adjustment of the issued edition, per the adjustment's state. Same columns.
_CLOSED = ("consented", "rejected", "withdrawn")
ADJUSTMENT_EXPECTED = {
    "adjustment_detail": _table("\n".join(f"{s} 401 404 200 200 200 200 200 200 404 404 404" for s in ADJUSTMENT_STATES)),
    "review": _table("""
applied        401 404 200 403 403 403 403 403 404 404 404
drc_reviewed   401 404 409 403 403 403 403 403 404 404 404
reviewed       401 404 409 403 403 403 403 403 404 404 404
consented      401 404 409 403 403 403 403 403 404 404 404
rejected       401 404 409 403 403 403 403 403 404 404 404
withdrawn      401 404 409 403 403 403 403 403 404 404 404
"""),
    "finance_review": _table("""
applied        401 404 403 409 403 403 403 403 404 404 404
drc_reviewed   401 404 403 200 403 403 403 403 404 404 404
reviewed       401 404 403 409 403 403 403 403 404 404 404
consented      401 404 403 409 403 403 403 403 404 404 404
rejected       401 404 403 409 403 403 403 403 404 404 404
withdrawn      401 404 403 409 403 403 403 403 404 404 404
"""),
    "consent": _table("""
applied        401 404 403 403 403 403 409 403 404 404 404
drc_reviewed   401 404 403 403 403 403 409 403 404 404 404
reviewed       401 404 403 403 403 403 200 403 404 404 404
consented      401 404 403 403 403 403 409 403 404 404 404
rejected       401 404 403 403 403 403 409 403 404 404 404
withdrawn      401 404 403 403 403 403 409 403 404 404 404
"""),
    # each reviewer refuses at its own step only
    "reject": _table("""
applied        401 404 200 403 403 403 403 403 404 404 404
drc_reviewed   401 404 403 200 403 403 403 403 404 404 404
reviewed       401 404 403 403 403 403 200 403 404 404 404
consented      401 404 403 403 403 403 403 403 404 404 404
rejected       401 404 403 403 403 403 403 403 404 404 404
withdrawn      401 404 403 403 403 403 403 403 404 404 404
"""),
    "withdraw": _table("""
applied        401 404 403 403 403 403 403 200 404 404 404
drc_reviewed   401 404 403 403 403 403 403 200 404 404 404
reviewed       401 404 403 403 403 403 403 200 404 404 404
consented      401 404 403 403 403 403 403 409 404 404 404
rejected       401 404 403 403 403 403 403 409 404 404 404
withdrawn      401 404 403 403 403 403 403 409 404 404 404
"""),
}

# "Is P funded in 2027": edu's project in the issued plan, or a draft of edu (seen by edu and the audit bureau).
PROJECT_EXPECTED = {
    "funding": _table("""
funded         401 404 200 200 200 200 200 200 404 404 404
draft          401 404 404 404 200 404 404 200 404 404 404
"""),
}

FORBIDDEN_BODY = {
    "plan_list": FORBIDDEN, "plan_create": COMPILE_FORBIDDEN, "plan_update": COMPILE_FORBIDDEN,
    "compile": COMPILE_FORBIDDEN, "line_add": COMPILE_FORBIDDEN, "allocation": COMPILE_FORBIDDEN,
    "allocate": COMPILE_FORBIDDEN, "submit": COMPILE_FORBIDDEN, "cosign": COSIGN_FORBIDDEN,
    "return": GOVERNMENT_FORBIDDEN, "issue": GOVERNMENT_FORBIDDEN, "adjustment_apply": APPLY_FORBIDDEN,
    "line_update": COMPILE_FORBIDDEN, "line_delete": COMPILE_FORBIDDEN, "review": REVIEW_FORBIDDEN,
    "finance_review": REVIEW_FORBIDDEN, "reject": REVIEW_FORBIDDEN, "consent": CONSENT_FORBIDDEN,
    "withdraw": APPLY_FORBIDDEN,
}
# The action a refusal (access.denied, rule.refused) names.
ACTION = {
    "plan_create": "plan.create", "plan_update": "plan.update", "compile": "plan.compile",
    "line_add": "plan.line.add", "allocation": "plan.allocate", "allocate": "plan.allocate",
    "submit": "plan.submit", "cosign": "plan.cosign", "return": "plan.return", "issue": "plan.issue",
    "adjustment_apply": "adjustment.apply", "line_update": "plan.line.update", "line_delete": "plan.line.delete",
    "review": "adjustment.review", "finance_review": "adjustment.finance_review", "consent": "adjustment.consent",
    "reject": "adjustment.reject", "withdraw": "adjustment.withdraw",
}
# The business events a success records, in order.
EVENTS = {
    "plan_create": ["planning.plan.created"], "plan_update": ["planning.plan.changed"],
    "compile": ["planning.plan.compiled"], "line_add": ["planning.plan.line_added"],
    "allocate": ["planning.plan.allocated"], "submit": ["planning.plan.submitted"],
    "cosign": ["planning.plan.cosigned"], "return": ["planning.plan.returned"],
    # issuing plans edu's and health's reserve projects (LIFECYCLE: in_reserve → planned)
    "issue": ["planning.plan.issued", "project.planned", "project.planned"],
    "adjustment_apply": ["planning.adjustment.applied"], "line_update": ["planning.plan.line_changed"],
    "line_delete": ["planning.plan.line_removed"], "review": ["planning.adjustment.reviewed"],
    "finance_review": ["planning.adjustment.finance_reviewed"],
    "consent": ["planning.adjustment.consented", "planning.plan.issued"],
    "reject": ["planning.adjustment.rejected"], "withdraw": ["planning.adjustment.withdrawn"],
}
# What each role sees of an edition's lines (edu's B line, health's A line; A is listed first).
LINES_SEEN = {"edu": ("edu_line",), "health": ("health_line",)}
BUREAU_LINES = ("health_line", "edu_line")
# A detail's `actions` name the operations below, for the cells where the role holds the power in that state.
ACTION_OF_OP = {"plan_update": "update", "compile": "compile", "line_add": "add_line", "allocate": "allocate",
                "submit": "submit", "cosign": "cosign", "return": "return", "issue": "issue",
                "adjustment_apply": "apply_adjustment"}
ADJUSTMENT_ACTIONS = ("review", "finance_review", "consent", "reject", "withdraw")
ADJUSTMENT_BODY = {"reason": "建设内容增加,申请调增资金", "items": [
    {"project_id": None, "line_type": "construction", "plan_class": "B", "amount": "320000.00"}]}


def _expected_plan_actions(role: str, state: str) -> list[str]:
    """The plan's actions for `role`: the powers it holds in `state` (a 200/201 cell). Applying to adjust an
    issued edition is open to a unit (for its own projects: health's cell is 400 only because the matrix's
    body names edu's project) and to DRC (the mid-year release; its cell is 403 because the body asks a change)."""
    out = [action for op, action in ACTION_OF_OP.items() if PLAN_EXPECTED[op][state][role] in (200, 201)]
    if state == "issued" and role in ("drc", "health"):
        out.append("apply_adjustment")
    return out


def test_the_tables_cover_every_operation_role_and_state():
    assert ("anonymous", *ROLES) == COLUMNS  # every role of the district, the expert included
    assert set(GLOBAL_EXPECTED) == set(matrix_plans.GLOBAL)
    assert set(PLAN_EXPECTED) == set(matrix_plans.PLAN)
    assert set(LINE_EXPECTED) == set(matrix_plans.LINE)
    assert set(ADJUSTMENT_EXPECTED) == set(matrix_plans.ADJUSTMENT)
    assert set(PROJECT_EXPECTED) == set(matrix_plans.PROJECT)
    assert all(tuple(table) == PLAN_STATES for table in (*PLAN_EXPECTED.values(), *LINE_EXPECTED.values()))
    assert all(tuple(table) == ADJUSTMENT_STATES for table in ADJUSTMENT_EXPECTED.values())


def _url(table: dict, op: str, **ids) -> str:
    _method, path = table[op]
    return API + path.format(**ids)


def _request(client, op: str, world, *, missing: bool = False):
    """The matrix's request for `op` on `world` (on an id that does not exist when `missing`)."""
    if op in matrix_plans.GLOBAL:
        if op == "plan_create":
            return client.post(_url(matrix_plans.GLOBAL, op), {"year": 2029, "capacity": "500000.00"})
        return client.get(_url(matrix_plans.GLOBAL, op))
    if op in matrix_plans.PLAN:
        plan_id = missing_id(AnnualPlan) if missing else world.plan.pk
        url = _url(matrix_plans.PLAN, op, plan_id=plan_id)
        version = world.plan.version
        return {
            "plan_update": lambda: client.patch(url, {"version": version, "note": "按区政府要求补充说明"}),
            "compile": lambda: client.post(url),
            "line_add": lambda: client.post(url, {"project_id": world.spare.pk, "line_type": "construction",
                                                  "plan_class": "C", "amount": "50000.00",
                                                  "prework_amount": "50000.00"}),
            "allocate": lambda: client.post(url, {"version": version}),
            "diff": lambda: client.get(f"{url}?other={world.other.pk}"),
            "adjustment_apply": lambda: client.post(url, {**ADJUSTMENT_BODY, "items": [
                {**ADJUSTMENT_BODY["items"][0], "project_id": world.edu_project.pk}]}),
        }.get(op, lambda: client.post(url, {"version": version, "reason": "资金测算需调整",
                                            "document_number": "鼓发改〔2027〕1号"})
              if matrix_plans.PLAN[op][0] == "POST" else client.get(url))()
    if op in matrix_plans.LINE:
        line_id = missing_id(PlanLine) if missing else world.edu_line.pk
        url = _url(matrix_plans.LINE, op, plan_line_id=line_id)
        if op == "line_update":
            return client.patch(url, {"version": world.edu_line.version, "amount": "280000.00"})
        if op == "line_delete":
            return client.call("DELETE", f"{url}?version={world.edu_line.version}")
        return client.get(url)
    if op in matrix_plans.ADJUSTMENT:
        adjustment_id = missing_id(PlanAdjustment) if missing else world.adjustment.pk
        url = _url(matrix_plans.ADJUSTMENT, op, adjustment_id=adjustment_id)
        if op == "adjustment_detail":
            return client.get(url)
        return client.post(url, {"version": world.adjustment.version, "reason": "理由不充分",
                                 "document_number": "鼓发改〔2027〕2号"})
    project_id = missing_project_id() if missing else world.project.pk
    return client.get(_url(matrix_plans.PROJECT, op, project_id=project_id) + f"?year={PLAN_YEAR}")


def _check_success(op: str, role: str, state: str, world, body, expected_events: list[str]):
    """What a success answers and leaves, op by op."""
    seen = LINES_SEEN.get(role, BUREAU_LINES)
    bureau = role not in LINES_SEEN
    if op == "plan_list":
        plans = AnnualPlan.objects.order_by("-year", "-edition")
        if not bureau:
            plans = plans.filter(status__in=("issued", "superseded"))
        assert [item["id"] for item in body["items"]] == list(plans.values_list("pk", flat=True))
        assert body["count"] == len(body["items"]) > 0
    elif op == "plan_create":
        assert (body["year"], body["edition"], body["status"], body["capacity"], body["version"]) == (
            2029, 1, "draft", "500000.00", 1)
        assert body["actions"] == ["update", "compile", "add_line", "allocate"] + (["submit"] if role == "drc" else [])
    elif op == "plan_detail":
        assert (body["id"], body["status"], body["version"]) == (world.plan.pk, state, world.plan.version)
        assert body["actions"] == _expected_plan_actions(role, state)
        lines = [getattr(world, name) for name in seen]
        assert body["totals"]["count"] == len(lines)
        assert body["totals"]["total"] == f"{sum(line.amount for line in lines):.2f}"
        assert body["totals"]["capacity"] == CAPACITY
        if bureau:  # the plan-scope rules, all met by the world's plan
            assert [(c["rule"], c["article"], c["status"]) for c in body["checks"]] == [
                ("art8.plan_within_capacity", "第八条", "met"), ("art9.a_class_in_full", "第九条", "met"),
                ("art9.c_prework_only", "第九条", "met"), ("art9.progressive", "第九条", "met")]
        else:
            assert body["checks"] == []
        editions = AnnualPlan.objects.filter(year=PLAN_YEAR).order_by("edition")
        assert [e["id"] for e in body["editions"]] == list(editions.values_list("pk", flat=True))
    elif op == "plan_update":
        assert (body["note"], body["version"]) == ("按区政府要求补充说明", world.plan.version + 1)
        assert AnnualPlan.objects.get(pk=world.plan.pk).note == "按区政府要求补充说明"
    elif op == "compile":  # the declared C line of the round
        assert (body["added"], body["plan"]["totals"]["count"]) == (1, 3)
        line = PlanLine.objects.get(plan=world.plan, project=world.declared)
        assert (line.plan_class, line.amount, line.prework_amount) == ("C", Decimal("80000.00"), Decimal("80000.00"))
    elif op in ("submit", "cosign", "return", "issue"):
        target = {"submit": "submitted", "cosign": "cosigned", "return": "draft", "issue": "issued"}[op]
        assert (body["status"], body["version"]) == (target, world.plan.version + 1)
        assert AnnualPlan.objects.get(pk=world.plan.pk).status == target
        if op == "return":
            assert body["last_return_reason"] == "资金测算需调整"
        if op == "issue":
            assert body["document_number"] == "鼓发改〔2027〕1号"
            assert set(Project.objects.filter(pk__in=[world.edu_project.pk, world.health_project.pk])
                       .values_list("status", flat=True)) == {"planned"}
    elif op == "line_list":
        assert [item["id"] for item in body["items"]] == [getattr(world, name).pk for name in seen]
        assert body["count"] == len(seen)
    elif op == "line_add":
        assert (body["project"]["id"], body["plan_class"], body["amount"], body["prework_amount"]) == (
            world.spare.pk, "C", "50000.00", "50000.00")
        assert PlanLine.objects.filter(plan=world.plan, project=world.spare).count() == 1
    elif op == "allocation" or op == "allocate":
        assert (body["capacity"], body["committed"], body["available"], body["left"]) == (
            CAPACITY, "400000.00", "600000.00", "300000.00")
        assert [(d["line_id"], d["project"]["id"], d["funded"], d["proposed"]) for d in body["decisions"]] == [
            (world.edu_line.pk, world.edu_project.pk, True, "300000.00")]
    elif op == "diff":
        rows = [(r["change"], r["project"]["id"], r["fields"], r["old"]["amount"], r["new"]["amount"])
                for r in body["rows"]]
        if state == "superseded" and "edu_line" in seen:  # edition 2 raised edu's line to 350 000.00
            assert rows == [("changed", world.edu_project.pk, ["amount"], "300000.00", "350000.00")]
            assert (body["old"]["edition"], body["new"]["edition"]) == (1, 2)
        else:
            assert rows == []
    elif op == "adjustment_list":
        adjustments = PlanAdjustment.objects.filter(plan=world.plan)
        if not bureau:
            adjustments = adjustments.filter(unit__code=role)
        assert [item["id"] for item in body["items"]] == list(adjustments.values_list("pk", flat=True))
    elif op == "adjustment_apply":
        assert (body["status"], body["kind"], body["unit"]["code"], body["plan_id"]) == (
            "applied", "change", "edu", world.plan.pk)
        assert [(i["project"]["id"], i["amount"]) for i in body["items"]] == [(world.edu_project.pk, "320000.00")]
        assert body["actions"] == ["withdraw"]
    elif op == "line_detail":
        assert (body["id"], body["amount"], body["plan_class"]) == (world.edu_line.pk, "300000.00", "B")
    elif op == "line_update":
        assert (body["id"], body["amount"], body["version"]) == (world.edu_line.pk, "280000.00",
                                                                 world.edu_line.version + 1)
    elif op == "line_delete":
        assert body is None
        assert not PlanLine.objects.filter(pk=world.edu_line.pk).exists()
    elif op == "adjustment_detail":
        assert (body["id"], body["status"]) == (world.adjustment.pk, state)
        assert body["actions"] == [a for a in ADJUSTMENT_ACTIONS if ADJUSTMENT_EXPECTED[a][state][role] == 200]
    elif op in ADJUSTMENT_ACTIONS:
        target = {"review": "drc_reviewed", "finance_review": "reviewed", "consent": "consented",
                  "reject": "rejected", "withdraw": "withdrawn"}[op]
        assert (body["status"], body["version"]) == (target, world.adjustment.version + 1)
        if op == "consent":  # edition 2 issued, edition 1 kept and superseded
            new = AnnualPlan.objects.get(pk=body["result_id"])
            assert (new.edition, new.status, new.based_on_id, new.document_number) == (
                2, "issued", world.plan.pk, "鼓发改〔2027〕2号")
            assert AnnualPlan.objects.get(pk=world.plan.pk).status == "superseded"
        if op in ("reject", "withdraw"):
            assert body["decision_reason"] == "理由不充分"
    elif op == "funding":
        if state == "funded":
            assert (body["year"], body["funded"]) == (PLAN_YEAR, True)
            assert [(line["plan_id"], line["plan_class"], line["amount"], line["document_number"])
                    for line in body["lines"]] == [(world.plan.pk, "B", "300000.00", "鼓发改〔2027〕1号")]
        else:
            assert (body["funded"], body["lines"]) == (False, [])
    else:  # pragma: no cover - a new operation needs its check
        raise AssertionError(op)
    if op in EVENTS:
        assert expected_events == EVENTS[op]
    else:
        assert expected_events == []


def _run_row(api, op: str, state: str, row: dict[str, int], world):
    """Ask every role in turn, each inside a savepoint rolled back after its checks."""
    clients = {role: api(role) for role in COLUMNS}  # tokens issued outside the savepoints
    for role, expected in row.items():
        with transaction.atomic():
            before, events_before, refusals_before = plan_snapshot(), business_events(), refusal_events()
            response = _request(clients[role], op, world)
            where = f"{op} {state} {role}: {response.content.decode()[:400]}"
            assert response.status_code == expected, where
            body = response.json() if response.content else None
            new_events = [e for _seq, e in business_events()[len(events_before):]]
            new_refusals = refusal_events()[len(refusals_before):]
            if expected >= 400:
                assert plan_snapshot() == before, where
                assert new_events == [], where
            if expected == 401:
                assert body == UNAUTHENTICATED, where
            elif expected == 404:
                assert body == NOT_FOUND, where
                assert _request(clients[role], op, world, missing=True).json() == body, where
            elif expected == 403:
                assert body == FORBIDDEN_BODY[op], where
            elif expected == 409:
                assert body["error"]["code"] == "conflict", where
            elif expected == 422:
                rule = "art10.adjustment_on_current_edition" if op == "adjustment_apply" else "art10.issued_plan_unchanged"
                assert (body["error"]["rule"], body["error"]["article"]) == (rule, "第十条"), where
            elif expected == 400:  # health applies for edu's project (art. 10: its own projects only)
                assert body["error"]["code"] == "invalid", where
                assert body["error"]["fields"] == {f"items.{world.edu_project.pk}.project_id": ["不是本单位的项目"]}
                assert "第十条" in body["error"]["message"], where
            else:
                try:
                    _check_success(op, role, state, world, body, new_events)
                except AssertionError as exc:
                    raise AssertionError(f"{where}\n{exc}") from exc
            recorded = {403: [("access.denied", ACTION.get(op))], 422: [("rule.refused", ACTION.get(op))]}
            if op != "plan_list":
                assert new_refusals == recorded.get(expected, []), where
            transaction.set_rollback(True)


def _cells(tables: dict):
    for op, table in tables.items():
        for state in table:
            yield pytest.param(op, state, id=f"{op}-{state}")


@pytest.mark.parametrize("op", list(GLOBAL_EXPECTED))
def test_global_operation(api, district, plan_world, op):
    # given the 2027 plan's editions 1 (superseded) and 2 (issued), and a 2028 draft
    world = plan_world("superseded")
    from itgov.planning import plan_services

    plan_services.annual_plan_create(actor=district.users["finance"], data={"year": 2028})

    _run_row(api, op, "-", GLOBAL_EXPECTED[op], world)


@pytest.mark.parametrize(("op", "state"), list(_cells(PLAN_EXPECTED)))
def test_plan_operation(api, plan_world, op, state):
    _run_row(api, op, state, PLAN_EXPECTED[op][state], plan_world(state))


@pytest.mark.parametrize(("op", "state"), list(_cells(LINE_EXPECTED)))
def test_line_operation(api, plan_world, op, state):
    _run_row(api, op, state, LINE_EXPECTED[op][state], plan_world(state))


@pytest.mark.parametrize(("op", "state"), list(_cells(ADJUSTMENT_EXPECTED)))
def test_adjustment_operation(api, adjustment_world, op, state):
    _run_row(api, op, state, ADJUSTMENT_EXPECTED[op][state], adjustment_world(state))


@pytest.mark.parametrize(("op", "state"), list(_cells(PROJECT_EXPECTED)))
def test_funding_operation(api, plan_world, make_project, op, state):
    world = plan_world("issued")
    world.project = world.edu_project if state == "funded" else make_project("draft")
    _run_row(api, op, state, PROJECT_EXPECTED[op][state], world)


# --- the workflow, end to end ------------------------------------------------------------------------------


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json() if response.content else {}


def test_the_plan_from_declarations_to_issue_and_adjustment(api, district, make_project, make_round, make_line):
    # given the 2027 round: edu declared a B line and a C line, health an A line
    drc, finance, gov, edu, health = (api(r) for r in ("drc", "finance", "gov", "edu", "health"))
    rnd = make_round(PLAN_YEAR)
    edu_b = make_project("in_reserve", name="区教育局智慧校园平台建设项目")
    edu_c = make_project("in_reserve", name="区教育局校园安全监管系统项目")
    health_a = make_project("in_reserve", owner="health", name="区卫健委全民健康信息平台项目")
    make_line(rnd, edu_b, requested_amount="300000.00", proposed_class="B")
    make_line(rnd, edu_c, requested_amount="80000.00", proposed_class="C")
    make_line(rnd, health_a, requested_amount="400000.00", proposed_class="A")
    events_before = business_events()

    # DRC creates the draft and compiles the declarations (art. 8)
    plan = _ok(drc.post("annual-plans", {"year": PLAN_YEAR, "capacity": "900000.00", "note": "2027年度"}), 201)
    assert (plan["status"], plan["edition"], plan["capacity"], plan["version"]) == ("draft", 1, "900000.00", 1)
    pid = plan["id"]
    compiled = _ok(drc.post(f"annual-plans/{pid}/compile"))
    assert (compiled["added"], compiled["plan"]["totals"]["count"], compiled["plan"]["totals"]["total"]) == (
        3, 3, "780000.00")
    # the checks show what art. 9 still asks: reasons for the skipped classes
    checks = {c["rule"]: c for c in compiled["plan"]["checks"]}
    assert checks["art9.progressive"]["status"] == "violated"
    assert checks["art8.plan_within_capacity"]["status"] == "met"

    # submitting now is refused by the rule, naming the lines' fields
    response = drc.post(f"annual-plans/{pid}/submit", {"version": 1})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["rule"], error["article"]) == ("art9.progressive", "第九条")
    lines = {line["project"]["id"]: line for line in _ok(drc.get(f"annual-plans/{pid}/lines"))["items"]}
    b_line, a_line = lines[edu_b.pk], lines[health_a.pk]
    assert set(error["fields"]) == {f"lines.{b_line['id']}.skip_reason", f"lines.{a_line['id']}.must_start_reason"}
    assert [line["plan_class"] for line in lines.values()] == ["A", "B", "C"]

    # Finance and DRC record the reasons (each line at its version)
    _ok(finance.patch(f"plan-lines/{b_line['id']}", {"version": b_line["version"], "skip_reason": "试点已完成"}))
    a_after = _ok(drc.patch(f"plan-lines/{a_line['id']}", {"version": a_line["version"],
                                                             "must_start_reason": "市级重点任务"}))
    assert (a_after["version"], a_after["must_start_reason"]) == (a_line["version"] + 1, "市级重点任务")

    # the helper proposes B's money within what A and C leave (art. 9), and Finance applies it
    proposal = _ok(finance.get(f"annual-plans/{pid}/allocation"))
    assert (proposal["committed"], proposal["available"]) == ("480000.00", "420000.00")
    assert [(d["project"]["name"], d["funded"], d["proposed"]) for d in proposal["decisions"]] == [
        ("区教育局智慧校园平台建设项目", True, "300000.00")]
    assert "第1位" in proposal["decisions"][0]["reason"]
    _ok(finance.post(f"annual-plans/{pid}/allocation", {"version": 1}))

    # submit (DRC) → cosign (Finance) → issue (government), each at the version it read
    detail = _ok(drc.get(f"annual-plans/{pid}"))
    assert [c["status"] for c in detail["checks"]] == ["met"] * 4
    assert detail["actions"] == ["update", "compile", "add_line", "allocate", "submit"]
    submitted = _ok(drc.post(f"annual-plans/{pid}/submit", {"version": detail["version"]}))
    assert (submitted["status"], submitted["submitted_at"] is not None) == ("submitted", True)
    assert _ok(finance.get(f"annual-plans/{pid}"))["actions"] == ["cosign", "return"]
    cosigned = _ok(finance.post(f"annual-plans/{pid}/cosign", {"version": submitted["version"]}))
    assert _ok(gov.get(f"annual-plans/{pid}"))["actions"] == ["return", "issue"]
    issued = _ok(gov.post(f"annual-plans/{pid}/issue", {"version": cosigned["version"],
                                                         "document_number": "鼓发改〔2027〕1号"}))
    assert (issued["status"], issued["document_number"]) == ("issued", "鼓发改〔2027〕1号")

    # the units now see the issued edition and their own lines only; edu may apply to adjust
    seen = _ok(edu.get(f"annual-plans/{pid}"))
    assert (seen["totals"]["count"], seen["totals"]["total"], seen["actions"]) == (2, "380000.00",
                                                                                    ["apply_adjustment"])
    assert [line["project"]["id"] for line in _ok(health.get(f"annual-plans/{pid}/lines"))["items"]] == [health_a.pk]
    assert _ok(edu.get("annual-plans"))["count"] == 1

    # is edu's B project funded in 2027? yes, and not in 2026
    funding = _ok(edu.get(f"projects/{edu_b.pk}/funding?year={PLAN_YEAR}"))
    assert (funding["funded"], [(line["plan_class"], line["amount"], line["edition"]) for line in funding["lines"]]) == (
        True, [("B", "300000.00", 1)])
    assert _ok(edu.get(f"projects/{edu_b.pk}/funding?year=2026")) == {
        "project_id": edu_b.pk, "year": 2026, "funded": False, "lines": []}
    assert Project.objects.get(pk=edu_b.pk).status == "planned"

    # edu applies to raise its B line (art. 10); DRC, then Finance review; the government consents
    applied = _ok(edu.post(f"annual-plans/{pid}/adjustments", {"reason": "建设内容增加", "items": [
        {"project_id": edu_b.pk, "line_type": "construction", "plan_class": "B", "amount": "350000.00"}]}), 201)
    aid = applied["id"]
    assert (applied["status"], applied["unit"]["code"], applied["actions"]) == ("applied", "edu", ["withdraw"])
    assert _ok(drc.get(f"plan-adjustments/{aid}"))["actions"] == ["review", "reject"]
    reviewed = _ok(drc.post(f"plan-adjustments/{aid}/review", {"version": applied["version"]}))
    reviewed = _ok(finance.post(f"plan-adjustments/{aid}/finance-review", {"version": reviewed["version"]}))
    consented = _ok(gov.post(f"plan-adjustments/{aid}/consent", {"version": reviewed["version"],
                                                                 "document_number": "鼓发改〔2027〕9号"}))
    assert consented["status"] == "consented"
    new_id = consented["result"]["id"]
    assert (consented["result"]["edition"], consented["result"]["status"]) == (2, "issued")

    # edition 1 kept, superseded; the diff shows the one change; funding now answers from edition 2
    assert _ok(drc.get(f"annual-plans/{pid}"))["status"] == "superseded"
    diff = _ok(edu.get(f"annual-plans/{new_id}/diff?other={pid}"))
    assert (diff["old"]["edition"], diff["new"]["edition"], diff["old_total"], diff["new_total"]) == (
        1, 2, "380000.00", "430000.00")
    assert [(r["change"], r["project"]["id"], r["fields"]) for r in diff["rows"]] == [
        ("changed", edu_b.pk, ["amount"])]
    funding = _ok(edu.get(f"projects/{edu_b.pk}/funding"))
    assert [(line["edition"], line["amount"], line["document_number"]) for line in funding["lines"]] == [
        (2, "350000.00", "鼓发改〔2027〕9号")]
    assert (funding["year"], funding["funded"]) == (None, True)
    assert [p["edition"] for p in _ok(edu.get(f"annual-plans?year={PLAN_YEAR}"))["items"]] == [2, 1]
    assert _ok(health.get(f"annual-plans/{pid}/adjustments"))["count"] == 0
    assert [a["id"] for a in _ok(edu.get(f"annual-plans/{pid}/adjustments"))["items"]] == [aid]

    # every step is in the audit trail, in order
    assert [e for _seq, e in business_events()[len(events_before):]] == [
        "planning.plan.created", "planning.plan.compiled", "planning.plan.line_changed",
        "planning.plan.line_changed", "planning.plan.allocated", "planning.plan.submitted",
        "planning.plan.cosigned", "planning.plan.issued", "project.planned", "project.planned",
        "project.planned", "planning.adjustment.applied", "planning.adjustment.reviewed", "planning.adjustment.finance_reviewed",
        "planning.adjustment.consented", "planning.plan.issued"]


def test_finance_returns_the_plan_with_reasons_and_drc_edits_it_again(api, plan_world):
    world = plan_world("submitted")
    finance, drc = api("finance"), api("drc")
    pid = world.plan.pk

    response = finance.post(f"annual-plans/{pid}/return", {"version": world.plan.version})
    _assert_field_error(response, "reason", ["必填"])
    assert AnnualPlan.objects.get(pk=pid).status == "submitted"

    back = _ok(finance.post(f"annual-plans/{pid}/return", {"version": world.plan.version,
                                                            "reason": "财力测算需调整"}))
    assert (back["status"], back["last_return_reason"], back["submitted_at"]) == ("draft", "财力测算需调整", None)
    changed = _ok(drc.patch(f"annual-plans/{pid}", {"version": back["version"], "capacity": "950000.00"}))
    assert (changed["capacity"], changed["totals"]["remaining"]) == ("950000.00", "250000.00")
    cleared = _ok(drc.patch(f"annual-plans/{pid}", {"version": changed["version"], "capacity": None}))
    assert (cleared["capacity"], cleared["totals"]["remaining"]) == (None, None)
    assert next(c for c in cleared["checks"] if c["rule"] == "art8.plan_within_capacity")["status"] == "pending"


def test_drc_releases_a_surplus_to_b_mid_year(api, district, plan_world):
    # given the issued plan (A: health 400 000.00, B: edu 300 000.00)
    world = plan_world("issued")
    drc, edu = api("drc"), api("edu")
    body = {"kind": "release", "reason": "A类项目执行结余", "items": [
        {"project_id": world.health_project.pk, "line_type": "construction", "plan_class": "A",
         "amount": "300000.00"},
        {"project_id": world.edu_project.pk, "line_type": "construction", "plan_class": "B", "amount": "400000.00"}]}

    # a unit cannot propose the release; DRC can (art. 9)
    assert edu.post(f"annual-plans/{world.plan.pk}/adjustments", body).json() == APPLY_FORBIDDEN
    released = _ok(drc.post(f"annual-plans/{world.plan.pk}/adjustments", body), 201)
    assert (released["kind"], released["unit"], released["kind_label"]) == (
        "release", None, "年中结余资金安排B类项目(第九条)")

    # a release that raises A is refused by art. 9
    wrong = {**body, "items": [{**body["items"][0], "amount": "450000.00"}]}
    response = drc.post(f"annual-plans/{world.plan.pk}/adjustments", wrong)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["rule"], error["article"]) == ("art9.release_to_b", "第九条")
    assert error["fields"] == {f"items.{world.health_project.pk}.amount": ["A类只能调减"]}
    assert PlanAdjustment.objects.count() == 1


# --- bad input: 400 naming the field, nothing written --------------------------------------------------------


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("year", 1999, ["须大于或等于2000"]),
    ("year", "abc", ["须为整数"]),
    ("year", None, ["须为整数"]),
    ("capacity", "-1", ["格式不正确"]),
    ("capacity", "12.345", ["格式不正确"]),
    ("capacity", "abc", ["格式不正确"]),
    ("capacity", 1000, ["须为文本"]),
    ("capacity", "10000000000.01", ["不得超过100亿元"]),
    ("note", "说" * 2001, ["过长,最多2000个字符"]),
    ("nmae", "拼错的字段", ["不允许的字段"]),
], ids=lambda v: repr(v)[:30])
def test_plan_create_refuses_a_bad_field(api, district, field, value, expected):
    client = api("drc")
    events_before = business_events()

    response = client.post("annual-plans", {"year": PLAN_YEAR, "capacity": "900000.00", field: value})

    _assert_field_error(response, field, expected)
    assert AnnualPlan.objects.count() == 0
    assert business_events() == events_before


def test_plan_create_names_the_missing_year(api, district):
    response = api("drc").post("annual-plans", {})

    assert response.json() == {"error": {"code": "invalid", "message": INVALID, "fields": {"year": ["必填"]}}}
    assert AnnualPlan.objects.count() == 0


def test_a_second_plan_in_progress_for_a_year_is_409(api, plan_world):
    plan_world("draft")
    client = api("finance")
    events_before = business_events()

    response = client.post("annual-plans", {"year": PLAN_YEAR})

    assert (response.status_code, response.json()) == (
        409, {"error": {"code": "conflict", "message": "2027年度投资计划已在编制中"}})
    assert AnnualPlan.objects.count() == 1
    assert business_events() == events_before


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("amount", "abc", ["格式不正确"]),
    ("amount", None, ["须为文本"]),
    ("amount", "10000000000.01", ["不得超过100亿元"]),
    ("prework_amount", "60000.00", ["前期工作经费不得超过年度安排资金"]),
    ("plan_class", "D", [ONE_OF]),
    ("line_type", "repair", [ONE_OF]),
    ("priority", 101, ["须小于或等于100"]),
    ("priority", -1, ["须大于或等于0"]),
    ("note", "备" * 201, ["过长,最多200个字符"]),
    ("project_id", 0, ["须大于或等于1"]),
    ("nmae", "拼错的字段", ["不允许的字段"]),
], ids=lambda v: repr(v)[:30])
def test_line_add_refuses_a_bad_field(api, plan_world, field, value, expected):
    world = plan_world("draft")
    client = api("drc")
    before, events_before = plan_snapshot(), business_events()
    body = {"project_id": world.spare.pk, "line_type": "construction", "plan_class": "C", "amount": "50000.00",
            "prework_amount": "50000.00", field: value}

    response = client.post(f"annual-plans/{world.plan.pk}/lines", body)

    _assert_field_error(response, field, expected)
    assert plan_snapshot() == before
    assert business_events() == events_before


def test_line_add_of_a_project_drc_cannot_see_names_project_id(api, plan_world, make_project):
    world = plan_world("draft")
    draft = make_project("draft")
    before = plan_snapshot()

    response = api("drc").post(f"annual-plans/{world.plan.pk}/lines", {
        "project_id": draft.pk, "line_type": "construction", "plan_class": "C", "amount": "1.00",
        "prework_amount": "1.00"})

    _assert_field_error(response, "project_id", ["项目不存在或无权查看"])
    assert plan_snapshot() == before


def test_a_second_line_of_the_same_project_and_type_is_409(api, plan_world):
    world = plan_world("draft")
    before = plan_snapshot()

    response = api("drc").post(f"annual-plans/{world.plan.pk}/lines", {
        "project_id": world.edu_project.pk, "line_type": "construction", "plan_class": "B", "amount": "1.00",
        "skip_reason": "理由"})

    assert (response.status_code, response.json()["error"]["message"]) == (409, "该项目已有同类计划事项")
    assert plan_snapshot() == before


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("amount", "1,000", ["格式不正确"]),
    ("prework_amount", "400000.00", ["前期工作经费不得超过年度安排资金"]),
    ("priority", "high", ["须为整数"]),
    ("version", 0, ["须大于或等于1"]),
    ("plan_id", 1, ["不允许的字段"]),
], ids=lambda v: repr(v)[:30])
def test_line_update_refuses_a_bad_field(api, plan_world, field, value, expected):
    world = plan_world("draft")
    before = plan_snapshot()

    response = api("finance").patch(f"plan-lines/{world.edu_line.pk}", {field: value})

    _assert_field_error(response, field, expected)
    assert plan_snapshot() == before


@pytest.mark.parametrize(("body", "field", "expected"), [
    ({"items": []}, "items", ["至少填写一个调整事项"]),
    ({"items": [{"project_id": 1, "line_type": "construction", "plan_class": "B", "amount": "x"}]},
     "items.amount", ["格式不正确"]),
    ({"reason": ""}, "reason", ["过短,至少1个字符"]),
    ({"reason": "  "}, "reason", ["必填"]),
    ({"kind": "bonus"}, "kind", [ONE_OF]),
    ({"new_capacity": "-5"}, "new_capacity", ["格式不正确"]),
    ({"items": "all"}, "items", ["须为列表"]),
], ids=lambda v: repr(v)[:40])
def test_adjustment_apply_refuses_a_bad_field(api, plan_world, body, field, expected):
    world = plan_world("issued")
    client = api("edu")
    before, events_before = plan_snapshot(), business_events()
    base = {"reason": "需求增加", "items": [{"project_id": world.edu_project.pk, "line_type": "construction",
                                          "plan_class": "B", "amount": "320000.00"}]}

    response = client.post(f"annual-plans/{world.plan.pk}/adjustments", {**base, **body})

    _assert_field_error(response, field, expected)
    assert plan_snapshot() == before
    assert business_events() == events_before


def test_an_adjustment_item_without_class_or_amount_names_them(api, plan_world):
    world = plan_world("issued")

    response = api("edu").post(f"annual-plans/{world.plan.pk}/adjustments", {"reason": "需求增加", "items": [
        {"project_id": world.edu_project.pk, "line_type": "construction"}]})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"items.0.plan_class": ["必填"], "items.0.amount": ["必填"]}
    assert PlanAdjustment.objects.count() == AdjustmentItem.objects.count() == 0


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"other": ["必填"]}),
    ("?other=abc", {"other": ["须为整数"]}),
    ("?other=0", {"other": ["须大于或等于1"]}),
    ("?other={missing}", {"other": ["计划版本不存在或无权查看"]}),
    ("?other={other_year}", {"other": ["须为同一年度的另一版本"]}),
])
def test_diff_names_a_bad_other_edition(api, district, plan_world, query, expected):
    from itgov.planning import plan_services

    world = plan_world("issued")
    other_year = plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2028})

    response = api("drc").get(f"annual-plans/{world.plan.pk}/diff"
                              + query.format(missing=missing_id(AnnualPlan), other_year=other_year.pk))

    assert (response.status_code, response.json()["error"]["fields"]) == (400, expected)


def test_diff_does_not_reveal_a_draft_edition_to_a_unit(api, district, plan_world):
    from itgov.planning import plan_services

    world = plan_world("issued")
    draft = plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2028})

    response = api("edu").get(f"annual-plans/{world.plan.pk}/diff?other={draft.pk}")

    assert response.json()["error"]["fields"] == {"other": ["计划版本不存在或无权查看"]}


@pytest.mark.parametrize(("query", "field", "expected"), [
    ("year=1999", "year", ["须大于或等于2000"]),
    ("year=abc", "year", ["须为整数"]),
    ("status=evil", "status", [ONE_OF]),
    ("limit=0", "limit", ["须大于或等于1"]),
    ("offset=-1", "offset", ["须大于或等于0"]),
])
def test_plan_list_refuses_a_bad_query_parameter(api, district, query, field, expected):
    _assert_field_error(api("drc").get(f"annual-plans?{query}"), field, expected)


def test_funding_refuses_a_bad_year(api, make_project):
    project = make_project("in_reserve")

    _assert_field_error(api("edu").get(f"projects/{project.pk}/funding?year=20270"), "year", ["须小于或等于2100"])


@pytest.mark.parametrize("plan_id", [str(2**70), str(2**63), "-1", "0"])
def test_a_plan_id_that_cannot_exist_is_404(api, plan_world, plan_id):
    plan_world("draft")

    response = api("drc").get(f"annual-plans/{plan_id}")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# --- 409 on a stale version; 422 naming rule and article ---------------------------------------------------


@pytest.mark.parametrize("op", ["plan_update", "submit", "allocate", "line_update", "line_delete"])
def test_a_stale_version_is_409_and_nothing_changes(api, plan_world, op):
    # given the draft, changed by someone else since the client read it
    world = plan_world("draft")
    client = api("drc")
    stale_plan = world.plan.version
    _ok(client.patch(f"annual-plans/{world.plan.pk}", {"version": stale_plan, "note": "他人已修改"}))
    stale_line = world.edu_line.version
    _ok(api("finance").patch(f"plan-lines/{world.edu_line.pk}", {"version": stale_line, "priority": 60}))
    before, events_before = plan_snapshot(), business_events()

    # when the client writes with the version it read
    response = {
        "plan_update": lambda: client.patch(f"annual-plans/{world.plan.pk}", {"version": stale_plan, "note": "x"}),
        "submit": lambda: client.post(f"annual-plans/{world.plan.pk}/submit", {"version": stale_plan}),
        "allocate": lambda: client.post(f"annual-plans/{world.plan.pk}/allocation", {"version": stale_plan}),
        "line_update": lambda: client.patch(f"plan-lines/{world.edu_line.pk}", {"version": stale_line,
                                                                                 "amount": "1.00"}),
        "line_delete": lambda: client.call("DELETE", f"plan-lines/{world.edu_line.pk}?version={stale_line}"),
    }[op]()

    # then
    assert response.status_code == 409, response.content.decode()
    assert response.json()["error"]["code"] == "conflict"
    assert plan_snapshot() == before
    assert business_events() == events_before


def test_a_stale_version_of_an_adjustment_is_409(api, adjustment_world):
    world = adjustment_world("applied")
    before = plan_snapshot()

    response = api("drc").post(f"plan-adjustments/{world.adjustment.pk}/review",
                               {"version": world.adjustment.version + 1})

    assert (response.status_code, response.json()["error"]["code"]) == (409, "conflict")
    assert plan_snapshot() == before


def test_a_plan_beyond_capacity_is_refused_at_submit_citing_articles_8_and_9(api, district, plan_world):
    # given the draft with A lines 0.01 yuan beyond the capacity
    world = plan_world("draft")
    add_line(district, world.plan, world.spare, "A", "600000.01")
    before, refusals_before = plan_snapshot(), refusal_events()

    # when
    response = api("drc").post(f"annual-plans/{world.plan.pk}/submit", {"version": world.plan.version})

    # then
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"]) == ("rule_violation", "art8.plan_within_capacity", "第八条")
    assert "第八条" in error["message"] and "0.01" in error["message"]
    assert [v["rule"] for v in error["violations"]] == ["art8.plan_within_capacity", "art9.a_class_in_full"]
    assert error["fields"]["capacity"] == ["安排资金超出财政承受能力"]
    assert plan_snapshot() == before
    assert refusal_events()[len(refusals_before):] == [("rule.refused", "plan.submit")]


def test_a_c_line_with_construction_money_is_refused_citing_article_9(api, plan_world):
    world = plan_world("draft")
    before = plan_snapshot()

    response = api("drc").post(f"annual-plans/{world.plan.pk}/lines", {
        "project_id": world.spare.pk, "line_type": "construction", "plan_class": "C", "amount": "50000.00",
        "prework_amount": "20000.00"})

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["rule"], error["article"]) == ("art9.c_prework_only", "第九条")
    assert error["fields"] == {f"items.{world.spare.pk}.prework_amount": ["C类的年度安排资金须全部为前期工作经费"]}
    assert plan_snapshot() == before


def test_an_adjustment_beyond_capacity_is_refused_when_applied(api, plan_world):
    world = plan_world("issued")

    response = api("edu").post(f"annual-plans/{world.plan.pk}/adjustments", {"reason": "需求增加", "items": [
        {"project_id": world.edu_project.pk, "line_type": "construction", "plan_class": "B",
         "amount": "600000.01", "skip_reason": "条件成熟"}]})

    assert response.status_code == 422
    assert (response.json()["error"]["rule"], response.json()["error"]["article"]) == (
        "art8.plan_within_capacity", "第八条")
    assert PlanAdjustment.objects.count() == 0


def test_compile_without_a_round_is_409(api, district):
    from itgov.planning import plan_services

    plan = plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2030})

    response = api("drc").post(f"annual-plans/{plan.pk}/compile")

    assert (response.status_code, response.json()["error"]["message"]) == (
        409, "2030年度尚未发起集中申报,没有可汇总的申报")


def test_allocation_without_capacity_names_capacity(api, district):
    from itgov.planning import plan_services

    plan = plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2030})

    _assert_field_error(api("finance").get(f"annual-plans/{plan.pk}/allocation"), "capacity", ["请先填写财政承受能力"])


def test_a_second_consent_on_a_superseded_edition_is_refused_citing_article_10(api, district, plan_world):
    # given two adjustments of the issued edition, both reviewed
    world = plan_world("issued")
    first = move_adjustment(district, apply_adjustment(district, world.plan, world.edu_project, "320000.00"),
                            "reviewed")
    second = move_adjustment(district, apply_adjustment(district, world.plan, world.edu_project, "330000.00"),
                             "reviewed")
    gov = api("gov")
    _ok(gov.post(f"plan-adjustments/{first.pk}/consent", {"version": first.version}))

    # when the government consents to the second, whose base edition is superseded now
    response = gov.post(f"plan-adjustments/{second.pk}/consent", {"version": second.version})

    # then it is refused: it must be applied for again on the edition in force (art. 10)
    assert response.status_code == 422
    assert (response.json()["error"]["rule"], response.json()["error"]["article"]) == (
        "art10.adjustment_on_current_edition", "第十条")
    assert PlanAdjustment.objects.get(pk=second.pk).status == "reviewed"
    assert AnnualPlan.objects.filter(year=PLAN_YEAR).count() == 2


# --- query budgets: the cost does not grow with the number of lines or plans ----------------------------------


def _queries(client, url: str) -> tuple[int, dict, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return len(ctx.captured_queries), response.json(), [q["sql"] for q in ctx.captured_queries]


def _add_plan_lines(district, plan, n: int):
    """`n` lines over edu, school1 and health in every class (rows written directly: the services are tested
    elsewhere)."""
    units = [district.edu, district.edu_school, district.health]
    lines = []
    for i in range(n):
        unit = units[i % len(units)]
        project = ProjectFactory(owner_unit=unit, status="in_reserve", necessity="", construction_content="",
                                 data_sharing_intent="")
        plan_class = "ABC"[i % 3]
        amount = Decimal(1000 + i)
        lines.append(PlanLine(plan=plan, project=project, unit=unit, line_type="construction", plan_class=plan_class,
                              requested_amount=amount, amount=amount,
                              prework_amount=amount if plan_class == "C" else 0, must_start_reason="理由",
                              skip_reason="理由"))
    PlanLine.objects.bulk_create(lines)


@pytest.mark.parametrize(("what", "role"), [
    *((what, role) for what in ("detail", "lines", "diff") for role in ("drc", "finance", "audit", "edu", "health")),
    ("allocation", "drc"), ("allocation", "finance"),  # only the compiling bureaus read the allocation
])
def test_a_plan_costs_the_same_at_2_and_60_lines(api, district, plan_world, what, role):
    world = plan_world("issued")
    client = api(role)
    url = {"detail": f"annual-plans/{world.plan.pk}", "lines": f"annual-plans/{world.plan.pk}/lines?limit=200",
           "diff": f"annual-plans/{world.plan.pk}/diff?other={world.plan.pk}",
           "allocation": f"annual-plans/{world.plan.pk}/allocation"}[what]
    client.get(url)  # warm up: the token's last-used time is written once
    small, small_body, _ = _queries(client, url)

    _add_plan_lines(district, world.plan, 58)
    large, large_body, sql = _queries(client, url)

    if what == "detail":
        assert large_body["totals"]["count"] > small_body["totals"]["count"] + 15
    if what == "lines":
        assert large_body["count"] > small_body["count"] + 15
    assert large == small, "\n".join(sql)
    assert small <= 12


@pytest.mark.parametrize("role", ["drc", "edu"])
def test_the_plan_list_costs_the_same_at_few_and_many_plans(api, district, role):
    from itgov.planning.models import AnnualPlan

    client = api(role)
    client.get("annual-plans")

    def add(years):
        for year in years:
            AnnualPlan.objects.create(jurisdiction=district.edu.jurisdiction, year=year, status="issued",
                                      capacity=Decimal("1000.00"))

    add(range(2001, 2004))
    small, small_body, _ = _queries(client, "annual-plans?limit=200")
    add(range(2004, 2040))
    large, large_body, sql = _queries(client, "annual-plans?limit=200")

    assert (small_body["count"], large_body["count"]) == (3, 39)
    assert large == small, "\n".join(sql)
    assert small <= 6


def test_the_adjustment_list_costs_the_same_at_few_and_many(api, district, plan_world):
    world = plan_world("issued")
    client = api("drc")
    url = f"annual-plans/{world.plan.pk}/adjustments?limit=200"
    client.get(url)
    apply_adjustment(district, world.plan, world.edu_project, "310000.00")
    small, _, _ = _queries(client, url)
    for i in range(12):
        apply_adjustment(district, world.plan, world.edu_project, f"{311000 + i}.00")
    large, body, sql = _queries(client, url)

    assert body["count"] == 13
    assert large == small, "\n".join(sql)
