"""Fixtures for the annual investment plan's API tests (art. 8–10), imported by test_annual_plan_api.py:
a 2027 plan brought to a given state through the services, as DRC, Finance, the government and the units
would; an adjustment of its issued edition in a given state; and the snapshots a refusal is checked against. (The fixtures are named with `name=`, so a test module imports
them under their function names without shadowing its tests' arguments.)"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

PLAN_YEAR = 2027
CAPACITY = "1000000.00"
PLAN_STATES = ("draft", "submitted", "cosigned", "issued", "superseded")
ADJUSTMENT_STATES = ("applied", "drc_reviewed", "reviewed", "consented", "rejected", "withdrawn")
# Power refusals (403) cite their rule's article; the text is the rule's message.
COMPILE_FORBIDDEN = {"error": {"code": "forbidden", "article": "第八条", "message":
                               "只有区发改委(大数据局)和区财政局可以编制年度投资计划,由区发改委(大数据局)提交(第八条)"}}
COSIGN_FORBIDDEN = {"error": {"code": "forbidden", "article": "第八条",
                              "message": "只有区财政局可以会签或退回待会签的年度投资计划(第八条)"}}
GOVERNMENT_FORBIDDEN = {"error": {"code": "forbidden", "article": "第八条",
                                  "message": "只有区政府可以审定下达或退回年度投资计划(第八条)"}}
APPLY_FORBIDDEN = {"error": {"code": "forbidden", "article": "第十条", "message":
                             "只能为本单位的项目申请调整年度计划;年中安排结余资金由区发改委(大数据局)提出(第十条)"}}
REVIEW_FORBIDDEN = {"error": {"code": "forbidden", "article": "第十条",
                              "message": "计划调整先由区发改委(大数据局)审核,再由区财政局审核(第十条)"}}
CONSENT_FORBIDDEN = {"error": {"code": "forbidden", "article": "第十条", "message": "计划调整须经区政府同意(第十条)"}}


def add_line(district, plan, project, plan_class: str, amount: str, **fields: Any):
    """A line DRC puts in the draft, with the reason art. 9 asks for when a class is skipped."""
    from itgov.planning import plan_services

    data = {"project_id": project.pk, "line_type": "construction", "plan_class": plan_class, "amount": amount}
    if plan_class == "A":
        data["must_start_reason"] = "市级重点任务,必须年内开工"
    if plan_class == "B":
        data["skip_reason"] = "试点已完成,建设条件具备"
    if plan_class == "C":
        data["prework_amount"] = amount
    data.update(fields)
    return plan_services.plan_line_add(actor=district.users["drc"], plan=plan, data=data)


def move_plan(district, plan, state: str):
    """Bring a draft edition to `state` through the services (superseded: via edu's consented adjustment)."""
    from itgov.planning import plan_services
    from itgov.planning.models import AnnualPlan

    steps = [("drc", "submit", {}), ("finance", "cosign", {}), ("gov", "issue", {"document_number": "鼓发改〔2027〕1号"})]
    target = {"draft": 0, "submitted": 1, "cosigned": 2, "issued": 3, "superseded": 3}[state]
    for role, name, data in steps[:target]:
        plan = plan_services.plan_transition(actor=district.users[role], plan=plan, name=name, data=data)
    return AnnualPlan.objects.select_related("jurisdiction").get(pk=plan.pk)


def apply_adjustment(district, plan, project, amount: str = "350000.00", user: str = "edu"):
    from itgov.planning import plan_services

    return plan_services.adjustment_apply(actor=district.users[user], plan=plan, data={
        "reason": "建设内容增加,申请调增资金", "items": [
            {"project_id": project.pk, "line_type": "construction", "plan_class": "B", "amount": amount}]})


def move_adjustment(district, adjustment, state: str):
    """Bring an applied adjustment to `state` through the services."""
    from itgov.planning import plan_services
    from itgov.planning.models import PlanAdjustment

    def step(role, name, **data):
        return plan_services.adjustment_transition(actor=district.users[role], adjustment=adjustment, name=name,
                                                   data=data)

    if state == "rejected":
        adjustment = step("drc", "reject", reason="理由不充分")
    elif state == "withdrawn":
        adjustment = step("edu", "withdraw", reason="改为明年申报")
    else:
        path = [("drc", "review"), ("finance", "finance_review"), ("gov", "consent")]
        count = {"applied": 0, "drc_reviewed": 1, "reviewed": 2, "consented": 3}[state]
        for role, name in path[:count]:
            adjustment = step(role, name, document_number="鼓发改〔2027〕2号")
    fresh = PlanAdjustment.objects.select_related("plan__jurisdiction", "unit", "result").get(pk=adjustment.pk)
    assert fresh.status == state
    return fresh


@pytest.fixture(name="plan_world")
def plan_world_fixture(district, make_project, make_round, make_line):
    """`plan_world(state)`: the 2027 plan (capacity 1 000 000.00) in `state` with edu's B line (300 000.00)
    and health's A line (400 000.00); the 2027 round with a C line of edu declared and not compiled yet; a
    reserve project of edu in no plan (`spare`); another `year` has no round. For "superseded", edu's adjustment (its line to
    350 000.00) was consented and `other` is edition 2; otherwise `other` is the plan itself."""
    return plan_world_builder(district, make_project, make_round, make_line)


def plan_world_builder(district, make_project, make_round, make_line):
    from itgov.planning import plan_services
    from itgov.planning.models import DeclarationRound, PlanLine

    def build(state: str = "draft", *, year: int = PLAN_YEAR) -> SimpleNamespace:
        edu_project = make_project("in_reserve", name="区教育局智慧校园平台建设项目")
        health_project = make_project("in_reserve", owner="health", name="区卫健委全民健康信息平台项目")
        spare = make_project("in_reserve", name="区教育局教育资源公共服务平台项目")
        declared = make_project("in_reserve", name="区教育局校园安全监管系统项目")
        rnd = None
        if year == PLAN_YEAR:  # the round's window (Q3 2026) is where make_line declares
            rnd = DeclarationRound.objects.filter(year=year).first() or make_round(year)
            make_line(rnd, declared, requested_amount="80000.00", proposed_class="C")
        plan = plan_services.annual_plan_create(actor=district.users["drc"],
                                                data={"year": year, "capacity": CAPACITY})
        edu_line = add_line(district, plan, edu_project, "B", "300000.00", priority=80)
        health_line = add_line(district, plan, health_project, "A", "400000.00")
        plan = move_plan(district, plan, state)
        other = plan
        if state == "superseded":
            adjustment = move_adjustment(district, apply_adjustment(district, plan, edu_project), "consented")
            other = adjustment.result
            plan = type(plan).objects.select_related("jurisdiction").get(pk=plan.pk)
        assert plan.status == state
        return SimpleNamespace(
            plan=plan, other=other, round=rnd, edu_project=edu_project, health_project=health_project,
            spare=spare, declared=declared,
            edu_line=PlanLine.objects.select_related("project", "unit").get(pk=edu_line.pk),
            health_line=PlanLine.objects.select_related("project", "unit").get(pk=health_line.pk))

    return build


@pytest.fixture(name="adjustment_world")
def adjustment_world_fixture(district, plan_world):
    """`adjustment_world(state)`: the issued 2027 plan and edu's adjustment of it (its line to 350 000.00)
    in `state`."""

    def build(state: str = "applied") -> SimpleNamespace:
        world = plan_world("issued")
        adjustment = apply_adjustment(district, world.plan, world.edu_project)
        world.adjustment = move_adjustment(district, adjustment, state)
        return world

    return build


def plan_snapshot() -> dict[str, list]:
    """Every row of the annual plan a refused request must leave as it was."""
    from itgov.planning.models import AdjustmentItem, AnnualPlan, PlanAdjustment, PlanLine
    from itgov.projects.models import Project

    return {
        "plans": list(AnnualPlan.objects.order_by("pk").values_list(
            "pk", "status", "version", "capacity", "note", "document_number", "updated_at")),
        "lines": list(PlanLine.objects.order_by("pk").values_list(
            "pk", "plan_id", "plan_class", "amount", "prework_amount", "priority", "note", "version")),
        "adjustments": list(PlanAdjustment.objects.order_by("pk").values_list("pk", "status", "version")),
        "items": list(AdjustmentItem.objects.order_by("pk").values_list("pk", "amount")),
        "projects": list(Project.objects.order_by("pk").values_list("pk", "status", "version")),
    }
