"""List endpoints cost the same number of queries at 10 rows and at 200 (STYLE.md habit 8): no N+1."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.audit import events
from itgov.audit.services import audit_record
from itgov.planning import services as planning_services
from itgov.planning.models import DeclarationLine
from tests.factories import ProjectFactory, UnitFactory

from .conftest import INSIDE_WINDOW, valid_exception_payload

pytestmark = pytest.mark.django_db

PAGE = "limit=200"  # every row on one page, so a per-row query would show


def _queries(client, url: str) -> tuple[int, dict, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return len(ctx.captured_queries), response.json(), [q["sql"] for q in ctx.captured_queries]


def _add_projects(district, n: int, *, owner, status: str):
    units = [district.edu, district.edu_school, district.health]
    for i in range(n):
        ProjectFactory(owner_unit=owner or units[i % len(units)], status=status,
                       classified=(status != "draft" and i % 7 == 0), necessity="", construction_content="",
                       data_sharing_intent="")


@pytest.mark.parametrize(("role", "owner", "status"), [
    ("drc", None, "proposed"),  # every unit's submitted projects, classified ones included
    ("finance", None, "in_reserve"),
    ("edu", "edu", "draft"),  # its own drafts
])
def test_project_list_costs_the_same_at_10_and_200_projects(api, district, role, owner, status):
    owner_unit = {"edu": district.edu, None: None}[owner]
    client = api(role)
    client.get(f"projects?{PAGE}")  # warm up: the token's last-used time is written once
    _add_projects(district, 10, owner=owner_unit, status=status)
    small, small_body, _ = _queries(client, f"projects?{PAGE}")

    _add_projects(district, 190, owner=owner_unit, status=status)
    large, large_body, sql = _queries(client, f"projects?{PAGE}")

    assert small_body["count"] >= 8 and large_body["count"] >= small_body["count"] + 150
    assert len(large_body["items"]) == min(large_body["count"], 200)
    assert large == small, "\n".join(sql)
    assert small <= 6


def _add_panel_projects(district, n: int):
    """Projects under review with the expert on their panel (rows written directly: the count is what matters)."""
    from itgov.approvals.models import ApprovalReview, InitiationApplication, PanelMember

    for i in range(n):
        project = ProjectFactory(owner_unit=district.edu if i % 2 else district.health, status="under_review")
        review = ApprovalReview.objects.create(application=InitiationApplication.objects.create(project=project))
        PanelMember.objects.create(review=review, expert=district.expert)
    _add_projects(district, n, owner=None, status="under_review")  # as many not on its panel: never listed


def test_the_experts_project_list_costs_the_same_at_10_and_200_panel_projects(api, district):
    client = api("expert")
    client.get(f"projects?{PAGE}")  # warm up: the token's last-used time is written once
    _add_panel_projects(district, 10)
    small, small_body, _ = _queries(client, f"projects?{PAGE}")

    _add_panel_projects(district, 190)
    large, large_body, sql = _queries(client, f"projects?{PAGE}")

    assert (small_body["count"], large_body["count"], len(large_body["items"])) == (10, 200, 200)
    assert large == small, "\n".join(sql)
    assert small <= 6


def test_audit_search_costs_the_same_at_10_and_200_events(api, district):
    client = api("audit")
    client.get(f"audit/events?{PAGE}")

    def add(n):
        for i in range(n):
            audit_record(event_type=events.ADMIN_OBJECT_CHANGED, actor=district.users["admin"], obj=district.edu,
                         after={"i": i})

    add(10)
    small, small_body, _ = _queries(client, f"audit/events?{PAGE}")
    add(190)
    large, large_body, sql = _queries(client, f"audit/events?{PAGE}")

    assert large_body["count"] == small_body["count"] + 190
    assert len(large_body["items"]) == 200
    assert large == small, "\n".join(sql)
    assert small <= 6


def test_history_costs_the_same_at_few_and_many_events(api, make_project):
    project = make_project("draft")
    client = api("edu")
    client.get(f"projects/{project.pk}/history?{PAGE}")

    def add(n):
        for i in range(n):
            audit_record(event_type=events.PROJECT_CHANGED, actor=None, obj=project, after={"i": i})

    add(10)
    small, _, _ = _queries(client, f"projects/{project.pk}/history?{PAGE}")
    add(190)
    large, body, sql = _queries(client, f"projects/{project.pk}/history?{PAGE}")

    assert body["count"] == 200
    assert large == small, "\n".join(sql)


def test_audit_events_can_be_read_oldest_first(api, district):
    from itgov.audit import events
    from itgov.audit.services import audit_record

    for i in range(3):
        audit_record(event_type=events.PROJECT_CHANGED, after={"i": i})
    client = api("audit")
    newest = [e["seq"] for e in client.get("audit/events").json()["items"]]
    oldest = [e["seq"] for e in client.get("audit/events?ordering=seq").json()["items"]]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest) and set(newest) == set(oldest)
    assert client.get("audit/events?ordering=actor_name").status_code == 400


def _add_lines(district, rnd, n: int, *, start: int = 0):
    """`n` lines of the round, one reserve project each, over edu, its sub-unit school1 and health, in every
    class; every fifth withdrawn. (Rows written directly: the services are tested elsewhere.)"""
    units = [district.edu, district.edu_school, district.health]
    for i in range(start, start + n):
        unit = units[i % len(units)]
        project = ProjectFactory(owner_unit=unit, status="in_reserve", necessity="", construction_content="",
                                 data_sharing_intent="")
        DeclarationLine.objects.create(
            round=rnd, unit=unit, project=project, line_type="construction", requested_amount=Decimal(1000 + i),
            proposed_class="ABC"[i % 3], justification="理由", status="withdrawn" if i % 5 == 4 else "declared",
            declared_by=district.users["edu"])


@pytest.mark.parametrize("role", ["drc", "finance", "edu", "health"])
@pytest.mark.parametrize("what", ["detail", "lines"])
def test_a_round_costs_the_same_at_5_and_60_lines(api, district, make_round, what, role):
    rnd = make_round()
    client = api(role)
    client.get("declaration-rounds")  # warm up: the token's last-used time is written once
    url = f"declaration-rounds/{rnd.pk}" + ("/lines" if what == "lines" else "")
    _add_lines(district, rnd, 5)
    small, small_body, _ = _queries(client, url)

    _add_lines(district, rnd, 55, start=5)
    large, large_body, sql = _queries(client, url)

    assert DeclarationLine.objects.filter(round=rnd).count() == 60
    if what == "lines":
        assert len(large_body) >= len(small_body) + 15
    else:
        assert [row["unit"]["code"] for row in large_body["units"]] == [
            row["unit"]["code"] for row in small_body["units"]]
    assert large == small, "\n".join(sql)
    assert small <= 8




def test_round_detail_costs_the_same_at_1_and_8_exceptions(api, district, make_round, at):
    rnd = make_round()
    at(INSIDE_WINDOW)
    client = api("drc")
    client.get("declaration-rounds")

    def grant(unit):
        planning_services.declaration_exception_grant(actor=district.users["drc"], rnd=rnd,
                                                      data=valid_exception_payload(unit.pk))

    grant(district.edu)
    small, _, _ = _queries(client, f"declaration-rounds/{rnd.pk}")
    for i in range(7):
        grant(UnitFactory(code=f"dept{i}", name=f"区部门{i}"))
    large, body, sql = _queries(client, f"declaration-rounds/{rnd.pk}")

    assert sum(1 for row in body["units"] if row["exception"]) == 8
    assert large == small, "\n".join(sql)


def test_round_list_costs_the_same_at_2_and_10_rounds(api, make_round):
    client = api("edu")
    client.get("declaration-rounds")
    for year in (2026, 2027):
        make_round(year)
    small, _, _ = _queries(client, "declaration-rounds")

    for year in range(2028, 2036):
        make_round(year)
    large, body, sql = _queries(client, "declaration-rounds")

    assert len(body) == 10
    assert large == small, "\n".join(sql)
