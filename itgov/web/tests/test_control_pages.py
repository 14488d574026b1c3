"""The construction control pages (art. 19–21): the sections of a project's construction page and their forms per
role; every control POST and the pool's × every role → the exact status (a refused POST changes nothing and
writes no business audit event); refusals re-render the page with the input kept — the field errors on 400, the
article on 422, the conflict on 409 — and a 403 cites the article of the power; the 10% boundary of a change
through the form; a suspended project's page; the construction list's risk columns, sort and suspended tab; the
yearly pool of supervision firms; the queries of the project page and the list do not grow with the records."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.approvals.selectors import current_baseline
from itgov.audit.models import AuditEvent
from itgov.construction import services
from itgov.construction.models import (
    ChangeRequest,
    ConstructionSuspension,
    Incident,
    MilestoneActual,
    MonitoringReport,
    MonitoringValue,
    Payment,
    RectificationOrder,
    RiskAssessment,
    SupervisionAppointment,
    SupervisionPoolEntry,
    SupervisionReport,
)
from itgov.core.dates import local_today
from itgov.projects.models import Project
from tests.construction_world import construction_maker, pool_entry
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert", "anon"]
BUREAUS = ("drc", "finance", "audit", "cyber", "gov")
UNSEEN = ("health", "admin", "expert")  # who does not see an edu project of construction_maker (404)
DENIAL_EVENTS = {"access.denied", "rule.refused"}
WATCHED = (SupervisionPoolEntry, SupervisionAppointment, SupervisionReport, MonitoringReport, MonitoringValue,
           MilestoneActual, RiskAssessment, ChangeRequest, Incident, RectificationOrder, ConstructionSuspension,
           Payment)
PLUS_999 = "1264885.00"  # the approved estimate 1,150,000.00 + 9.99 %
PLUS_10 = "1265000.00"  # + exactly 10 %


def table(default: int, **statuses: int) -> dict[str, int]:
    """role → expected status: `default` for the roles not named, 302 (to sign in) for anonymous."""
    return {role: statuses.get(role, 302 if role == "anon" else default) for role in ROLES}


def of(roles, status: int) -> dict[str, int]:
    return dict.fromkeys(roles, status)


def business_events() -> int:
    return AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count()


def state(project=None) -> tuple:
    counts = tuple(model.objects.count() for model in WATCHED)
    if project is None:
        return counts
    fresh = Project.objects.get(pk=project.pk)
    return fresh.status, fresh.version, counts


def today() -> str:
    return local_today().isoformat()


def html_of(response) -> str:
    return response.content.decode()


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{re.escape(field)}">(.*?)</div>\s*</div>', html, re.S)
    return match.group(1) if match else ""


def forms_on(html: str) -> set[str]:
    return set(re.findall(r'data-testid="([a-z-]+)-form"', html))


def post_all(client_for, url: str, data, expected: dict[str, int], project=None, last=()) -> dict[str, int]:
    """POST as every role, the roles in `last` last and in that order, the others first; a role whose expected
    status is not a success (302) must change nothing and write no business audit event."""
    got = {}
    order = [r for r in ROLES if r not in last] + list(last)
    for role in order:
        client = client_for(role)  # signing in is audited: before the count
        before = state(project), business_events()
        got[role] = client.post(url, data() if callable(data) else data).status_code
        if expected[role] != 302 or role == "anon":
            assert (state(project), business_events()) == before, role
    return got


@pytest.fixture
def make(district):
    return construction_maker(district)


@pytest.fixture
def building(make):
    return make("in_construction")


MET = {"建设子系统数量": "3", "办件平均时长缩短": "30", "用户满意度": "90"}  # the approval's targets, met exactly


def monitoring_post(world, **overrides) -> dict:
    """The monitoring form with each target of the approval met exactly (a row per target, in the baseline's
    order)."""
    data = {"period_end": today(), "completion": "40", "forecast_cost": "1150000.00", "summary": "按计划推进"}
    for i, target in enumerate(world.baseline.performance_targets):
        data.update({f"v{i}-actual": MET[target["indicator"]], f"v{i}-achieved": "", f"v{i}-cause": ""})
    return {**data, **overrides}


def target_row(baseline, indicator: str) -> int:
    return next(i for i, t in enumerate(baseline.performance_targets) if t["indicator"] == indicator)


def submitted_change(world, estimate: str = PLUS_999) -> ChangeRequest:
    return services.change_submit(actor=world.owner, project=world.project, data={
        "kinds": ["estimate"], "description": "增加数据治理模块", "reason": "业务需求扩大", "proposed_estimate": estimate})


def reported_incident(world) -> Incident:
    return services.incident_report(actor=world.owner, project=world.project, data={
        "kind": "serious_delay", "description": "主体工程延误三个月"})


def ordered(district, world, by: str = "drc") -> RectificationOrder:
    return services.rectification_order(actor=district.users[by], project=world.project, data={
        "requirements": "一个月内完成整改并报告", "deadline": (local_today() + dt.timedelta(days=30)).isoformat()})


def suspended(district, world) -> Project:
    return services.construction_suspend(actor=district.users["drc"], project=world.project,
                                         data={"reason": "投资重大损失,暂停建设"})


# --- the construction page: the sections and who is offered which form --------------------------------------


def test_the_page_shows_each_role_its_control_forms(client_for, building):
    url = f"/projects/{building.project.pk}/construction/"
    assert {role: client_for(role).get(url).status_code for role in ROLES} == table(200, **of(UNSEEN, 404))
    shown = {role: forms_on(html_of(client_for(role).get(url)))
             for role in ("edu", "drc", "finance", "supervisor", "audit", "cyber", "gov")}
    assert shown["edu"] == {"procurement", "contract", "payment", "monitoring", "milestone", "change", "incident",
                            "trial"}
    assert shown["drc"] == {"risk", "order", "suspend"}
    assert shown["finance"] == {"payment", "order", "suspend"}
    assert shown["supervisor"] == {"supervision-report"}
    assert shown["audit"] == shown["cyber"] == shown["gov"] == set()
    html = html_of(client_for("audit").get(url))
    for testid in ("risk", "supervision", "monitoring", "milestones", "changes", "incidents", "section-nav"):
        assert f'data-testid="{testid}"' in html, testid
    assert 'data-testid="supervisor-firm">某监理公司' in html and 'data-testid="supervision-fee">5.00' in html
    assert 'data-testid="estimate-in-force">115.00 万元' in html
    assert 'data-testid="end-date-in-force">2027-12-31' in html
    assert html.count('data-testid="milestone-state">未到期') == 2
    assert 'data-testid="no-deviations"' in html


def test_the_monitoring_form_has_one_row_per_approved_target(client_for, building):
    html = html_of(client_for("edu").get(f"/projects/{building.project.pk}/construction/"))
    rows = re.findall(r'data-target-row="(\d+)"', html)
    assert rows == [str(i) for i in range(len(building.baseline.performance_targets))] and len(rows) == 3
    for target in building.baseline.performance_targets:
        assert target["indicator"] in html
    assert 'name="v0-actual"' in html and 'name="v2-cause"' in html and 'name="v1-achieved"' in html


def test_an_unsupervised_project_offers_the_owner_this_years_pool(client_for, make, district):
    world = make("budgeted", supervised=False)
    entry = pool_entry(district, local_today().year)
    url = f"/projects/{world.project.pk}/construction/"
    html = html_of(client_for("edu").get(url))
    assert "appoint" in forms_on(html) and 'data-testid="supervision-needed"' in html and "100.00 万元" in html
    assert f'<option value="{district.firm.pk}">某监理公司(信息系统工程监理甲级)</option>' in html
    assert "批复概算列支监理费 5.00 万元" in html
    assert "appoint" not in forms_on(html_of(client_for("drc").get(url)))
    # Last year's pool is not offered (art. 19: the year of the appointment).
    SupervisionPoolEntry.objects.filter(pk=entry.pk).update(year=local_today().year - 1)
    assert f'<option value="{district.firm.pk}">' not in html_of(client_for("edu").get(url))


def test_a_project_before_approval_has_no_control_sections(client_for, district):
    from tests.approvals_world import approval_maker

    world = approval_maker(district)("under_review")
    html = html_of(client_for("edu").get(f"/projects/{world.project.pk}/construction/"))
    assert 'data-testid="risk"' not in html and 'data-testid="section-nav"' not in html


# --- every control POST × every role ------------------------------------------------------------------------

SEEN = (*BUREAUS, "edu", "supervisor")


def seen(default: int = 403, **statuses: int) -> dict[str, int]:
    """The roles who see the project get `default` (no power: 403 citing the article), the others 404."""
    return table(404, **{**of(SEEN, default), **statuses})


def test_appoint_per_role(client_for, make, district):
    world = make("budgeted", supervised=False)
    pool_entry(district, local_today().year)
    data = {"firm_id": district.firm.pk, "fee": "50000.00", "appointed_on": today(), "contract_id": ""}
    # The firm does not supervise this project yet: its supervisor does not see it.
    expected = table(404, **of(BUREAUS, 403), edu=302)
    got = post_all(client_for, f"/projects/{world.project.pk}/construction/supervision/", data, expected,
                   world.project, last=("edu",))
    assert got == expected
    assert SupervisionAppointment.objects.get(project=world.project).firm == district.firm


def test_supervision_report_per_role(client_for, building):
    data = {"period_start": (local_today() - dt.timedelta(days=30)).isoformat(), "period_end": today(),
            "progress": "完成需求调研", "quality": "符合要求", "issues_found": "", "recommendations": ""}
    expected = seen(supervisor=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/supervision/reports/", data,
                   expected, building.project)
    assert got == expected
    assert SupervisionReport.objects.get().filed_by.username == "supervisor"


def test_monitoring_per_role(client_for, building):
    expected = seen(edu=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/monitoring/",
                   monitoring_post(building), expected, building.project)
    assert got == expected
    values = MonitoringReport.objects.get().values.order_by("position")
    targets = building.baseline.performance_targets
    assert [(v.indicator, v.actual, v.deviation, v.beyond) for v in values] == [
        (t["indicator"], MET[t["indicator"]], Decimal("0.0000"), False) for t in targets]


def test_milestone_per_role(client_for, building):
    milestone = building.baseline.application.milestones.order_by("due_date").first()
    expected = seen(edu=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/milestones/{milestone.pk}/",
                   {"actual_date": today(), "note": "提前完成"}, expected, building.project)
    assert got == expected
    assert MilestoneActual.objects.get().milestone == milestone


def test_risk_per_role(client_for, building):
    expected = seen(drc=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/risk/",
                   {"score": "2", "comment": "进度风险较大"}, expected, building.project)
    assert got == expected
    assert RiskAssessment.objects.get().score == 2


def test_change_per_role(client_for, building):
    data = {"kinds": ["estimate"], "description": "增加数据治理模块", "reason": "业务需求扩大",
            "proposed_estimate": PLUS_999, "proposed_end_date": ""}
    expected = seen(edu=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/changes/", data, expected,
                   building.project)
    assert got == expected
    change = ChangeRequest.objects.get()
    assert (change.classification, change.status, change.increase_ratio) == ("procedure", "submitted",
                                                                              Decimal("0.099900"))


def test_decide_per_role(client_for, building):
    change = submitted_change(building)
    expected = seen(drc=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/changes/{change.pk}/decide/",
                   lambda: {"decision": "approve", "reason": "同意", "version": ChangeRequest.objects.get(
                       pk=change.pk).version}, expected, building.project)
    assert got == expected
    assert ChangeRequest.objects.get(pk=change.pk).status == "approved"


def test_incident_per_role(client_for, building):
    expected = seen(edu=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/incidents/",
                   {"kind": "major_loss", "description": "设备损毁"}, expected, building.project)
    assert got == expected
    assert Incident.objects.get().source == "unit"


def test_dismiss_per_role(client_for, building):
    incident = reported_incident(building)
    # Finance has the power too; after DRC it finds the incident handled (409).
    expected = seen(drc=302, finance=409)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/incidents/{incident.pk}/dismiss/",
                   {"reason": "属正常工期调整"}, expected, building.project, last=("drc", "finance"))
    assert got == expected
    assert Incident.objects.get().status == "dismissed"


def test_order_per_role(client_for, building):
    data = {"requirements": "限期整改", "deadline": (local_today() + dt.timedelta(days=1)).isoformat(),
            "incident_id": ""}
    expected = seen(drc=302, finance=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/rectifications/", data, expected,
                   building.project, last=("drc", "finance"))
    assert got == expected
    assert sorted(o.ordered_by.username for o in RectificationOrder.objects.all()) == ["drc", "finance"]


def test_respond_per_role(client_for, district, building):
    order = ordered(district, building)
    expected = seen(edu=302)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/rectifications/{order.pk}/respond/",
                   lambda: {"response": "已整改", "version": RectificationOrder.objects.get(pk=order.pk).version},
                   expected, building.project)
    assert got == expected
    assert RectificationOrder.objects.get().status == "submitted"


def test_review_per_role(client_for, district, building):
    order = ordered(district, building)
    services.rectification_respond(actor=building.owner, project=building.project, order=order,
                                   data={"response": "已整改"})
    expected = seen(drc=302, finance=409)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/rectifications/{order.pk}/review/",
                   {"accept": "true", "note": "整改到位"}, expected, building.project, last=("drc", "finance"))
    assert got == expected
    assert RectificationOrder.objects.get().status == "closed"


def test_suspend_per_role(client_for, building):
    expected = seen(drc=302, finance=409)  # Finance has the power; the project is then suspended already
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/suspend/",
                   {"reason": "投资重大损失", "incident_id": ""}, expected, building.project, last=("drc", "finance"))
    assert got == expected
    assert Project.objects.get(pk=building.project.pk).status == "suspended"


def test_resume_per_role(client_for, district, building):
    suspended(district, building)
    expected = seen(drc=302, finance=409)
    got = post_all(client_for, f"/projects/{building.project.pk}/construction/resume/", {"reason": "整改完成"},
                   expected, building.project, last=("drc", "finance"))
    assert got == expected
    assert Project.objects.get(pk=building.project.pk).status == "in_construction"
    assert ConstructionSuspension.objects.get().resume_reason == "整改完成"


def test_finance_suspends_too(client_for, building):
    response = client_for("finance").post(f"/projects/{building.project.pk}/construction/suspend/",
                                          {"reason": "资金使用违规"})
    assert response.status_code == 302
    assert ConstructionSuspension.objects.get().suspended_by.username == "finance"


@pytest.mark.parametrize(("role", "path", "data", "article"), [
    ("finance", "changes/{change}/decide/", {"decision": "approve", "reason": "同意"}, "第二十条"),
    ("edu", "risk/", {"score": "3", "comment": "自评"}, "第十九条"),
    ("edu", "suspend/", {"reason": "自行暂停"}, "第二十一条"),
    ("drc", "incidents/", {"kind": "other", "description": "代报"}, "第二十一条"),
    ("drc", "supervision/reports/", {"period_start": "2026-01-01", "period_end": "2026-02-01", "progress": "x",
                                     "quality": "y"}, "第十九条"),
])
def test_a_refused_power_cites_its_article(role, path, data, article, client_for, building):
    change = submitted_change(building)
    before = state(building.project)
    url = f"/projects/{building.project.pk}/construction/{path.format(change=change.pk)}"
    response = client_for(role).post(url, data)
    assert response.status_code == 403 and article in html_of(response)
    assert state(building.project) == before
    assert AuditEvent.objects.filter(event_type="access.denied").exists()


def test_a_record_of_another_project_is_404(client_for, make, district):
    first, second = make("in_construction"), make("in_construction")
    change, incident, order = submitted_change(first), reported_incident(first), ordered(district, first)
    milestone = first.baseline.application.milestones.first()
    base = f"/projects/{second.project.pk}/construction"
    assert client_for("drc").post(f"{base}/changes/{change.pk}/decide/", {"decision": "approve",
                                                                          "reason": "x"}).status_code == 404
    assert client_for("drc").post(f"{base}/incidents/{incident.pk}/dismiss/", {"reason": "x"}).status_code == 404
    edu = client_for("edu")
    assert edu.post(f"{base}/rectifications/{order.pk}/respond/", {"response": "x"}).status_code == 404
    assert edu.post(f"{base}/milestones/{milestone.pk}/", {"actual_date": today()}).status_code == 404
    assert client_for("drc").post(f"{base}/changes/99999999/decide/", {}).status_code == 404
    assert ChangeRequest.objects.get().status == "submitted" and Incident.objects.get().status == "open"


@pytest.mark.parametrize("path", ["supervision/", "monitoring/", "risk/", "changes/", "suspend/", "resume/"])
def test_the_posts_take_no_get(path, client_for, building):
    assert client_for("edu").get(f"/projects/{building.project.pk}/construction/{path}").status_code == 405


# --- refusals re-render the page with the input kept --------------------------------------------------------


def test_a_change_of_exactly_ten_percent_goes_back_to_initiation_and_one_below_to_drc(client_for, make):
    below, exact = make("in_construction"), make("in_construction")
    data = {"kinds": ["estimate"], "description": "扩容", "reason": "用户增加", "proposed_end_date": ""}
    client = client_for("edu")
    response = client.post(f"/projects/{below.project.pk}/construction/changes/", {**data, "proposed_estimate":
                                                                                   PLUS_999}, follow=True)
    html = html_of(response)
    assert "已提交第1号变更申请,待区发改委(大数据局)审批" in html
    assert 'data-testid="change-status">待区发改委(大数据局)审批' in html and 'data-testid="change-ratio">9.99%' in html
    assert 'data-testid="change-class">变更手续' in html and 'data-flag="open_change"' in html
    assert "第1号变更申请尚未批准(待区发改委(大数据局)审批)" in html  # an unapproved deviation (art. 20)
    assert Project.objects.get(pk=below.project.pk).status == "in_construction"

    response = client.post(f"/projects/{exact.project.pk}/construction/changes/", {**data, "proposed_estimate":
                                                                                   PLUS_10}, follow=True)
    html = html_of(response)
    assert "较核定概算增加10.00%,须重新立项" in html
    assert 'data-testid="change-class">重新立项' in html and 'data-testid="change-status">转重新立项' in html
    assert Project.objects.get(pk=exact.project.pk).status == "planned"
    assert "change" not in forms_on(html)  # a planned project asks no change


def test_drc_approves_a_change_and_the_estimate_in_force_follows(client_for, building):
    change = submitted_change(building)
    url = f"/projects/{building.project.pk}/construction/"
    drc = html_of(client_for("drc").get(url))
    assert f'data-testid="decide-form" data-record="{change.pk}"' in drc
    assert "decide" not in forms_on(html_of(client_for("finance").get(url)))
    response = client_for("drc").post(f"{url}changes/{change.pk}/decide/", {
        "decision": "approve", "reason": "同意扩容", "version": change.version}, follow=True)
    html = html_of(response)
    assert "已批准第1号变更申请" in html and 'data-testid="change-status">已批准' in html
    assert "126.49 万元" in html and "批复 115.00 万元,经批准变更" in html
    assert "decide" not in forms_on(html) and 'data-testid="no-deviations"' in html


def test_a_stale_decision_is_409_and_a_malformed_version_400(client_for, building):
    change = submitted_change(building)
    url = f"/projects/{building.project.pk}/construction/changes/{change.pk}/decide/"
    response = client_for("drc").post(url, {"decision": "approve", "reason": "同意", "version": change.version + 5})
    html = html_of(response)
    assert response.status_code == 409 and 'data-status="409"' in html and "已被他人处理" in html
    assert f'id="decide-{change.pk}-form"' in html and "同意</textarea>" in html  # the input kept
    response = client_for("drc").post(url, {"decision": "approve", "reason": "同意", "version": "abc"})
    assert response.status_code == 400 and "版本号无效" in html_of(response)
    response = client_for("drc").post(url, {"decision": "maybe", "reason": "", "version": change.version})
    html = html_of(response)
    assert response.status_code == 400 and "必填" in field_errors(html, "reason")
    assert 'data-testid="error-decision">须为 approve 或 refuse' in html
    assert ChangeRequest.objects.get().status == "submitted"


def test_a_decision_on_a_change_no_longer_open_shows_the_conflict_at_the_top(client_for, district, building):
    change = submitted_change(building)
    services.change_decide(actor=district.users["drc"], project=building.project, change=change,
                           data={"decision": "refuse", "reason": "依据不足"})
    response = client_for("drc").post(f"/projects/{building.project.pk}/construction/changes/{change.pk}/decide/",
                                      {"decision": "approve", "reason": "同意"})
    html = html_of(response)
    assert response.status_code == 409
    assert re.search(r'data-testid="other-errors">.*?data-status="409".*?不能审批', html, re.S)
    assert ChangeRequest.objects.get().status == "refused"


def test_bad_change_input_is_400_on_the_fields_with_the_input_kept(client_for, building):
    response = client_for("edu").post(f"/projects/{building.project.pk}/construction/changes/", {
        "kinds": ["estimate", "teleport"], "description": "扩容说明", "reason": "", "proposed_estimate": "",
        "proposed_end_date": "2027-13-01"})
    html = html_of(response)
    assert response.status_code == 400
    assert "不是可选的变更事项" in field_errors(html, "kinds") and "必填" in field_errors(html, "reason")
    assert "日期格式" in field_errors(html, "proposed_end_date")
    assert "扩容说明</textarea>" in html
    assert not ChangeRequest.objects.exists()


def test_a_second_change_while_one_is_open_is_refused_with_article_20(client_for, building):
    submitted_change(building)
    response = client_for("edu").post(f"/projects/{building.project.pk}/construction/changes/", {
        "kinds": ["schedule"], "description": "延期两个月", "reason": "招标延误", "proposed_end_date": "2028-02-29"})
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第二十条' in html
    assert "延期两个月</textarea>" in html and 'value="2028-02-29"' in html
    assert re.search(r'value="schedule"[^>]*checked', html)
    assert not re.search(r'value="estimate"[^>]*checked', html)
    assert 'data-testid="open-change"' in html
    assert ChangeRequest.objects.count() == 1


def test_a_deviation_without_its_cause_is_refused_with_article_19_on_its_row(client_for, building):
    url = f"/projects/{building.project.pk}/construction/monitoring/"
    row = target_row(building.baseline, "建设子系统数量")
    # The 2021 profile sets no tolerance: any deviation needs its cause (art. 19).
    response = client_for("edu").post(url, monitoring_post(building, **{f"v{row}-actual": "2", "summary": "进度滞后"}))
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第十九条' in html
    assert "偏差超出容差,须分析原因" in html and f'data-testid="error-v{row}-cause"' in html
    assert f'name="v{row}-actual" value="2"' in html and "进度滞后</textarea>" in html
    assert not MonitoringReport.objects.exists()
    data = monitoring_post(building, **{f"v{row}-actual": "2", f"v{row}-cause": "一个子系统合并"})
    response = client_for("edu").post(url, data, follow=True)
    html = html_of(response)
    assert "已报送绩效监控报告" in html and 'data-testid="value-beyond"' in html and "-33.33%" in html


def test_bad_monitoring_input_is_400_on_the_form_and_the_rows(client_for, building):
    url = f"/projects/{building.project.pk}/construction/monitoring/"
    response = client_for("edu").post(url, monitoring_post(building, completion="101"))
    html = html_of(response)
    assert response.status_code == 400 and "须为0至100的整数" in field_errors(html, "completion")
    assert 'value="101"' in html
    response = client_for("edu").post(url, monitoring_post(building, **{"v1-actual": "", "v1-cause": "未统计"}))
    html = html_of(response)
    assert response.status_code == 400 and re.search(r'data-testid="error-v1-actual"><div>必填', html)
    assert "未统计</textarea>" in html
    assert not MonitoringReport.objects.exists()


def test_a_supervision_fee_beyond_the_estimates_part_is_refused_with_article_19(client_for, make, district):
    world = make("budgeted", supervised=False)
    pool_entry(district, local_today().year)
    response = client_for("edu").post(f"/projects/{world.project.pk}/construction/supervision/", {
        "firm_id": district.firm.pk, "fee": "50000.01", "appointed_on": today()})
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第十九条' in html
    assert "超出概算列支的监理费" in field_errors(html, "fee") and 'value="50000.01"' in html
    assert not SupervisionAppointment.objects.exists()


def test_an_empty_reason_to_suspend_is_400_and_the_form_opens(client_for, building):
    response = client_for("drc").post(f"/projects/{building.project.pk}/construction/suspend/", {"reason": " "})
    html = html_of(response)
    assert response.status_code == 400 and "必填" in field_errors(html, "reason")
    assert re.search(r'<details open data-testid="suspend-toggle">', html)
    assert Project.objects.get(pk=building.project.pk).status == "in_construction"


def test_a_deadline_of_today_is_400(client_for, building):
    response = client_for("drc").post(f"/projects/{building.project.pk}/construction/rectifications/",
                                      {"requirements": "整改", "deadline": today()})
    assert response.status_code == 400 and "整改期限须晚于今天" in field_errors(html_of(response), "deadline")
    assert not RectificationOrder.objects.exists()


def test_a_milestone_recorded_is_done_with_its_slip(client_for, building):
    milestone = building.baseline.application.milestones.order_by("due_date").first()
    url = f"/projects/{building.project.pk}/construction/"
    response = client_for("edu").post(f"{url}milestones/{milestone.pk}/", {"actual_date": today(), "note": "提前"},
                                      follow=True)
    html = html_of(response)
    row = html.split(f'<tr data-milestone="{milestone.pk}">')[1].split("</tr>")[0]
    assert 'data-testid="milestone-state">已完成' in row and f'data-testid="milestone-actual">{today()}' in row
    assert f'data-testid="milestone-slip">{(local_today() - milestone.due_date).days}<' in row
    assert f'data-record="{milestone.pk}"' not in html  # recorded once
    response = client_for("edu").post(f"{url}milestones/{milestone.pk}/", {"actual_date": today()})
    assert response.status_code == 409 and "已登记完成日期" in html_of(response)
    response = client_for("edu").post(f"{url}milestones/{milestone.pk + 1}/", {"actual_date": "2999-01-01"})
    assert response.status_code == 400 and "日期须在2000年至2100年之间" in html_of(response)
    assert MilestoneActual.objects.count() == 1


def test_a_rectification_sent_back_is_answered_again_and_a_stale_answer_is_409(client_for, district, building):
    order = ordered(district, building)
    url = f"/projects/{building.project.pk}/construction/rectifications/{order.pk}/"
    assert client_for("edu").post(f"{url}respond/", {"response": "已整改", "version": 1}).status_code == 302
    response = client_for("finance").post(f"{url}review/", {"accept": "false", "note": "日志仍不完整",
                                                             "version": 2}, follow=True)
    html = html_of(response)
    assert "已退回继续整改" in html and 'data-testid="order-status">整改中' in html and "日志仍不完整" in html
    assert "respond" in forms_on(html_of(client_for("edu").get(f"/projects/{building.project.pk}/construction/")))
    response = client_for("edu").post(f"{url}respond/", {"response": "再次整改", "version": 2})
    html = html_of(response)
    assert response.status_code == 409 and "已被他人处理" in html and "再次整改</textarea>" in html
    assert RectificationOrder.objects.get().status == "ordered"


# --- a suspended project ------------------------------------------------------------------------------------


def test_a_suspended_project_can_only_rectify(client_for, district, building):
    order = ordered(district, building)
    suspended(district, building)
    url = f"/projects/{building.project.pk}/construction/"
    html = html_of(client_for("edu").get(url))
    assert 'data-testid="construction-status">暂停建设' in html and 'data-testid="suspended-banner"' in html
    assert "投资重大损失,暂停建设" in html
    assert forms_on(html) == {"respond", "incident"}
    drc = html_of(client_for("drc").get(url))
    assert "resume" in forms_on(drc) and "suspend" not in forms_on(drc)
    response = client_for("edu").post(f"{url}payments/", {"amount": "1000.00", "paid_on": today(),
                                                          "purpose": "进度款"})
    html = html_of(response)
    assert response.status_code == 422  # the form is not offered: the refusal is shown at the top
    assert re.search(r'data-testid="other-errors">.*?data-testid="error-article">第二十一条', html, re.S)
    assert not Payment.objects.exists()
    response = client_for("edu").post(f"{url}rectifications/{order.pk}/respond/", {
        "response": "已整改到位", "version": order.version})
    assert response.status_code == 302
    assert RectificationOrder.objects.get().status == "submitted"


def test_a_system_proposed_incident_is_shown_and_can_be_dismissed(client_for, district_settings, building):
    # A forecast 10 % over the estimate: the cost threshold of the district's settings (art. 21).
    response = client_for("edu").post(f"/projects/{building.project.pk}/construction/monitoring/",
                                      monitoring_post(building, forecast_cost="1265000.00"))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.source == "system"
    url = f"/projects/{building.project.pk}/construction/"
    html = html_of(client_for("finance").get(url))
    assert 'data-testid="incident-source">系统预警' in html and 'data-flag="incident_open"' in html
    assert f'<option value="{incident.pk}">投资重大损失' in html  # offered to the order and suspend forms
    assert html.count(f'data-testid="dismiss-form" id="dismiss-{incident.pk}-form"') == 1
    response = client_for("finance").post(f"{url}incidents/{incident.pk}/dismiss/", {"reason": "预测偏高"},
                                          follow=True)
    assert 'data-testid="incident-status">未予立案' in html_of(response)


def test_an_overdue_rectification_is_marked(client_for, district, building):
    order = ordered(district, building)
    RectificationOrder.objects.filter(pk=order.pk).update(deadline=local_today() - dt.timedelta(days=1))
    html = html_of(client_for("audit").get(f"/projects/{building.project.pk}/construction/"))
    assert 'data-testid="order-overdue">已逾期' in html


def test_monitoring_due_and_overdue(client_for, district, district_settings, building):
    from itgov.core.dates import add_months

    url = f"/projects/{building.project.pk}/construction/"
    html = html_of(client_for("drc").get(url))
    assert 'data-testid="monitoring-on-time"' in html and "每 3 个月报送一次" in html
    started = local_today() - dt.timedelta(days=200)
    Project.objects.filter(pk=building.project.pk).update(construction_started_at=dt.datetime.combine(
        started, dt.time(12), tzinfo=dt.UTC))
    html = html_of(client_for("drc").get(url))
    assert 'data-testid="monitoring-overdue">已逾期' in html
    assert f'data-testid="monitoring-due-date">{add_months(started, 3).isoformat()}' in html


# --- the list: risk, flags, sort, suspended -----------------------------------------------------------------


def rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-project="(\d+)"', html)]


def test_the_list_shows_risk_and_flags_sorts_by_risk_and_has_a_suspended_tab(client_for, district, make):
    low, high, stopped = (make("in_construction") for _ in range(3))
    unrated = make("budgeted")  # not started: rated from the start of construction on
    services.risk_assess(actor=district.users["drc"], project=low.project, data={"score": 5, "comment": "良好"})
    services.risk_assess(actor=district.users["drc"], project=high.project, data={"score": 1, "comment": "严重滞后"})
    submitted_change(high)
    suspended(district, stopped)
    client = client_for("drc")
    html = html_of(client.get("/construction/"))
    row = html.split(f'data-project="{high.project.pk}"')[1].split("</tr>")[0]
    assert 'data-testid="row-level">高风险' in row and 'data-testid="row-overall">1.00' in row
    assert '<span class="badge text-bg-light border me-1" data-flag="open_change">变更未批准</span>' in row
    row = html.split(f'data-project="{unrated.project.pk}"')[1].split("</tr>")[0]
    assert "未评级" in row
    riskiest = rows(html_of(client.get("/construction/?sort=risk")))
    safest = rows(html_of(client.get("/construction/?sort=-risk")))
    # stopped (suspended: rated 5.00 from its schedule alone) and low (5.00) tie; unrated last either way.
    assert riskiest[0] == high.project.pk and riskiest[-1] == unrated.project.pk
    assert safest[-2:] == [high.project.pk, unrated.project.pk]
    assert 'aria-sort="ascending"' in html_of(client.get("/construction/?sort=risk"))
    assert 'href="?status=&amp;sort=-risk"' in html_of(client.get("/construction/?sort=risk"))
    tab = html_of(client.get("/construction/?status=suspended&sort=risk", HTTP_HX_REQUEST="true"))
    assert rows(tab) == [stopped.project.pk] and "<html" not in tab
    assert 'data-status="suspended" aria-current="page">暂停建设 <span class="badge rounded-pill' in tab
    assert 'href="?status=in_construction&amp;sort=risk"' in tab  # the tabs keep the sort
    assert 'data-flag="suspended">暂停建设' in tab
    assert rows(html_of(client.get("/construction/?sort=bogus"))) == rows(html)


def test_a_supervisor_lists_only_the_projects_it_supervises(client_for, make):
    supervised, other = make("in_construction"), make("budgeted", supervised=False)
    html = html_of(client_for("supervisor").get("/construction/"))
    assert rows(html) == [supervised.project.pk]
    assert 'data-testid="pool-link"' not in html  # the pool is for the bureaus and the owner units
    assert client_for("supervisor").get(f"/projects/{other.project.pk}/construction/").status_code == 404


# --- the yearly pool of supervision firms -------------------------------------------------------------------


def test_pool_page_per_role(client_for, district):
    pool_entry(district, local_today().year)
    got = {role: client_for(role).get("/construction/pool/").status_code for role in ROLES}
    assert got == table(200, admin=403, supervisor=403, expert=403)
    drc = html_of(client_for("drc").get("/construction/pool/"))
    assert 'data-testid="pool-form"' in drc and 'data-testid="remove-form"' in drc
    for role in ("edu", "finance", "audit"):
        html = html_of(client_for(role).get("/construction/pool/"))
        assert "某监理公司" in html
        assert 'data-testid="pool-form"' not in html and 'data-testid="remove-form"' not in html


def test_pool_counts_against_the_profiles_size(client_for, district):
    year = local_today().year
    client = client_for("drc")
    html = html_of(client.get("/construction/pool/"))
    assert 'data-testid="pool-count">0 家 / 2–3' in html and 'data-testid="pool-below"' in html
    assert 'data-testid="pool-empty"' in html
    pool_entry(district, year)
    pool_entry(district, year, UnitFactory(code="firm2", name="第二监理公司", kind="supervision_firm"))
    html = html_of(client.get("/construction/pool/"))
    assert 'data-testid="pool-count">2 家 / 2–3' in html and 'data-testid="pool-below"' not in html
    assert "第二监理公司" in html
    next_year = html_of(client.get(f"/construction/pool/?year={year + 1}"))
    assert f"{year + 1}年度监理单位" in next_year and 'data-testid="pool-empty"' in next_year
    for bogus in ("abc", "1999", "99999999999999999999"):
        assert f"{year}年度监理单位" in html_of(client.get(f"/construction/pool/?year={bogus}"))


def test_pool_add_per_role(client_for, district):
    year = local_today().year
    data = {"year": str(year), "firm_id": str(district.firm.pk), "qualification": "信息系统工程监理甲级",
            "certificate_number": "JL-01", "valid_until": f"{year + 1}-12-31"}
    expected = table(403, drc=302)
    got = post_all(client_for, "/construction/pool/add/", data, expected, last=("drc",))
    assert got == expected
    assert SupervisionPoolEntry.objects.get().firm == district.firm
    response = client_for("edu").post("/construction/pool/add/", data)
    assert "第十九条" in html_of(response)


def test_pool_remove_per_role(client_for, district):
    entry = pool_entry(district, local_today().year)
    expected = table(403, drc=302)
    got = post_all(client_for, f"/construction/pool/{entry.pk}/remove/", {}, expected, last=("drc",))
    assert got == expected
    assert not SupervisionPoolEntry.objects.exists()
    assert client_for("drc").post(f"/construction/pool/{entry.pk}/remove/").status_code == 404


def test_pool_refusals_keep_the_input(client_for, district):
    year = local_today().year
    client = client_for("drc")
    firms = [UnitFactory(code=f"jl{i}", name=f"监理公司{i}", kind="supervision_firm") for i in range(4)]
    for firm in firms[:3]:
        pool_entry(district, year, firm)
    data = {"year": str(year), "firm_id": str(firms[3].pk), "qualification": "甲级", "certificate_number": "JL-99",
            "valid_until": f"{year + 1}-12-31"}
    response = client.post("/construction/pool/add/", data)
    html = html_of(response)
    assert response.status_code == 422 and 'data-testid="error-article">第十九条' in html
    assert "已达上限" in field_errors(html, "firm_id") and 'value="JL-99"' in html
    response = client.post("/construction/pool/add/", {**data, "firm_id": str(firms[0].pk)})
    assert response.status_code == 409 and "已在" in html_of(response)
    response = client.post("/construction/pool/add/", {**data, "valid_until": "someday", "qualification": ""})
    html = html_of(response)
    assert response.status_code == 400 and "必填" in field_errors(html, "qualification")
    assert SupervisionPoolEntry.objects.count() == 3


def test_a_firm_with_an_appointment_stays_in_the_pool(client_for, make):
    world = make("in_construction")
    entry = world.project.supervision.pool_entry
    html = html_of(client_for("drc").get("/construction/pool/"))
    assert f'<tr data-entry="{entry.pk}">' in html and 'data-testid="remove-form"' not in html
    response = client_for("drc").post(f"/construction/pool/{entry.pk}/remove/")
    assert response.status_code == 409 and "不能移出" in html_of(response)
    assert SupervisionPoolEntry.objects.filter(pk=entry.pk).exists()


def test_the_pool_is_reached_from_the_navigation(client_for, district):
    html = html_of(client_for("edu").get("/construction/"))
    assert re.search(r'href="/construction/pool/" data-testid="pool-link"', html)
    html = html_of(client_for("edu").get("/construction/pool/"))
    assert re.search(r'class="nav-link active" href="/construction/" data-nav="construction"', html)


# --- queries ------------------------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def records(district, world, n: int) -> None:
    """`n` of each control record of the project (rows written directly: the count is what matters)."""
    from django.utils import timezone

    project, drc, edu = world.project, district.users["drc"], district.users["edu"]
    baseline = current_baseline(project)
    start = ChangeRequest.objects.filter(project=project).count()
    for i in range(n):
        day = local_today() - dt.timedelta(days=400 + 30 * start + i)
        SupervisionReport.objects.create(project=project, firm=district.firm, period_start=day, period_end=day,
                                         progress="p", quality="q", filed_by=district.users["supervisor"])
        report = MonitoringReport.objects.create(project=project, baseline=baseline, period_end=day,
                                                 completion=10, forecast_cost=Decimal("1150000.00"), summary="s",
                                                 submitted_by=edu)
        for position, target in enumerate(baseline.performance_targets):
            MonitoringValue.objects.create(report=report, position=position, category=target["category"],
                                           indicator=target["indicator"], target=target["target"], actual="1")
        ChangeRequest.objects.create(project=project, number=start + i + 1, baseline=baseline, kinds=["content"],
                                     description="d", reason="r", classification="procedure", status="refused",
                                     submitted_by=edu, decided_by=drc)
        incident = Incident.objects.create(project=project, kind="other", source="unit", description="d",
                                           status="rectifying", reported_by=edu)
        RectificationOrder.objects.create(project=project, incident=incident, requirements="r", deadline=day,
                                          ordered_by=drc, status="submitted", response="done", responded_by=edu)
        ConstructionSuspension.objects.create(project=project, incident=incident, reason="r",
                                              suspended_at=timezone.now(), suspended_by=drc,
                                              resumed_at=timezone.now(), resumed_by=drc, resume_reason="ok")
        RiskAssessment.objects.create(project=project, score=3, comment="c", assessed_by=drc)


@pytest.mark.parametrize("role", ["edu", "drc", "supervisor"])
def test_the_project_page_queries_do_not_grow_with_the_records(role, client_for, district, building):
    client, url = client_for(role), f"/projects/{building.project.pk}/construction/"
    records(district, building, 2)
    client.get(url)
    small = count_queries(client, url)
    records(district, building, 15)
    large = count_queries(client, url)
    assert small == large and large <= 50
    html = html_of(client.get(url))
    assert html.count('data-testid="monitoring-report"') == 17 and html.count("data-suspension=") == 17


@pytest.mark.parametrize("role", ["drc", "supervisor"])
def test_the_list_queries_do_not_grow_with_rated_projects(role, client_for, district):
    from itgov.construction.models import RiskRating
    from tests.factories import ProjectFactory

    client, entry = client_for(role), pool_entry(district, local_today().year)

    def more(n: int) -> None:
        """`n` supervised projects in construction, rated (rows written directly: the count is what matters)."""
        for _i in range(n):
            project = ProjectFactory(owner_unit=district.edu, status="in_construction")
            SupervisionAppointment.objects.create(project=project, pool_entry=entry, firm=district.firm,
                                                  fee=Decimal("50000.00"), appointed_on=local_today())
            RiskRating.objects.create(project=project, overall=Decimal("3.00"), level="medium",
                                      flags=["open_change", "monitoring_overdue"], computed_on=local_today())

    more(2)
    client.get("/construction/?sort=risk")
    small = count_queries(client, "/construction/?sort=risk")
    more(25)
    large = count_queries(client, "/construction/?sort=risk")
    assert small == large and large <= 12
    html = html_of(client.get("/construction/?sort=risk"))
    assert html.count('data-flag="monitoring_overdue"') == 20  # a full page


# --- 我的待办: the construction steps waiting for each role ---------------------------------------------------------


def todo_links(client) -> dict[str, str]:
    """label → link of the step buttons in 我的待办."""
    html = html_of(client.get("/")).split('data-testid="todo"')[1].split("</section>")[0]
    return {label.strip(): href.replace("&amp;", "&")
            for href, label in re.findall(r'<a class="btn btn-sm[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', html)}


def test_my_todo_brings_each_role_to_its_construction_step(client_for, district, make):
    # given a budgeted project, and a building one with a change waiting for DRC and a rectification ordered
    waiting, world = make("budgeted"), make("in_construction")
    submitted_change(world)
    services.rectification_order(actor=district.users["finance"], project=world.project, data={
        "requirements": "补齐监理日志", "deadline": (local_today() + dt.timedelta(days=10)).isoformat()})
    detail = f"/projects/{world.project.pk}/construction/"

    # then the owner unit is asked to start the one and answer the order of the other
    edu = todo_links(client_for("edu"))
    assert edu["开工建设"] == f"/projects/{waiting.project.pk}/construction/"
    assert edu["报送整改情况"] == detail + "#incidents"
    # DRC to decide the change; Finance nothing of the change (its order waits for the unit, not for it)
    assert todo_links(client_for("drc"))["审批变更申请"] == detail + "#changes"
    assert "审批变更申请" not in todo_links(client_for("finance"))

    # and once the unit has answered, DRC and Finance are asked to review it
    order = world.project.rectifications.get()
    services.rectification_respond(actor=world.owner, project=world.project, order=order,
                                   data={"response": "已补齐"})
    assert "报送整改情况" not in todo_links(client_for("edu"))
    assert todo_links(client_for("finance"))["审核整改情况"] == detail + "#incidents"
