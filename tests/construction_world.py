"""A project ready to build, or building (art. 19): approved and budgeted through the services (tests/
approvals_world.py), with a line in the issued plan of this year (rows written directly: the planning tests
cover issuing a plan) and a budget by year for this year and the next.

`construction_maker(district)("budgeted" | "in_construction", planned=True, budget=("800000.00", "300000.00"))`
→ SimpleNamespace(project, baseline, budget, owner, year)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from tests.approvals_world import approval_maker

ESTIMATE = Decimal("1150000.00")  # the approved estimate approval_maker fixes


def issued_plan_line(project, year: int, amount: str = "800000.00", plan_class: str = "A"):
    from itgov.planning.models import AnnualPlan, PlanLine

    plan = AnnualPlan.objects.filter(jurisdiction=project.owner_unit.jurisdiction, year=year, status="issued").first()
    if plan is None:
        plan = AnnualPlan.objects.create(jurisdiction=project.owner_unit.jurisdiction, year=year, status="issued",
                                         document_number=f"鼓政发〔{year}〕99号")
    return PlanLine.objects.create(plan=plan, project=project, unit=project.owner_unit, line_type="construction",
                                   plan_class=plan_class, requested_amount=Decimal(amount), amount=Decimal(amount))


def construction_maker(district):
    from itgov.approvals import services as approvals
    from itgov.approvals.selectors import current_baseline, current_budget
    from itgov.construction import services
    from itgov.core.dates import local_today
    from itgov.projects.models import Project

    make_approval = approval_maker(district)

    def make(state: str = "budgeted", *, owner: str = "edu", planned: bool = True,
             budget: tuple[str, str] = ("800000.00", "300000.00")) -> SimpleNamespace:
        world = make_approval("approved", owner=owner, panel=False)
        year = local_today().year
        project = approvals.budget_record(actor=district.users["finance"], project=world.project, data={
            "lines": [{"year": year, "fund_source": "general", "amount": budget[0]},
                      {"year": year + 1, "fund_source": "general", "amount": budget[1]}], "note": "分两年安排"})
        if planned:
            issued_plan_line(project, year)
        if state == "in_construction":
            project = services.construction_start(actor=world.owner, project=project)
        elif state != "budgeted":
            raise ValueError(state)
        project = Project.objects.select_related("owner_unit").get(pk=project.pk)
        return SimpleNamespace(project=project, baseline=current_baseline(project), budget=current_budget(project),
                               owner=world.owner, year=year)

    return make
