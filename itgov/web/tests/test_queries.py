"""Query budgets: the project list and the workbench cost the same at 10 and 200 projects."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.audit import events
from itgov.audit.services import audit_record
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def make_projects(district, n: int, status: str) -> None:
    edu = district.users["edu"]
    for i in range(n):
        project = ProjectFactory(owner_unit=district.edu if i % 2 else district.edu_school, status=status,
                                 last_return_reason="请补充" if status == "draft" else "")
        audit_record(event_type=events.PROJECT_CREATED, actor=edu, obj=project)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("role", "url", "status"), [
    ("edu", "/projects/", "draft"),
    ("drc", "/projects/", "proposed"),
    ("audit", "/projects/", "proposed"),
    ("edu", "/projects/?q=测试&min_wan=1&max_wan=1000&kind=business_system", "draft"),
    ("edu", "/", "draft"),
    ("drc", "/", "proposed"),
    ("audit", "/", "proposed"),
    ("audit", "/audit/", "proposed"),
])
def test_page_queries_do_not_grow_with_rows(role, url, status, client_for, district):
    client = client_for(role)
    make_projects(district, 10, status)
    client.get(url)  # warm up: session, permissions caches
    small = count_queries(client, url)

    make_projects(district, 190, status)
    large = count_queries(client, url)

    assert small == large, f"{url} as {role}: {small} queries at 10 rows, {large} at 200"
    # the workbench also reads the unit's sharing requests to answer and its systems' security (one query each)
    assert large <= 13


def make_panel_projects(district, n: int) -> None:
    """Projects under review with the expert on their panel (rows written directly: the count is what matters)."""
    from itgov.approvals.models import ApprovalReview, InitiationApplication, PanelMember

    for i in range(n):
        project = ProjectFactory(owner_unit=district.edu if i % 2 else district.health, status="under_review")
        review = ApprovalReview.objects.create(application=InitiationApplication.objects.create(project=project))
        PanelMember.objects.create(review=review, expert=district.expert)
        audit_record(event_type=events.PROJECT_CREATED, actor=district.users["edu"], obj=project)
    make_projects(district, n, "under_review")  # as many not on its panel: never shown


@pytest.mark.parametrize("url", ["/projects/", "/"])
def test_the_experts_pages_do_not_grow_with_its_panels(url, client_for, district):
    client = client_for("expert")
    make_panel_projects(district, 10)
    client.get(url)  # warm up: session, permissions caches
    small = count_queries(client, url)

    make_panel_projects(district, 190)
    large = count_queries(client, url)

    assert small == large, f"{url} as the expert: {small} queries at 10 panels, {large} at 200"
    assert large <= 12
