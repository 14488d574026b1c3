"""End-to-end through Debian's chromium: the initiation approval (art. 15, 28) as DRC, Finance and an expert would
click it — DRC opens 立项审批 from the navigation, accepts a submitted application, records the data-sharing
assessment, approves with the figures, sees the baseline and downloads the letter (a PDF); Finance records the
budget; an expert records an opinion. Screenshots of the workspace and the baseline go to var/screenshots/."""

from __future__ import annotations

from decimal import Decimal

import pytest

from itgov.approvals import services
from itgov.approvals.models import ApprovalLetter, Baseline, Budget, PanelMember
from tests.approvals_world import approval_maker
from tests.browser import test_ui as ui

# The fixtures and helpers of the UI tests (chromium, a live server, sign-in, screenshots).
browser, page, expect, shot, sign_in, sign_out = ui.browser, ui.page, ui.expect, ui.shot, ui.sign_in, ui.sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_drc_reviews_approves_and_downloads_the_letter(page, district):
    world = approval_maker(district)("submitted")
    project = world.project

    sign_in(page, "drc")
    page.locator('[data-nav="approvals"]').click()
    page.locator(f'tr[data-project="{project.pk}"]').get_by_test_id("approval-link").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("已提交立项申请")
    expect(page.get_by_test_id("approval-compliance")).to_contain_text("第二十八条")
    page.locator('[data-action="start_review"]').click()
    expect(page.get_by_test_id("approval-status")).to_have_text("立项审查中")

    form = page.get_by_test_id("review-form")
    form.get_by_label("建设必要性充分", exact=True).select_option("true")
    form.get_by_label("数据共享评估结论").select_option("adequate")
    form.get_by_label("数据共享评估意见").fill("共享需求和归集安排明确,可纳入全区目录。")
    page.get_by_test_id("save-review").click()
    expect(page.get_by_role("alert").filter(has_text="已保存审查意见")).to_be_visible()
    expect(page.locator('[data-rule="art28.sharing_assessed"]')).to_have_attribute("data-status", "met")

    approve = page.get_by_test_id("approve-form")
    approve.get_by_label("核定总投资概算(元)").fill("1100000")
    expect(approve.locator("[data-wan-preview]")).to_contain_text("110.00")
    approve.get_by_label("其他控制指标").fill("建设工期10个月。")
    approve.get_by_label("批复意见").fill("同意建设。")
    page.locator('[data-action="preview-letter"]').click()
    expect(page.get_by_test_id("letter-preview-frame")).to_be_visible()
    expect(page.frame_locator('[data-testid="letter-preview-frame"]').locator("body")).to_contain_text("同意建设")
    shot(page, "approvals_workspace")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('[data-action="approve"]').click()

    baseline = Baseline.objects.get(project=project)
    expect(page.get_by_test_id("document-number")).to_have_text(baseline.document_number)
    expect(page.get_by_test_id("approved-estimate")).to_contain_text("110.00")
    shot(page, "approvals_baseline")
    with page.expect_download() as info:
        page.get_by_test_id("letter-download").click()
    with open(info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert info.value.suggested_filename.endswith(".pdf")
    assert baseline.approved_estimate == Decimal("1100000")
    assert ApprovalLetter.objects.filter(baseline=baseline).exists()


def test_finance_budgets_and_an_expert_gives_an_opinion(page, district):
    make = approval_maker(district)
    approved = make("approved")
    reviewing = make("under_review")
    services.panel_add(actor=district.users["drc"], project=reviewing.project, data={"expert_id": district.expert.pk})

    sign_in(page, "finance")
    page.locator('[data-nav="approvals"]').click()
    page.locator('[data-status="approved"]').click()
    page.locator(f'tr[data-project="{approved.project.pk}"]').get_by_test_id("approval-link").click()
    page.get_by_test_id("budget-link").click()
    form = page.get_by_test_id("budget-form")
    form.get_by_label("年度 1").fill("2027")
    form.get_by_label("资金来源 1").select_option("general")
    form.get_by_label("金额(元) 1").fill("1000000")
    form.get_by_label("年度 2").fill("2028")
    form.get_by_label("资金来源 2").select_option("general")
    form.get_by_label("金额(元) 2").fill("150000")
    page.get_by_test_id("record-budget").click()
    expect(page.get_by_test_id("budget-total")).to_contain_text("115.00")
    expect(page.get_by_test_id("approval-status")).to_have_text("已编列预算")
    sign_out(page)

    sign_in(page, "expert")
    page.locator('[data-nav="expert_reviews"]').click()
    page.locator(f'tr[data-project="{reviewing.project.pk}"]').get_by_test_id("seat-link").click()
    page.get_by_role("combobox", name="评审意见").select_option("agree_with_changes")
    page.get_by_label("意见说明").fill("建议补充运维保障方案。")
    page.get_by_test_id("submit-opinion").click()
    expect(page.locator(f'tr[data-project="{reviewing.project.pk}"]').get_by_test_id("seat-opinion")).to_have_text(
        "修改后同意")

    assert Budget.objects.get(project=approved.project).total == Decimal("1150000")
    assert PanelMember.objects.get(review__application__project=reviewing.project).opinion == "agree_with_changes"


def test_drc_suspends_and_restores_a_unit_and_exchanges_project_codes(page, district):
    from itgov.approvals.models import UnitSuspension

    sign_in(page, "drc")
    page.locator('[data-nav="suspensions"]').click()
    form = page.get_by_test_id("suspension-form")
    form.get_by_label("建设单位").select_option(str(district.health.pk))
    form.get_by_label("暂缓理由").fill("验收不合格,拒不整改(第二十三条)。")
    page.get_by_test_id("create-suspension").click()
    expect(page.get_by_test_id("suspension-state").first).to_have_text("暂缓中")
    lift = page.get_by_test_id("lift-form").first
    lift.get_by_label("解除理由").fill("已完成整改并通过验收。")
    page.locator('[data-action="lift"]').first.click()
    page.locator('[data-testid="state-tabs"] a').last.click()  # 全部
    expect(page.get_by_test_id("suspension-state").first).to_have_text("已解除")
    shot(page, "approvals_suspensions")

    page.locator('[data-nav="approvals"]').click()
    page.get_by_test_id("codes-link").click()
    with page.expect_download() as info:
        page.get_by_test_id("codes-export").click()
    with open(info.value.path(), "rb") as handle:
        assert handle.read(2) == b"PK"  # an .xlsx
    suspension = UnitSuspension.objects.get(unit=district.health)
    assert suspension.lift_reason == "已完成整改并通过验收。" and suspension.lifted_by == district.users["drc"]
