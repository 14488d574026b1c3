"""The pages of the systems' security (art. 30, with art. 4 and 5) and the duplicate-build panel (art. 3, 18): 网络安全
(the board), a system's security page with its forms (filing, assessment, finding, remediation) — each × every role →
the exact status; a refused POST changes nothing and writes no business audit event, a success writes its event and
redirects (PRG); 400 on the fields with the input kept, 403 citing 第三十条, 409 on a stale version, a finding already
remediated and a classified system (第五条); the board's figures and its unit filter; the summary card of the catalogue's
system page; DRC's similarity panel; the pages' queries do not grow with the records."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itgov.audit.models import AuditEvent
from itgov.catalogue import services as catalogue_services
from itgov.catalogue.models import InformationSystem
from itgov.core.dates import add_months, local_today
from itgov.security import services
from itgov.security.models import SecurityAssessment, SecurityFinding
from itgov.web.tests.role_table import DENIAL_EVENTS, ROLES, page_failures, rolled_back, table
from itgov.web.views_security import nav_items, security_card, similar_panel

pytestmark = pytest.mark.django_db

SECURITY_SETTINGS = {"protection_assessment_interval": {"3": 12, "4": 6}, "crypto_assessment_level": 3,
                     "crypto_assessment_interval": 12, "reminder_lead_days": [30, 7, 1]}


# Columns: anon admin drc finance audit cyber gov edu health supervisor expert.
GETS = {
    "security_board":         table("302 403 200 403 200 200 403 403 403 403 403"),
    "security_system":        table("302 404 200 404 200 200 404 200 404 404 404"),
    "security_system_secret": table("302 404 404 404 404 404 404 404 404 404 404"),
}
# Each POST by every role, rolled back after each (so several roles may succeed on the same world).
POSTS = {
    "security_filing":            table("302 404 403 404 403 403 404 302 404 404 404"),
    "security_assessment":        table("302 404 403 404 403 403 404 302 404 404 404"),
    "security_finding_raise":     table("302 404 403 404 403 302 404 302 404 404 404"),
    "security_finding_remediate": table("302 404 403 404 403 403 404 302 404 404 404"),
    # A classified system (art. 5): its unit is told why (409), DRC sees it in the catalogue but holds no power (403).
    "security_filing_secret":     table("302 404 403 404 404 404 404 409 404 404 404"),
    "security_assessment_secret": table("302 404 403 404 404 404 404 409 404 404 404"),
    "security_finding_secret":    table("302 404 403 404 404 404 404 409 404 404 404"),
}


@pytest.fixture
def world(district):
    """Security settings in force today; edu's operating level-3 system (filed, a graded assessment 11 months and a
    half ago: due soon; no crypto assessment: missing) with an open finding raised by the Cyberspace Office; health's
    level-2 system; edu's classified system."""
    from types import SimpleNamespace

    from itgov.rules.models import PolicyProfile
    from itgov.rules.profiles import parameters_in_force

    today = local_today()
    jurisdiction = district.drc_unit.jurisdiction
    PolicyProfile.objects.create(jurisdiction=jurisdiction, name="测试:等级测评周期", effective_from=today,
                                 parameters={**parameters_in_force(jurisdiction, today), **SECURITY_SETTINGS})
    edu, health, cyber = district.users["edu"], district.users["health"], district.users["cyber"]
    w = SimpleNamespace(district=district, edu=edu, health=health, cyber=cyber, today=today)
    system = catalogue_services.system_register(actor=edu, data={"name": "学籍管理系统", "summary": "中小学学籍管理"})
    w.system = services.filing_record(actor=edu, system=system, data={
        "protection_level": 3, "filing_number": "32010650001-00001", "filed_on": (today - dt.timedelta(days=400)),
        "filing_authority": "南京市公安局鼓楼分局"})
    w.assessed_on = add_months(today, -12) + dt.timedelta(days=10)
    w.assessment = services.assessment_record(actor=edu, system=w.system, data={
        "kind": "graded", "assessed_on": w.assessed_on, "assessor": "江苏省信息安全测评中心", "result": "mostly",
        "score": "82.5", "report_number": "CP-2025-001", "summary": "访问控制策略不完善"})
    w.finding = services.finding_raise(actor=cyber, system=w.system, data={
        "description": "未启用登录失败处理", "severity": "high", "due_on": today + dt.timedelta(days=30)})
    health_system = catalogue_services.system_register(actor=health, data={"name": "健康档案系统", "summary": "居民健康档案"})
    w.health_system = services.filing_record(actor=health, system=health_system, data={"protection_level": 2})
    w.secret = catalogue_services.system_register(actor=edu, data={"name": "涉密办公系统", "summary": "涉密",
                                                                   "classified": True})
    return w


def url(name: str, w) -> str:
    target = {"security_board": [], "security_system_secret": [w.secret.pk],
              "security_filing_secret": [w.secret.pk], "security_assessment_secret": [w.secret.pk],
              "security_finding_secret": [w.secret.pk], "security_finding_remediate": [w.finding.pk]}
    name_of = {"security_system_secret": "security_system", **SECRET_POSTS}
    return reverse(f"web:{name_of.get(name, name)}", args=target.get(name, [w.system.pk]))


SECRET_POSTS = {"security_filing_secret": "security_filing", "security_assessment_secret": "security_assessment",
                "security_finding_secret": "security_finding_raise"}


def post_data(name: str, w) -> dict:
    version = w.secret.version if name.endswith("_secret") else InformationSystem.objects.get(pk=w.system.pk).version
    return {
        "security_filing": {"protection_level": "4", "filing_number": "32010650001-00002", "filed_on":
                            w.today.isoformat(), "filing_authority": "南京市公安局鼓楼分局", "version": version},
        "security_assessment": {"kind": "crypto", "assessed_on": w.today.isoformat(), "assessor": "某密评机构",
                                "result": "conforms", "score": "", "report_number": "MP-2026-01", "summary": ""},
        "security_finding_raise": {"description": "日志留存不足六个月", "severity": "medium",
                                   "due_on": (w.today + dt.timedelta(days=60)).isoformat(), "assessment_id": ""},
        "security_finding_remediate": {"remediated_on": w.today.isoformat(), "remediation": "已启用登录失败锁定",
                                       "version": w.finding.version},
    }[SECRET_POSTS.get(name, name)]


def state() -> tuple:
    return (list(InformationSystem.objects.order_by("pk").values("pk", "protection_level", "filing_number", "version")),
            list(SecurityAssessment.objects.order_by("pk").values_list("pk", flat=True)),
            list(SecurityFinding.objects.order_by("pk").values("pk", "remediated_on", "version")),
            AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count())


# --- who may see and do what -----------------------------------------------------------------------------------


def test_every_page_for_every_role(client_for, world):
    failures = page_failures(client_for, GETS, lambda name: url(name, world))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", list(POSTS))
def test_every_post_for_every_role(client_for, world, name):
    row = POSTS[name]
    clients = {role: client_for(role) for role in ROLES}  # signing in is audited: before the snapshots
    for role in ROLES:
        with rolled_back():
            before = state()
            response = clients[role].post(url(name, world), post_data(name, world))
            html = response.content.decode()
            assert response.status_code == row[role], (role, response.status_code, html[-600:])
            after = state()
            if row[role] == 302 and role != "anon":
                assert after[-1] > before[-1], role  # the write was audited
                assert response["Location"].startswith(reverse("web:security_system", args=[world.system.pk]))
            else:
                assert after == before, role
            if row[role] == 403:
                assert "第三十条" in html, role
            if row[role] == 409:
                assert "第五条" in html, role


def test_the_navigation_entry_by_role(client_for, district):
    keys = {role: [i["key"] for i in nav_items(district.users[role])] for role in ROLES if role != "anon"}
    assert keys == {"admin": [], "drc": ["security"], "finance": [], "audit": ["security"], "cyber": ["security"],
                    "gov": [], "edu": [], "health": [], "supervisor": [], "expert": []}
    html = client_for("cyber").get(reverse("web:security_board")).content.decode()
    assert re.search(r'class="nav-link active" href="/security/" data-nav="security" aria-current="page">', html)
    assert 'data-nav="security"' not in client_for("edu").get(reverse("web:home")).content.decode()


# --- the board -------------------------------------------------------------------------------------------------


def _overdue_finding(w):
    """A finding of health's system whose deadline has passed (written directly: the service takes only future
    deadlines)."""
    return SecurityFinding.objects.create(system=w.health_system, description="弱口令", severity="low",
                                          due_on=w.today - dt.timedelta(days=3), raised_by=w.cyber)


def test_the_board_shows_units_levels_due_systems_and_findings(client_for, world):
    overdue = _overdue_finding(world)
    response = client_for("cyber").get(reverse("web:security_board"))
    html = response.content.decode()
    assert response.status_code == 200
    rows = dict(re.findall(r'data-unit="(\d+)" data-testid="unit-row".*?data-col="systems">(\d+)<', html, re.S))
    assert rows == {str(world.district.edu.pk): "1", str(world.district.health.pk): "1"}
    totals = dict(re.findall(r'data-total="(\w+)">(\d+)<', html))
    assert totals == {"systems": "2", "due_soon": "1", "overdue": "0", "missing": "1", "open_findings": "2",
                      "overdue_findings": "1"}
    levels = dict(re.findall(r'data-level="(\w+)"><th[^>]*>[^<]*</th><td[^>]*>(\d+)</td>', html))
    assert levels == {"1": "0", "2": "1", "3": "1", "4": "0", "5": "0", "none": "0"}
    assert 'id="security-levels"' in html and 'data-chart="levels"' in html and "echarts.min.js" in html
    # The system to assess: the graded assessment due soon, the crypto one missing; health's level 2 is not listed.
    assert re.findall(r'data-system="(\d+)" data-testid="due-system"', html) == [str(world.system.pk)]
    assert 'data-testid="due-graded" data-state="due_soon"' in html
    assert 'data-testid="due-crypto" data-state="missing"' in html
    due_on = add_months(world.assessed_on, 12).isoformat()
    assert f"应于 {due_on} 前" in html
    # The open findings, the earliest deadline first, with their state.
    assert re.findall(r'data-finding="(\d+)" data-testid="board-finding"', html) == [str(overdue.pk),
                                                                                      str(world.finding.pk)]
    assert re.findall(r'data-testid="finding-state" data-state="(\w+)"', html) == ["overdue", "open"]
    assert "涉密办公系统" not in html  # art. 5


def test_the_board_filters_by_unit_with_htmx_and_refuses_a_stranger_unit(client_for, world):
    client = client_for("drc")
    edu = world.district.edu
    html = client.get(reverse("web:security_board"), {"unit": edu.pk}).content.decode()
    assert re.findall(r'data-unit="(\d+)" data-testid="unit-row"', html) == [str(edu.pk)]
    assert 'data-testid="board-unit"' in html and "区教育局的信息系统" in html
    assert "健康档案系统" not in html
    response = client.get(reverse("web:security_board"), {"unit": edu.pk}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment and 'id="security-levels"' in fragment
    assert response["Vary"].count("HX-Request") == 1
    response = client.get(reverse("web:security_board"), {"unit": world.district.street.pk})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-unit"' in html
    assert len(re.findall(r'data-testid="unit-row"', html)) == 2  # the whole board, unfiltered
    response = client.get(reverse("web:security_board"), {"unit": "abc"})
    assert response.status_code == 400


# --- a system's page and its forms -----------------------------------------------------------------------------


def test_the_system_page_shows_filing_dues_assessments_findings_and_forms_by_role(client_for, world):
    html = client_for("edu").get(url("security_system", world)).content.decode()
    assert '<span class="badge text-bg-dark align-middle" data-testid="protection-level">等级保护第3级</span>' in html
    assert "32010650001-00001" in html and "南京市公安局鼓楼分局" in html
    assert 'data-testid="due-graded" data-state="due_soon"' in html
    assert 'data-testid="due-crypto" data-state="missing"' in html
    assert "CP-2025-001" in html and 'data-result="mostly"' in html and "82.50" in html
    assert f'data-finding="{world.finding.pk}"' in html and 'data-state="open"' in html and "未启用登录失败处理" in html
    forms = set(re.findall(r'data-testid="([a-z]+)-form"', html))
    assert forms == {"filing", "assessment", "finding", "remediate"}
    assert f'<option value="{world.assessment.pk}">' in html  # a finding may cite the system's assessment
    html = client_for("cyber").get(url("security_system", world)).content.decode()
    assert set(re.findall(r'data-testid="([a-z]+)-form"', html)) == {"finding"}
    assert reverse("web:security_board") in html  # the breadcrumb to the board
    for role in ("drc", "audit"):
        html = client_for(role).get(url("security_system", world)).content.decode()
        assert not re.findall(r'data-testid="([a-z]+)-form"', html) and "未启用登录失败处理" in html


def test_a_filing_is_recorded_and_a_refused_one_keeps_the_input(client_for, world):
    client = client_for("edu")
    version = InformationSystem.objects.get(pk=world.system.pk).version
    response = client.post(url("security_filing", world), {"protection_level": "", "filing_number": "X-1",
                                                           "filed_on": "", "filing_authority": "", "version": version})
    html = response.content.decode()
    assert response.status_code == 400
    assert {"error-protection_level", "error-filed_on", "error-filing_authority"} <= set(
        re.findall(r'data-testid="(error-[a-z_]+)"', html))
    assert 'value="X-1"' in html and "<details open>" in html
    response = client.post(url("security_filing", world), {"protection_level": "4", "filing_number": "",
                                                           "filed_on": "", "filing_authority": "",
                                                           "version": version - 1})
    html = response.content.decode()
    assert response.status_code == 409 and 'data-status="409"' in html and "已被他人修改" in html
    response = client.post(url("security_filing", world), {"protection_level": "4", "filing_number": "",
                                                           "filed_on": "", "filing_authority": "",
                                                           "version": version}, follow=True)
    html = response.content.decode()
    assert "已登记等级保护第4级(尚未备案)" in html and 'data-testid="not-filed"' in html
    system = InformationSystem.objects.get(pk=world.system.pk)
    assert (system.protection_level, system.filing_number, system.version) == (4, "", version + 1)
    response = client.post(url("security_filing", world), {"protection_level": "3", "version": "abc"})
    assert response.status_code == 400 and "版本号无效" in response.content.decode()


def test_an_assessment_is_recorded_and_bad_input_is_named(client_for, world):
    client = client_for("edu")
    data = post_data("security_assessment", world)
    response = client.post(url("security_assessment", world), {
        **data, "assessed_on": (world.today + dt.timedelta(days=1)).isoformat(), "score": "101", "kind": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert {"error-assessed_on", "error-score", "error-kind"} <= set(re.findall(r'data-testid="(error-[a-z_]+)"', html))
    assert 'value="MP-2026-01"' in html
    assert SecurityAssessment.objects.count() == 1
    response = client.post(url("security_assessment", world), data, follow=True)
    html = response.content.decode()
    assert "已登记密码应用安全性评估" in html
    assert 'data-testid="due-crypto" data-state="current"' in html


def test_a_finding_is_raised_by_cyberspace_and_remediated_by_the_unit(client_for, world):
    cyber, edu = client_for("cyber"), client_for("edu")
    data = post_data("security_finding_raise", world)
    response = cyber.post(url("security_finding_raise", world), {**data, "due_on": world.today.isoformat()})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-due_on"' in html and "须晚于今天" in html
    assert "日志留存不足六个月</textarea>" in html
    other = SecurityAssessment.objects.create(system=world.health_system, kind="graded", assessed_on=world.today,
                                              assessor="某机构", result="conforms", report_number="X")
    response = cyber.post(url("security_finding_raise", world), {**data, "assessment_id": other.pk})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="error-assessment_id"' in html and "须为该信息系统的测评" in html
    response = cyber.post(url("security_finding_raise", world), {**data, "assessment_id": world.assessment.pk},
                          follow=True)
    assert "已提出安全问题" in response.content.decode()
    finding = SecurityFinding.objects.get(description="日志留存不足六个月")
    assert finding.assessment_id == world.assessment.pk and finding.raised_by == world.cyber

    remediate = reverse("web:security_finding_remediate", args=[finding.pk])
    response = edu.post(remediate, {"remediated_on": "", "remediation": "", "version": finding.version})
    html = response.content.decode()
    assert response.status_code == 400
    assert {"error-remediated_on", "error-remediation"} <= set(re.findall(r'data-testid="(error-[a-z_]+)"', html))
    assert f'id="remediate-{finding.pk}-form"' in html
    response = edu.post(remediate, {"remediated_on": world.today.isoformat(), "remediation": "日志接入集中审计平台",
                                    "version": finding.version})
    assert response.status_code == 302 and response["Location"].endswith(f"#finding-{finding.pk}")
    # The second of two remediations of the same version loses: 409, nothing changed.
    response = edu.post(remediate, {"remediated_on": world.today.isoformat(), "remediation": "再次登记",
                                    "version": finding.version})
    html = response.content.decode()
    assert response.status_code == 409 and 'data-status="409"' in html and "已于" in html
    finding.refresh_from_db()
    assert finding.remediation == "日志接入集中审计平台" and finding.version == 2
    html = edu.get(url("security_system", world)).content.decode()
    assert re.search(rf'data-finding="{finding.pk}".*?data-state="remediated"', html, re.S)


def test_a_stale_remediation_is_a_conflict(client_for, world):
    response = client_for("edu").post(url("security_finding_remediate", world), {
        "remediated_on": world.today.isoformat(), "remediation": "已整改", "version": world.finding.version + 1})
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()
    assert SecurityFinding.objects.get(pk=world.finding.pk).remediated_on is None


# --- the summary card and the similarity panel -----------------------------------------------------------------


def test_the_security_card_for_those_who_read_the_systems_security(world, django_assert_max_num_queries):
    users = world.district.users
    shown = {role: security_card(users[role], world.system) is not None for role in ROLES if role != "anon"}
    assert shown == {"admin": False, "drc": True, "finance": False, "audit": True, "cyber": True, "gov": False,
                     "edu": True, "health": False, "supervisor": False, "expert": False}
    assert security_card(users["edu"], world.secret) is None  # art. 5
    with django_assert_max_num_queries(3):
        card = security_card(users["edu"], world.system)
    html = render_to_string("web/security/_system_security.html", {"security_card": card})
    assert 'data-testid="card-level">第3级<' in html and "32010650001-00001" in html
    assert 'data-testid="card-due-graded" data-state="due_soon"' in html
    assert re.search(r'data-testid="card-open-findings">1<', html)
    assert reverse("web:security_system", args=[world.system.pk]) in html
    assert render_to_string("web/security/_system_security.html", {"security_card": None}).strip() == ""


def test_the_similarity_panel_is_drcs_and_finds_the_near_duplicate(district, django_assert_max_num_queries):
    from itgov.projects import services as project_services
    from itgov.projects.models import Project
    from tests.factories import ProjectFactory

    edu, health, drc = district.users["edu"], district.users["health"], district.users["drc"]

    def proposal(user, unit, name, necessity, content):
        return project_services.project_submit_proposal(actor=user, project=ProjectFactory(
            owner_unit=unit, name=name, necessity=necessity, construction_content=content))

    existing = proposal(health, district.health, "社区卫生服务中心预约挂号平台",
                        "居民预约挂号排队时间长,号源分散。", "建设预约挂号、号源池、候诊叫号和短信提醒功能。")
    system = catalogue_services.system_register(actor=health, data={
        "name": "预约挂号系统", "summary": "预约挂号、号源池、候诊叫号和短信提醒"})
    unrelated = proposal(edu, district.edu, "中小学食堂食材溯源平台", "食材来源难以追溯。", "建设供应商档案和检测报告上传。")
    project = proposal(edu, district.edu, "校医院预约挂号平台", "师生预约挂号排队时间长,号源分散。",
                       "建设预约挂号、号源池、候诊叫号和短信提醒功能。")

    assert similar_panel(edu, project) is None and similar_panel(district.users["cyber"], project) is None
    project = Project.objects.select_related("owner_unit").get(pk=project.pk)  # as the project page loads it
    assert drc.has_role("drc")  # the user's grants, read once per request
    with django_assert_max_num_queries(2):
        rows = similar_panel(drc, project)
    found = {(row["kind"], row["object_id"]) for row in rows}
    assert ("project", existing.pk) in found and ("system", system.pk) in found
    assert ("project", unrelated.pk) not in found and ("project", project.pk) not in found
    top = next(row for row in rows if row["object_id"] == existing.pk and row["kind"] == "project")
    assert top["url"] == reverse("web:project_detail", args=[existing.pk]) and top["unit"] == "区卫健委"
    assert top["percent"] == round(top["score"] * 100) and top["percent"] >= 50
    html = render_to_string("web/security/_similar.html", {"similar": rows, "project": project})
    assert f'href="{reverse("web:catalogue_system", args=[system.pk])}"' in html
    assert f'{top["percent"]}%' in html and "项目" in html and "信息系统" in html
    assert render_to_string("web/security/_similar.html", {"similar": None, "project": project}).strip() == ""
    html = render_to_string("web/security/_similar.html", {"similar": [], "project": project})
    assert 'data-testid="similar-empty"' in html


# --- queries ---------------------------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_pages_queries_do_not_grow_with_the_records(client_for, world):
    edu, cyber = client_for("edu"), client_for("cyber")
    pages = [(cyber, reverse("web:security_board")), (cyber, reverse("web:security_board") + f"?unit={world.district.edu.pk}"),
             (edu, url("security_system", world)), (cyber, url("security_system", world))]
    for client, path in pages:
        client.get(path)  # warm
    before = [_queries(client, path) for client, path in pages]
    for n in range(8):  # more systems of both units, more assessments and findings on the page's system
        for user in (world.edu, world.health):
            system = catalogue_services.system_register(actor=user, data={"name": f"系统{n}", "summary": "x"})
            services.filing_record(actor=user, system=system, data={"protection_level": 3 + n % 2})
            services.finding_raise(actor=world.cyber, system=system, data={
                "description": f"问题{n}", "severity": "low", "due_on": world.today + dt.timedelta(days=5 + n)})
        services.assessment_record(actor=world.edu, system=world.system, data={
            "kind": "risk", "assessed_on": world.today, "assessor": "某机构", "result": "conforms",
            "report_number": f"R-{n}"})
        services.finding_raise(actor=world.edu, system=world.system, data={
            "description": f"本系统问题{n}", "severity": "medium", "due_on": world.today + dt.timedelta(days=9)})
    assert SecurityFinding.objects.count() == 25
    assert [_queries(client, path) for client, path in pages] == before
