"""End-to-end through Debian's chromium: the owner unit's initiation application (art. 14, 17) — edu opens the
project from the projects list, opens its application from the "立项审批" card, fills the basic content, saves
and sees the compliance panel turn, adds a milestone row (htmx), uploads the feasibility study, enters the
project code and submits; and a submission without the reports is refused with 第十四条. Screenshots of the
form and the refusal go to var/screenshots/."""

from __future__ import annotations

import pytest

from itgov.approvals import services
from itgov.projects.models import Project
from tests.approvals_world import PDF_BYTES, approval_maker, next_code, report, valid_application_payload
from tests.browser import test_ui as ui

# The fixtures and helpers of the UI tests (chromium, a live server, sign-in, screenshots).
browser, page, expect, shot, sign_in = ui.browser, ui.page, ui.expect, ui.shot, ui.sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTENT = {"construction_content": "", "scale": "", "standards": "", "technical_approach": ""}


def open_application(page, project) -> None:
    page.locator('[data-nav="projects"]').click()
    page.get_by_test_id("project-table").get_by_role("link", name=project.name).click()
    expect(page.get_by_test_id("approval-card")).to_be_visible()
    page.get_by_test_id("approval-card").get_by_test_id("card-application-link").click()
    expect(page.get_by_test_id("application-head")).to_be_visible()


def test_owner_fills_saves_uploads_codes_and_submits(page, district):
    world = approval_maker(district)("planned", name="鼓楼区智慧校园安全管理平台建设项目")
    edu = district.users["edu"]
    # The other sections were filled earlier; the basic content and one report are still missing.
    services.application_save(actor=edu, project=world.project, data=valid_application_payload(**CONTENT))
    services.document_upload(actor=edu, project=world.project, **report("application_report"))

    sign_in(page, "edu")
    open_application(page, world.project)
    complete = page.locator('[data-rule="art14.application_complete"]')
    expect(complete).to_have_attribute("data-status", "pending")

    page.get_by_label("建设内容", exact=True).fill("建设校园安防视频汇聚、预警处置、统计分析三个子系统。")
    page.get_by_label("建设规模", exact=True).fill("覆盖全区52所中小学。")
    page.get_by_label("建设标准", exact=True).fill("符合教育部校园安全信息化相关标准。")
    page.get_by_label("技术路线", exact=True).fill("政务云部署,对接视频资源共享平台。")
    page.get_by_label("硬件购置(元)").fill("300000")
    expect(page.get_by_test_id("investment-total")).to_have_text("130.00")  # live, before saving
    rows = page.locator('#rows-milestones tr')
    count = rows.count()
    page.locator('[data-action="add-milestones"]').click()
    expect(rows).to_have_count(count + 1)
    shot(page, "application_form")
    page.get_by_test_id("save-application").click()

    expect(page.get_by_role("alert").filter(has_text="已保存立项申请草稿")).to_be_visible()
    expect(complete).to_have_attribute("data-status", "met")
    expect(complete).to_contain_text("130.00")
    expect(page.get_by_test_id("application-total")).to_contain_text("130.00")

    upload = page.get_by_test_id("upload-form")
    upload.get_by_label("材料类型").select_option("feasibility_study")
    upload.get_by_label("文件", exact=True).set_input_files(
        {"name": "可行性研究报告.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES})
    page.get_by_test_id("upload-document").click()
    expect(page.get_by_test_id("document-table")).to_contain_text("可行性研究报告.pdf")
    expect(page.locator('[data-rule="art14.reports_submitted"]')).to_have_attribute("data-status", "met")

    code = next_code()
    page.get_by_test_id("code-form").get_by_label("项目代码").fill(code)
    page.get_by_test_id("save-code").click()
    expect(page.get_by_test_id("code-value")).to_have_text(code)
    expect(page.get_by_test_id("code-meaning")).to_contain_text("2026年4月")

    page.get_by_test_id("submit-application").click()
    expect(page.get_by_test_id("project-status")).to_have_text("已提交立项申请")
    expect(page.get_by_test_id("in-review-note")).to_be_visible()
    expect(page.get_by_test_id("application-form")).to_have_count(0)
    assert Project.objects.get(pk=world.project.pk).status == "initiation_submitted"


def test_a_submission_without_reports_is_refused_with_article_14(page, district):
    world = approval_maker(district)("planned", name="鼓楼区基层医疗卫生信息平台建设项目")
    edu = district.users["edu"]
    services.application_save(actor=edu, project=world.project, data=valid_application_payload())
    services.project_code_record(actor=edu, project=world.project, data={"project_code": next_code()})

    sign_in(page, "edu")
    open_application(page, world.project)
    page.get_by_test_id("submit-application").click()

    error = page.get_by_test_id("form-error")
    expect(error).to_be_visible()
    expect(error.get_by_test_id("error-article")).to_have_text("第十四条")
    expect(error).to_contain_text("缺少:立项申请报告、可行性研究报告")
    expect(page.get_by_test_id("project-status")).to_have_text("已列入年度计划")
    shot(page, "application_refused")
    assert Project.objects.get(pk=world.project.pk).status == "planned"
