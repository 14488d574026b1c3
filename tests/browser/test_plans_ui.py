"""End-to-end through Debian's chromium: the annual investment plan (art. 8–10) as the bureaus and a unit would
click it — DRC creates the 2027 plan, adds lines, edits one inline (htmx) and submits; Finance co-signs; the
government issues it; edu applies to adjust its line; DRC and Finance review; the government consents; the
diff page shows the change. Screenshots of the workspace and the diff go to var/screenshots/."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from itgov.planning.models import AnnualPlan, PlanAdjustment, PlanLine
from itgov.projects import services
from tests.browser import test_ui as ui
from tests.factories import ProjectFactory

# The fixtures and helpers of the UI tests (chromium, a live server, sign-in, screenshots).
browser, page, expect, shot, sign_in, sign_out = ui.browser, ui.page, ui.expect, ui.shot, ui.sign_in, ui.sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reserve_project(district, unit, name):
    owner = district.users["edu"] if unit == district.edu else district.users["health"]
    project = services.project_submit_proposal(actor=owner, project=ProjectFactory(owner_unit=unit, name=name))
    return services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础支撑类项目")


def add_line(page, project, plan_class, amount, **reasons):
    form = page.get_by_test_id("add-line-form")
    form.get_by_role("combobox", name="项目", exact=True).select_option(label=f"{project.name}({project.owner_unit.name})")
    form.get_by_role("combobox", name="类型", exact=True).select_option("construction")
    form.get_by_role("combobox", name="类别", exact=True).select_option(plan_class)
    form.get_by_label("年度安排资金(元)").fill(amount)
    for label, text in reasons.items():
        form.get_by_label(label).fill(text)
    page.get_by_test_id("add-line").click()
    expect(page.get_by_role("alert").filter(has_text="已将")).to_be_visible()


def test_plan_issue_adjust_and_diff(page, district, policy):
    school = reserve_project(district, district.edu, "鼓楼区智慧校园安全管理平台")
    health = reserve_project(district, district.health, "鼓楼区基层医疗卫生信息平台")

    # DRC creates the plan, adds an A and a B line, edits the B line inline, submits.
    sign_in(page, "drc")
    page.locator('[data-nav="plans"]').click()
    form = page.get_by_test_id("plan-form")
    form.get_by_label("计划年度").fill("2027")
    form.get_by_label("财政承受能力(元)").fill("1000000")
    form.get_by_label("说明").fill("2027年度政务信息化项目投资计划")
    page.get_by_test_id("create-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("编制中")

    add_line(page, school, "A", "400000", 必须开工的理由="市级重点任务,必须年内开工")
    add_line(page, health, "B", "300000", 跨类别安排的理由="前期工作已完成,具备开工条件")
    expect(page.get_by_test_id("plan-total")).to_contain_text("70.00")

    row = page.locator("tr[data-line]").filter(has_text=health.name)
    row.locator('[data-action="edit-line"]').click()
    edit = page.get_by_test_id("line-edit-row")
    edit.get_by_label("年度安排资金(元)").fill("250000")
    edit.locator('[data-action="save-line"]').click()
    expect(page.locator("tr[data-line]").filter(has_text=health.name).get_by_test_id("line-amount")).to_have_text("25.00")
    expect(page.get_by_test_id("plan-total")).to_contain_text("65.00")  # the summary refreshed itself
    expect(page.get_by_test_id("plan-compliance")).to_contain_text("第八条")
    shot(page, "plans_workspace_draft")

    page.locator('[data-action="submit"]').click()
    expect(page.get_by_test_id("plan-status")).to_have_text("待财政会签")
    sign_out(page)

    # Finance co-signs.
    sign_in(page, "finance")
    page.locator('[data-nav="plans"]').click()
    page.get_by_test_id("plan-link").first.click()
    page.locator('[data-action="cosign"]').click()
    expect(page.get_by_test_id("plan-status")).to_have_text("待区政府审定")
    sign_out(page)

    # The government issues it with its document number.
    sign_in(page, "gov")
    page.locator('[data-nav="plans"]').click()
    page.get_by_test_id("plan-link").first.click()
    page.locator('[data-action="issue"]').click()
    page.get_by_label("文号").fill("鼓政发〔2027〕1号")
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已下达")
    expect(page.get_by_test_id("plan-document")).to_contain_text("鼓政发〔2027〕1号")
    sign_out(page)

    # edu sees only its own line and applies to raise it.
    sign_in(page, "edu")
    page.locator('[data-nav="plans"]').click()
    page.get_by_test_id("plan-link").first.click()
    table = page.get_by_test_id("line-table")
    expect(table).to_contain_text(school.name)
    expect(table).not_to_contain_text(health.name)
    page.locator('[data-action="apply-adjustment"]').click()
    page.get_by_label("调整理由").fill("新增校园安防点位,资金需求增加")
    item = page.locator('fieldset[data-item="0"]')
    item.get_by_role("combobox", name="项目", exact=True).select_option(label=f"{school.name}(区教育局)")
    item.get_by_role("combobox", name="类型", exact=True).select_option("construction")
    item.get_by_role("combobox", name="类别", exact=True).select_option("A")
    item.get_by_label("年度安排资金(元)").fill("500000")
    page.get_by_test_id("submit-adjustment").click()
    expect(page.get_by_test_id("adjustment-status")).to_have_text("待发改审核")
    sign_out(page)

    # DRC, then Finance review; the government consents.
    for username, action, status in (("drc", "review", "待财政审核"), ("finance", "finance_review", "待区政府同意"),
                                     ("gov", "consent", "已同意并生成新版本")):
        sign_in(page, username)
        page.locator('[data-nav="plans"]').click()
        page.get_by_test_id("adjustments-link").click()
        page.get_by_test_id("adjustment-link").first.click()
        page.locator(f'[data-action="{action}"]').click()
        if action == "consent":
            page.get_by_label("文号").fill("鼓政发〔2027〕8号")
        page.get_by_test_id("confirm-action").click()
        expect(page.get_by_test_id("adjustment-status")).to_have_text(status)
        if action != "consent":
            sign_out(page)
    shot(page, "plans_adjustment_consented")

    # The diff of edition 2 against edition 1.
    page.locator('[data-action="diff"]').first.click()
    expect(page).to_have_url(re.compile(r"/diff/\?other="))
    changed = page.locator('tr[data-change="changed"]')
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text(school.name)
    expect(changed.locator('[data-changed="amount"]')).to_contain_text("40.00")
    expect(changed.locator('[data-changed="amount"]')).to_contain_text("50.00")
    expect(page.get_by_test_id("diff-total")).to_contain_text("65.00")
    expect(page.get_by_test_id("diff-total")).to_contain_text("75.00")
    shot(page, "plans_diff")

    new = AnnualPlan.objects.get(year=2027, status="issued")
    page.goto(f"/plans/{new.pk}/")
    expect(page.get_by_test_id("plan-edition")).to_contain_text("第2版")
    shot(page, "plans_workspace_issued")

    assert new.edition == 2 and new.document_number == "鼓政发〔2027〕8号"
    assert PlanLine.objects.get(plan=new, project=school).amount == Decimal("500000")
    assert PlanAdjustment.objects.get().status == "consented"
    assert AnnualPlan.objects.get(year=2027, edition=1).status == "superseded"
