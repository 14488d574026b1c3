"""End-to-end through Debian's chromium: trial operation and the acceptance application (art. 22) as the owner unit
would click it — on the construction page it completes construction with a trial start three months ago, sees the
dates and 可申请, applies for acceptance, and the project is 已申请验收 with its application listed; DRC sees it.
Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.acceptance.models import AcceptanceApplication
from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.projects.models import Project
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
