"""The proposal workflow as a client drives it: create → submit → admit (or return, or withdraw), with
optimistic versions (409 on a stale one), 409 on a wrong state, 422 when a rule of the measures refuses,
and the history of it all; by bearer token and by browser session."""

from __future__ import annotations

import json

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from itgov.accounts.models import ApiToken
from itgov.accounts.services import api_token_issue
from itgov.planning.models import DevelopmentPlan, PlanTask
from itgov.projects.models import Project

from .conftest import (
    API,
    UNAUTHENTICATED,
    Api,
    business_events,
    project_row,
    valid_project_payload,
)

pytestmark = pytest.mark.django_db


def _create(client: Api, **overrides) -> dict:
    response = client.post("projects", valid_project_payload(**overrides))
    assert response.status_code == 201, response.content.decode()
    return response.json()


def test_create_submit_admit(api, district):
    edu, drc = api("edu"), api("drc")

    # create
    created = _create(edu)
    assert (created["status"], created["version"], created["owner_unit"]["code"]) == ("draft", 1, "edu")
    assert created["actions"] == ["update", "submit_proposal", "withdraw"]
    assert (created["estimated_investment"], created["estimated_investment_wan"]) == ("1200000.00", "120.00")
    pid = created["id"]

    # submit
    response = edu.post(f"projects/{pid}/submit-proposal", {"version": 1})
    assert response.status_code == 200, response.content.decode()
    assert (response.json()["status"], response.json()["version"]) == ("proposed", 2)
    assert response.json()["submitted_at"] is not None
    assert response.json()["actions"] == ["withdraw"]

    # DRC sees the actions it may take
    assert drc.get(f"projects/{pid}").json()["actions"] == ["admit", "return_for_revision"]

    # admit without a plan task and without a reason: art. 6 refuses
    response = drc.post(f"projects/{pid}/admit", {"version": 2})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"], error["fields"]) == (
        "rule_violation", "art6.serves_plan_task", "第六条", {"no_task_reason": ["必填"]})
    assert project_row(pid)["status"] == "proposed"

    # admit with the reason
    response = drc.post(f"projects/{pid}/admit", {"version": 2, "no_task_reason": "全区基础支撑,不在规划任务中"})
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["status"], body["status_label"], body["version"]) == ("in_reserve", "已入储备库", 3)
    assert body["reserve_no_task_reason"] == "全区基础支撑,不在规划任务中"
    assert body["admitted_at"] is not None
    assert project_row(pid)["version"] == 3


def test_admit_of_a_project_serving_a_plan_task_needs_no_reason(api, district):
    plan = DevelopmentPlan.objects.create(jurisdiction=district.edu.jurisdiction, name="鼓楼区“十四五”政务信息化规划",
                                          start_year=2021, end_year=2025, status="published")
    task = PlanTask.objects.create(plan=plan, number="3", title="教育数字化")
    edu, drc = api("edu"), api("drc")
    created = _create(edu, plan_task_id=task.pk)
    assert created["plan_task"] == {"id": task.pk, "number": "3", "title": "教育数字化"}
    assert edu.post(f"projects/{created['id']}/submit-proposal", {"version": 1}).status_code == 200

    response = drc.post(f"projects/{created['id']}/admit", {"version": 2})

    assert response.status_code == 200, response.content.decode()
    assert (response.json()["status"], response.json()["reserve_no_task_reason"]) == ("in_reserve", "")


def test_patch_changes_only_the_given_fields_and_bumps_the_version(api, make_project):
    project = make_project("draft")

    response = api("edu").patch(f"projects/{project.pk}", {"version": 1, "estimated_investment": "880000.50"})

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["version"], body["estimated_investment"], body["name"]) == (2, "880000.50", project.name)
    assert str(Project.objects.get(pk=project.pk).estimated_investment) == "880000.50"
    assert business_events()[-1][1] == "project.changed"


@pytest.mark.parametrize(("op", "state", "role", "body"), [
    ("update", "draft", "edu", {"name": "改名后的智慧校园项目"}),
    ("submit-proposal", "draft", "edu", {}),
    ("withdraw", "draft", "edu", {"reason": "不再建设"}),
    ("admit", "proposed", "drc", {"no_task_reason": "基础支撑"}),
    ("return-for-revision", "proposed", "drc", {"reason": "请补充"}),
])
def test_a_stale_version_is_a_conflict(api, make_project, op, state, role, body):
    # given a project whose version moved on (edited once more, then at the state again)
    project = make_project(state)
    Project.objects.filter(pk=project.pk).update(version=project.version + 1)
    client = api(role)
    row_before, events_before = project_row(project.pk), business_events()

    # when the client sends the version it read before
    url = f"projects/{project.pk}" + ("" if op == "update" else f"/{op}")
    response = client.call("PATCH" if op == "update" else "POST", url, {"version": project.version, **body})

    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert project_row(project.pk) == row_before
    assert business_events() == events_before


def test_two_clients_editing_the_same_version_only_one_wins(api, make_project):
    project = make_project("draft")
    first, second = api("edu"), api("edu")

    a = first.patch(f"projects/{project.pk}", {"version": 1, "name": "第一个客户端改的名字"})
    b = second.patch(f"projects/{project.pk}", {"version": 1, "name": "第二个客户端改的名字"})

    assert (a.status_code, b.status_code) == (200, 409)
    assert b.json()["error"]["code"] == "conflict"
    assert Project.objects.get(pk=project.pk).name == "第一个客户端改的名字"


@pytest.mark.parametrize(("op", "state", "role", "body"), [
    ("submit-proposal", "proposed", "edu", {}),
    ("submit-proposal", "in_reserve", "edu", {}),
    ("admit", "in_reserve", "drc", {"no_task_reason": "基础支撑"}),
    ("return-for-revision", "in_reserve", "drc", {"reason": "请补充"}),
    ("withdraw", "withdrawn", "edu", {"reason": "不再建设"}),
])
def test_a_transition_in_the_wrong_state_is_a_conflict(api, make_project, op, state, role, body):
    project = make_project(state)
    client = api(role)
    row_before, events_before = project_row(project.pk), business_events()

    response = client.post(f"projects/{project.pk}/{op}", {"version": project.version, **body})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert project_row(project.pk) == row_before
    assert business_events() == events_before


def test_editing_a_submitted_project_is_a_conflict(api, make_project):
    project = make_project("proposed")

    response = api("edu").patch(f"projects/{project.pk}", {"version": project.version, "name": "提交后再改名字"})

    assert response.status_code == 409
    assert response.json()["error"] == {"code": "conflict", "message": "只有草稿状态的项目可以修改"}


@pytest.mark.parametrize(("op", "state", "role"), [
    ("withdraw", "draft", "edu"), ("withdraw", "proposed", "edu"), ("withdraw", "in_reserve", "edu"),
    ("return-for-revision", "proposed", "drc"),
])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_withdraw_and_return_need_a_reason_article_7(api, make_project, op, state, role, reason):
    project = make_project(state)
    client = api(role)
    row_before, events_before = project_row(project.pk), business_events()
    body = {"version": project.version} | ({} if reason is None else {"reason": reason})

    response = client.post(f"projects/{project.pk}/{op}", body)

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"], error["fields"]) == (
        "rule_violation", "art7.return_with_reasons", "第七条", {"reason": ["必填"]})
    assert project_row(project.pk) == row_before
    assert business_events() == events_before


def test_withdraw_with_a_reason(api, make_project):
    project = make_project("in_reserve")

    response = api("edu").post(f"projects/{project.pk}/withdraw", {"version": project.version,
                                                                   "reason": "  上级统筹建设,本单位不再建设  "})

    assert response.status_code == 200, response.content.decode()
    assert (response.json()["status"], response.json()["withdraw_reason"]) == ("withdrawn", "上级统筹建设,本单位不再建设")
    assert response.json()["actions"] == []


def test_drc_returns_a_proposal_for_revision(api, make_project):
    # given a proposal, which DRC will no longer see once it is a draft again
    project = make_project("proposed")

    # when
    response = api("drc").post(f"projects/{project.pk}/return-for-revision",
                               {"version": project.version, "reason": "请补充建设方案"})

    # then DRC is answered with the returned project (not a 404), and it is applied
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert (body["status"], body["version"], body["last_return_reason"]) == ("draft", project.version + 1,
                                                                             "请补充建设方案")
    assert body["actions"] == []
    assert business_events()[-1][1] == "project.proposal.returned"
    assert api("drc").get(f"projects/{project.pk}").status_code == 404
    # the owner sees the reason and may submit again
    detail = api("edu").get(f"projects/{project.pk}").json()
    assert (detail["last_return_reason"], detail["actions"]) == ("请补充建设方案",
                                                                 ["update", "submit_proposal", "withdraw"])


def test_history_lists_the_events_newest_first(api, district):
    edu, drc = api("edu"), api("drc")
    pid = _create(edu)["id"]
    edu.patch(f"projects/{pid}", {"version": 1, "necessity": "补充了必要性说明。"})
    edu.post(f"projects/{pid}/submit-proposal", {"version": 2})
    drc.post(f"projects/{pid}/admit", {"version": 3})  # refused by art. 6: recorded as rule.refused
    drc.post(f"projects/{pid}/admit", {"version": 3, "no_task_reason": "基础支撑"})

    # default paging, no query parameters
    response = edu.get(f"projects/{pid}/history")

    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert [(i["event_type"], i["actor_name"]) for i in body["items"]] == [
        ("project.proposal.admitted", district.users["drc"].display_name),
        ("rule.refused", district.users["drc"].display_name),
        ("project.proposal.submitted", district.users["edu"].display_name),
        ("project.changed", district.users["edu"].display_name),
        ("project.created", district.users["edu"].display_name),
    ]
    seqs = [i["seq"] for i in body["items"]]
    assert seqs == sorted(seqs, reverse=True)
    assert [i["event_label"] for i in body["items"]] == ["纳入储备库", "规则拒绝", "提交入库申请", "修改项目", "创建项目"]
    assert body["items"][0]["before"]["status"] == "proposed"
    assert body["items"][0]["after"]["status"] == "in_reserve"
    assert (body["count"], body["next"], body["previous"]) == (5, None, None)


def test_history_pages(api, district):
    edu = api("edu")
    pid = _create(edu)["id"]
    for version in (1, 2, 3):
        edu.patch(f"projects/{pid}", {"version": version, "necessity": f"第{version}次修改"})

    first = edu.get(f"projects/{pid}/history?limit=2").json()
    second = edu.get(f"projects/{pid}/history?limit=2&offset=2").json()

    assert first["count"] == second["count"] == 4
    assert [i["event_type"] for i in first["items"] + second["items"]] == ["project.changed"] * 3 + ["project.created"]
    assert first["next"].endswith(f"{API}/projects/{pid}/history?limit=2&offset=2")
    assert first["previous"] is None and second["next"] is None
    assert second["previous"].endswith(f"{API}/projects/{pid}/history?limit=2&offset=0")


# ---- authentication: bearer tokens and browser sessions ----------------------------------------------


def test_bearer_token_and_session_reach_the_same_user(api, district):
    session = Client()
    session.force_login(district.users["edu"])

    by_token = api("edu").get("me")
    by_session = session.get(f"{API}/me")

    assert by_token.status_code == by_session.status_code == 200
    assert by_token.json() == by_session.json()
    assert by_token.json()["username"] == "edu"


def test_a_session_with_its_csrf_token_can_write(district):
    # given a browser session with CSRF checks on, sending the token as the page's JS would
    client = Client(enforce_csrf_checks=True)
    client.force_login(district.users["edu"])
    csrf = _get_new_csrf_string()
    client.cookies["csrftoken"] = csrf

    # when
    response = client.post(f"{API}/projects", data=json.dumps(valid_project_payload()),
                           content_type="application/json", HTTP_X_CSRFTOKEN=csrf)

    # then
    assert response.status_code == 201, response.content.decode()
    assert Project.objects.filter(pk=response.json()["id"], owner_unit=district.edu).exists()


@pytest.mark.parametrize("token", ["itg_garbage", "", "x" * 500, "Bearer", "itg_" + "A" * 43])
def test_a_garbage_token_is_401(district, token):
    response = Api(token or None).get("me") if token else Client().get(f"{API}/me", HTTP_AUTHORIZATION="Bearer ")

    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_a_revoked_token_is_401_and_cannot_write(district):
    raw = api_token_issue(actor=None, user=district.users["edu"])
    client = Api(raw)
    assert client.get("me").status_code == 200
    ApiToken.objects.filter(user=district.users["edu"]).update(revoked_at=timezone.now())
    count = Project.objects.count()

    assert (client.get("me").status_code, client.get("me").json()) == (401, UNAUTHENTICATED)
    assert client.post("projects", valid_project_payload()).status_code == 401
    assert Project.objects.count() == count


def test_the_token_of_a_deactivated_user_is_401(district):
    raw = api_token_issue(actor=None, user=district.users["drc"])
    district.users["drc"].is_active = False
    district.users["drc"].save(update_fields=["is_active"])

    response = Api(raw).get("me")

    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_the_token_is_sent_as_a_bearer_scheme_only(district):
    raw = api_token_issue(actor=None, user=district.users["edu"])

    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=raw).status_code == 401
    assert Client().get(f"{API}/me?token={raw}").status_code == 401
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_a_garbage_token_on_a_write_is_401_for_a_real_client(district):
    client = Client(enforce_csrf_checks=True)  # a real client has no CSRF bypass

    response = client.post(f"{API}/projects", data=json.dumps(valid_project_payload()),
                           content_type="application/json", HTTP_AUTHORIZATION="Bearer itg_garbage")

    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_a_valid_token_writes_without_csrf_for_a_real_client(district):
    raw = api_token_issue(actor=None, user=district.users["edu"])
    client = Client(enforce_csrf_checks=True)

    response = client.post(f"{API}/projects", data=json.dumps(valid_project_payload()),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 201, response.content.decode()
