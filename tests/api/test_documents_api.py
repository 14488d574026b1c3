"""/api/v1 documents: the plan in Excel and PDF (art. 8–9), the declaration template and its import (art. 8).
Per role: who gets the file, who is refused (and then nothing changes and no business event is written), and
what a bad file gets: a 400 naming the field "file"."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from itgov.audit.models import AuditEvent
from itgov.planning import excel, plan_services
from itgov.planning.models import AnnualPlan, DeclarationLine

from .conftest import (
    API,
    DECLARE_FORBIDDEN,
    INSIDE_WINDOW,
    NOT_FOUND,
    OUTSIDE_WINDOW,
    ROLES,
    UNAUTHENTICATED,
    business_events,
    frozen_at,
    refusal_events,
)

pytestmark = pytest.mark.django_db

XLSX = excel.XLSX_CONTENT_TYPE
BUREAUS = ("drc", "finance", "audit", "cyber", "gov")


@pytest.fixture
def plans(district, make_project):
    """The issued 2027 plan with a line of edu (A) and one of health (B), and the 2028 draft."""
    drc = district.users["drc"]
    edu_project, health_project = make_project("in_reserve"), make_project("in_reserve", owner="health")
    plan = plan_services.annual_plan_create(actor=drc, data={"year": 2027, "capacity": "2000000.00"})
    plan_services.plan_line_add(actor=drc, plan=plan, data={
        "project_id": edu_project.pk, "line_type": "construction", "plan_class": "A", "amount": "600000.00",
        "must_start_reason": "市级重点任务"})
    plan_services.plan_line_add(actor=drc, plan=plan, data={
        "project_id": health_project.pk, "line_type": "construction", "plan_class": "B", "amount": "300000.00",
        "skip_reason": "条件成熟"})
    plan = plan_services.plan_transition(actor=drc, plan=AnnualPlan.objects.get(pk=plan.pk), name="submit")
    plan = plan_services.plan_transition(actor=district.users["finance"], plan=plan, name="cosign")
    issued = plan_services.plan_transition(actor=district.users["gov"], plan=plan, name="issue",
                                           data={"document_number": "鼓政发〔2027〕1号"})
    draft = plan_services.annual_plan_create(actor=drc, data={"year": 2028})
    return issued, draft


def _names(content: bytes) -> list[str]:
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return [row[1] for row in rows[3:] if isinstance(row[0], int)]


# Who gets the issued plan: every bureau, and a unit (its own lines only); the rest do not see plans.
ISSUED_EXPORT = {"admin": 404, "drc": 200, "finance": 200, "audit": 200, "cyber": 200, "gov": 200, "edu": 200,
                 "health": 200, "supervisor": 404, "expert": 404}
DRAFT_EXPORT = {**ISSUED_EXPORT, "edu": 404, "health": 404}  # a draft is the bureaus' only


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
@pytest.mark.parametrize("role", ROLES)
def test_plan_export_per_role(api, plans, role, kind):
    issued, draft = plans
    events_before = AuditEvent.objects.filter(event_type="file.downloaded").count()

    response = api(role).get(f"/annual-plans/{issued.pk}/export.{kind}")

    assert response.status_code == ISSUED_EXPORT[role]
    downloaded = AuditEvent.objects.filter(event_type="file.downloaded").count() - events_before
    if response.status_code == 200:
        assert response["Content-Type"] == (XLSX if kind == "xlsx" else "application/pdf")
        assert "attachment" in response["Content-Disposition"] and f".{kind}" in response["Content-Disposition"]
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if kind == "xlsx":
            assert len(_names(content)) == (1 if role in ("edu", "health") else 2)
        else:
            assert content.startswith(b"%PDF-")
        assert downloaded == 1
    else:
        assert response.json() == NOT_FOUND
        assert downloaded == 0

    draft_response = api(role).get(f"/annual-plans/{draft.pk}/export.{kind}")
    assert draft_response.status_code == DRAFT_EXPORT[role]


def test_a_unit_gets_only_its_own_lines(api, plans, district):
    issued, _draft = plans
    edu = _names(api("edu").get(f"/annual-plans/{issued.pk}/export.xlsx").content)
    health = _names(api("health").get(f"/annual-plans/{issued.pk}/export.xlsx").content)
    every = _names(api("drc").get(f"/annual-plans/{issued.pk}/export.xlsx").content)
    assert len(edu) == len(health) == 1 and sorted(every) == sorted(edu + health) and edu != health


@pytest.mark.parametrize("kind", ["xlsx", "pdf"])
def test_plan_export_anonymous_and_missing(api, plans, kind):
    issued, _draft = plans
    assert api("anonymous").get(f"/annual-plans/{issued.pk}/export.{kind}").json() == UNAUTHENTICATED
    assert api("drc").get(f"/annual-plans/{issued.pk + 1000}/export.{kind}").status_code == 404
    assert api("drc").get(f"/annual-plans/99999999999999999999/export.{kind}").status_code in (400, 404)


TEMPLATE = {"admin": 404, "drc": 403, "finance": 403, "audit": 403, "cyber": 403, "gov": 403, "edu": 200,
            "health": 200, "supervisor": 404, "expert": 404}


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_template_per_role(api, make_round, make_project, role):
    rnd = make_round()
    make_project("in_reserve")
    response = api(role).get(f"/declaration-rounds/{rnd.pk}/template.xlsx")
    if role == "anonymous":
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
        return
    assert response.status_code == TEMPLATE[role]
    if response.status_code == 200:
        assert response["Content-Type"] == XLSX
        wb = load_workbook(io.BytesIO(response.content))
        assert wb.sheetnames == ["申报表", "填表说明", "可申报项目"]
        listed = [row[1] for row in wb["可申报项目"].iter_rows(min_row=2, values_only=True) if row[0]]
        assert len(listed) == (1 if role == "edu" else 0)
        assert AuditEvent.objects.filter(event_type="file.downloaded", object_id=str(rnd.pk)).count() == 1
    elif response.status_code == 403:
        assert response.json()["error"]["article"] == "第八条"
        assert not AuditEvent.objects.filter(event_type="file.downloaded").exists()


def _filled(api_client, rnd, rows) -> bytes:
    template = api_client.get(f"/declaration-rounds/{rnd.pk}/template.xlsx").content
    wb = load_workbook(io.BytesIO(template))
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            wb["申报表"].cell(row=i, column=j, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _post_file(api_client, rnd, content: bytes, name="申报.xlsx"):
    return api_client.client.post(f"{API}/declaration-rounds/{rnd.pk}/import",
                                  {"file": SimpleUploadedFile(name, content, content_type=XLSX)},
                                  **api_client.headers)


# Only a unit imports, and only its own projects; the bureaus are refused citing art. 8; the others see no round.
IMPORT = {"admin": 404, "drc": 403, "finance": 403, "audit": 403, "cyber": 403, "gov": 403, "edu": 201,
          "health": 400, "supervisor": 404, "expert": 404}


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_import_per_role(api, make_round, make_project, role):
    rnd = make_round()
    project = make_project("in_reserve")
    content = _filled(api("edu"), rnd, [[project.pk, None, "建设", "B", 800000, "建设条件已具备"]])
    client = api(role)
    before = business_events()

    with frozen_at(INSIDE_WINDOW):
        response = _post_file(client, rnd, content)

    if role == "anonymous":
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
        assert business_events() == before
        return
    assert response.status_code == IMPORT[role]
    if role == "edu":
        body = response.json()
        assert (body["imported"], body["total"]) == (1, "800000.00")
        assert body["lines"][0]["project"]["id"] == project.pk
        assert [e for _seq, e in business_events()[len(before):]] == ["planning.line.declared",
                                                                       "planning.declarations.imported"]
        return
    assert not DeclarationLine.objects.exists()
    assert business_events() == before
    if role == "health":  # a project of another unit is not found by name or id
        assert response.json()["error"]["fields"] == {"file": ["第2行 项目ID:项目不存在或无权查看"]}
    elif response.status_code == 403:
        assert response.json() == DECLARE_FORBIDDEN
        assert refusal_events()[-1] == ("access.denied", "declaration.import")
    else:
        assert response.json() == NOT_FOUND


def test_import_outside_the_window_is_refused_citing_article_8(api, make_round, make_project):
    rnd = make_round()
    project = make_project("in_reserve")
    content = _filled(api("edu"), rnd, [[project.pk, None, "建设", "B", 800000, "建设条件已具备"]])
    with frozen_at(OUTSIDE_WINDOW):
        response = _post_file(api("edu"), rnd, content)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["rule"], error["article"]) == ("art8.declaration_window", "第八条")
    assert error["fields"]["file"][0].startswith("第2行:不在年度集中申报期内")
    assert not DeclarationLine.objects.exists()


def test_import_with_bad_rows_lists_every_error_and_saves_nothing(api, make_round, make_project):
    rnd = make_round()
    project = make_project("in_reserve")
    content = _filled(api("edu"), rnd, [
        [project.pk, None, "建设", "B", 800000, "好的一行"],
        [project.pk, None, "运维", "E", -5, "坏的一行"],
    ])
    with frozen_at(INSIDE_WINDOW):
        response = _post_file(api("edu"), rnd, content)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"file": ["第3行 建议类别:须为A、B或C", "第3行 申请年度资金:须大于0"]}
    assert not DeclarationLine.objects.exists()


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"%PDF-1.7 not a workbook", "申报.xlsx", "不是有效的Excel(.xlsx)文件"),
    (b"PK\x03\x04\x14\x00garbage", "申报.xlsx", "不是有效的Excel(.xlsx)文件"),
    (b"<html></html>", "申报.xls", "请上传.xlsx格式的Excel文件(可先下载申报模板)"),
    (b"0" * (2 * 1024 * 1024 + 1), "申报.xlsx", "文件过大,不得超过2MB"),
])
def test_a_bad_file_is_a_400_naming_the_file(api, make_round, content, name, message):
    rnd = make_round()
    client = api("edu")
    before = business_events()
    response = _post_file(client, rnd, content, name)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"file": [message]}
    assert business_events() == before


def test_an_import_without_a_file_is_a_400_naming_the_file(api, make_round):
    rnd = make_round()
    response = api("edu").client.post(f"{API}/declaration-rounds/{rnd.pk}/import", {}, **api("edu").headers)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"file": ["请选择要导入的Excel文件"]}

