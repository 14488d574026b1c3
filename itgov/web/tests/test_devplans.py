"""The development plan pages (art. 6) and the reserve library (art. 7): every page × every role → the exact
status; DRC drafts, adds tasks, publishes and revises through the pages; a denied POST changes nothing and
writes no business event; bad input is a 400 naming the field; an edit of a published plan is a 422 citing
第六条; the pages' queries do not grow with rows; the export is an .xlsx of the filtered reserve."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from itgov.audit.models import AuditEvent
from itgov.planning import devplan_services
from itgov.planning.models import DevelopmentPlan, PlanTask
from itgov.projects import services
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ROLES = ["anon", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert"]
# No development plan and no reserve library for the sysadmin, the firms and the experts (art. 6, 7).
NO_PLANS = {"admin": 403, "supervisor": 403, "expert": 403}
BUREAUS = ["drc", "finance", "audit", "cyber", "gov"]
PLAN = {"name": "鼓楼区“十五五”政务信息化发展规划", "start_year": 2026, "end_year": 2030}
REFUSALS = ("access.denied", "rule.refused")


def expect(statuses: dict[str, int], default: int) -> list[tuple[str, int]]:
    return [(role, statuses.get(role, 302 if role == "anon" else default)) for role in ROLES]


def business_events() -> list[str]:
    return list(AuditEvent.objects.exclude(event_type__in=REFUSALS).order_by("seq").values_list("event_type", flat=True))


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{field}">(.*?)</div>\s*</div>', html, re.S)
    return match.group(1) if match else ""


def make_plan(district, state="draft", tasks=("数字政府",)):
    drc = district.users["drc"]
    plan = devplan_services.devplan_create(actor=drc, data=PLAN)
    for i, title in enumerate(tasks, start=1):
        devplan_services.task_add(actor=drc, plan=plan, data={"number": str(i), "title": title})
    if state == "published":
        plan = devplan_services.devplan_publish(actor=drc, plan=plan)
    return plan


def reserve_project(district, task=None, unit=None, **fields):
    unit = unit or district.edu
    owner = district.users["edu" if unit.path.startswith(district.edu.path) else "health"]
    project = services.project_submit_proposal(actor=owner, project=ProjectFactory(owner_unit=unit, plan_task=task,
                                                                                   **fields))
    return services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础支撑")


# --- every page × every role ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), expect(NO_PLANS, 200))
def test_plan_list_per_role(district, client_for, role, status):
    make_plan(district, "published")
    response = client_for(role).get("/development-plans/")
    assert response.status_code == status


@pytest.mark.parametrize("state", ["draft", "published"])
@pytest.mark.parametrize("role", ROLES)
def test_plan_detail_per_role(district, client_for, state, role):
    plan = make_plan(district, state)
    owners_see = state == "published"
    status = {"anon": 302, "admin": 404, "supervisor": 404, "expert": 404, "edu": 200 if owners_see else 404,
              "health": 200 if owners_see else 404}.get(role, 200)

    response = client_for(role).get(f"/development-plans/{plan.pk}/")

    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "数字政府" in html
        assert ('data-testid="publish-plan"' in html) == (role == "drc" and state == "draft")
        assert ('data-testid="revise-plan"' in html) == (role == "drc" and state == "published")
        assert ('data-testid="task-form"' in html) == (role == "drc" and state == "draft")


@pytest.mark.parametrize("state", ["draft", "published"])
@pytest.mark.parametrize("role", ROLES)
def test_task_edit_page_per_role(district, client_for, state, role):
    plan = make_plan(district, state)
    visible = role in BUREAUS or (role in ("edu", "health") and state == "published")
    status = 302 if role == "anon" else (422 if state == "published" else 200) if role == "drc" else \
        403 if visible else 404

    response = client_for(role).get(f"/plan-tasks/{plan.tasks.get().pk}/edit/")

    assert response.status_code == status
    if status in (403, 422):
        assert "第六条" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), expect(NO_PLANS, 200))
def test_reserve_pages_per_role(district, client_for, role, status):
    reserve_project(district)
    client = client_for(role)
    page = client.get("/reserve/")
    export = client.get("/reserve/export.xlsx")
    assert (page.status_code, export.status_code) == (status, status)
    if status == 200:
        assert export["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- DRC through the pages --------------------------------------------------------------------------------


def test_drc_drafts_adds_tasks_publishes_and_revises(district, client_for):
    client = client_for("drc")

    response = client.post("/development-plans/new/", PLAN)
    plan = DevelopmentPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/development-plans/{plan.pk}/"

    for number, title in (("1", "数字政府"), ("2", "智慧教育")):
        response = client.post(f"/development-plans/{plan.pk}/tasks/new/",
                               {"number": number, "title": title, "lead_unit_id": district.edu.pk, "description": ""})
        assert response.status_code == 302
    task = plan.tasks.get(number="2")
    response = client.post(f"/plan-tasks/{task.pk}/edit/", {"number": "2", "title": "智慧教育与学习",
                                                            "lead_unit_id": "", "description": "教育数据中台"})
    assert response.status_code == 302
    response = client.post(f"/development-plans/{plan.pk}/publish/", {"version": "1"})
    assert response.status_code == 302

    plan.refresh_from_db()
    assert plan.status == "published"
    assert list(plan.tasks.values_list("number", "title", "lead_unit_id")) == [
        ("1", "数字政府", district.edu.pk), ("2", "智慧教育与学习", None)]

    response = client.post(f"/development-plans/{plan.pk}/revise/", {"version": str(plan.version)})
    revision = DevelopmentPlan.objects.get(edition=2)
    assert response.status_code == 302 and response["Location"] == f"/development-plans/{revision.pk}/"
    assert [e for e in business_events() if e.startswith("planning.devplan")] == [
        "planning.devplan.created", "planning.devplan.task_added", "planning.devplan.task_added",
        "planning.devplan.task_changed", "planning.devplan.published", "planning.devplan.revised"]


@pytest.mark.parametrize("role", ["finance", "gov", "edu", "expert"])
def test_a_denied_post_changes_nothing(district, client_for, role):
    draft = make_plan(district, "draft")
    published = make_plan(district, "published")
    client = client_for(role)  # signing in is an event of its own
    before = (list(DevelopmentPlan.objects.values_list("pk", "name", "status", "version")),
              list(PlanTask.objects.values_list("pk", "number", "title")), business_events())

    statuses = [
        client.post("/development-plans/new/", PLAN).status_code,
        client.post(f"/development-plans/{published.pk}/revise/", {}).status_code,
        client.post(f"/development-plans/{published.pk}/tasks/new/", {"number": "9", "title": "x"}).status_code,
        client.post(f"/plan-tasks/{published.tasks.get().pk}/remove/").status_code,
        client.post(f"/development-plans/{draft.pk}/publish/", {}).status_code,
    ]

    # edu does not see the draft: 404 there; the expert sees no plan: 404 but for creating one; everything else
    # is a 403 citing art. 6
    assert statuses == {"edu": [403, 403, 403, 403, 404], "expert": [403, 404, 404, 404, 404]}.get(role, [403] * 5)
    assert (list(DevelopmentPlan.objects.values_list("pk", "name", "status", "version")),
            list(PlanTask.objects.values_list("pk", "number", "title")), business_events()) == before


def test_bad_input_is_a_400_naming_the_field(district, client_for):
    plan = make_plan(district, "draft")
    client = client_for("drc")

    created = client.post("/development-plans/new/", {**PLAN, "end_year": "2020"})
    task = client.post(f"/development-plans/{plan.pk}/tasks/new/", {"number": "1", "title": "重复编号"})
    edited = client.post(f"/development-plans/{plan.pk}/edit/", {**PLAN, "name": "", "version": "1"})

    assert created.status_code == 400
    assert "截止年度不得早于起始年度" in field_errors(created.content.decode(), "end_year")
    assert task.status_code == 400
    assert "任务编号“1”已存在" in field_errors(task.content.decode(), "number")
    assert edited.status_code == 400
    assert "必填" in field_errors(edited.content.decode(), "name")
    assert DevelopmentPlan.objects.count() == 1 and PlanTask.objects.count() == 1


def test_edits_of_a_published_plan_are_422_and_publishing_nothing_is_422(district, client_for):
    published = make_plan(district, "published")
    empty = make_plan(district, "draft", tasks=())
    client = client_for("drc")

    edit = client.post(f"/development-plans/{published.pk}/edit/", {**PLAN, "name": "改名", "version": "2"})
    add = client.post(f"/development-plans/{published.pk}/tasks/new/", {"number": "9", "title": "新增"})
    publish = client.post(f"/development-plans/{empty.pk}/publish/", {"version": "1"})

    assert (edit.status_code, add.status_code, publish.status_code) == (422, 422, 422)
    assert 'data-testid="error-article">第六条' in edit.content.decode()
    assert "至少应有一项重点任务" in publish.content.decode()
    assert DevelopmentPlan.objects.get(pk=published.pk).name == PLAN["name"]


def test_a_stale_version_is_a_409(district, client_for):
    plan = make_plan(district, "draft")
    client = client_for("drc")
    assert client.post(f"/development-plans/{plan.pk}/edit/", {**PLAN, "name": "第一次改名", "version": "1"}
                       ).status_code == 302

    response = client.post(f"/development-plans/{plan.pk}/publish/", {"version": "1"})

    assert response.status_code == 409
    assert DevelopmentPlan.objects.get(pk=plan.pk).status == "draft"


# --- coverage and the reserve -----------------------------------------------------------------------------


def test_the_plan_page_shows_coverage_per_task(district, client_for):
    plan = make_plan(district, "published", tasks=("数字政府", "智慧教育"))
    reserve_project(district, plan.tasks.get(number="1"), estimated_investment=Decimal("1200000.00"))
    reserve_project(district, plan.tasks.get(number="1"), unit=district.health, estimated_investment=Decimal("300000.00"))

    html = client_for("drc").get(f"/development-plans/{plan.pk}/").content.decode()

    assert re.search(r'data-task="1">.*?data-testid="task-count">2<.*?data-testid="task-total">150.00<', html, re.S)
    assert re.search(r'data-task="2" class="table-warning" data-uncovered="1">.*?data-testid="task-count">0<', html,
                     re.S)
    assert 'data-testid="covered-tasks">1 <small>/ 2</small>' in html


def test_the_reserve_filters_and_exports_what_it_shows(district, client_for):
    reserve_project(district, name="区教育局甲项目", estimated_investment=Decimal("500000.00"))
    reserve_project(district, unit=district.edu_school, name="区第一中学乙项目", estimated_investment=Decimal("2000000.00"))
    reserve_project(district, unit=district.health, name="区卫健委丙项目", estimated_investment=Decimal("900000.00"))
    client = client_for("finance")
    query = f"unit={district.edu.pk}&min_wan=60"

    page = client.get(f"/reserve/?{query}").content.decode()
    export = client.get(f"/reserve/export.xlsx?{query}")

    assert "区第一中学乙项目" in page and "区教育局甲项目" not in page and "区卫健委丙项目" not in page
    assert f'href="/reserve/export.xlsx?unit={district.edu.pk}&amp;min_wan=60"' in page
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [(r[0], r[4]) for r in rows[1:]] == [("区第一中学乙项目", 200)]
    assert AuditEvent.objects.filter(event_type="file.downloaded", object_repr="reserve.xlsx").count() == 1


def test_a_bad_reserve_filter_is_a_400_and_a_bad_export_too(district, client_for):
    client = client_for("drc")
    page = client.get("/reserve/?min_wan=abc")
    export = client.get("/reserve/export.xlsx?min_wan=abc")
    assert (page.status_code, export.status_code) == (400, 400)
    assert "请输入金额(万元)" in page.content.decode()
    assert not AuditEvent.objects.filter(event_type="file.downloaded").exists()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_cost_the_same_at_few_and_many_rows(district, client_for):
    plan = make_plan(district, "published", tasks=("数字政府",))
    client = client_for("drc")
    urls = ("/development-plans/", f"/development-plans/{plan.pk}/", "/reserve/")
    reserve_project(district, plan.tasks.get())
    [_count(client, url) for url in urls]  # warm up: the session is touched once
    small = [_count(client, url) for url in urls]

    for i in range(12):
        reserve_project(district, plan.tasks.get(), unit=[district.edu, district.health][i % 2])
        make_plan(district, "draft")
    large = [_count(client, url) for url in urls]

    assert large == small
