"""End-to-end through Debian's chromium: the catalogue and sharing (art. 27–29). edu registers an information system
and a conditional resource with two information items through the form, finds it in the catalogue, searches it and
exports the catalogue (Excel, JSON); health requests it; edu grants it; health records a use; DRC publishes it; the
completeness page renders. Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from itgov.audit.models import AuditEvent
from itgov.catalogue.models import CatalogueResource, InformationSystem, SharingRequest
from itgov.core.dates import local_today
from tests.browser import test_ui as ui

browser, page, expect, shot = ui.browser, ui.page, ui.expect, ui.shot
sign_in, sign_out = ui.sign_in, ui.sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resource_is_registered_requested_granted_used_and_published(page, district, tmp_path):
    # edu registers a system, then a conditional resource with two items.
    sign_in(page, "edu")
    nav = page.locator('[data-nav="catalogue"]')
    expect(nav).to_contain_text("数据资源目录")
    nav.click()
    expect(page.get_by_test_id("catalogue-empty")).to_be_visible()
    page.locator('[data-tab="systems"]').click()
    page.get_by_test_id("system-new-link").click()
    form = page.get_by_test_id("system-form")
    form.get_by_label("系统名称").fill("学生综合素质评价系统")
    form.get_by_label("系统功能和内容").fill("记录和评价中小学生综合素质")
    form.get_by_test_id("record-system").click()
    expect(page.get_by_role("alert").filter(has_text="已登记信息系统")).to_be_visible()
    system = InformationSystem.objects.get()
    expect(page.get_by_test_id("system-code")).to_have_text(system.code)
    expect(page.get_by_test_id("no-resources")).to_be_visible()

    page.get_by_test_id("resource-new-link").click()
    form = page.get_by_test_id("resource-form")
    form.get_by_label("资源名称").fill("学生综合素质评价结果")
    form.get_by_label("资源分类").select_option("departmental")
    form.get_by_label("资源格式").select_option("database")
    form.get_by_label("资源摘要").fill("全区中小学生综合素质评价等级和评语")
    form.get_by_label("更新周期").select_option("monthly")
    form.get_by_label("开放类型").select_option("closed")
    form.get_by_label("共享类型").select_option("conditional")
    expect(form.locator('[data-field="not_shared_basis"]')).to_be_hidden()
    form.get_by_label("共享条件").fill("用于升学、评优业务,须经本单位同意")
    form.get_by_label("共享方式").select_option("interface")
    names = form.locator('input[name="items-name"]')
    expect(names).to_have_count(3)
    form.locator('[data-action="add-item"]').click()
    expect(names).to_have_count(4)
    names.nth(0).fill("学籍号")
    names.nth(1).fill("评价等级")
    form.locator('select[name="items-sensitive"]').nth(1).select_option("1")
    form.locator('select[name="items-data_type"]').nth(1).select_option("C")
    shot(page, "catalogue_resource_form")
    form.get_by_test_id("save-resource").click()
    expect(page.get_by_role("alert").filter(has_text="已登记数据资源")).to_be_visible()
    expect(page.get_by_test_id("resource-name")).to_have_text("学生综合素质评价结果")
    expect(page.locator("[data-item]")).to_have_count(2)
    expect(page.locator('[data-item="2"]').get_by_test_id("sensitive")).to_be_visible()
    resource = CatalogueResource.objects.get()
    assert [(i.name, i.sensitive) for i in resource.items.all()] == [("学籍号", False), ("评价等级", True)]

    # It is in the catalogue, a search finds it, and the catalogue exports with the filters.
    page.locator('[data-nav="catalogue"]').click()
    expect(page.locator(f'tr[data-resource="{resource.pk}"]')).to_be_visible()
    page.get_by_label("关键词").fill("评价等级")  # an item's name
    expect(page.locator('[data-testid="export-xlsx"][href*="q="]')).to_be_visible()
    expect(page.locator("tr[data-resource]")).to_have_count(1)
    expect(page.get_by_test_id("sharing-type")).to_have_text("有条件共享")
    shot(page, "catalogue_list")
    with page.expect_download() as info:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / "catalogue.xlsx"
    info.value.save_as(path)
    from openpyxl import load_workbook

    rows = list(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[7]) for r in rows] == [("学生综合素质评价结果", "学籍号"), ("学生综合素质评价结果", "评价等级")]
    with page.expect_download() as info:
        page.get_by_test_id("export-json").click()
    path = tmp_path / "catalogue.json"
    info.value.save_as(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [d["dct:identifier"] for d in document["dcat:dataset"]] == [resource.code]
    assert list(AuditEvent.objects.filter(event_type="catalogue.exported").values_list("reason", flat=True)) == [
        "q=评价等级", "q=评价等级"]
    sign_out(page)

    # health requests it.
    sign_in(page, "health")
    page.locator('[data-nav="catalogue"]').click()
    page.locator(f'tr[data-resource="{resource.pk}"]').get_by_test_id("resource-link").click()
    form = page.get_by_test_id("request-form")
    form.get_by_label("用途和依据").fill("核验学生信息,办理学生健康档案")
    form.get_by_label("申请的信息项").fill("学籍号")
    form.get_by_test_id("submit-request").click()
    expect(page.get_by_role("alert").filter(has_text="申请共享")).to_be_visible()
    expect(page.get_by_test_id("request-state")).to_have_text("待答复")
    request = SharingRequest.objects.get()
    sign_out(page)

    # edu grants it.
    sign_in(page, "edu")
    nav = page.locator('[data-nav="sharing"]')
    expect(nav).to_contain_text("数据共享")
    nav.click()
    page.locator('[data-direction="received"]').click()
    page.locator(f'tr[data-request="{request.pk}"]').get_by_test_id("request-link").click()
    form = page.get_by_test_id("grant-form")
    until = local_today() + dt.timedelta(days=180)
    form.get_by_label("授权有效期至").fill(until.isoformat())
    form.get_by_label("答复意见").fill("同意,限健康档案核验使用")
    form.get_by_test_id("submit-grant").click()
    expect(page.get_by_role("alert").filter(has_text="已同意共享")).to_be_visible()
    expect(page.get_by_test_id("request-state")).to_have_text("已同意")
    expect(page.get_by_test_id("valid-until")).to_contain_text(until.isoformat())
    shot(page, "sharing_granted")
    sign_out(page)

    # health records a use.
    sign_in(page, "health")
    page.locator('[data-nav="sharing"]').click()
    page.locator('[data-status="granted"]').click()
    page.locator(f'tr[data-request="{request.pk}"]').get_by_test_id("request-link").click()
    form = page.get_by_test_id("use-form")
    form.get_by_label("调用或交换记录数").fill("260")
    form.get_by_label("说明").fill("新生健康档案建档")
    form.get_by_test_id("submit-use").click()
    expect(page.get_by_role("alert").filter(has_text="已登记")).to_be_visible()
    expect(page.get_by_test_id("use")).to_contain_text("260")
    sign_out(page)

    # DRC publishes it; the completeness page renders.
    sign_in(page, "drc")
    page.goto(f"/catalogue/resources/{resource.pk}/")
    expect(page.get_by_test_id("unpublished")).to_be_visible()
    page.get_by_test_id("publish").click()
    expect(page.get_by_role("alert").filter(has_text="已发布")).to_be_visible()
    expect(page.get_by_test_id("published")).to_contain_text(local_today().isoformat())
    expect(page.get_by_test_id("publish")).to_be_disabled()
    page.locator('[data-nav="catalogue"]').click()
    page.locator('[data-tab="completeness"]').click()
    row = page.locator(f'tr[data-unit="{district.edu.pk}"]')
    expect(row).to_be_visible()
    expect(row.get_by_test_id("unit-resources")).to_have_text("1")
    shot(page, "catalogue_completeness")
    resource.refresh_from_db()
    assert resource.published_on == local_today()
    assert SharingRequest.objects.get().uses.get().records == 260
