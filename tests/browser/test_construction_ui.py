"""End-to-end through Debian's chromium: construction control (art. 19, 13, 20, 15) as the owner unit would click
it — it opens 建设管理 from the navigation, opens its budgeted project, starts construction, records a procurement,
a contract and a payment and sees the totals; a payment over the year's budget is refused citing 第十五条, the input
kept. A screenshot of the page goes to var/screenshots/."""

from __future__ import annotations

from decimal import Decimal

import pytest

from itgov.construction.models import Contract, Payment, Procurement
from itgov.core.dates import local_today
from tests.browser import test_ui as ui
from tests.construction_world import construction_maker

# The fixtures and helpers of the UI tests (chromium, a live server, sign-in, screenshots).
browser, page, expect, shot, sign_in = ui.browser, ui.page, ui.expect, ui.shot, ui.sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_starts_construction_and_records_the_money(page, district):
    world = construction_maker(district)("budgeted")
    project, today = world.project, local_today().isoformat()

    sign_in(page, "edu")
    page.locator('[data-nav="construction"]').click()
    page.locator(f'tr[data-project="{project.pk}"]').get_by_test_id("construction-link").click()
    expect(page.get_by_test_id("construction-status")).to_have_text("已编列预算")
    expect(page.get_by_test_id("approved-estimate")).to_contain_text("115.00")
    page.locator('[data-action="start"]').click()
    expect(page.get_by_test_id("construction-status")).to_have_text("建设中")
    expect(page.get_by_test_id("started-at")).to_be_visible()

    form = page.get_by_test_id("procurement-form")
    form.get_by_label("采购项目名称").fill("智慧校园平台公开招标")
    form.get_by_label("采购方式").select_option("open_tender")
    form.get_by_label("公告(邀请)日期").fill(today)
    form.get_by_label("成交日期").fill(today)
    form.get_by_label("成交供应商").fill("某某科技有限公司")
    form.get_by_label("成交金额(元)").fill("900000")
    page.get_by_test_id("record-procurement").click()
    expect(page.get_by_test_id("procurements-table")).to_contain_text("智慧校园平台公开招标")

    form = page.get_by_test_id("contract-form")
    form.get_by_label("合同名称").fill("智慧校园平台建设合同")
    form.get_by_label("乙方").fill("某某科技有限公司")
    form.get_by_label("合同金额(元)").fill("900000")
    form.get_by_label("签订日期").fill(today)
    form.get_by_label("采购").select_option(label="智慧校园平台公开招标")
    page.get_by_test_id("record-contract").click()
    expect(page.get_by_test_id("contracted-total")).to_contain_text("90.00")

    form = page.get_by_test_id("payment-form")
    form.get_by_label("支付金额(元)").fill("300000")
    form.get_by_label("支付日期").fill(today)
    form.get_by_label("用途").fill("合同首付款")
    form.get_by_label("合同", exact=True).select_option(label="智慧校园平台建设合同(某某科技有限公司)")
    page.get_by_test_id("record-payment").click()
    expect(page.get_by_test_id("paid-total")).to_contain_text("30.00")
    expect(page.get_by_test_id("payments-table")).to_contain_text("合同首付款")

    # Art. 15: this year's budget is 80万元; 30 + 60 would pass it.
    form = page.get_by_test_id("payment-form")
    form.get_by_label("支付金额(元)").fill("600000")
    form.get_by_label("支付日期").fill(today)
    form.get_by_label("用途").fill("第二笔进度款")
    page.get_by_test_id("record-payment").click()
    expect(page.get_by_test_id("error-article")).to_have_text("第十五条")
    expect(page.get_by_test_id("payment-form").get_by_label("用途")).to_have_value("第二笔进度款")
    expect(page.get_by_test_id("paid-total")).to_contain_text("30.00")
    shot(page, "construction_detail")

    page.locator('[data-nav="construction"]').click()
    row = page.locator(f'tr[data-project="{project.pk}"]')
    expect(row.get_by_test_id("row-paid")).to_have_text("30.00")
    expect(row.get_by_test_id("row-contracted")).to_have_text("90.00")

    contract = Contract.objects.get(project=project)
    assert contract.procurement == Procurement.objects.get(project=project)
    assert [p.amount for p in Payment.objects.filter(project=project)] == [Decimal("300000.00")]
