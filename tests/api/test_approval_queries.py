"""The approval dossier and the approval lists cost the same number of queries whatever the rows (STYLE.md
habit 8): no N+1 over documents, rows, participants, panel members, baselines, budget lines or suspensions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from itgov.approvals.models import (
    ApplicationDocument,
    BudgetLine,
    DataResource,
    Milestone,
    PanelMember,
    PerformanceTarget,
    UnitSuspension,
)
from itgov.organizations.models import Expert
from itgov.projects.models import ProjectParticipant
from tests.approvals_world import approval_maker
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return len(ctx.captured_queries), response.json()


def _grow(world, district, n: int) -> None:
    """n more of every list the dossier shows."""
    app, review, budget = world.application, world.application.review, world.budget
    Milestone.objects.bulk_create([Milestone(application=app, name=f"节点{i}", due_date=dt.date(2027, 6, 1))
                                   for i in range(n)])
    PerformanceTarget.objects.bulk_create([PerformanceTarget(application=app, category="benefit", indicator=f"指标{i}",
                                                             target="1") for i in range(n)])
    DataResource.objects.bulk_create([DataResource(application=app, name=f"资源{i}", direction="produced",
                                                   sharing_type="conditional") for i in range(n)])
    ApplicationDocument.objects.bulk_create([ApplicationDocument(application=app, kind="other", file="x.pdf",
                                                                 name=f"附件{i}.pdf", size=1, sha256="0" * 64)
                                             for i in range(n)])
    experts = Expert.objects.bulk_create([Expert(jurisdiction=district.drc_unit.jurisdiction, name=f"专家{i}",
                                                 specialty="信息化", employer="某大学") for i in range(n)])
    PanelMember.objects.bulk_create([PanelMember(review=review, expert=e, opinion="agree") for e in experts])
    units = [UnitFactory(name=f"参建单位{world.project.pk}-{i}") for i in range(n)]
    ProjectParticipant.objects.bulk_create([ProjectParticipant(project=world.project, unit=u) for u in units])
    BudgetLine.objects.bulk_create([BudgetLine(budget=budget, year=2030 + i, fund_source="other",
                                               amount=Decimal("1.00")) for i in range(n)])


@pytest.mark.parametrize("role", ["drc", "edu", "expert"])
def test_the_dossier_costs_the_same_with_3_and_43_rows_of_each_list(api, district, role):
    world = approval_maker(district)("budgeted", joint=True)
    client = api(role)
    url = f"projects/{world.project.pk}/approval"
    client.get(url)  # warm up: the token's last-used time is written once
    small, small_body = _queries(client, url)

    _grow(world, district, 40)
    large, large_body = _queries(client, url)

    assert len(large_body["application"]["milestones"]) == len(small_body["application"]["milestones"]) + 40
    assert len(large_body["participants"]) == len(small_body["participants"]) + 40
    assert large == small
    assert small <= 22


def test_the_suspension_and_expert_lists_cost_the_same_at_2_and_42_rows(api, district):
    def add(n):
        for i in range(n):
            unit = UnitFactory(name=f"暂缓单位{UnitSuspension.objects.count()}-{i}")
            UnitSuspension.objects.create(unit=unit, reason="验收不合格", started_at=timezone.now(),
                                          created_by=district.users["drc"])

    world = approval_maker(district)("under_review")
    drc = api("drc")
    add(2)
    drc.get("unit-suspensions?limit=200")
    small, _ = _queries(drc, "unit-suspensions?limit=200")
    experts_small, _ = _queries(drc, f"experts?project_id={world.project.pk}")
    add(40)
    Expert.objects.bulk_create([Expert(jurisdiction=district.drc_unit.jurisdiction, name=f"库内专家{i}",
                                       specialty="信息化", employer="某大学", employer_unit=district.health)
                                for i in range(40)])
    large, body = _queries(drc, "unit-suspensions?limit=200")
    experts_large, pool = _queries(drc, f"experts?project_id={world.project.pk}")

    assert body["count"] == 42 and large == small
    assert len(pool["items"]) >= 43 and experts_large == experts_small
