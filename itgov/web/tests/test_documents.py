"""The document pages: the plan's Excel and PDF downloads (art. 8–9), the declaration template and the Excel
import page (art. 8) — per role, their content types, the per-row errors shown on the page, the links on the
round's page, and query budgets that do not grow with the plan's lines."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI
from itgov.planning import excel, plan_services
from itgov.planning import services as planning_services
from itgov.planning.models import AnnualPlan, DeclarationLine, PlanLine
from itgov.projects import services
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert", "anon"]
INSIDE = dt.datetime(2026, 8, 15, 10, 0, tzinfo=SHANGHAI)
AFTER = dt.datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)


def signed_in(district, role: str) -> Client:
    client = Client()
    if role != "anon":
        client.force_login(district.users[role])
    return client


def reserve(district, unit=None, name=None):
    unit = unit or district.edu
    owner = district.users["edu"] if unit == district.edu else district.users["health"]
    project = ProjectFactory(owner_unit=unit, **({"name": name} if name else {}))
    project = services.project_submit_proposal(actor=owner, project=project)
    return services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础")


def issued_plan(district, n_edu: int = 1, n_health: int = 1) -> AnnualPlan:
    drc = district.users["drc"]
    plan = plan_services.annual_plan_create(actor=drc, data={"year": 2027, "capacity": "900000000.00"})
    for unit, n in ((district.edu, n_edu), (district.health, n_health)):
        for i in range(n):
            plan_services.plan_line_add(actor=drc, plan=plan, data={
                "project_id": reserve(district, unit).pk, "line_type": "construction",
                "plan_class": "ABC"[i % 3], "amount": "10000.00", "prework_amount": "10000.00" if i % 3 == 2 else "0",
                "must_start_reason": "市级重点任务" if i % 3 == 0 else "", "skip_reason": "条件成熟"})
    plan = plan_services.plan_transition(actor=drc, plan=AnnualPlan.objects.get(pk=plan.pk), name="submit")
    plan = plan_services.plan_transition(actor=district.users["finance"], plan=plan, name="cosign")
    return plan_services.plan_transition(actor=district.users["gov"], plan=plan, name="issue",
                                         data={"document_number": "鼓政发〔2027〕1号"})


SEES_ISSUED = {"drc", "finance", "audit", "cyber", "gov", "edu", "health"}  # not the sysadmin, firms, experts


@pytest.mark.parametrize("role", ROLES)
def test_plan_downloads_per_role(district, role):
    plan = issued_plan(district)
    client = signed_in(district, role)
    for kind, content_type in (("xlsx", excel.XLSX_CONTENT_TYPE), ("pdf", "application/pdf")):
        response = client.get(f"/plans/{plan.pk}/export.{kind}")
        if role == "anon":
            assert response.status_code == 302 and response["Location"].startswith("/login/")
            continue
        if role in SEES_ISSUED:
            assert response.status_code == 200
            assert response["Content-Type"] == content_type
            assert response["Content-Disposition"].startswith("attachment;")
            assert "filename*=utf-8''2027" in response["Content-Disposition"]
        else:
            assert response.status_code == 404
    downloads = AuditEvent.objects.filter(event_type="file.downloaded", object_id=str(plan.pk)).count()
    assert downloads == (2 if role in SEES_ISSUED else 0)


def test_a_unit_downloads_only_its_own_lines(district):
    plan = issued_plan(district, n_edu=2, n_health=3)
    response = signed_in(district, "health").get(f"/plans/{plan.pk}/export.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    units = {row[2] for row in rows[3:] if isinstance(row[0], int)}
    assert units == {"区卫健委"}
    assert rows[-1][1] == "合计(3项)"


def test_a_post_to_a_download_is_refused(district):
    plan = issued_plan(district)
    assert signed_in(district, "drc").post(f"/plans/{plan.pk}/export.xlsx").status_code == 405


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_plan_download_queries_do_not_grow_with_lines(district, kind):
    drc = district.users["drc"]
    plan = plan_services.annual_plan_create(actor=drc, data={"year": 2027, "capacity": "900000000.00"})
    client = signed_in(district, "drc")
    url = f"/plans/{plan.pk}/export.{kind}"

    def add(n):
        for i in range(n):
            plan_services.plan_line_add(actor=drc, plan=plan, data={
                "project_id": reserve(district, district.edu if i % 2 else district.health).pk,
                "line_type": "construction", "plan_class": "B", "amount": "10000.00", "skip_reason": "条件成熟"})

    add(3)
    client.get(url)  # warm up
    small = count_queries(client, url)
    add(27)
    large = count_queries(client, url)
    assert PlanLine.objects.filter(plan=plan).count() == 30
    assert small == large, f"{small} queries at 3 lines, {large} at 30"
    assert large <= 14  # session, user, roles, plan, lines, unit; the audit event (chain head, insert, update)


# --- the declaration template and the import page -------------------------------------------------------


@pytest.fixture
def rnd(district):
    return planning_services.declaration_round_open(actor=district.users["drc"], data={"year": 2027})


TEMPLATE_STATUS = {"admin": 404, "drc": 403, "finance": 403, "audit": 403, "cyber": 403, "gov": 403, "edu": 200,
                   "health": 200, "supervisor": 404, "expert": 404}


@pytest.mark.parametrize("role", ROLES)
def test_template_and_import_page_per_role(district, rnd, role):
    client = signed_in(district, role)
    template = client.get(f"/declarations/{rnd.pk}/template.xlsx")
    page = client.get(f"/declarations/{rnd.pk}/import/")
    if role == "anon":
        assert template.status_code == page.status_code == 302
        return
    assert template.status_code == page.status_code == TEMPLATE_STATUS[role]
    if role in ("edu", "health"):
        assert template["Content-Type"] == excel.XLSX_CONTENT_TYPE
        assert 'data-testid="import-form"' in page.content.decode()
        assert 'enctype="multipart/form-data"' in page.content.decode()
    elif template.status_code == 403:
        assert "第八条" in page.content.decode()


@pytest.mark.parametrize(("role", "shown"), [("edu", True), ("health", True), ("drc", False), ("finance", False)])
def test_the_round_page_links_the_template_and_the_import_for_units_only(district, rnd, role, shown):
    html = signed_in(district, role).get(f"/declarations/{rnd.pk}/").content.decode()
    assert (f'href="/declarations/{rnd.pk}/template.xlsx"' in html) is shown
    assert (f'href="/declarations/{rnd.pk}/import/"' in html) is shown
    assert ("下载申报模板" in html) is shown and ("导入Excel" in html) is shown


def _filled(client, rnd, rows) -> SimpleUploadedFile:
    wb = load_workbook(io.BytesIO(client.get(f"/declarations/{rnd.pk}/template.xlsx").content))
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            wb["申报表"].cell(row=i, column=j, value=value)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("申报.xlsx", out.getvalue(), content_type=excel.XLSX_CONTENT_TYPE)


def test_an_import_with_bad_rows_shows_every_error_and_saves_nothing(monkeypatch, district, rnd):
    monkeypatch.setattr(timezone, "now", lambda: INSIDE)
    project = reserve(district, name="区教育局智慧校园平台")
    client = signed_in(district, "edu")
    upload = _filled(client, rnd, [[None, "区教育局智慧校园平台", "建设", "B", 1000, "理由"],
                                   [None, "区教育局智慧校园平台", "运维", "B", "十万", ""]])
    response = client.post(f"/declarations/{rnd.pk}/import/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第3行 申请年度资金:请输入金额(元)" in html and "第3行 申报理由:必填" in html
    assert "本次未导入任何申报事项" in html
    assert not DeclarationLine.objects.exists() and project.pk


def test_an_import_after_the_window_is_refused_citing_article_8(monkeypatch, district, rnd):
    monkeypatch.setattr(timezone, "now", lambda: AFTER)
    project = reserve(district)
    client = signed_in(district, "edu")
    upload = _filled(client, rnd, [[project.pk, None, "建设", "B", 1000, "理由"]])
    response = client.post(f"/declarations/{rnd.pk}/import/", {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="error-article"' in html and "第八条" in html
    assert "第2行:不在年度集中申报期内" in html
    assert not DeclarationLine.objects.exists()


def test_a_good_import_declares_and_returns_to_the_round(monkeypatch, district, rnd):
    monkeypatch.setattr(timezone, "now", lambda: INSIDE)
    project = reserve(district)
    client = signed_in(district, "edu")
    upload = _filled(client, rnd, [[project.pk, None, "建设", "A", 1234567.8, "续建"]])
    response = client.post(f"/declarations/{rnd.pk}/import/", {"file": upload}, follow=True)
    assert response.redirect_chain == [(f"/declarations/{rnd.pk}/#lines", 302)]
    assert "已导入1项申报,合计123.46万元" in response.content.decode()
    assert DeclarationLine.objects.get().project_id == project.pk


@pytest.mark.parametrize(("role", "status"), [("drc", 403), ("supervisor", 404), ("expert", 404), ("anon", 302)])
def test_a_refused_import_changes_nothing(district, rnd, role, status):
    upload = SimpleUploadedFile("申报.xlsx", b"x", content_type=excel.XLSX_CONTENT_TYPE)
    response = signed_in(district, role).post(f"/declarations/{rnd.pk}/import/", {"file": upload})
    assert not DeclarationLine.objects.exists()
    assert not AuditEvent.objects.filter(event_type__in=["planning.line.declared",
                                                         "planning.declarations.imported"]).exists()
    assert response.status_code == status


def test_a_file_that_is_not_xlsx_is_a_400_on_the_page(district, rnd):
    upload = SimpleUploadedFile("申报.xlsx", b"not a workbook", content_type=excel.XLSX_CONTENT_TYPE)
    response = signed_in(district, "edu").post(f"/declarations/{rnd.pk}/import/", {"file": upload})
    assert response.status_code == 400
    assert "不是有效的Excel(.xlsx)文件" in response.content.decode()
    missing = signed_in(district, "edu").post(f"/declarations/{rnd.pk}/import/", {})
    assert missing.status_code == 400 and "请选择要导入的Excel文件" in missing.content.decode()
