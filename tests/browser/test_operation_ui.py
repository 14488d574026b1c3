"""End-to-end through Debian's chromium: operation (art. 12, 23, 24) as the owner unit and Finance would click it —
from the list 运行管理 the owner opens its accepted project, puts it into operation, records the O&M arrangement and
requests next year's O&M funds (its contracts' warranty over yesterday); Finance opens the request from the tab
运维经费待审核 and approves an amount. Then, on a project in operation for 13 months, the owner submits its
self-evaluation, each target a row. The world is built through the services, with accepted_on, day G and the
warranty set back by row updates (the services take only today). Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.audit.models import AuditEvent
from itgov.core.dates import add_months, local_today
from itgov.operation.models import OMArrangement, OMFundingRequest, SelfEvaluation
from itgov.operation.tests.world import add_contract, operation_maker
from itgov.projects.models import Project
from tests.browser import test_ui as ui

browser, page, expect, shot = ui.browser, ui.page, ui.expect, ui.shot
sign_in, sign_out = ui.sign_in, ui.sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_project(page, project, tab: str = "") -> None:
    page.locator('[data-nav="operation"]').click()
    if tab:
        page.locator(f'[data-status="{tab}"]').click()
    page.locator(f'tr[data-project="{project.pk}"]').get_by_test_id("operation-link").click()
    expect(page.get_by_test_id("project-name")).to_contain_text(project.name)


def test_the_owner_goes_live_and_finance_approves_the_om_funds(page, district):
    make = operation_maker(district)
    today = local_today()
    world = make("accepted", g=today - dt.timedelta(days=20))  # accepted 20 days ago
    add_contract(world.project, today - dt.timedelta(days=1))  # the warranty ended yesterday
    project = world.project
    g = today - dt.timedelta(days=5)

    sign_in(page, "edu")
    open_project(page, project)
    expect(page.get_by_test_id("project-status")).to_have_text("已通过验收")
    expect(page.get_by_test_id("evaluation-state")).to_have_text("未投入运行")
    form = page.get_by_test_id("golive-form")
    form.get_by_label("投入运行日期").fill(g.isoformat())
    form.get_by_test_id("submit-golive").click()
    expect(page.get_by_role("alert").filter(has_text="投入运行")).to_be_visible()
    expect(page.get_by_test_id("project-status")).to_have_text("运行中")
    expect(page.get_by_test_id("window-opens")).to_have_text(add_months(g, 12).isoformat())
    expect(page.get_by_test_id("window-closes")).to_have_text(add_months(g, 24).isoformat())
    expect(page.get_by_test_id("evaluation-state")).to_have_text("未到报送期")
    expect(page.get_by_test_id("golive-form")).to_have_count(0)

    form = page.get_by_test_id("arrangement-form")
    form.get_by_label("运维方式").select_option("contractor")
    form.get_by_label("运维团队或服务商").fill("南京某某运维服务有限公司")
    form.get_by_label("运维期起").fill(today.isoformat())
    form.get_by_label("运维期止").fill((today + dt.timedelta(days=364)).isoformat())
    form.get_by_label("安全保密责任人").fill("王五")
    form.get_by_label("信息安全保密措施").fill("按等保三级要求运维,签订保密协议。")
    form.get_by_test_id("submit-arrangement").click()
    expect(page.get_by_role("alert").filter(has_text="已登记运行维护安排")).to_be_visible()
    expect(page.get_by_test_id("arrangement-current")).to_be_visible()

    form = page.get_by_test_id("funding-form")
    form.get_by_label("预算年度").fill(str(today.year + 1))
    form.get_by_label("申请金额(元)").fill("90000")
    form.get_by_label("申请理由").fill("质保期满,委托专业运维。")
    form.get_by_test_id("submit-funding").click()
    expect(page.get_by_role("alert").filter(has_text="待区财政局审核")).to_be_visible()
    expect(page.locator("tr[data-request]").get_by_test_id("funding-status")).to_have_text("待审核")
    shot(page, "operation_owner")
    sign_out(page)

    sign_in(page, "finance")
    open_project(page, project, tab="funding_pending")
    form = page.get_by_test_id("decision-form")
    form.get_by_label("审核结论").select_option("approve")
    form.get_by_label("核定金额(元)").fill("80000")
    form.get_by_label("审核意见").fill("按运维服务标准核定")
    form.get_by_test_id("submit-decision").click()
    expect(page.get_by_role("alert").filter(has_text="已审核")).to_be_visible()
    expect(page.locator("tr[data-request]").get_by_test_id("funding-status")).to_have_text("已核定")
    expect(page.get_by_test_id("funding-decision")).to_contain_text("核定 8.00 万元")
    shot(page, "operation_finance")
    sign_out(page)

    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.status, fresh.operation_started_on) == ("in_operation", g)
    assert OMArrangement.objects.get(project=project).provider == "南京某某运维服务有限公司"
    request = OMFundingRequest.objects.get(project=project)
    assert (request.status, request.decided_amount, request.decided_by.username) == ("approved", 80000, "finance")
    for event in ("operation.started", "operation.om.arranged", "operation.om_funding.requested",
                  "operation.om_funding.decided"):
        assert AuditEvent.objects.filter(event_type=event, project_id=project.pk).count() == 1, event

    # A project in operation for 13 months: the owner submits its self-evaluation, each target a row.
    operating = make("in_operation", g=add_months(today, -13))
    sign_in(page, "edu")
    open_project(page, operating.project, tab="evaluation_open")
    expect(page.get_by_test_id("evaluation-state")).to_have_text("待报送")
    form = page.get_by_test_id("evaluation-form")
    for i, (actual, achieved) in enumerate([("3", "true"), ("25", "false"), ("93", "true")]):
        row = form.locator("tr[data-target]").nth(i)
        row.locator(f'[name="v{i}-actual"]').fill(actual)
        row.locator(f'[name="v{i}-achieved"]').select_option(achieved)
    form.get_by_label("自评得分").fill("88.5")
    form.get_by_label("总体评价").fill("系统运行稳定,绩效目标基本实现。")
    form.get_by_label("存在的问题").fill("部分街道使用率偏低。")
    form.get_by_label("改进措施").fill("加强培训。")
    form.get_by_test_id("submit-evaluation").click()
    expect(page.get_by_role("alert").filter(has_text="已报送绩效自评价报告")).to_be_visible()
    expect(page.get_by_test_id("evaluation-state")).to_have_text("已报送")
    expect(page.get_by_test_id("evaluation-score")).to_have_text("88.5")
    expect(page.get_by_test_id("evaluation-pdf")).to_be_visible()
    shot(page, "operation_evaluation")
    assert SelfEvaluation.objects.get(project=operating.project).values.count() == 3
