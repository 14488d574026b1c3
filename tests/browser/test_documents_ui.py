"""End-to-end (Debian chromium): an owner unit downloads the declaration template from the round's page, fills
it (as Excel would, with openpyxl), imports it — first with a bad row, which imports nothing and lists the
error by row and column, then corrected — and sees the line on the round's page (art. 8)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from itgov.core.dates import SHANGHAI
from itgov.planning import services as planning_services
from itgov.planning.models import DeclarationLine
from itgov.projects import services
from tests.factories import ProjectFactory

from .test_ui import browser, page, shot, sign_in  # noqa: F401 - the fixtures (and the skip without chromium)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_an_owner_unit_downloads_the_template_and_imports_it(page, district, monkeypatch, tmp_path):  # noqa: F811
    moment = dt.datetime(2026, 8, 15, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    project = services.project_admit(
        actor=district.users["drc"], no_task_reason="属全区教育信息化基础支撑",
        project=services.project_submit_proposal(actor=district.users["edu"], project=ProjectFactory(
            owner_unit=district.edu, name="鼓楼区智慧校园安全管理平台建设项目")))
    rnd = planning_services.declaration_round_open(actor=district.users["drc"], data={"year": 2027})

    # the unit opens the round and downloads the template
    sign_in(page, "edu")
    page.goto(f"/declarations/{rnd.pk}/")
    with page.expect_download() as info:
        page.get_by_test_id("download-template").click()
    download = info.value
    assert download.suggested_filename == "2027年度政务信息化项目申报模板.xlsx"
    template = tmp_path / "template.xlsx"
    download.save_as(template)
    wb = load_workbook(template)
    assert [row[1] for row in wb["可申报项目"].iter_rows(min_row=2, values_only=True)] == [project.name]

    # it fills one row with a mistake (no amount) and imports it: nothing is imported, the error is named
    ws = wb["申报表"]
    for j, value in enumerate([None, project.name, "建设", "B", None, "项目已完成前期论证,具备年内开工条件。"], start=1):
        ws.cell(row=2, column=j, value=value)
    bad = tmp_path / "申报-有误.xlsx"
    wb.save(bad)
    page.get_by_test_id("import-excel").click()
    expect(page.get_by_test_id("import-form")).to_be_visible()
    page.get_by_test_id("import-file").set_input_files(str(bad))
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("import-error")).to_have_text(["第2行 申请年度资金:必填"])
    shot(page, "documents_import_error")
    assert not DeclarationLine.objects.exists()

    # corrected, the file is imported and the line is on the round's page
    ws.cell(row=2, column=5, value=1500000)
    good = io.BytesIO()
    wb.save(good)
    page.get_by_test_id("import-file").set_input_files(files=[{
        "name": "申报.xlsx", "buffer": good.getvalue(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_role("alert").filter(has_text="已导入1项申报,合计150.00万元")).to_be_visible()
    lines = page.get_by_test_id("line-table")
    expect(lines).to_contain_text(project.name)
    expect(lines).to_contain_text("150.00")
    shot(page, "documents_import_done")
    line = DeclarationLine.objects.get()
    assert (line.project_id, line.requested_amount, line.proposed_class) == (project.pk, 1500000, "B")
