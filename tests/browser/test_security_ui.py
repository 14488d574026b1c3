"""End-to-end through Debian's chromium: the security of a system (art. 30, with art. 4). edu records its system's
graded protection level 3 and its filing, then a graded assessment (等级测评); the Cyberspace Office finds the system on
its board (its cryptography assessment missing), opens it and raises a finding with a deadline; edu records the
remediation; the board shows no open finding any more and filters by the unit. Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from itgov.audit.models import AuditEvent
from itgov.catalogue import services as catalogue_services
from itgov.catalogue.models import InformationSystem
from itgov.core.dates import add_months, local_today
from itgov.security.models import SecurityAssessment, SecurityFinding
from tests.browser import test_ui as ui

browser, page, expect, shot = ui.browser, ui.page, ui.expect, ui.shot
sign_in, sign_out = ui.sign_in, ui.sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECURITY_SETTINGS = {"protection_assessment_interval": {"3": 12, "4": 6}, "crypto_assessment_level": 3,
                     "crypto_assessment_interval": 12, "reminder_lead_days": [30, 7, 1]}


@pytest.fixture
def security_settings(district):
    from itgov.rules.models import PolicyProfile
    from itgov.rules.profiles import parameters_in_force

    jurisdiction = district.drc_unit.jurisdiction
    today = local_today()
    return PolicyProfile.objects.create(jurisdiction=jurisdiction, name="测试:等级测评周期", effective_from=today,
                                        parameters={**parameters_in_force(jurisdiction, today), **SECURITY_SETTINGS})


def open_board(page) -> None:
    nav = page.locator('[data-nav="security"]')
    expect(nav).to_contain_text("网络安全")
    nav.click()
    expect(page.get_by_test_id("board-units")).to_be_visible()


def open_system(page, system) -> None:
    """A system's security page, from the catalogue's system page (its summary card)."""
    page.goto(f"/catalogue/systems/{system.pk}/")
    page.get_by_test_id("security-link").click()
    expect(page.get_by_test_id("system-name")).to_have_text(system.name)


def test_filing_assessment_finding_and_remediation(page, district, security_settings):
    today = local_today()
    edu_user = district.users["edu"]
    system = catalogue_services.system_register(actor=edu_user, data={"name": "学籍管理系统", "summary": "中小学学籍管理"})
    assessed_on = add_months(today, -12) + dt.timedelta(days=20)  # due in 20 days: due soon
    filed_on = today - dt.timedelta(days=400)

    # edu records the level and the filing, then a graded assessment.
    sign_in(page, "edu")
    open_system(page, system)
    expect(page.get_by_test_id("protection-level")).to_have_text("未定级")
    page.locator('[data-action="filing"]').click()
    form = page.get_by_test_id("filing-form")
    form.get_by_label("等级保护级别").select_option("3")
    form.get_by_label("等保备案编号").fill("32010650001-00001")
    form.get_by_test_id("submit-filing").click()  # the number without its day and authority: refused, kept
    expect(form.get_by_test_id("error-filed_on")).to_contain_text("备案编号、备案日期和备案机关须一并填写")
    expect(form.get_by_label("等保备案编号")).to_have_value("32010650001-00001")
    form.get_by_label("备案日期").fill(filed_on.isoformat())
    form.get_by_label("备案机关").fill("南京市公安局鼓楼分局")
    form.get_by_test_id("submit-filing").click()
    expect(page.get_by_role("alert").filter(has_text="已登记等级保护第3级")).to_be_visible()
    expect(page.get_by_test_id("protection-level")).to_have_text("等级保护第3级")
    expect(page.get_by_test_id("filing-number")).to_have_text("32010650001-00001")
    expect(page.get_by_test_id("due-graded")).to_have_text("未测评")
    expect(page.get_by_test_id("due-crypto")).to_have_text("未测评")

    page.locator('[data-action="assessment"]').click()
    form = page.get_by_test_id("assessment-form")
    form.get_by_label("测评类型").select_option("graded")
    form.get_by_label("测评日期").fill(assessed_on.isoformat())
    form.get_by_label("测评机构").fill("江苏省信息安全测评中心")
    form.get_by_label("测评结论").select_option("mostly")
    form.get_by_label("得分").fill("82.5")
    form.get_by_label("报告编号").fill("CP-2025-001")
    form.get_by_label("主要问题").fill("访问控制策略不完善")
    form.get_by_test_id("submit-assessment").click()
    expect(page.get_by_role("alert").filter(has_text="已登记等级保护测评")).to_be_visible()
    expect(page.get_by_test_id("assessment")).to_contain_text("CP-2025-001")
    expect(page.get_by_test_id("due-graded")).to_have_text("即将到期")
    expect(page.get_by_test_id("due-on-graded")).to_contain_text(add_months(assessed_on, 12).isoformat())
    shot(page, "security_owner_system")
    sign_out(page)

    # The Cyberspace Office finds the system on its board and raises a finding.
    sign_in(page, "cyber")
    open_board(page)
    row = page.locator(f'tr[data-unit="{district.edu.pk}"]')
    expect(row.locator('[data-col="due_soon"]')).to_have_text("1")
    expect(row.locator('[data-col="missing"]')).to_have_text("1")
    expect(page.locator('[data-chart="levels"][data-drawn="1"] svg')).to_be_visible()  # ECharts drew the chart
    expect(page.locator('#levels-table tr[data-level="3"] td')).to_have_text("1")
    page.locator(f'tr[data-system="{system.pk}"]').get_by_test_id("system-link").click()
    expect(page.get_by_test_id("system-name")).to_have_text(system.name)
    page.locator('[data-action="raise-finding"]').click()
    form = page.get_by_test_id("finding-form")
    form.get_by_label("问题描述").fill("未启用登录失败处理功能")
    form.get_by_label("风险等级").select_option("high")
    form.get_by_label("整改期限").fill((today + dt.timedelta(days=30)).isoformat())
    form.get_by_test_id("submit-finding").click()
    expect(page.get_by_role("alert").filter(has_text="已提出安全问题")).to_be_visible()
    finding = page.get_by_test_id("finding")
    expect(finding.get_by_test_id("finding-state")).to_have_text("待整改")
    expect(page.get_by_test_id("remediate-form")).to_have_count(0)  # the Cyberspace Office does not remediate
    open_board(page)
    expect(page.get_by_test_id("board-finding")).to_contain_text("未启用登录失败处理功能")
    shot(page, "security_board_open_finding")
    sign_out(page)

    # edu records the remediation.
    sign_in(page, "edu")
    open_system(page, system)
    finding = page.get_by_test_id("finding")
    finding.locator('[data-action="remediate"]').click()
    form = finding.get_by_test_id("remediate-form")
    form.get_by_label("整改完成日期").fill(today.isoformat())
    form.get_by_label("整改情况").fill("已启用登录失败锁定,连续5次失败锁定30分钟")
    form.get_by_test_id("submit-remediate").click()
    expect(page.get_by_role("alert").filter(has_text="已登记整改")).to_be_visible()
    expect(page.get_by_test_id("finding-state")).to_have_text("已整改")
    expect(page.get_by_test_id("finding-remediation")).to_contain_text("已启用登录失败锁定")
    sign_out(page)

    # The board: no open finding; filtered by the unit (htmx).
    sign_in(page, "cyber")
    open_board(page)
    expect(page.get_by_test_id("findings-empty")).to_be_visible()
    row = page.locator(f'tr[data-unit="{district.edu.pk}"]')
    expect(row.locator('[data-col="open_findings"]')).to_have_text("0")
    row.get_by_test_id("unit-link").click()
    expect(page.get_by_test_id("board-unit")).to_contain_text("区教育局")
    expect(page).to_have_url(re.compile(rf"/security/\?unit={district.edu.pk}$"))
    expect(page.locator('[data-chart="levels"][data-drawn="1"] svg')).to_be_visible()  # drawn again after the swap
    shot(page, "security_board_unit")

    system = InformationSystem.objects.get(pk=system.pk)
    assert (system.protection_level, system.filing_number, system.filed_on) == (3, "32010650001-00001", filed_on)
    assert SecurityAssessment.objects.get().assessed_on == assessed_on
    done = SecurityFinding.objects.get()
    assert (done.remediated_on, done.raised_by_id) == (today, district.users["cyber"].pk)
    assert AuditEvent.objects.filter(event_type__startswith="security.").count() == 4
