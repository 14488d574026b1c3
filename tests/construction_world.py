"""A project ready to build, or building (art. 19): approved and budgeted through the services (tests/
approvals_world.py), with a line in the issued plan of this year (rows written directly: the planning tests
cover issuing a plan) and a budget by year for this year and the next.

`construction_maker(district)("budgeted" | "in_construction", planned=True, budget=("800000.00", "300000.00"),
supervised=True)` → SimpleNamespace(project, baseline, budget, owner, year). The approved estimate (1,150,000 yuan)
is above the supervision threshold: a supervised project has the district's firm, named in this year's pool,
appointed (art. 19) — required before it starts."""

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
             budget: tuple[str, str] = ("800000.00", "300000.00"), supervised: bool = True
             ) -> SimpleNamespace:
        world = make_approval("approved", owner=owner, panel=False)
        year = local_today().year
        project = approvals.budget_record(actor=district.users["finance"], project=world.project, data={
            "lines": [{"year": year, "fund_source": "general", "amount": budget[0]},
                      {"year": year + 1, "fund_source": "general", "amount": budget[1]}], "note": "分两年安排"})
        if planned:
            issued_plan_line(project, year)
        if supervised:
            appoint_supervisor(district, project)
        if state == "in_construction":
            project = services.construction_start(actor=world.owner, project=project)
        elif state != "budgeted":
            raise ValueError(state)
        project = Project.objects.select_related("owner_unit").get(pk=project.pk)
        return SimpleNamespace(project=project, baseline=current_baseline(project), budget=current_budget(project),
                               owner=world.owner, year=year)

    return make


def pool_entry(district, year: int, firm=None):
    """`firm` (the district's supervision firm by default) in `year`'s pool, through the service."""
    from itgov.construction.models import SupervisionPoolEntry
    from itgov.construction.services import pool_add

    firm = firm or district.firm
    found = SupervisionPoolEntry.objects.filter(year=year, firm=firm).first()
    return found or pool_add(actor=district.users["drc"], jurisdiction=district.drc_unit.jurisdiction, data={
        "year": year, "firm_id": firm.pk, "qualification": "信息系统工程监理甲级", "certificate_number": f"JL-{year}-01",
        "valid_until": f"{year + 2}-12-31"})


def appoint_supervisor(district, project, fee: str = "50000.00"):
    from itgov.construction.services import supervisor_appoint
    from itgov.core.dates import local_today

    today = local_today()
    pool_entry(district, today.year)
    return supervisor_appoint(actor=district.users["edu"] if project.owner_unit == district.edu else
                              district.users["health"], project=project,
                              data={"firm_id": district.firm.pk, "fee": fee, "appointed_on": today.isoformat()})
