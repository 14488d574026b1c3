"""Pages of operation (art. 12, 23, 24): the list 运行管理 (who may open it, its tabs, a link to each project's page)
and a project's operation page (who sees it and which forms); every POST × every role → the exact status (a refused
POST changes nothing and writes no business audit event; a success writes its event and redirects); the rules'
refusals shown with their article and the input kept; the PDF; the queries of both pages do not grow with the
records."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.audit.models import AuditEvent
from itgov.core.dates import add_months, local_today
from itgov.operation import services
from itgov.operation.models import OMArrangement, OMFundingRequest, SelfEvaluation
from itgov.operation.tests.world import evaluation_payload, operation_maker
from itgov.projects.models import Project

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert", "anon"]
SEEN = ("drc", "finance", "audit", "cyber", "gov", "edu", "supervisor")  # who sees edu's project
LISTERS = ("drc", "finance", "audit", "cyber", "gov", "edu", "health")  # the owner units and the bureaus
DENIAL_EVENTS = {"access.denied", "rule.refused"}
ARRANGEMENT = {"mode": "team", "provider": "区教育局信息中心", "period_start": "2026-01-01", "period_end": "2026-12-31",
               "security_officer": "王五", "security_measures": "专人负责,定期检查。"}


def business_events() -> int:
    return AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count()


def state(project) -> tuple:
    fresh = Project.objects.get(pk=project.pk)
    return (fresh.status, fresh.version, fresh.operation_started_on, SelfEvaluation.objects.count(),
            OMArrangement.objects.count(), list(OMFundingRequest.objects.values_list("status", "version")),
            business_events())


def expected(actor: str, ok: int = 302) -> dict[str, int]:
    return {role: 302 if role == "anon" else ok if role == actor else 403 if role in SEEN else 404 for role in ROLES}


def forms_on(html: str) -> set[str]:
    return set(re.findall(r'data-testid="([a-z]+)-form"', html))


@pytest.fixture
def make(district):
    return operation_maker(district)


def _request(world):
    return services.funding_request(actor=world.owner, project=world.project, data={
        "year": local_today().year, "requested_amount": "80000.00", "justification": "质保期满,委托运维。"})


def post_all(client_for, url: str, data, want: dict[str, int], project, actor: str) -> dict[str, int]:
    """POST as every role, the actor last; a role that does not succeed changes nothing."""
    got = {}
    for role in [r for r in ROLES if r != actor] + [actor]:
        client = client_for(role)  # signing in is audited: before the snapshot
        before = state(project)
        response = client.post(url, data)
        got[role] = response.status_code
        if role == "anon":
            assert response["Location"].startswith("/login/"), response["Location"]
        if role != actor:
            assert state(project) == before, role
    return got


# --- the list ----------------------------------------------------------------------------------------------


def test_the_list_is_for_the_owner_units_and_the_bureaus(client_for, make):
    world = make("accepted")
    statuses = {role: client_for(role).get("/operation/").status_code for role in ROLES}
    assert statuses == {role: 302 if role == "anon" else 200 if role in LISTERS else 403 for role in ROLES}
    html = client_for("drc").get("/operation/").content.decode()
    assert f'href="/projects/{world.project.pk}/operation/"' in html
    assert "运行管理" in html and 'data-testid="status-tabs"' in html
    for label in ("已通过验收", "运行中", "自评价待报送", "自评价逾期", "运维经费待审核"):
        assert label in html, label
    assert f'href="/projects/{world.project.pk}/operation/"' not in client_for("health").get("/operation/").content.decode()


def test_the_navigation_shows_the_list(client_for, make):
    make("accepted")
    for role in ("edu", "finance", "audit"):
        assert 'href="/operation/"' in client_for(role).get("/").content.decode(), role
    for role in ("supervisor", "expert", "admin"):
        assert 'href="/operation/"' not in client_for(role).get("/").content.decode(), role


def test_the_tabs_filter(client_for, make):
    accepted = make("accepted")
    _request(accepted)
    overdue = make("in_operation", g=add_months(local_today(), -25))
    due = make("in_operation", g=add_months(local_today(), -13))
    client = client_for("finance")

    def rows(tab: str) -> set[int]:
        html = client.get(f"/operation/?status={tab}").content.decode()
        return {int(pk) for pk in re.findall(r'<tr data-project="(\d+)"', html)}

    assert rows("") == {accepted.project.pk, overdue.project.pk, due.project.pk}
    assert rows("accepted") == {accepted.project.pk}
    assert rows("in_operation") == {overdue.project.pk, due.project.pk}
    assert rows("evaluation_open") == {due.project.pk}
    assert rows("evaluation_overdue") == {overdue.project.pk}
    assert rows("funding_pending") == {accepted.project.pk}
    partial = client.get("/operation/?status=accepted", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'data-testid="operation-table"' in partial


def test_the_lists_queries_do_not_grow_with_the_projects(client_for, make, django_assert_max_num_queries):
    make("accepted")
    client = client_for("drc")
    client.get("/operation/")
    with CaptureQueriesContext(connection) as small:
        client.get("/operation/")
    for _ in range(3):
        _request(make("in_operation", g=add_months(local_today(), -14)))
    with CaptureQueriesContext(connection) as large:
        html = client.get("/operation/").content.decode()
    assert html.count("<tr data-project=") == 4
    assert len(large) == len(small), (len(small), len(large))


# --- the page ----------------------------------------------------------------------------------------------


def test_the_page_per_role_and_its_forms(client_for, make):
    world = make("accepted")
    _request(world)
    url = f"/projects/{world.project.pk}/operation/"
    statuses = {role: client_for(role).get(url).status_code for role in ROLES}
    assert statuses == {role: 302 if role == "anon" else 200 if role in SEEN else 404 for role in ROLES}
    assert forms_on(client_for("edu").get(url).content.decode()) == {"golive", "arrangement", "funding"}
    assert forms_on(client_for("finance").get(url).content.decode()) == {"decision"}
    for role in ("drc", "audit", "cyber", "gov", "supervisor"):
        assert forms_on(client_for(role).get(url).content.decode()) == set(), role


def test_going_live_per_role(client_for, make):
    world = make("accepted")
    url = f"/projects/{world.project.pk}/operation/go-live/"
    data = {"operation_started_on": local_today().isoformat(), "version": world.project.version}
    assert post_all(client_for, url, data, expected("edu"), world.project, "edu") == expected("edu")
    project = Project.objects.get(pk=world.project.pk)
    assert (project.status, project.operation_started_on) == ("in_operation", local_today())
    assert AuditEvent.objects.filter(event_type="operation.started").count() == 1


def test_going_live_without_a_pass_shows_article_23(client_for, make):
    world = make("rectifying")
    # the form is not offered without the pass... but a POST is still judged by the rule
    response = client_for("edu").post(f"/projects/{world.project.pk}/operation/go-live/",
                                      {"operation_started_on": local_today().isoformat()})
    assert response.status_code == 422
    html = response.content.decode()
    assert "第二十三条" in html and "未通过竣工验收" in html
    assert Project.objects.get(pk=world.project.pk).status == "rectifying"


def test_a_future_day_g_is_bad_input_kept_on_the_form(client_for, make):
    world = make("accepted")
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    response = client_for("edu").post(f"/projects/{world.project.pk}/operation/go-live/",
                                      {"operation_started_on": tomorrow})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-operation_started_on"' in html and f'value="{tomorrow}"' in html


def _evaluation_post(world, **override) -> dict:
    payload = evaluation_payload(world)
    data = {k: payload[k] for k in ("score", "summary", "problems", "improvements")}
    for i, row in enumerate(payload["values"]):
        data[f"v{i}-actual"] = row["actual"]
        data[f"v{i}-achieved"] = "true" if row["achieved"] else "false"
    data.update(override)
    return data


def test_the_evaluation_per_role_then_its_pdf(client_for, make):
    world = make("in_operation", g=add_months(local_today(), -13))
    page = client_for("edu").get(f"/projects/{world.project.pk}/operation/").content.decode()
    assert "evaluation" in forms_on(page) and page.count("<tr data-target=") == 3
    url = f"/projects/{world.project.pk}/operation/self-evaluation/"
    assert post_all(client_for, url, _evaluation_post(world), expected("edu"), world.project, "edu") == expected("edu")
    evaluation = SelfEvaluation.objects.get(project=world.project)
    assert (str(evaluation.score), evaluation.late, evaluation.values.count()) == ("86.5", False, 3)

    pdf = f"/projects/{world.project.pk}/operation/self-evaluation.pdf"
    statuses = {role: client_for(role).get(pdf).status_code for role in ROLES}
    assert statuses == {role: 302 if role == "anon" else 200 if role in SEEN else 404 for role in ROLES}
    response = client_for("finance").get(pdf)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    page = client_for("drc").get(f"/projects/{world.project.pk}/operation/").content.decode()
    assert 'data-testid="evaluation-score">86.5' in page and 'data-testid="evaluation-pdf"' in page


def test_the_evaluation_before_the_window_and_a_blank_value(client_for, make):
    world = make("in_operation")  # G today: the window opens in 12 months
    url = f"/projects/{world.project.pk}/operation/self-evaluation/"
    response = client_for("edu").post(url, _evaluation_post(world))
    assert response.status_code == 422 and "第二十四条" in response.content.decode()

    world = make("in_operation", g=add_months(local_today(), -13))
    url = f"/projects/{world.project.pk}/operation/self-evaluation/"
    response = client_for("edu").post(url, _evaluation_post(world, **{"v1-actual": "", "score": "101"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-v1-actual"' in html and 'data-testid="error-score"' in html
    assert 'value="93"' in html  # the other rows kept
    assert SelfEvaluation.objects.count() == 0


def test_the_arrangement_and_the_funding_request_per_role(client_for, make):
    world = make("accepted")
    base = f"/projects/{world.project.pk}/operation/"
    assert post_all(client_for, base + "arrangements/", ARRANGEMENT, expected("edu"), world.project,
                    "edu") == expected("edu")
    assert OMArrangement.objects.get().provider == "区教育局信息中心"
    data = {"year": local_today().year, "requested_amount": "60000.00", "justification": "运维"}
    assert post_all(client_for, base + "funding/", data, expected("edu"), world.project, "edu") == expected("edu")
    assert OMFundingRequest.objects.get().requested_amount == 60000
    response = client_for("edu").post(base + "arrangements/", {**ARRANGEMENT, "period_end": "2025-01-01"})
    assert response.status_code == 400 and 'data-testid="error-period_end"' in response.content.decode()


def test_finances_decision_per_role(client_for, make):
    world = make("accepted")
    made = _request(world)
    url = f"/projects/{world.project.pk}/operation/funding/{made.pk}/decision/"
    data = {"decision": "approve", "amount": "70000.00", "reason": "", "version": made.version}
    assert post_all(client_for, url, data, expected("finance"), world.project, "finance") == expected("finance")
    made.refresh_from_db()
    assert (made.status, made.decided_amount) == ("approved", 70000)
    # decided once: a second decision is a conflict
    response = client_for("finance").post(url, {"decision": "reject", "reason": "重复", "version": 1})
    assert response.status_code == 409
    assert client_for("finance").post(f"/projects/{world.project.pk}/operation/funding/999999/decision/",
                                      data).status_code == 404


def test_a_decision_without_an_amount_is_bad_input(client_for, make):
    world = make("accepted")
    made = _request(world)
    response = client_for("finance").post(f"/projects/{world.project.pk}/operation/funding/{made.pk}/decision/",
                                          {"decision": "approve", "amount": "", "reason": ""})
    assert response.status_code == 400
    assert f'id="decision-{made.pk}-form"' in response.content.decode()
    assert 'data-testid="error-amount"' in response.content.decode()


def test_the_pages_queries_do_not_grow_with_the_records(client_for, make):
    world = make("accepted")
    _request(world)
    services.arrangement_record(actor=world.owner, project=world.project, data=ARRANGEMENT)
    url = f"/projects/{world.project.pk}/operation/"
    client = client_for("finance")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for year in range(1, 5):
        services.funding_request(actor=world.owner, project=world.project, data={
            "year": local_today().year + year, "requested_amount": "60000.00", "justification": "运维"})
        services.arrangement_record(actor=world.owner, project=world.project, data=ARRANGEMENT)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert html.count("<tr data-request=") == 5 and html.count("<tr data-arrangement=") == 5
    assert len(large) == len(small), (len(small), len(large))
