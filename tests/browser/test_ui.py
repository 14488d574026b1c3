"""End-to-end through Debian's chromium (Playwright, sync API) against the live server: the proposal flow
as the owner unit, DRC and the audit bureau would click it, every navigation page, and the English switch.

Screenshots go to var/screenshots/. Never `playwright install`: the browser is /usr/bin/chromium."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from itgov.core.dates import SHANGHAI
from itgov.planning.models import DeclarationLine
from itgov.projects import services
from itgov.projects.models import Project
from tests.factories import PASSWORD, ProjectFactory

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"!!! BROWSER TESTS SKIPPED: {CHROMIUM} is missing (run `make browsers` or "
                f"`apt-get install -y chromium`) !!!", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # A Chinese browser: the interface is Chinese first (English through the switch, test d).
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1440, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("current-user")).to_be_visible()


def proposed_project(district, **fields) -> Project:
    project = ProjectFactory(owner_unit=district.edu, name="鼓楼区智慧校园安全管理平台建设项目", **fields)
    return services.project_submit_proposal(actor=district.users["edu"], project=project)


def test_a_owner_creates_a_proposal_and_submits_it(page, district):
    sign_in(page, "edu")
    page.get_by_test_id("new-project").first.click()
    expect(page.get_by_test_id("project-form")).to_be_visible()

    page.get_by_label("项目名称").fill("鼓楼区中小学课后服务管理平台建设项目")
    page.get_by_label("项目类别").select_option("business_system")
    page.get_by_label("建设性质").select_option("new")
    page.get_by_label("估算总投资(元)").fill("1280000")
    expect(page.locator("[data-wan-preview]")).to_contain_text("128.00")
    page.get_by_label("项目责任人").fill("周敏")
    page.get_by_label("联系电话").fill("025-83301234")
    page.get_by_label("建设必要性").fill("全区课后服务报名、排课、结算依靠纸质表格,效率低。")
    page.get_by_label("主要建设内容").fill("建设报名、排课、考勤、结算四个模块。")
    page.get_by_label("数据共享内容").fill("课后服务参与数据按有条件共享编入全区政务数据资源目录。")
    page.get_by_test_id("save-project").click()

    expect(page.get_by_test_id("project-status")).to_have_text("草稿")
    expect(page.get_by_test_id("project-amount")).to_contain_text("128.00")
    shot(page, "a_edu_draft")

    page.locator('[data-action="submit_proposal"]').click()
    page.get_by_test_id("confirm-action").click()

    expect(page.get_by_test_id("project-status")).to_have_text("已申报入库")
    expect(page.get_by_role("alert").filter(has_text="已完成")).to_be_visible()
    shot(page, "a_edu_submitted")
    project = Project.objects.get(name="鼓楼区中小学课后服务管理平台建设项目")
    assert (project.status, project.version) == ("proposed", 2)


def test_b_drc_admits_the_proposal(page, district):
    project = proposed_project(district)
    sign_in(page, "drc")

    todo = page.get_by_test_id("todo")
    todo.get_by_role("link", name=project.name).click()
    expect(page.get_by_test_id("project-name")).to_contain_text(project.name)
    page.locator('[data-action="admit"]').click()
    page.get_by_label("未关联规划任务的入库理由").fill("属全区教育信息化基础支撑,规划修编时纳入。")
    page.get_by_test_id("confirm-action").click()

    expect(page.get_by_test_id("project-status")).to_have_text("已入储备库")
    expect(page.locator(".itgov-step.is-current")).to_contain_text("已入储备库")
    shot(page, "b_drc_project_detail")
    project.refresh_from_db()
    assert project.status == "in_reserve"
    assert project.reserve_no_task_reason == "属全区教育信息化基础支撑,规划修编时纳入。"


def test_c_audit_reads_but_has_no_action_buttons(page, district):
    project = proposed_project(district)
    sign_in(page, "audit")

    page.locator('[data-nav="projects"]').click()
    table = page.get_by_test_id("project-table")
    expect(table).to_contain_text(project.name)
    table.get_by_role("link", name=project.name).click()

    expect(page.get_by_test_id("project-name")).to_contain_text(project.name)
    expect(page.get_by_test_id("compliance")).to_be_visible()
    expect(page.locator("[data-action]")).to_have_count(0)
    expect(page.get_by_test_id("project-actions")).to_have_count(0)
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)
    shot(page, "c_audit_project_detail")


@pytest.mark.parametrize("username", ["drc", "audit", "admin"])
def test_d_every_navigation_page_and_english(page, district, username):
    proposed_project(district)
    sign_in(page, username)

    links = page.locator(".itgov-sidebar [data-nav]")
    targets = [(links.nth(i).get_attribute("data-nav"), links.nth(i).get_attribute("href"))
               for i in range(links.count())]
    expected = {
        "drc": {"home", "projects", "declarations", "devplans", "reserve", "plans", "approvals", "suspensions",
                "construction", "acceptance", "operation", "oversight", "catalogue", "sharing", "security", "rules",
                "api"},
        "audit": {"home", "projects", "declarations", "devplans", "reserve", "plans", "approvals", "suspensions",
                  "construction", "acceptance", "operation", "oversight", "catalogue", "sharing", "security", "rules",
                  "api", "audit"},
        "admin": {"home", "rules", "api", "sysadmin"},  # users and settings, no business data
    }[username]
    assert {key for key, _ in targets} == expected

    for key, href in targets:
        response = page.goto(href)
        assert response is not None and response.status == 200, f"{href}: {response and response.status}"
        if key not in ("api", "sysadmin"):
            expect(page.locator(f'.itgov-sidebar [data-nav="{key}"]')).to_have_class(re.compile(r"\bactive\b"))
        shot(page, f"d_{username}_{key}")

    if username == "admin":
        page.goto("/sysadmin/accounts/user/")
        expect(page.locator("#result_list")).to_contain_text(username)
        shot(page, "d_admin_users")
        return

    page.goto("/projects/")
    page.get_by_label("关键词").fill("智慧校园")
    expect(page).to_have_url(re.compile(r"q=%E6%99%BA"))  # htmx pushed the filter into the address bar
    expect(page.get_by_test_id("result-count")).to_contain_text("1")

    page.goto("/")
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator('.itgov-sidebar [data-nav="home"]')).to_contain_text("Workbench")
    expect(page.get_by_test_id("todo")).to_contain_text("My to-do list")
    shot(page, f"d_{username}_english_home")
    page.get_by_test_id("lang-zh").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def sign_out(page) -> None:
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_e_annual_declaration(page, district, monkeypatch):
    """Art. 8 inside the window (the live server runs in this process, so the frozen clock applies there too):
    DRC opens the 2027 round, edu declares its reserve project, DRC sees it on the dashboard."""
    moment = dt.datetime(2026, 8, 15, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    project = services.project_admit(actor=district.users["drc"], project=proposed_project(district),
                                     no_task_reason="属全区教育信息化基础支撑,规划修编时纳入。")

    sign_in(page, "drc")
    page.locator('[data-nav="declarations"]').click()
    expect(page.get_by_test_id("rounds-empty")).to_be_visible()
    page.get_by_label("计划年度").fill("2027")
    page.get_by_label("说明").fill("鼓发改〔2026〕18号")
    page.get_by_test_id("open-round").click()
    expect(page.get_by_test_id("round-title")).to_contain_text("2027")
    expect(page.get_by_test_id("countdown")).to_contain_text("距截止还有 47 天")
    expect(page.get_by_test_id("lines-empty")).to_be_visible()
    sign_out(page)

    sign_in(page, "edu")
    page.locator('[data-nav="declarations"]').click()
    page.get_by_test_id("round-link").first.click()
    form = page.get_by_test_id("declare-form")
    form.get_by_role("combobox", name="项目", exact=True).select_option(label=project.name)
    form.get_by_role("combobox", name="类型", exact=True).select_option("construction")
    form.get_by_label("建议类别").select_option("B")
    form.get_by_label("申请年度资金(元)").fill("1500000")
    expect(form.locator("[data-wan-preview]")).to_contain_text("150.00")
    form.get_by_label("申报理由").fill("项目已完成前期论证,具备年内开工条件。")
    page.get_by_test_id("declare-submit").click()

    expect(page.get_by_role("alert").filter(has_text="已申报")).to_be_visible()
    lines = page.get_by_test_id("line-table")
    expect(lines).to_contain_text(project.name)
    expect(lines).to_contain_text("150.00")
    expect(lines.locator('[data-action="withdraw-line"]')).to_have_count(1)
    shot(page, "e_edu_declare")
    sign_out(page)

    sign_in(page, "drc")
    page.locator('[data-nav="declarations"]').click()
    page.get_by_test_id("round-link").first.click()
    expect(page.get_by_test_id("declared-units")).to_contain_text("1")
    expect(page.get_by_test_id("round-total")).to_contain_text("150.00")
    expect(page.locator('[data-testid="unit-table"] tr[data-unit="edu"]')).to_contain_text("150.00")
    expect(page.get_by_test_id("line-table")).to_contain_text(project.name)
    expect(page.get_by_test_id("exception-form")).to_be_visible()
    shot(page, "e_drc_round")
    line = DeclarationLine.objects.get()
    assert (line.unit, line.requested_amount, line.proposed_class) == (district.edu, 1500000, "B")
