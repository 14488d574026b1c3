"""/api/v1 of the development plan (art. 6) and the reserve library (art. 7): every operation × every role on a
draft and on a published plan, with the exact status; a denial changes nothing and writes no business event;
bad input is a 400 naming the field; stale versions 409; edits of a published plan 422 citing 第六条; the
lists cost the same number of queries at 2 and at 30 rows.

Who: DRC writes (art. 6; others 403 citing 第六条); the bureaus read every edition, drafts included; the owner
units read published editions only (a draft is 404 to them, like a missing id); sysadmin, supervisor and expert
see no plan (list 403, one plan 404) and have no reserve (403): the expert's projects are its panels', not the
reserve library's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.planning import devplan_services
from itgov.planning.models import DevelopmentPlan, PlanTask
from itgov.projects import services as project_services
from tests.factories import ProjectFactory

from .conftest import API, NOT_FOUND, ROLES, UNAUTHENTICATED, business_events, valid_project_payload
from .matrix_devplans import OPERATIONS

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
DEVPLAN_FORBIDDEN = {"error": {"code": "forbidden", "message": "只有区发改委(大数据局)可以编制、发布或修订发展规划(第六条)",
                               "article": "第六条"}}
FORBIDDEN = {"error": {"code": "forbidden", "message": "当前角色无权执行此操作"}}
PLAN = {"name": "鼓楼区“十五五”政务信息化发展规划", "start_year": 2026, "end_year": 2030}


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


GLOBAL_EXPECTED = _table("""
plan_list       401 403 200 200 200 200 200 200 200 403 403
plan_create     401 403 201 403 403 403 403 403 403 403 403
reserve         401 403 200 200 200 200 200 200 200 403 403
""")
# On a draft (with one task) and on a published plan. Same columns.
PLAN_EXPECTED = {
    "detail": _table("""
draft           401 404 200 200 200 200 200 404 404 404 404
published       401 404 200 200 200 200 200 200 200 404 404
"""),
    "coverage": _table("""
draft           401 404 200 200 200 200 200 404 404 404 404
published       401 404 200 200 200 200 200 200 200 404 404
"""),
    "update": _table("""
draft           401 404 200 403 403 403 403 404 404 404 404
published       401 404 422 403 403 403 403 403 403 404 404
"""),
    "publish": _table("""
draft           401 404 200 403 403 403 403 404 404 404 404
published       401 404 409 403 403 403 403 403 403 404 404
"""),
    "revise": _table("""
draft           401 404 409 403 403 403 403 404 404 404 404
published       401 404 201 403 403 403 403 403 403 404 404
"""),
    "task_add": _table("""
draft           401 404 201 403 403 403 403 404 404 404 404
published       401 404 422 403 403 403 403 403 403 404 404
"""),
    "task_update": _table("""
draft           401 404 200 403 403 403 403 404 404 404 404
published       401 404 422 403 403 403 403 403 403 404 404
"""),
    "task_remove": _table("""
draft           401 404 204 403 403 403 403 404 404 404 404
published       401 404 422 403 403 403 403 403 403 404 404
"""),
}
GLOBAL_OPERATIONS = {"plan_list": ("GET", "/development-plans"), "plan_create": ("POST", "/development-plans"),
                     "reserve": ("GET", "/reserve")}
PLAN_OPERATIONS = {
    "detail": ("GET", "/development-plans/{plan_id}"),
    "coverage": ("GET", "/development-plans/{plan_id}/coverage"),
    "update": ("PATCH", "/development-plans/{plan_id}"),
    "publish": ("POST", "/development-plans/{plan_id}/publish"),
    "revise": ("POST", "/development-plans/{plan_id}/revise"),
    "task_add": ("POST", "/development-plans/{plan_id}/tasks"),
    "task_update": ("PATCH", "/plan-tasks/{task_id}"),
    "task_remove": ("DELETE", "/plan-tasks/{task_id}"),
}
BODIES = {"plan_create": PLAN, "update": {"name": "改名后的发展规划"}, "publish": {}, "revise": {},
          "task_add": {"number": "9", "title": "新增任务"}, "task_update": {"title": "改名后的任务"}}
WRITE_EVENTS = {"plan_create": "planning.devplan.created", "update": "planning.devplan.changed",
                "publish": "planning.devplan.published", "revise": "planning.devplan.revised",
                "task_add": "planning.devplan.task_added", "task_update": "planning.devplan.task_changed",
                "task_remove": "planning.devplan.task_removed"}


def test_the_tables_cover_every_operation_of_the_matrix():
    assert ("anonymous", *ROLES) == COLUMNS  # every role of the district, the expert included
    assert {*GLOBAL_OPERATIONS.values(), *PLAN_OPERATIONS.values()} == OPERATIONS
    assert set(PLAN_EXPECTED) == set(PLAN_OPERATIONS)


def _cells(tables):
    for op, table in tables.items():
        for state, row in table.items():
            for role, status in row.items():
                yield pytest.param(op, state, role, status, id=f"{op}-{state}-{role}")


def _snapshot():
    return (list(DevelopmentPlan.objects.order_by("pk").values_list("pk", "name", "status", "version")),
            list(PlanTask.objects.order_by("pk").values_list("pk", "number", "title")), business_events())


def _plan(district, state: str) -> DevelopmentPlan:
    drc = district.users["drc"]
    plan = devplan_services.devplan_create(actor=drc, data=PLAN)
    devplan_services.task_add(actor=drc, plan=plan, data={"number": "1", "title": "数字政府"})
    if state == "published":
        plan = devplan_services.devplan_publish(actor=drc, plan=plan)
    return plan


def _call(client, op: str, plan: DevelopmentPlan):
    method, path = PLAN_OPERATIONS[op]
    url = API + path.format(plan_id=plan.pk, task_id=plan.tasks.get().pk)
    if op in BODIES:
        return client.call(method, url, BODIES[op])
    return client.call(method, url)


@pytest.mark.parametrize(("op", "role", "expected"),
                         [pytest.param(op, role, status, id=f"{op}-{role}")
                          for op, row in GLOBAL_EXPECTED.items() for role, status in row.items()])
def test_global_operation_per_role(api, district, op, role, expected):
    client = api(role)  # its token first: issuing it is an event of its own
    before = _snapshot()
    method, path = GLOBAL_OPERATIONS[op]
    response = client.call(method, API + path, *([BODIES[op]] if op in BODIES else []))

    assert response.status_code == expected, response.content.decode()
    if expected == 401:
        assert response.json() == UNAUTHENTICATED
    elif expected == 403:
        assert response.json() == (DEVPLAN_FORBIDDEN if op == "plan_create" else FORBIDDEN)
    if expected >= 400:
        assert _snapshot()[:2] == before[:2]
        assert business_events() == before[2]
    elif op == "plan_create":
        assert response.json()["status"] == "draft" and response.json()["actions"] == ["update", "add_task", "publish"]
        assert [e for _, e in business_events()[len(before[2]):]] == [WRITE_EVENTS[op]]


@pytest.mark.parametrize(("op", "state", "role", "expected"), list(_cells(PLAN_EXPECTED)))
def test_plan_operation_per_role(api, district, op, state, role, expected):
    plan = _plan(district, state)
    client = api(role)
    before = _snapshot()

    response = _call(client, op, plan)

    assert response.status_code == expected, response.content.decode()
    body = response.json() if response.content else None
    if expected == 404:
        assert body == NOT_FOUND
    elif expected == 403:
        assert body == DEVPLAN_FORBIDDEN
    elif expected == 422:
        assert (body["error"]["rule"], body["error"]["article"]) == ("art6.published_plan_read_only", "第六条")
    elif expected == 409:
        assert body["error"]["code"] == "conflict"
    if expected >= 400:
        assert _snapshot() == before if expected in (401, 404) else _snapshot()[:2] == before[:2]
        assert business_events() == before[2]
    elif op in WRITE_EVENTS:
        assert [e for _, e in business_events()[len(before[2]):]] == [WRITE_EVENTS[op]]
    if op == "detail" and expected == 200:
        assert body["actions"] == (["update", "add_task", "publish"] if role == "drc" and state == "draft"
                                   else ["revise"] if role == "drc" else [])
        assert [t["number"] for t in body["tasks"]] == ["1"]


# --- input, state, versions -------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "field", "message"), [
    ({**PLAN, "end_year": 2025}, "end_year", "截止年度不得早于起始年度"),
    ({**PLAN, "start_year": 1999}, "start_year", "须大于或等于2000"),
    ({**PLAN, "name": ""}, "name", "过短,至少1个字符"),
    ({"start_year": 2026, "end_year": 2030}, "name", "必填"),
    ({**PLAN, "status": "published"}, "status", "不允许的字段"),
])
def test_create_refuses_bad_input_naming_the_field(api, district, body, field, message):
    response = api("drc").post("development-plans", body)

    assert response.status_code == 400, response.content.decode()
    assert response.json()["error"]["fields"] == {field: [message]}
    assert DevelopmentPlan.objects.count() == 0


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"number": "1", "title": "重复"}, "number", "任务编号“1”已存在"),
    ({"number": "", "title": "无编号"}, "number", "过短,至少1个字符"),
    ({"number": "2"}, "title", "必填"),
    ({"number": "2", "title": "不存在的牵头单位", "lead_unit_id": 999999}, "lead_unit_id", "单位不存在或不能牵头规划任务"),
    ({"number": "2", "title": "x" * 121}, "title", "过长,最多120个字符"),
])
def test_task_add_refuses_bad_input_naming_the_field(api, district, body, field, message):
    plan = _plan(district, "draft")
    response = api("drc").post(f"development-plans/{plan.pk}/tasks", body)

    assert response.status_code == 400, response.content.decode()
    assert response.json()["error"]["fields"] == {field: [message]}
    assert list(plan.tasks.values_list("number", flat=True)) == ["1"]


def test_a_stale_version_is_409(api, district):
    plan = _plan(district, "draft")
    drc = api("drc")
    assert drc.patch(f"development-plans/{plan.pk}", {"version": 1, "name": "第一次改名"}).status_code == 200

    stale_update = drc.patch(f"development-plans/{plan.pk}", {"version": 1, "name": "第二次改名"})
    stale_publish = drc.post(f"development-plans/{plan.pk}/publish", {"version": 1})

    assert (stale_update.status_code, stale_publish.status_code) == (409, 409)
    assert DevelopmentPlan.objects.values_list("name", "status", "version").get() == ("第一次改名", "draft", 2)


def test_publishing_an_empty_plan_is_422_citing_article_6(api, district):
    plan = devplan_services.devplan_create(actor=district.users["drc"], data=PLAN)
    response = api("drc").post(f"development-plans/{plan.pk}/publish", {})

    assert response.status_code == 422
    assert (response.json()["error"]["rule"], response.json()["error"]["article"]) == ("art6.plan_has_tasks", "第六条")


def test_removing_a_task_a_project_serves_is_409(api, district):
    plan = _plan(district, "published")
    ProjectFactory(owner_unit=district.edu, plan_task=plan.tasks.get())
    revision = api("drc").post(f"development-plans/{plan.pk}/revise", {}).json()

    response = api("drc").call("DELETE", f"{API}/plan-tasks/{revision['tasks'][0]['id']}")

    assert response.status_code == 409
    assert "有1个项目关联该任务" in response.json()["error"]["message"]


def test_a_revision_published_supersedes_and_the_versions_are_listed(api, district):
    plan = _plan(district, "published")
    drc = api("drc")
    revision = drc.post(f"development-plans/{plan.pk}/revise", {"version": plan.version}).json()
    assert revision["tasks"][0]["previous_id"] == plan.tasks.get().pk

    published = drc.post(f"development-plans/{revision['id']}/publish", {})

    assert published.status_code == 200
    assert [(e["edition"], e["status"]) for e in published.json()["editions"]] == [(1, "superseded"), (2, "published")]
    assert [t["id"] for t in api("edu").get("plan-tasks").json()] == [revision["tasks"][0]["id"]]


def test_a_proposal_picks_a_task_of_the_published_plan_only(api, district):
    draft = _plan(district, "draft")
    published = _plan(district, "published")
    edu = api("edu")

    refused = edu.post("projects", valid_project_payload(plan_task_id=draft.tasks.get().pk))
    accepted = edu.post("projects", valid_project_payload(plan_task_id=published.tasks.get().pk))

    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"plan_task_id": ["请选择现行发展规划中的任务"]}
    assert accepted.status_code == 201, accepted.content.decode()
    assert accepted.json()["plan_task"]["id"] == published.tasks.get().pk


def test_coverage_reports_projects_and_investment_per_task(api, district):
    plan = _plan(district, "published")
    task = plan.tasks.get()
    project = ProjectFactory(owner_unit=district.edu, plan_task=task, estimated_investment=Decimal("1234567.89"))
    project_services.project_submit_proposal(actor=district.users["edu"], project=project)

    body = api("finance").get(f"development-plans/{plan.pk}/coverage").json()

    assert body["items"][0]["count"] == 1 and body["items"][0]["total"] == "1234567.89"
    assert body["items"][0]["total_wan"] == "123.46"
    assert body["items"][0]["by_status"] == {"proposed": {"label": "已申报入库", "count": 1, "total": "1234567.89"}}
    assert (body["tasks"], body["covered"], body["projects"], body["total"]) == (1, 1, 1, "1234567.89")


@pytest.mark.parametrize(("query", "field", "message"), [
    ("min_wan=abc", "min_wan", "格式不正确"),
    ("min_wan=100&max_wan=50", "max_wan", "最高金额不得低于最低金额"),
    ("unit_id=999999", "unit_id", "单位不存在"),
    ("task_id=999999", "task_id", "不是现行发展规划的任务"),
    ("year=1999", "year", "须大于或等于2000"),
    ("kind=spaceship", "kind", "须为以下之一:'network_platform'、'business_system'、'resource_database'、"
                               "'security_infrastructure'、'egov_infrastructure'、'standards'、'support_system'"),
])
def test_reserve_refuses_a_bad_filter_naming_it(api, district, query, field, message):
    response = api("drc").get(f"reserve?{query}")

    assert response.status_code == 400, response.content.decode()
    assert response.json()["error"]["fields"] == {field: [message]}


# --- query budgets ----------------------------------------------------------------------------------------


def _queries(client, url: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return len(ctx.captured_queries), response.json()


def _reserve_projects(district, n: int, task):
    drc, edu = district.users["drc"], district.users["edu"]
    for i in range(n):
        project = ProjectFactory(owner_unit=[district.edu, district.edu_school][i % 2], plan_task=task)
        project_services.project_admit(actor=drc, project=project_services.project_submit_proposal(actor=edu,
                                                                                                 project=project))


def test_the_lists_cost_the_same_at_2_and_30_rows(api, district):
    # given a published plan whose task reserve projects serve, and its revision (a draft) where tasks are added
    drc = district.users["drc"]
    plan = _plan(district, "published")
    revision = devplan_services.devplan_revise(actor=drc, plan=plan)
    client = api("drc")
    urls = ("reserve?limit=200", "development-plans", f"development-plans/{revision.pk}",
            f"development-plans/{revision.pk}/coverage")
    client.get("reserve")  # warm up: the token's last-used time is written once
    _reserve_projects(district, 2, plan.tasks.get())
    devplan_services.task_add(actor=drc, plan=revision, data={"number": "2", "title": "任务2"})
    small = [_queries(client, url) for url in urls]

    _reserve_projects(district, 28, plan.tasks.get())
    for i in range(3, 15):
        devplan_services.task_add(actor=drc, plan=revision, data={"number": str(i), "title": f"任务{i}"})
        _plan(district, "draft")
    large = [_queries(client, url) for url in urls]

    assert [body["count"] for _, body in (small[0], large[0])] == [2, 30]
    assert [len(body) for _, body in (small[1], large[1])] == [2, 14]
    assert [len(body["tasks"]) for _, body in (small[2], large[2])] == [2, 14]
    assert [body["projects"] for _, body in (small[3], large[3])] == [2, 30]
    assert [n for n, _ in large] == [n for n, _ in small]
    assert all(n <= 8 for n, _ in large), [n for n, _ in large]
