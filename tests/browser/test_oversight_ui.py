"""End-to-end through Debian's chromium: audit cooperation (art. 25). The audit bureau opens a case on edu's
building project and sends it a request; edu, under 审计调阅, answers with a file; the audit bureau sees the answer and
its file on the case page and downloads the project's dossier, whose manifest's hashes match its files.
Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile

import pytest

from itgov.audit.models import AuditEvent
from itgov.core.dates import local_today
from itgov.oversight.models import AuditAnswer, AuditCase
from itgov.oversight.tests.world import record_spending
from tests.browser import test_ui as ui
from tests.construction_world import construction_maker

browser, page, expect, shot = ui.browser, ui.page, ui.expect, ui.shot
sign_in, sign_out = ui.sign_in, ui.sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_audit_asks_the_unit_answers_and_the_dossier_is_exported(page, district, tmp_path):
    world = construction_maker(district)("in_construction")
    project = world.project
    record_spending(district, project)
    due = local_today() + dt.timedelta(days=10)

    # The audit bureau opens a case on the project and sends edu a request.
    sign_in(page, "audit")
    nav = page.locator('[data-nav="oversight"]')
    expect(nav).to_contain_text("审计监督")
    nav.click()
    expect(page.get_by_test_id("cases-empty")).to_be_visible()
    page.get_by_test_id("case-open-link").click()
    form = page.get_by_test_id("case-open-form")
    form.get_by_label("审计事项").fill("智慧校园项目专项审计")
    form.get_by_label("审计范围和内容").fill("资金使用、合同管理")
    form.get_by_label("被审计项目").select_option(str(project.pk))
    form.get_by_test_id("record-case-open").click()
    expect(page.get_by_role("alert").filter(has_text="已立项审计")).to_be_visible()
    case = AuditCase.objects.get()
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)
    form = page.get_by_test_id("request-form")
    form.get_by_label("项目").select_option(str(project.pk))
    form.get_by_label("类型").select_option("documents")
    form.get_by_label("事由").fill("调阅合同和支付凭证")
    form.get_by_label("调阅内容").fill("请提供全部合同及支付凭证")
    form.get_by_label("报送期限").fill(due.isoformat())
    form.get_by_test_id("submit-request").click()
    expect(page.get_by_role("alert").filter(has_text="已向区教育局发出调阅要求")).to_be_visible()
    request = page.get_by_test_id("request")
    expect(request.get_by_test_id("request-state")).to_have_text("待报送")
    shot(page, "oversight_audit_case")
    sign_out(page)

    # edu answers under 审计调阅, with a file.
    sign_in(page, "edu")
    nav = page.locator('[data-nav="oversight"]')
    expect(nav).to_contain_text("审计调阅")
    nav.click()
    request = page.get_by_test_id("request")
    expect(request).to_contain_text("调阅合同和支付凭证")
    request.locator('[data-action="answer"]').click()
    form = request.get_by_test_id("answer-form")
    form.get_by_label("说明").fill("已提供合同两份、支付凭证一份")
    form.locator('input[type="file"]').set_input_files(
        {"name": "合同台账.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 itgov browser answer"})
    form.get_by_test_id("submit-answer").click()
    expect(page.get_by_role("alert").filter(has_text="已报送审计资料")).to_be_visible()
    expect(page.get_by_test_id("request-state")).to_have_text("已报送")
    expect(page.get_by_test_id("answer-file")).to_contain_text("合同台账.pdf")
    expect(page.locator('[data-action="supplement"]')).to_be_visible()
    shot(page, "oversight_owner_answered")
    sign_out(page)

    # The audit bureau sees the answer and downloads the dossier.
    sign_in(page, "audit")
    page.locator('[data-nav="oversight"]').click()
    page.locator(f'tr[data-case="{case.pk}"]').get_by_test_id("case-link").click()
    expect(page.get_by_test_id("request-state")).to_have_text("已报送")
    expect(page.get_by_test_id("answer-file")).to_contain_text("合同台账.pdf")
    page.get_by_test_id("dossier-link").click()
    expect(page.get_by_test_id("project-name")).to_contain_text(project.name)
    expect(page.locator('[data-record="construction.payment"]')).to_be_visible()
    shot(page, "oversight_dossier")
    with page.expect_download() as download_info:
        page.get_by_test_id("dossier-download").click()
    path = tmp_path / "dossier.zip"
    download_info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"], entry["path"]
        assert any(p["path"].endswith("合同台账.pdf") for p in manifest["files"])
    assert AuditAnswer.objects.get().text == "已提供合同两份、支付凭证一份"
    assert AuditEvent.objects.filter(event_type="oversight.dossier.exported", project_id=project.pk).count() == 1
