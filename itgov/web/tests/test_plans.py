"""The annual investment plan pages (art. 8–10): every page × every role → the exact status; each action by the
right role works and by a wrong one is refused with nothing changed; bad input is a 400 naming the field, a rule
refusal a 422 citing its article, a stale version a 409; the pages' queries do not grow with the lines."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from itgov.audit.models import AuditEvent
from itgov.planning import plan_services
from itgov.planning.models import AnnualPlan, PlanAdjustment, PlanLine
from itgov.projects import services as project_services
from itgov.projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert", "anon"]
DENIAL_EVENTS = {"access.denied", "rule.refused"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def expect(statuses: dict[str, int], default: int) -> list[tuple[str, int]]:
    return [(role, statuses.get(role, 302 if role == "anon" else default)) for role in ROLES]


def signed_in(district, role: str) -> Client:
    client = Client()
    if role != "anon":
        client.force_login(district.users[role])
    return client


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{field}">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def reserve(district, unit=None, **fields) -> Project:
    unit = unit or district.edu
    owner = district.users["edu"] if unit == district.edu else district.users["health"]
    project = project_services.project_submit_proposal(actor=owner, project=ProjectFactory(owner_unit=unit, **fields))
    return project_services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础支撑")


def add(district, plan, project, plan_class="B", amount="100000.00", **kw) -> PlanLine:
    data = {"project_id": project.pk, "line_type": "construction", "plan_class": plan_class, "amount": amount,
            "skip_reason": "条件成熟" if plan_class == "B" else "", **kw}
    if plan_class == "A":
        data.setdefault("must_start_reason", "市级重点任务,必须年内开工")
    if plan_class == "C":
        data.setdefault("prework_amount", amount)
    return plan_services.plan_line_add(actor=district.users["drc"], plan=plan, data=data)


def issue(district, plan) -> AnnualPlan:
    plan = plan_services.plan_transition(actor=district.users["drc"], plan=plan, name="submit")
    plan = plan_services.plan_transition(actor=district.users["finance"], plan=plan, name="cosign")
    return plan_services.plan_transition(actor=district.users["gov"], plan=plan, name="issue",
                                         data={"document_number": "鼓政发〔2027〕1号"})


def fresh(model, obj):
    return model.objects.get(pk=obj.pk)


def _business_events() -> int:
    return AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count()


@pytest.fixture
def draft(district, policy):
    """The 2027 draft: an A line of edu and a B line of health."""
    plan = plan_services.annual_plan_create(actor=district.users["drc"],
                                            data={"year": 2027, "capacity": "1000000.00", "note": "初稿"})
    add(district, plan, reserve(district, name="区教育局智慧校园平台"), "A", "400000.00")
    add(district, plan, reserve(district, district.health, name="区卫健委健康档案系统"), "B", "200000.00")
    return fresh(AnnualPlan, plan)


@pytest.fixture
def issued(district, policy):
    """The 2026 plan, issued: an A line of edu and a B line of health."""
    plan = plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2026, "capacity": "1000000.00"})
    edu_project = reserve(district, name="区教育局课后服务平台")
    add(district, plan, edu_project, "A", "400000.00")
    add(district, plan, reserve(district, district.health, name="区卫健委基层医疗平台"), "B", "200000.00")
    plan = issue(district, fresh(AnnualPlan, plan))
    plan.edu_project = edu_project
    return plan


def apply_data(project, amount="500000.00", **item) -> dict:
    return {"reason": "需求增加", "items": [{"project_id": project.pk, "line_type": "construction",
                                         "plan_class": "A", "amount": amount, **item}]}


@pytest.fixture
def adjustment(district, issued):
    return plan_services.adjustment_apply(actor=district.users["edu"], plan=issued, data=apply_data(issued.edu_project))


@pytest.fixture
def consented(district, adjustment):
    adj = adjustment
    for user, name in (("drc", "review"), ("finance", "finance_review"), ("gov", "consent")):
        adj = plan_services.adjustment_transition(actor=district.users[user], adjustment=adj, name=name)
    return adj


# --- every page × every role -------------------------------------------------------------------------------

# The sysadmin, the firms and the experts have no part in the annual plan (art. 4, 8): no edition exists for them.
NO_PLANS = {"admin": 404, "supervisor": 404, "expert": 404}
NO_PLAN_LISTS = {"admin": 403, "supervisor": 403, "expert": 403}
UNITS_NOT_DRAFTS = {"edu": 404, "health": 404}


@pytest.mark.parametrize(("role", "status"), expect(NO_PLAN_LISTS, 200))
def test_plan_list(role, status, district, draft, issued):
    response = signed_in(district, role).get("/plans/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert ('data-testid="plan-form"' in html) == (role in ("drc", "finance"))
        assert (f'data-plan="{draft.pk}"' in html) == (role not in ("edu", "health"))  # units see issued plans only
        assert f'data-plan="{issued.pk}"' in html


@pytest.mark.parametrize(("role", "status"), expect({**NO_PLANS, **UNITS_NOT_DRAFTS}, 200))
def test_draft_workspace(role, status, district, draft):
    response = signed_in(district, role).get(f"/plans/{draft.pk}/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        editor = role in ("drc", "finance")
        assert ('data-testid="add-line-form"' in html) == editor
        assert ('data-action="edit-line"' in html) == editor
        assert ('data-action="submit"' in html) == (role == "drc")
        assert 'data-testid="plan-compliance"' in html and "第八条" in html


@pytest.mark.parametrize(("role", "status"), expect(NO_PLANS, 200))
def test_issued_workspace(role, status, district, issued):
    response = signed_in(district, role).get(f"/plans/{issued.pk}/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert 'data-action="edit-line"' not in html and 'data-testid="add-line-form"' not in html
        assert ('data-action="apply-adjustment"' in html) == (role in ("edu", "health"))
        assert ('data-action="release"' in html) == (role == "drc")
        # owner units see their own lines only
        assert ("区卫健委基层医疗平台" in html) == (role != "edu")
        assert ("区教育局课后服务平台" in html) == (role != "health")
        assert "鼓政发〔2027〕1号" in html


@pytest.mark.parametrize(("role", "status"), expect({**NO_PLANS, **UNITS_NOT_DRAFTS, "audit": 403, "cyber": 403,
                                                     "gov": 403}, 200))
def test_allocation_page(role, status, district, draft):
    response = signed_in(district, role).get(f"/plans/{draft.pk}/allocation/")
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="apply-allocation"' in response.content.decode()


@pytest.mark.parametrize(("role", "status"), expect(NO_PLANS, 200))
def test_diff_page(role, status, district, consented):
    new = consented.result
    response = signed_in(district, role).get(f"/plans/{new.pk}/diff/?other={consented.plan_id}")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert html.count('data-change="changed"') == (0 if role == "health" else 1)
        if role != "health":
            assert 'data-changed="amount"' in html and "40.00" in html and "50.00" in html


@pytest.mark.parametrize(("role", "status"), expect(NO_PLAN_LISTS, 200))
def test_adjustment_list(role, status, district, adjustment):
    response = signed_in(district, role).get("/adjustments/")
    assert response.status_code == status
    if status == 200:
        assert (f'data-adjustment="{adjustment.pk}"' in response.content.decode()) == (role != "health")


@pytest.mark.parametrize(("role", "status"), expect({**NO_PLANS, "health": 404}, 200))
def test_adjustment_detail(role, status, district, adjustment):
    response = signed_in(district, role).get(f"/adjustments/{adjustment.pk}/")
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert ('data-action="review"' in html) == (role == "drc")
        assert ('data-action="withdraw"' in html) == (role == "edu")
        assert 'data-testid="adjustment-stepper"' in html


@pytest.mark.parametrize(("role", "status"), expect({**NO_PLANS, "drc": 403, "finance": 403, "audit": 403,
                                                     "cyber": 403, "gov": 403}, 200))
def test_apply_form(role, status, district, issued):
    response = signed_in(district, role).get(f"/plans/{issued.pk}/adjustments/new/")
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), expect({**NO_PLANS, "edu": 403, "health": 403, "finance": 403,
                                                     "audit": 403, "cyber": 403, "gov": 403}, 200))
def test_release_form(role, status, district, issued):
    response = signed_in(district, role).get(f"/plans/{issued.pk}/adjustments/new/?kind=release")
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), expect({**NO_PLANS, **UNITS_NOT_DRAFTS, "finance": 403, "audit": 403,
                                                     "cyber": 403, "gov": 403}, 200))
def test_plan_action_form(role, status, district, draft):
    assert signed_in(district, role).get(f"/plans/{draft.pk}/actions/submit/").status_code == status


@pytest.mark.parametrize(("role", "status"), expect({**NO_PLANS, "health": 404, "finance": 403, "audit": 403,
                                                     "cyber": 403, "gov": 403, "edu": 403}, 200))
def test_adjustment_action_form(role, status, district, adjustment):
    assert signed_in(district, role).get(f"/adjustments/{adjustment.pk}/actions/review/").status_code == status


@pytest.mark.parametrize(("role", "status"), expect({**NO_PLANS, **UNITS_NOT_DRAFTS, "audit": 403, "cyber": 403,
                                                     "gov": 403}, 200))
def test_line_edit_form(role, status, district, draft):
    line = draft.lines.first()
    response = signed_in(district, role).get(f"/plan-lines/{line.pk}/edit/", **HTMX)
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="line-edit-row"' in response.content.decode()


@pytest.mark.parametrize("url", ["/plans/987654321/", "/plans/99999999999999999999/", "/adjustments/987654321/",
                                 "/plan-lines/987654321/edit/", "/plans/{draft}/actions/nope/"])
def test_missing_objects_are_404(url, district, draft):
    assert signed_in(district, "drc").get(url.format(draft=draft.pk)).status_code == 404


def test_an_issued_edition_cannot_be_opened_for_editing(district, issued):
    line = issued.lines.first()
    response = signed_in(district, "drc").get(f"/plan-lines/{line.pk}/edit/")
    assert response.status_code == 422
    assert "第十条" in response.content.decode()


# --- the plan's POSTs --------------------------------------------------------------------------------------


def test_drc_creates_a_plan(district, policy):
    response = signed_in(district, "drc").post("/plans/new/", {"year": "2028", "capacity": "5000000", "note": "x"})
    plan = AnnualPlan.objects.get(year=2028)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert (plan.capacity, plan.status, plan.edition) == (Decimal("5000000"), "draft", 1)


@pytest.mark.parametrize("role", ["edu", "audit", "gov"])
def test_a_wrong_role_cannot_create_a_plan(role, district, policy):
    client = signed_in(district, role)
    events = _business_events()
    response = client.post("/plans/new/", {"year": "2028", "capacity": "5000000"})
    assert response.status_code == 403
    assert not AnnualPlan.objects.exists() and _business_events() == events


def test_bad_plan_input_is_400_naming_the_field(district, policy):
    response = signed_in(district, "drc").post("/plans/new/", {"year": "1999", "capacity": "-1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "年度不合理" in field_errors(html, "year") and "不得为负数" in field_errors(html, "capacity")
    assert not AnnualPlan.objects.exists()


def test_a_second_draft_of_the_year_is_409(district, draft):
    response = signed_in(district, "finance").post("/plans/new/", {"year": "2027"})
    assert response.status_code == 409 and 'data-status="409"' in response.content.decode()


def test_drc_adds_a_line_and_a_rule_refusal_cites_its_article(district, draft):
    project = reserve(district, name="区教育局数据中台")
    client = signed_in(district, "drc")
    refused = client.post(f"/plans/{draft.pk}/lines/new/", {"project_id": project.pk, "line_type": "construction",
                                                              "plan_class": "A", "amount": "100000"})
    assert refused.status_code == 422
    assert 'data-testid="error-article">第九条' in refused.content.decode()
    assert not draft.lines.filter(project=project).exists()

    bad = client.post(f"/plans/{draft.pk}/lines/new/", {"project_id": project.pk, "line_type": "construction",
                                                          "plan_class": "B", "amount": "abc"})
    assert bad.status_code == 400 and "请输入金额" in field_errors(bad.content.decode(), "amount")

    ok = client.post(f"/plans/{draft.pk}/lines/new/", {"project_id": project.pk, "line_type": "construction",
                                                         "plan_class": "B", "amount": "150000", "priority": "70",
                                                         "skip_reason": "试点完成"})
    assert ok.status_code == 302
    line = draft.lines.get(project=project)
    assert (line.plan_class, line.amount, line.priority) == ("B", Decimal("150000"), 70)


def test_an_owner_unit_cannot_add_a_line(district, draft):
    project = reserve(district)
    client = signed_in(district, "edu")
    events = _business_events()
    response = client.post(f"/plans/{draft.pk}/lines/new/", {
        "project_id": project.pk, "line_type": "construction", "plan_class": "B", "amount": "1"})
    assert response.status_code == 404  # a draft is not visible to the units
    assert draft.lines.count() == 2 and _business_events() == events


def test_audit_cannot_add_a_line(district, draft):
    project = reserve(district)
    response = signed_in(district, "audit").post(f"/plans/{draft.pk}/lines/new/", {
        "project_id": project.pk, "line_type": "construction", "plan_class": "B", "amount": "1"})
    assert response.status_code == 403 and draft.lines.count() == 2


def test_inline_edit_saves_and_a_stale_version_is_409(district, draft):
    line = draft.lines.get(plan_class="B")
    client = signed_in(district, "finance")
    data = {"plan_class": "B", "amount": "180000", "prework_amount": "0", "priority": "80", "skip_reason": "条件成熟",
            "must_start_reason": "", "note": "压减", "version": line.version, "n": "2"}
    response = client.post(f"/plan-lines/{line.pk}/edit/", data, **HTMX)
    assert response.status_code == 200 and response["HX-Trigger"] == "plan-changed"
    html = response.content.decode()
    assert 'data-testid="line-amount">18.00' in html and "压减" in html
    saved = fresh(PlanLine, line)
    assert (saved.amount, saved.priority, saved.note, saved.version) == (Decimal("180000"), 80, "压减", 2)

    stale = client.post(f"/plan-lines/{line.pk}/edit/", {**data, "amount": "170000"}, **HTMX)
    assert stale.status_code == 409
    assert 'data-testid="refresh-link"' in stale.content.decode()
    assert fresh(PlanLine, line).amount == Decimal("180000")


def test_inline_edit_bad_input_is_400_on_the_field(district, draft):
    line = draft.lines.get(plan_class="B")
    response = signed_in(district, "drc").post(f"/plan-lines/{line.pk}/edit/", {
        "plan_class": "B", "amount": "100", "prework_amount": "200", "priority": "101", "version": line.version},
        **HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    assert "前期工作经费不得超过年度安排资金" in field_errors(html, "prework_amount")
    assert "0至100" in field_errors(html, "priority")
    assert fresh(PlanLine, line).version == line.version


def test_inline_edit_rule_refusal_is_422_with_its_article(district, draft):
    line = draft.lines.get(plan_class="B")
    response = signed_in(district, "drc").post(f"/plan-lines/{line.pk}/edit/", {
        "plan_class": "C", "amount": "100000", "prework_amount": "0", "version": line.version}, **HTMX)
    assert response.status_code == 422 and "第九条" in response.content.decode()
    assert fresh(PlanLine, line).plan_class == "B"


def test_the_page_edit_without_htmx_redirects(district, draft):
    line = draft.lines.get(plan_class="B")
    client = signed_in(district, "drc")
    assert 'data-testid="line-form"' in client.get(f"/plan-lines/{line.pk}/edit/").content.decode()
    response = client.post(f"/plan-lines/{line.pk}/edit/", {"plan_class": "B", "amount": "150000",
                                                             "skip_reason": "条件成熟", "version": line.version})
    assert response.status_code == 302 and response["Location"] == f"/plans/{draft.pk}/#line-{line.pk}"


def test_a_wrong_role_cannot_edit_or_delete_a_line(district, draft):
    line = draft.lines.get(plan_class="B")
    clients = {role: signed_in(district, role) for role in ("gov", "audit")}
    events = _business_events()
    for client in clients.values():
        assert client.post(f"/plan-lines/{line.pk}/edit/", {"plan_class": "B", "amount": "1",
                                                            "version": line.version}).status_code == 403
        assert client.post(f"/plan-lines/{line.pk}/delete/", {"version": line.version}).status_code == 403
    assert fresh(PlanLine, line).amount == Decimal("200000") and _business_events() == events


def test_drc_deletes_a_line_guarded_by_its_version(district, draft):
    line = draft.lines.get(plan_class="B")
    client = signed_in(district, "drc")
    stale = client.post(f"/plan-lines/{line.pk}/delete/", {"version": line.version + 1})
    assert stale.status_code == 409 and PlanLine.objects.filter(pk=line.pk).exists()
    assert client.post(f"/plan-lines/{line.pk}/delete/", {"version": line.version}).status_code == 302
    assert not PlanLine.objects.filter(pk=line.pk).exists()


def test_compile_without_a_declaration_round_is_409(district, draft):
    response = signed_in(district, "drc").post(f"/plans/{draft.pk}/compile/")
    assert response.status_code == 409 and "尚未发起集中申报" in response.content.decode()


def test_capacity_edit(district, draft):
    client = signed_in(district, "drc")
    bad = client.post(f"/plans/{draft.pk}/edit/", {"capacity": "x", "note": "", "version": draft.version})
    assert bad.status_code == 400 and "请输入金额" in field_errors(bad.content.decode(), "capacity")
    ok = client.post(f"/plans/{draft.pk}/edit/", {"capacity": "900000", "note": "二稿", "version": draft.version})
    assert ok.status_code == 302
    assert (fresh(AnnualPlan, draft).capacity, fresh(AnnualPlan, draft).note) == (Decimal("900000"), "二稿")
    stale = client.post(f"/plans/{draft.pk}/edit/", {"capacity": "800000", "note": "", "version": draft.version})
    assert stale.status_code == 409 and fresh(AnnualPlan, draft).capacity == Decimal("900000")


def test_the_plan_goes_through_its_steps_each_by_its_role(district, draft):
    url = f"/plans/{draft.pk}/actions/"
    assert signed_in(district, "finance").post(url + "submit/", {"version": draft.version}).status_code == 403
    assert signed_in(district, "drc").post(url + "submit/", {"version": draft.version}).status_code == 302
    plan = fresh(AnnualPlan, draft)
    assert plan.status == "submitted"
    assert signed_in(district, "gov").post(url + "issue/", {"version": plan.version}).status_code == 409
    assert signed_in(district, "finance").post(url + "cosign/", {"version": plan.version}).status_code == 302
    plan = fresh(AnnualPlan, draft)
    no_reason = signed_in(district, "gov").post(url + "return/", {"version": plan.version, "reason": " "})
    assert no_reason.status_code == 400 and field_errors(no_reason.content.decode(), "reason")
    stale = signed_in(district, "gov").post(url + "issue/", {"version": plan.version - 1})
    assert stale.status_code == 409
    issued = signed_in(district, "gov").post(url + "issue/", {"version": plan.version,
                                                              "document_number": "鼓政发〔2027〕9号"})
    assert issued.status_code == 302
    plan = fresh(AnnualPlan, draft)
    assert (plan.status, plan.document_number) == ("issued", "鼓政发〔2027〕9号")
    assert Project.objects.get(name="区教育局智慧校园平台").status == "planned"


def test_finance_returns_with_a_reason(district, draft):
    plan = plan_services.plan_transition(actor=district.users["drc"], plan=draft, name="submit")
    response = signed_in(district, "finance").post(f"/plans/{plan.pk}/actions/return/", {
        "version": plan.version, "reason": "财力测算需调整"})
    assert response.status_code == 302
    html = signed_in(district, "drc").get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="return-reason"' in html and "财力测算需调整" in html


def test_a_submit_that_breaks_capacity_is_422_citing_the_articles(district, draft):
    add(district, draft, reserve(district), "A", "600000.01")
    plan = fresh(AnnualPlan, draft)
    response = signed_in(district, "drc").post(f"/plans/{plan.pk}/actions/submit/", {"version": plan.version})
    assert response.status_code == 422
    html = response.content.decode()
    assert "第八条" in html and "第九条" in html and fresh(AnnualPlan, plan).status == "draft"
    workspace = signed_in(district, "drc").get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="violation-count"' in workspace and 'data-status="violated"' in workspace


def test_the_allocation_helper_writes_b_amounts(district, draft):
    small = add(district, draft, reserve(district, district.health), "B", "500000.00", priority=10)
    client = signed_in(district, "drc")
    page = client.get(f"/plans/{draft.pk}/allocation/").content.decode()
    assert f'data-line="{small.pk}" data-funded="0"' in page and "第九条" in page
    assert signed_in(district, "audit").post(f"/plans/{draft.pk}/allocate/", {"version": draft.version}
                                             ).status_code == 403
    assert fresh(PlanLine, small).amount == Decimal("500000.00")
    assert client.post(f"/plans/{draft.pk}/allocate/", {"version": draft.version}).status_code == 302
    assert fresh(PlanLine, small).amount == 0


def test_allocation_without_capacity_explains_itself(district, policy):
    plan = plan_services.annual_plan_create(actor=district.users["drc"], data={"year": 2029})
    response = signed_in(district, "drc").get(f"/plans/{plan.pk}/allocation/")
    assert response.status_code == 200 and "请先填写财政承受能力" in response.content.decode()
    assert signed_in(district, "drc").post(f"/plans/{plan.pk}/allocate/").status_code == 400


def test_workspace_filters(district, draft):
    client = signed_in(district, "drc")
    only_a = client.get(f"/plans/{draft.pk}/?plan_class=A").content.decode()
    table = only_a.split('data-testid="line-table"')[1].split("</table>")[0]
    assert "区教育局智慧校园平台" in table and "区卫健委健康档案系统" not in table
    health = client.get(f"/plans/{draft.pk}/?unit={district.health.pk}").content.decode()
    table = health.split('data-testid="line-table"')[1].split("</table>")[0]
    assert "区教育局智慧校园平台" not in table and "区卫健委健康档案系统" in table


def test_the_summary_fragment_refreshes(district, draft):
    response = signed_in(district, "drc").get(f"/plans/{draft.pk}/?part=summary", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="plan-summary"')
    assert 'data-testid="plan-total">60.00' in html


# --- adjustments -------------------------------------------------------------------------------------------


def item_post(project, i=0, **fields) -> dict:
    data = {"project_id": project.pk, "line_type": "construction", "plan_class": "A", "amount": "500000", **fields}
    return {f"items-{i}-{k}": v for k, v in data.items()}


def test_edu_applies_and_the_three_steps_issue_a_new_edition(district, issued):
    project = issued.edu_project
    response = signed_in(district, "edu").post(f"/plans/{issued.pk}/adjustments/new/", {
        "kind": "change", "reason": "需求增加", **item_post(project)})
    adjustment = PlanAdjustment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/adjustments/{adjustment.pk}/"
    url = f"/adjustments/{adjustment.pk}/actions/"
    assert signed_in(district, "finance").post(url + "finance_review/", {"version": 1}).status_code == 409
    assert signed_in(district, "finance").post(url + "review/", {"version": 1}).status_code == 403
    assert signed_in(district, "drc").post(url + "review/", {"version": 1, "reason": "同意"}).status_code == 302
    assert signed_in(district, "finance").post(url + "finance_review/", {"version": 2}).status_code == 302
    assert signed_in(district, "drc").post(url + "consent/", {"version": 3}).status_code == 403
    assert signed_in(district, "gov").post(url + "consent/", {"version": 3,
                                                              "document_number": "鼓政发〔2026〕30号"}).status_code == 302
    adjustment = fresh(PlanAdjustment, adjustment)
    new = adjustment.result
    assert (adjustment.status, new.edition, new.document_number) == ("consented", 2, "鼓政发〔2026〕30号")
    html = signed_in(district, "edu").get(f"/adjustments/{adjustment.pk}/").content.decode()
    assert 'data-action="new-edition"' in html and f"/plans/{new.pk}/diff/?other={issued.pk}" in html
    assert html.count('itgov-step is-done') == 4


def test_a_unit_cannot_apply_for_another_units_project(district, issued):
    response = signed_in(district, "health").post(f"/plans/{issued.pk}/adjustments/new/", {
        "reason": "需求增加", **item_post(issued.edu_project)})
    html = response.content.decode()
    assert response.status_code == 400 and "第十条" in html and "不是本单位的项目" in html
    assert not PlanAdjustment.objects.exists()


def test_an_adjustment_without_items_or_reason_is_400(district, issued):
    response = signed_in(district, "edu").post(f"/plans/{issued.pk}/adjustments/new/", {"reason": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "必填" in field_errors(html, "reason")
    bad_row = signed_in(district, "edu").post(f"/plans/{issued.pk}/adjustments/new/", {
        "reason": "需求", **item_post(issued.edu_project, amount="abc")})
    first_row = bad_row.content.decode().split('data-item="0"')[1].split("</fieldset>")[0]
    assert bad_row.status_code == 400 and "请输入金额" in field_errors(first_row, "amount")
    assert not PlanAdjustment.objects.exists()


def test_an_adjustment_beyond_capacity_is_422(district, issued):
    response = signed_in(district, "edu").post(f"/plans/{issued.pk}/adjustments/new/", {
        "reason": "需求增加", **item_post(issued.edu_project, amount="800000.01")})
    assert response.status_code == 422 and "第八条" in response.content.decode()
    assert not PlanAdjustment.objects.exists()


def test_drc_cannot_apply_a_units_change(district, issued):
    response = signed_in(district, "drc").post(f"/plans/{issued.pk}/adjustments/new/", {
        "kind": "change", "reason": "x", **item_post(issued.edu_project)})
    assert response.status_code == 403 and not PlanAdjustment.objects.exists()


def test_reject_needs_a_reason_and_withdraw_is_the_applicants(district, adjustment):
    url = f"/adjustments/{adjustment.pk}/actions/"
    no_reason = signed_in(district, "drc").post(url + "reject/", {"version": 1})
    assert no_reason.status_code == 400 and field_errors(no_reason.content.decode(), "reason")
    assert signed_in(district, "health").post(url + "withdraw/", {"version": 1, "reason": "x"}).status_code == 404
    assert signed_in(district, "drc").post(url + "withdraw/", {"version": 1, "reason": "x"}).status_code == 403
    assert signed_in(district, "edu").post(url + "withdraw/", {"version": 1, "reason": "不再需要"}).status_code == 302
    assert fresh(PlanAdjustment, adjustment).status == "withdrawn"
    html = signed_in(district, "edu").get(f"/adjustments/{adjustment.pk}/").content.decode()
    assert 'itgov-step is-withdrawn' in html and "不再需要" in html


def test_drc_proposes_the_mid_year_release(district, issued):
    b_line = issued.lines.get(plan_class="B")
    response = signed_in(district, "drc").post(f"/plans/{issued.pk}/adjustments/new/", {
        "kind": "release", "reason": "A类结余",
        **item_post(issued.edu_project, 0, amount="300000"),
        **item_post(b_line.project, 1, plan_class="B", amount="300000")})
    assert response.status_code == 302
    adjustment = PlanAdjustment.objects.get()
    assert (adjustment.kind, adjustment.unit_id) == ("release", None)


def test_the_project_page_shows_its_funding(district, consented):
    project = consented.plan.edu_project if hasattr(consented.plan, "edu_project") else Project.objects.get(
        name="区教育局课后服务平台")
    html = signed_in(district, "edu").get(f"/projects/{project.pk}/").content.decode()
    panel = html.split('data-testid="funding"')[1].split("</section>")[0]
    assert "50.00" in panel and "第2版" in panel and f"/plans/{consented.result_id}/" in panel
    other = reserve(district, name="未列入计划的项目")
    assert 'data-testid="funding-empty"' in signed_in(district, "edu").get(f"/projects/{other.pk}/").content.decode()


def test_the_diff_refuses_an_edition_of_another_year(district, consented, draft):
    response = signed_in(district, "drc").get(f"/plans/{consented.result_id}/diff/?other={draft.pk}")
    assert response.status_code == 400 and "同一年度" in response.content.decode()


def test_the_nav_has_the_plans_entry(district):
    assert 'data-nav="plans"' in signed_in(district, "finance").get("/").content.decode()
    assert 'data-nav="plans"' not in signed_in(district, "supervisor").get("/").content.decode()
    shown = 'data-nav="plans"' in signed_in(district, "expert").get("/").content.decode()
    assert not shown


# --- query budgets -----------------------------------------------------------------------------------------


def count_queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _grow(district, plan, n: int) -> None:
    for i in range(n):
        unit = district.edu if i % 2 else district.health
        PlanLine.objects.create(plan=plan, project=reserve(district, unit), unit=unit, line_type="construction",
                                plan_class="C", requested_amount=1000, amount=1000, prework_amount=1000)


@pytest.mark.parametrize(("role", "page"), [
    ("drc", "detail"), ("finance", "allocation"), ("gov", "list"), ("drc", "summary"), ("audit", "detail"),
])
def test_plan_pages_queries_do_not_grow_with_lines(role, page, district, draft):
    urls = {"detail": f"/plans/{draft.pk}/", "allocation": f"/plans/{draft.pk}/allocation/", "list": "/plans/",
            "summary": f"/plans/{draft.pk}/?part=summary"}
    extra = HTMX if page == "summary" else {}
    client = signed_in(district, role)
    client.get(urls[page], **extra)
    small = count_queries(client, urls[page], **extra)
    _grow(district, draft, 12)
    large = count_queries(client, urls[page], **extra)
    assert small == large, f"{page} as {role}: {small} queries at 2 lines, {large} at 14"


@pytest.mark.parametrize(("role", "page"), [
    ("edu", "detail"), ("drc", "diff"), ("edu", "diff"), ("drc", "adjustment"), ("finance", "adjustments"),
])
def test_issued_pages_queries_do_not_grow_with_lines(role, page, district, consented):
    new, old = consented.result, consented.plan
    urls = {"detail": f"/plans/{new.pk}/", "diff": f"/plans/{new.pk}/diff/?other={old.pk}",
            "adjustment": f"/adjustments/{consented.pk}/", "adjustments": "/adjustments/"}
    client = signed_in(district, role)
    client.get(urls[page])
    small = count_queries(client, urls[page])
    _grow(district, new, 6)
    _grow(district, old, 6)
    large = count_queries(client, urls[page])
    assert small == large, f"{page} as {role}: {small} queries before, {large} after"


def test_the_issued_workspace_lists_pending_adjustments(district, adjustment):
    html = signed_in(district, "drc").get(f"/plans/{adjustment.plan_id}/").content.decode()
    assert 'data-testid="pending-adjustments"' in html and f"/adjustments/{adjustment.pk}/" in html
    assert "区教育局" in html.split('data-testid="pending-adjustments"')[1].split("</div>")[0]
    assert 'data-testid="pending-adjustments"' not in signed_in(district, "health").get(
        f"/plans/{adjustment.plan_id}/").content.decode()


def test_a_superseded_edition_points_to_the_current_one(district, consented):
    html = signed_in(district, "edu").get(f"/plans/{consented.plan_id}/").content.decode()
    assert 'data-testid="superseded-note"' in html and f"/plans/{consented.result_id}/" in html
