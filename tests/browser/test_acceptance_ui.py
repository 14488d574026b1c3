"""End-to-end through Debian's chromium: trial operation and the acceptance application (art. 22) as the owner unit
would click it — on the construction page it completes construction with a trial start three months ago, sees the
dates and 可申请, applies for acceptance, and the project is 已申请验收 with its application listed; DRC sees it.
Then the whole acceptance on the page 竣工验收 (art. 22, 23): the owner uploads the documents and applies, DRC
schedules, seats an expert, records the opinion and fails it with a deadline; the owner uploads its rectification
report and applies again; DRC passes it; the owner files the result with Finance and registers an asset; Finance
confirms; the calendar shows the acceptance. Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.acceptance.models import AcceptanceApplication
from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.projects.models import Project
from tests.acceptance_world import acceptance_maker, catalogue_and_security, upload_required
from tests.browser import test_ui as ui
from tests.construction_world import construction_maker

# The fixtures and helpers of the UI tests (chromium, a live server, sign-in, screenshots).
browser, page, expect, shot = ui.browser, ui.page, ui.expect, ui.shot
sign_in, sign_out = ui.sign_in, ui.sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_project(page, project) -> None:
    page.locator('[data-nav="construction"]').click()
    page.locator(f'tr[data-project="{project.pk}"]').get_by_test_id("construction-link").click()
    expect(page.get_by_test_id("project-name")).to_contain_text(project.name)


def test_the_owner_completes_construction_and_applies_for_acceptance(page, district):
    world = construction_maker(district)("in_construction")
    project = world.project
    today = local_today()
    trial = add_months(today, -3)  # T + 3 months is today (or, at a month's end, a day or two before)
    # Construction started long before the trial (the world starts it today).
    Project.objects.filter(pk=project.pk).update(
        construction_started_at=dt.datetime.combine(today - dt.timedelta(days=365), dt.time(9), tzinfo=SHANGHAI))

    sign_in(page, "edu")
    open_project(page, project)
    section = page.get_by_test_id("acceptance")
    expect(section.get_by_test_id("apply-form")).to_have_count(0)
    form = section.get_by_test_id("trial-form")
    form.get_by_label("试运行开始日期").fill(trial.isoformat())
    form.get_by_test_id("submit-trial").click()
    expect(page.get_by_role("alert").filter(has_text="已完成建设")).to_be_visible()
    expect(page.get_by_test_id("construction-status")).to_have_text("试运行")
    expect(section.get_by_test_id("trial-started-on")).to_have_text(trial.isoformat())
    expect(section.get_by_test_id("apply-from")).to_have_text(add_months(trial, 3).isoformat())
    expect(section.get_by_test_id("apply-due")).to_have_text(add_months(trial, 6).isoformat())
    expect(section.get_by_test_id("acceptance-timing")).to_have_text("可申请")
    expect(section.get_by_test_id("trial-form")).to_have_count(0)
    shot(page, "acceptance_owner_trial")
    upload_required(world)  # the documents the application carries (uploaded through the page in the next test)
    catalogue_and_security(world)  # its system and declared resources in the catalogue (art. 27, 30)
    page.reload()

    form = section.get_by_test_id("apply-form")
    form.get_by_label("建设完成情况").fill("三个子系统均已建成,试运行三个月运行稳定")
    form.get_by_test_id("submit-apply").click()
    expect(page.get_by_role("alert").filter(has_text="已申请竣工验收")).to_be_visible()
    expect(page.get_by_test_id("construction-status")).to_have_text("已申请验收")
    row = section.locator("tr[data-application]")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("application-number")).to_have_text("1")
    expect(row.get_by_test_id("application-on-time")).to_have_text("按期")
    expect(section.get_by_test_id("apply-form")).to_have_count(0)
    shot(page, "acceptance_owner_applied")
    sign_out(page)

    # DRC sees the application on the construction page (no form: the owner unit applies, art. 22).
    sign_in(page, "drc")
    page.goto(f"/projects/{project.pk}/construction/#acceptance")
    expect(page.get_by_test_id("construction-status")).to_have_text("已申请验收")
    expect(section.locator("tr[data-application]")).to_contain_text("试运行三个月运行稳定")
    expect(section.get_by_test_id("apply-form")).to_have_count(0)

    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.status, fresh.trial_started_on) == ("acceptance_applied", trial)
    application = AcceptanceApplication.objects.get(project=project)
    assert (application.number, application.applied_on, application.late) == (1, today, False)
    assert AuditEvent.objects.filter(event_type="acceptance.trial_started", project_id=project.pk).count() == 1
    assert AuditEvent.objects.filter(event_type="acceptance.applied", project_id=project.pk).count() == 1


def upload_file(page, kind: str, name: str) -> None:
    form = page.get_by_test_id("upload-form")
    form.get_by_label("材料类型").select_option(kind)
    form.locator('input[type="file"]').set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": b"%PDF-1.4 itgov browser test"})
    form.get_by_test_id("submit-upload").click()
    expect(page.get_by_role("alert").filter(has_text=f"“{name}”")).to_be_visible()


def open_acceptance(page, project) -> None:
    page.locator('[data-nav="acceptance"]').click()
    page.locator(f'tr[data-project="{project.pk}"]').get_by_test_id("acceptance-link").click()
    expect(page.get_by_test_id("project-name")).to_contain_text(project.name)


def test_the_whole_acceptance_on_its_page(page, district):
    from itgov.acceptance.models import Acceptance, AcceptanceFiling, Asset
    from itgov.acceptance.selectors import required_kinds

    world = acceptance_maker(district)("trial_operation")  # trial from four months ago: it may apply today
    project, today = world.project, local_today()
    page.on("dialog", lambda dialog: dialog.accept())

    # The owner unit uploads what the application carries and applies.
    sign_in(page, "edu")
    open_acceptance(page, project)
    expect(page.get_by_test_id("acceptance-timing")).to_have_text("可申请")
    expect(page.get_by_test_id("document-missing")).to_have_count(len(required_kinds(project)))
    for kind in required_kinds(project):
        upload_file(page, kind, f"{kind}.pdf")
    expect(page.get_by_test_id("document-missing")).to_have_count(0)
    page.get_by_test_id("apply-form").get_by_label("建设完成情况").fill("建设内容全部完成,试运行四个月运行稳定")
    page.get_by_test_id("submit-apply").click()
    expect(page.get_by_role("alert").filter(has_text="已申请竣工验收")).to_be_visible()
    expect(page.get_by_test_id("acceptance-status")).to_have_text("已申请验收")
    shot(page, "acceptance_page_applied")
    sign_out(page)

    # DRC schedules, seats an expert of the pool (the education bureau's own expert marked 应回避), records the
    # opinion from the meeting and fails the project with a deadline.
    sign_in(page, "drc")
    open_acceptance(page, project)
    form = page.get_by_test_id("schedule-form")
    form.get_by_label("验收日期").fill(today.isoformat())
    form.get_by_label("验收地点").fill("区政务服务中心三楼会议室")
    form.get_by_test_id("submit-schedule").click()
    expect(page.get_by_role("alert").filter(has_text="已安排竣工验收")).to_be_visible()
    expect(page.get_by_test_id("scheduled-on")).to_have_text(today.isoformat())
    pool = page.get_by_test_id("pool-table")
    expect(pool.locator(f'tr[data-expert="{district.conflicted_expert.pk}"]')).to_contain_text("应回避")
    pool.locator(f'tr[data-expert="{district.expert2.pk}"]').locator('[data-action="add-expert"]').click()
    expect(page.get_by_role("alert").filter(has_text="加入验收专家组")).to_be_visible()
    opinion = page.get_by_test_id("opinion-form")
    opinion.get_by_label("验收意见").select_option("failed")
    opinion.get_by_label("意见说明").fill("测试报告缺少性能测试")
    opinion.get_by_test_id("submit-opinion").click()
    expect(page.get_by_role("alert").filter(has_text="不通过")).to_be_visible()
    expect(page.get_by_test_id("seat-opinion")).to_have_text("不通过")
    due = today + dt.timedelta(days=30)
    decide = page.get_by_test_id("decide-form")
    decide.get_by_label("验收结论").select_option("failed")
    decide.get_by_label("验收意见").fill("缺少性能测试,限期补测")
    decide.get_by_label("整改期限(不通过时)").fill(due.isoformat())
    decide.get_by_test_id("submit-decide").click()
    expect(page.get_by_role("alert").filter(has_text="已限期整改")).to_be_visible()
    expect(page.get_by_test_id("acceptance-status")).to_have_text("验收整改中")
    expect(page.get_by_test_id("rectification-due")).to_have_text(due.isoformat())
    shot(page, "acceptance_page_failed")
    sign_out(page)

    # The owner unit uploads its rectification report and applies again.
    sign_in(page, "edu")
    open_acceptance(page, project)
    expect(page.get_by_test_id("report-needed")).to_be_visible()
    upload_file(page, "rectification_report", "整改报告.pdf")
    expect(page.get_by_test_id("report-needed")).to_have_count(0)
    page.get_by_test_id("reapply-form").get_by_label("整改完成情况").fill("已补充性能测试报告")
    page.get_by_test_id("submit-reapply").click()
    expect(page.get_by_role("alert").filter(has_text="重新申请")).to_be_visible()
    expect(page.locator("tr[data-application]")).to_have_count(2)
    sign_out(page)

    # DRC schedules the second acceptance and passes it.
    sign_in(page, "drc")
    open_acceptance(page, project)
    form = page.get_by_test_id("schedule-form")
    form.get_by_label("验收日期").fill(today.isoformat())
    form.get_by_test_id("submit-schedule").click()
    expect(page.get_by_role("alert").filter(has_text="已安排竣工验收")).to_be_visible()
    decide = page.get_by_test_id("decide-form")
    decide.get_by_label("验收结论").select_option("passed")
    decide.get_by_label("验收意见").fill("整改到位,同意通过")
    decide.get_by_test_id("submit-decide").click()
    expect(page.get_by_role("alert").filter(has_text="通过竣工验收")).to_be_visible()
    expect(page.get_by_test_id("acceptance-status")).to_have_text("已通过验收")
    # The calendar, from the list, shows today's acceptance.
    page.locator('[data-nav="acceptance"]').click()
    page.get_by_test_id("calendar-link").click()
    cell = page.locator(f'td[data-date="{today.isoformat()}"]')
    expect(cell.locator(f'[data-kind="acceptance"][data-project="{project.pk}"]')).to_have_count(2)
    shot(page, "acceptance_calendar")
    sign_out(page)

    # The owner files the result with Finance and registers an asset.
    sign_in(page, "edu")
    open_acceptance(page, project)
    filing = page.get_by_test_id("filing-form")
    filing.get_by_label("报送文号").fill("鼓教〔2026〕12号")
    filing.get_by_test_id("submit-filing").click()
    expect(page.get_by_role("alert").filter(has_text="报财政局备案")).to_be_visible()
    expect(page.get_by_test_id("not-received")).to_be_visible()
    asset = page.get_by_test_id("asset-form")
    asset.get_by_label("资产名称").fill("数据库服务器")
    asset.get_by_label("资产类别").select_option("hardware")
    asset.get_by_label("数量").fill("2")
    asset.get_by_label("价值(元)").fill("356000")
    asset.get_by_label("使用管理单位").select_option(label="区第一中学")
    asset.get_by_label("存放地点").fill("区数据中心机房")
    asset.get_by_test_id("submit-asset").click()
    expect(page.get_by_role("alert").filter(has_text="已登记资产")).to_be_visible()
    expect(page.get_by_test_id("asset-value")).to_have_text("35.60")
    shot(page, "acceptance_page_assets")
    sign_out(page)

    # Finance confirms the filing.
    sign_in(page, "finance")
    open_acceptance(page, project)
    page.get_by_test_id("submit-receive").click()
    expect(page.get_by_role("alert").filter(has_text="已确认验收结果备案")).to_be_visible()
    expect(page.get_by_test_id("received")).to_have_text("已确认")
    shot(page, "acceptance_page_filed")

    assert Project.objects.get(pk=project.pk).status == "accepted"
    assert list(Acceptance.objects.filter(project=project).order_by("application__number")
                .values_list("result", flat=True)) == ["failed", "passed"]
    assert AcceptanceFiling.objects.get().received_by.username == "finance"
    assert Asset.objects.get().value == 356000
    assert AuditEvent.objects.filter(event_type="acceptance.document.uploaded", project_id=project.pk).count() == (
        len(required_kinds(project)) + 1)
