"""End-to-end through Debian's chromium: DRC drafts the development plan with key tasks and publishes it
(art. 6); the reserve library (art. 7) filters and exports to Excel.

Screenshots go to var/screenshots/. Never `playwright install`: the browser is /usr/bin/chromium."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from itgov.planning.models import DevelopmentPlan
from itgov.projects import services
from tests.factories import ProjectFactory

from .test_ui import CHROMIUM, browser, page, shot, sign_in  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reserve_project(district, name: str, unit=None, amount="1000000.00", task=None):
    unit = unit or district.edu
    owner = district.users["edu" if unit == district.edu else "health"]
    project = ProjectFactory(owner_unit=unit, name=name, estimated_investment=Decimal(amount), plan_task=task)
    project = services.project_submit_proposal(actor=owner, project=project)
    return services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础支撑")


def test_drc_drafts_a_plan_with_tasks_and_publishes_it(page, district):  # noqa: F811
    sign_in(page, "drc")
    page.locator('[data-nav="devplans"]').click()
    expect(page.get_by_test_id("plans-empty")).to_be_visible()

    # draft
    form = page.get_by_test_id("plan-form")
    form.get_by_label("规划名称").fill("鼓楼区“十五五”政务信息化发展规划")
    form.get_by_label("起始年度").fill("2026")
    form.get_by_label("截止年度").fill("2030")
    page.get_by_test_id("create-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("草稿")
    expect(page.get_by_test_id("tasks-empty")).to_be_visible()

    # publishing with no task is refused, citing art. 6
    page.get_by_test_id("publish-plan").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("至少应有一项重点任务")
    expect(page.get_by_test_id("error-article")).to_have_text("第六条")

    # two tasks, the first led by 区教育局
    for number, title, unit in (("1", "智慧教育", "区教育局"), ("2", "数字健康", "")):
        tasks = page.get_by_test_id("task-form")
        tasks.get_by_label("任务编号").fill(number)
        tasks.get_by_label("任务名称").fill(title)
        if unit:
            tasks.get_by_label("牵头单位").select_option(label=unit)
        page.get_by_test_id("add-task").click()
        expect(page.locator(f'tr[data-task="{number}"]')).to_contain_text(title)
    expect(page.locator('tr[data-task="1"]')).to_contain_text("区教育局")
    expect(page.get_by_test_id("uncovered")).to_have_count(2)
    shot(page, "devplan_draft")

    page.get_by_test_id("publish-plan").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已发布")
    expect(page.get_by_test_id("revise-plan")).to_be_visible()
    expect(page.get_by_test_id("task-form")).to_have_count(0)
    shot(page, "devplan_published")
    plan = DevelopmentPlan.objects.get()
    assert (plan.status, list(plan.tasks.values_list("number", flat=True))) == ("published", ["1", "2"])

    # a revision: a new draft edition with the tasks copied
    page.get_by_test_id("revise-plan").click()
    expect(page.get_by_test_id("plan-edition")).to_contain_text("第2版")
    expect(page.get_by_test_id("revision-note")).to_be_visible()
    expect(page.locator('tr[data-task="2"]')).to_contain_text("数字健康")


def test_the_reserve_filters_and_exports(page, district):  # noqa: F811
    reserve_project(district, "区教育局智慧校园平台建设项目", amount="1200000.00")
    reserve_project(district, "区教育局录播教室改造项目", amount="300000.00")
    reserve_project(district, "区卫健委基层医疗信息平台项目", unit=district.health, amount="2500000.00")
    sign_in(page, "finance")
    page.locator('[data-nav="reserve"]').click()
    expect(page.get_by_test_id("result-count")).to_have_text("共 3 个项目")

    filters = page.get_by_test_id("reserve-filters")
    filters.get_by_label("建设单位").select_option(label="区教育局")
    page.locator("#id_min_wan").fill("100")
    page.get_by_test_id("filter-reserve").click()

    expect(page.get_by_test_id("result-count")).to_have_text("共 1 个项目")
    expect(page.get_by_test_id("reserve-table")).to_contain_text("区教育局智慧校园平台建设项目")
    expect(page).to_have_url(re.compile(r"min_wan=100"))
    shot(page, "reserve_filtered")

    with page.expect_download() as info:
        page.get_by_test_id("export-reserve").click()
    download = info.value
    assert download.suggested_filename == "reserve.xlsx"
    rows = list(load_workbook(io.BytesIO(open(download.path(), "rb").read())).active.iter_rows(values_only=True))
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [("区教育局智慧校园平台建设项目", "区教育局", 120)]
