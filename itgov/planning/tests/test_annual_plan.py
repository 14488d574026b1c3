"""Art. 8–10: the annual investment plan — capacity at its boundary, the classes A/B/C, progressive
management, Finance's co-signature and the government's issue, the immutable issued edition, the three-step
adjustment and the mid-year release; every refusal names its rule and article."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.planning import plan_selectors, plan_services, services
from itgov.planning.models import AnnualPlan, PlanLine
from itgov.projects import services as project_services
from itgov.projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def reserve(district, unit=None, **kw):
    unit = unit or district.edu
    owner = district.users["edu"] if unit == district.edu else district.users["health"]
    project = project_services.project_submit_proposal(actor=owner, project=ProjectFactory(owner_unit=unit, **kw))
    return project_services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础")


@pytest.fixture
def plan(district, policy):
    return plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2027, "capacity": "1000000.00"})


def add(district, plan, project, plan_class="B", amount="100000.00", **kw):
    data = {"project_id": project.pk, "line_type": "construction", "plan_class": plan_class, "amount": amount,
            "skip_reason": "条件成熟" if plan_class == "B" else "", **kw}
    if plan_class == "A" and "must_start_reason" not in kw:
        data["must_start_reason"] = "市级重点任务,必须年内开工"
    if plan_class == "C" and "prework_amount" not in kw:
        data["prework_amount"] = amount
    return plan_services.plan_line_add(actor=district.users["drc"], plan=plan, data=data)


def issue(district, plan):
    plan = plan_services.plan_transition(actor=district.users["drc"], plan=plan, name="submit")
    plan = plan_services.plan_transition(actor=district.users["finance"], plan=plan, name="cosign")
    return plan_services.plan_transition(actor=district.users["gov"], plan=plan, name="issue",
                                         data={"document_number": "鼓发改〔2027〕1号"})


@pytest.mark.parametrize(("a_total", "ok"), [("1000000.00", True), ("1000000.01", False)])
def test_a_lines_must_fit_inside_capacity_exactly(district, plan, a_total, ok):
    add(district, plan, reserve(district), "A", "600000.00")
    add(district, plan, reserve(district, district.health), "A", str(Decimal(a_total) - Decimal("600000.00")))
    plan.refresh_from_db()
    if ok:
        assert plan_services.plan_transition(actor=district.users["drc"], plan=plan, name="submit").status == "submitted"
        return
    with pytest.raises(RuleViolation) as exc:
        plan_services.plan_transition(actor=district.users["drc"], plan=plan, name="submit")
    rules = {v["rule"] for v in exc.value.violations}
    assert {"art9.a_class_in_full", "art8.plan_within_capacity"} <= rules
    assert "第九条" in str(exc.value.as_dict()) and "0.01" in str(exc.value.as_dict())
    assert AnnualPlan.objects.get(pk=plan.pk).status == "draft"
    assert AuditEvent.objects.filter(event_type="rule.refused", reason="plan.submit").count() == 1


def test_a_plan_without_capacity_cannot_be_submitted(district, policy):
    plan = plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2027})
    with pytest.raises(RuleViolation) as exc:
        plan_services.plan_transition(actor=district.users["drc"], plan=plan, name="submit")
    assert exc.value.fields["capacity"]


def test_a_c_line_carries_pre_work_money_only(district, plan):
    project = reserve(district)
    with pytest.raises(RuleViolation) as exc:
        add(district, plan, project, "C", "50000.00", prework_amount="40000.00")
    assert exc.value.rule == "art9.c_prework_only" and exc.value.article == "第九条"
    assert not PlanLine.objects.exists()
    line = add(district, plan, project, "C", "50000.00")
    assert line.prework_amount == line.amount
    with pytest.raises(RuleViolation):
        plan_services.plan_line_update(actor=district.users["finance"], line=line, data={"prework_amount": "0"})


def test_class_skipping_needs_a_recorded_reason(district, plan):
    project = reserve(district)
    with pytest.raises(RuleViolation) as exc:
        add(district, plan, project, "A", must_start_reason="")
    assert exc.value.rule == "art9.progressive"
    assert any(k.endswith("must_start_reason") for k in exc.value.fields)
    with pytest.raises(RuleViolation) as exc:
        add(district, plan, project, "B", skip_reason="  ")
    assert any(k.endswith("skip_reason") for k in exc.value.fields)
    assert add(district, plan, project, "B", skip_reason="试点已完成,条件具备").plan_class == "B"


def test_a_project_that_was_c_last_year_goes_to_b_without_a_reason(district, policy):
    project = reserve(district)
    drc = district.users["drc"]
    earlier = plan_services.annual_plan_create(actor=drc, data={"year": 2026, "capacity": "100000"})
    add(district, earlier, project, "C", "50000.00")
    issue(district, AnnualPlan.objects.get(pk=earlier.pk))
    plan = plan_services.annual_plan_create(actor=drc, data={"year": 2027, "capacity": "1000000"})
    assert add(district, plan, project, "B", skip_reason="").plan_class == "B"
    # and one that was B goes to A as a continuing project
    plan_2028 = plan_services.annual_plan_create(actor=drc, data={"year": 2028, "capacity": "1000000"})
    with pytest.raises(RuleViolation):
        add(district, plan_2028, project, "A", must_start_reason="")


def test_the_government_issues_and_projects_become_planned(district, plan):
    project = reserve(district)
    add(district, plan, project, "B", "300000.00")
    issued = issue(district, AnnualPlan.objects.get(pk=plan.pk))
    assert (issued.status, issued.document_number) == ("issued", "鼓发改〔2027〕1号")
    assert Project.objects.get(pk=project.pk).status == "planned"
    [line] = plan_selectors.funding(project, 2027)
    assert (line.plan_class, line.amount) == ("B", Decimal("300000.00"))
    assert plan_selectors.funding(project, 2026) == []
    assert AuditEvent.objects.filter(event_type="project.planned", project_id=project.pk).exists()


def test_an_issued_edition_cannot_be_edited(district, plan):
    line = add(district, plan, reserve(district), "B")
    issue(district, AnnualPlan.objects.get(pk=plan.pk))
    line = PlanLine.objects.select_related("plan__jurisdiction").get(pk=line.pk)
    with pytest.raises(RuleViolation) as exc:
        plan_services.plan_line_update(actor=district.users["drc"], line=line, data={"amount": "1"})
    assert exc.value.rule == "art10.issued_plan_unchanged" and exc.value.article == "第十条"
    with pytest.raises(RuleViolation):
        plan_services.annual_plan_update(actor=district.users["drc"], plan=line.plan, data={"capacity": "1"})
    with pytest.raises(Conflict):
        plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2027})
    assert PlanLine.objects.get(pk=line.pk).amount == Decimal("100000.00")


@pytest.mark.parametrize(("user", "name", "error"), [
    ("finance", "submit", Forbidden), ("edu", "submit", Forbidden), ("drc", "cosign", Forbidden),
    ("gov", "cosign", Forbidden), ("gov", "issue", Conflict), ("drc", "issue", Forbidden),
    ("gov", "return", Forbidden),
])
def test_no_step_of_the_plan_is_skipped_or_taken_by_the_wrong_role(district, plan, user, name, error):
    add(district, plan, reserve(district), "B")
    plan = plan_services.plan_transition(actor=district.users["drc"], plan=AnnualPlan.objects.get(pk=plan.pk),
                                         name="submit")
    with pytest.raises(error):
        plan_services.plan_transition(actor=district.users[user], plan=plan, name=name, data={"reason": "不符合"})
    assert AnnualPlan.objects.get(pk=plan.pk).status == "submitted"


def test_finance_returns_with_reasons(district, plan):
    add(district, plan, reserve(district), "B")
    plan = plan_services.plan_transition(actor=district.users["drc"], plan=AnnualPlan.objects.get(pk=plan.pk),
                                         name="submit")
    with pytest.raises(InvalidInput) as exc:
        plan_services.plan_transition(actor=district.users["finance"], plan=plan, name="return")
    assert "reason" in exc.value.fields
    back = plan_services.plan_transition(actor=district.users["finance"], plan=plan, name="return",
                                         data={"reason": "财力测算需调整"})
    assert (back.status, back.last_return_reason) == ("draft", "财力测算需调整")


def test_concurrent_edits_of_one_line_leave_one_winner(district, plan):
    line = add(district, plan, reserve(district), "B")
    version = line.version
    plan_services.plan_line_update(actor=district.users["drc"], line=PlanLine.objects.get(pk=line.pk),
                                   data={"amount": "90000"}, expected_version=version)
    with pytest.raises(Conflict):
        plan_services.plan_line_update(actor=district.users["finance"], line=PlanLine.objects.get(pk=line.pk),
                                       data={"amount": "80000"}, expected_version=version)
    assert PlanLine.objects.get(pk=line.pk).amount == Decimal("90000")


def test_the_allocation_helper_funds_b_by_priority_within_what_a_leaves(district, plan):
    add(district, plan, reserve(district), "A", "600000.00")
    first = add(district, plan, reserve(district), "B", "300000.00", priority=90)
    too_big = add(district, plan, reserve(district, district.health), "B", "200000.00", priority=80)
    small = add(district, plan, reserve(district, district.health), "B", "100000.00", priority=10)
    allocation = plan_services.plan_allocate(actor=district.users["finance"], plan=AnnualPlan.objects.get(pk=plan.pk))
    decided = {d.line_id: d for d in allocation.decisions}
    assert [d.line_id for d in allocation.decisions] == [first.pk, too_big.pk, small.pk]
    assert (decided[first.pk].funded, decided[too_big.pk].funded, decided[small.pk].funded) == (True, False, True)
    assert "第九条" in decided[too_big.pk].reason
    assert PlanLine.objects.get(pk=too_big.pk).amount == 0
    assert allocation.left == 0
    plan = AnnualPlan.objects.get(pk=plan.pk)
    assert plan_services.plan_transition(actor=district.users["drc"], plan=plan, name="submit").status == "submitted"


def test_compile_takes_the_declared_lines(monkeypatch, district, policy):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 8, 1, 10, tzinfo=SHANGHAI))
    project = reserve(district)
    rnd = services.declaration_round_open(actor=district.users["drc"], data={"year": 2027})
    services.declaration_line_declare(actor=district.users["edu"], rnd=rnd, data={
        "project_id": project.pk, "line_type": "construction", "requested_amount": "500000",
        "proposed_class": "C", "justification": "开展可行性研究"})
    plan = plan_services.annual_plan_create(actor=district.users["finance"], data={"year": 2027})
    assert plan_services.annual_plan_compile(actor=district.users["drc"], plan=plan) == 1
    assert plan_services.annual_plan_compile(actor=district.users["drc"], plan=AnnualPlan.objects.get(pk=plan.pk)) == 0
    line = PlanLine.objects.get(plan=plan)
    assert (line.plan_class, line.amount, line.prework_amount) == ("C", Decimal("500000"), Decimal("500000"))


# --- adjustments (art. 10) ---------------------------------------------------------------------------------


@pytest.fixture
def issued(district, plan):
    project = reserve(district)
    add(district, plan, project, "A", "400000.00")
    add(district, plan, reserve(district, district.health), "B", "200000.00")
    return issue(district, AnnualPlan.objects.get(pk=plan.pk)), project


def apply(district, plan, project, amount="500000.00", user="edu"):
    return plan_services.adjustment_apply(actor=district.users[user], plan=plan, data={
        "reason": "需求增加", "items": [{"project_id": project.pk, "line_type": "construction", "plan_class": "A",
                                      "amount": amount}]})


def test_the_three_step_adjustment_issues_a_new_edition(district, issued):
    plan, project = issued
    adjustment = apply(district, plan, project)
    assert adjustment.status == "applied"
    # no step skipped, none by the wrong role
    for user, name, error in [("finance", "finance_review", Conflict), ("gov", "consent", Conflict),
                              ("edu", "review", Forbidden), ("finance", "review", Forbidden)]:
        with pytest.raises(error):
            plan_services.adjustment_transition(actor=district.users[user], adjustment=adjustment, name=name)
    adjustment = plan_services.adjustment_transition(actor=district.users["drc"], adjustment=adjustment, name="review")
    with pytest.raises(Forbidden):
        plan_services.adjustment_transition(actor=district.users["drc"], adjustment=adjustment, name="finance_review")
    adjustment = plan_services.adjustment_transition(actor=district.users["finance"], adjustment=adjustment,
                                                     name="finance_review")
    adjustment = plan_services.adjustment_transition(actor=district.users["gov"], adjustment=adjustment,
                                                     name="consent")
    new = adjustment.result
    assert (new.edition, new.status, new.based_on_id) == (2, "issued", plan.pk)
    assert AnnualPlan.objects.get(pk=plan.pk).status == "superseded"
    assert [line.amount for line in plan_selectors.funding(project, 2027)] == [Decimal("500000.00")]
    changes = plan_selectors.diff(AnnualPlan.objects.get(pk=plan.pk), new)["rows"]
    assert [(r["change"], r["line"].project_id, r["fields"]) for r in changes] == [("changed", project.pk, ["amount"])]


def test_an_adjustment_that_breaks_capacity_is_refused_when_applied(district, issued):
    plan, project = issued
    with pytest.raises(RuleViolation) as exc:
        apply(district, plan, project, amount="800000.01")
    assert exc.value.rule == "art8.plan_within_capacity" and "0.01" in exc.value.message


def test_a_unit_applies_only_for_its_own_projects(district, issued):
    plan, project = issued
    with pytest.raises(InvalidInput) as exc:
        apply(district, plan, project, user="health")
    assert "第十条" in exc.value.message


def test_the_mid_year_release_moves_a_surplus_to_b(district, issued):
    plan, project = issued
    b_line = PlanLine.objects.get(plan=plan, plan_class="B")
    data = {"kind": "release", "reason": "A类项目执行结余", "items": [
        {"project_id": project.pk, "line_type": "construction", "plan_class": "A", "amount": "300000.00"},
        {"project_id": b_line.project_id, "line_type": "construction", "plan_class": "B", "amount": "300000.00"}]}
    with pytest.raises(Forbidden):
        plan_services.adjustment_apply(actor=district.users["edu"], plan=plan, data=data)
    adjustment = plan_services.adjustment_apply(actor=district.users["drc"], plan=plan, data=data)
    assert (adjustment.kind, adjustment.unit_id) == ("release", None)
    wrong = {**data, "items": [{**data["items"][1], "amount": "100000.00"}]}
    with pytest.raises(RuleViolation) as exc:
        plan_services.adjustment_apply(actor=district.users["drc"], plan=plan, data=wrong)
    assert exc.value.rule == "art9.release_to_b"


def test_a_second_consent_on_a_superseded_edition_is_refused(district, issued):
    plan, project = issued
    first, second = apply(district, plan, project, "450000.00"), apply(district, plan, project, "420000.00")
    for adjustment in (first, second):
        for user, name in (("drc", "review"), ("finance", "finance_review")):
            adjustment = plan_services.adjustment_transition(actor=district.users[user], adjustment=adjustment,
                                                             name=name)
    plan_services.adjustment_transition(actor=district.users["gov"], adjustment=first.__class__.objects.get(
        pk=first.pk), name="consent")
    with pytest.raises(RuleViolation) as exc:
        plan_services.adjustment_transition(actor=district.users["gov"], adjustment=second.__class__.objects.get(
            pk=second.pk), name="consent")
    assert exc.value.rule == "art10.adjustment_on_current_edition"
    assert AnnualPlan.objects.filter(year=2027).count() == 2


def test_an_adjustment_of_a_superseded_edition_can_only_be_rejected_or_withdrawn(district, issued):
    plan, project = issued
    first, stale = apply(district, plan, project, "450000.00"), apply(district, plan, project, "420000.00")
    for user, name in (("drc", "review"), ("finance", "finance_review"), ("gov", "consent")):
        first = plan_services.adjustment_transition(actor=district.users[user], adjustment=first, name=name)
    with pytest.raises(RuleViolation) as exc:
        plan_services.adjustment_transition(actor=district.users["drc"], adjustment=stale, name="review")
    assert (exc.value.rule, exc.value.article) == ("art10.adjustment_on_current_edition", "第十条")
    withdrawn = plan_services.adjustment_transition(actor=district.users["edu"], adjustment=stale, name="withdraw",
                                                    data={"reason": "按第2版重新申请"})
    assert withdrawn.status == "withdrawn"


def test_an_o_and_m_line_runs_from_declaration_to_the_issued_plan(monkeypatch, district, policy):
    """Art. 8: O&M plans are declared for projects in operation. No stage reaches operation yet (a later issue
    builds acceptance), so the project's status is set directly here: what is tested is the planning path."""
    project = reserve(district)
    Project.objects.filter(pk=project.pk).update(status="in_operation")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 9, 30, 23, 59, 59, tzinfo=SHANGHAI))
    rnd = services.declaration_round_open(actor=district.users["drc"], data={"year": 2027})
    services.declaration_line_declare(actor=district.users["edu"], rnd=rnd, data={
        "project_id": project.pk, "line_type": "om", "requested_amount": "120000", "proposed_class": "A",
        "justification": "系统运行维护"})
    plan = plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2027, "capacity": "200000"})
    assert plan_services.annual_plan_compile(actor=district.users["drc"], plan=plan) == 1
    line = PlanLine.objects.get(plan=plan)
    assert (line.line_type, line.plan_class, line.amount) == ("om", "A", Decimal("120000"))
    with pytest.raises(RuleViolation) as exc:  # an O&M line is never pre-work only (art. 9)
        plan_services.plan_line_update(actor=district.users["drc"], line=line, data={
            "plan_class": "C", "prework_amount": "120000"})
    assert exc.value.rule == "art9.c_prework_only"
    issued = issue(district, AnnualPlan.objects.get(pk=plan.pk))  # no must-start reason: O&M is not a class step
    assert [(f.line_type, f.plan_class) for f in plan_selectors.funding(project, 2027)] == [("om", "A")]
    assert Project.objects.get(pk=project.pk).status == "in_operation"  # only reserve projects become planned
    assert issued.status == "issued"
