"""Art. 8 in Excel: the declaration template round trip (fill it, import it), an import that is all or
nothing with every error named by row and column, the window refusal citing 第八条; the plan table in
Excel and PDF, where a formula typed into a text field is never a formula and control characters do not
break the file."""

import datetime as dt
import io
import re
import subprocess
import zipfile
import zlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI
from itgov.core.errors import Forbidden, InvalidInput, RuleViolation
from itgov.planning import documents, excel, plan_services, services
from itgov.planning.models import AnnualPlan, DeclarationLine
from itgov.projects import services as project_services
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

INSIDE = dt.datetime(2026, 8, 15, 10, 0, tzinfo=SHANGHAI)
OUTSIDE = dt.datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI)


def at(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def reserve(district, unit=None, **kw):
    unit = unit or district.edu
    owner = district.users["edu"] if unit in (district.edu, district.edu_school) else district.users["health"]
    project = project_services.project_submit_proposal(actor=owner, project=ProjectFactory(owner_unit=unit, **kw))
    return project_services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础")


@pytest.fixture
def rnd(district):
    return services.declaration_round_open(actor=district.users["drc"], data={"year": 2027})


def upload(content: bytes, name="申报.xlsx"):
    return SimpleUploadedFile(name, content, content_type=excel.XLSX_CONTENT_TYPE)


def filled(template: bytes, rows: list[list]) -> bytes:
    """The template with `rows` typed into the declaration sheet from row 2, as a user would in Excel."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb[excel.SHEET_LINES]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_template_lists_the_units_projects_and_constrains_the_choices(monkeypatch, district, rnd):
    # given edu with two reserve projects (one of its school) and health with one, and a draft of edu
    at(monkeypatch, INSIDE)
    mine = reserve(district, name="区教育局智慧校园平台")
    school = reserve(district, district.edu_school, name="区第一中学录播教室")
    reserve(district, district.health, name="区卫健委健康档案")
    ProjectFactory(owner_unit=district.edu, name="区教育局草稿项目")

    # when edu builds the template
    wb = load_workbook(io.BytesIO(excel.declaration_template(actor=district.users["edu"], rnd=rnd)))

    # then the declaration sheet has its headers, styled, and drop-down lists for 类型, 建议类别 and the project
    ws = wb[excel.SHEET_LINES]
    assert [c.value for c in ws[1]] == ["项目ID", "项目名称", "类型", "建议类别", "申请年度资金(元)", "申报理由"]
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"}
    assert lists["C2:C1001"] == '"建设,运维"'
    assert lists["D2:D1001"] == '"A,B,C"'
    assert lists["B2:B1001"] == "'可申报项目'!$B$2:$B$3"
    assert ws.column_dimensions["F"].width == 60
    # and the eligible projects are edu's reserve projects only (its school's included)
    projects = wb[excel.SHEET_PROJECTS]
    assert [(r[0].value, r[1].value, r[4].value) for r in projects.iter_rows(min_row=2)] == [
        (mine.pk, "区教育局智慧校园平台", "建设"), (school.pk, "区第一中学录播教室", "建设")]
    # and the instructions name the article and the window
    text = "\n".join(str(r[0].value or "") for r in wb[excel.SHEET_HELP].iter_rows())
    assert "第八条" in text and "2026-07-01 至 2026-09-30" in text


def test_a_filled_template_is_imported_line_by_line_with_one_audit_event_each(monkeypatch, district, rnd):
    # given the template edu downloaded, filled in with two projects (one by name, one by id)
    at(monkeypatch, INSIDE)
    first, second = reserve(district, name="区教育局智慧校园平台"), reserve(district, name="区教育局教育资源平台")
    template = excel.declaration_template(actor=district.users["edu"], rnd=rnd)
    content = filled(template, [
        [None, "区教育局智慧校园平台", "建设", "B", 800000.5, "建设条件已具备,力争年内开工。"],
        [second.pk, None, "建设", "A类", "1,200,000", "续建项目"],
    ])

    # when edu imports it
    lines = excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(content))

    # then both lines are declared as the form would declare them
    got = [(line.project_id, line.line_type, line.proposed_class, line.requested_amount, line.unit_id)
           for line in DeclarationLine.objects.order_by("id")]
    assert got == [(first.pk, "construction", "B", Decimal("800000.50"), district.edu.pk),
                   (second.pk, "construction", "A", Decimal("1200000.00"), district.edu.pk)]
    assert [line.pk for line in lines] == list(DeclarationLine.objects.order_by("id").values_list("pk", flat=True))
    # and each line has its own event with the rules' results, and the import one summary
    declared = AuditEvent.objects.filter(event_type="planning.line.declared").order_by("seq")
    assert [e.project_id for e in declared] == [first.pk, second.pk]
    assert {r["rule"]: r["status"] for r in declared[0].rule_results}["art8.declaration_window"] == "met"
    summary = AuditEvent.objects.get(event_type="planning.declarations.imported")
    assert (summary.after["lines"], summary.after["total"], summary.after["file"]) == (2, "2000000.50", "申报.xlsx")
    assert summary.seq > declared.last().seq


def test_bad_rows_import_nothing_and_every_error_names_its_row_and_column(monkeypatch, district, rnd):
    # given a file with one good row and several bad ones
    at(monkeypatch, INSIDE)
    good = reserve(district, name="区教育局智慧校园平台")
    health = reserve(district, district.health, name="区卫健委健康档案")
    content = filled(excel.declaration_template(actor=district.users["edu"], rnd=rnd), [
        [None, "区教育局智慧校园平台", "建设", "B", 800000, "理由"],
        [None, "区教育局智慧校园平台", "建设", "C", 1000, "同一项目同一类型再写一行"],
        [None, "不存在的项目", "建设", "B", 1000, "理由"],
        [None, "区教育局智慧校园平台", "运维", "B", 0, "理由"],
        [None, "区教育局智慧校园平台", "维修", "D", 100.123, "  "],
        [health.pk, None, "建设", "B", 1000, "别的单位的项目"],
        ["abc", None, "建设", "B", 1000, "理由"],
    ])

    # when edu imports it
    with pytest.raises(InvalidInput) as exc:
        excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(content))

    # then nothing is saved, no event is written, and each error names its row and column
    assert not DeclarationLine.objects.exists()
    assert not AuditEvent.objects.filter(event_type__in=["planning.line.declared",
                                                         "planning.declarations.imported"]).exists()
    assert exc.value.fields == {"file": [
        "第3行 项目名称:与第2行重复(同一项目同一类型)",
        "第4行 项目名称:项目不存在或无权查看",
        "第5行 申请年度资金:须大于0",
        "第6行 类型:须为建设或运维",
        "第6行 建议类别:须为A、B或C",
        "第6行 申请年度资金:最多两位小数",
        "第6行 申报理由:必填",
        "第7行 项目ID:项目不存在或无权查看",
        "第8行 项目ID:须为整数",
    ]}
    assert "9处错误" in exc.value.message
    assert good.pk  # the good row was not saved either (checked above)


def test_outside_the_window_the_import_is_refused_citing_article_8(monkeypatch, district, rnd):
    # given a well-formed file
    at(monkeypatch, INSIDE)
    project = reserve(district, name="区教育局智慧校园平台")
    content = filled(excel.declaration_template(actor=district.users["edu"], rnd=rnd),
                     [[project.pk, None, "建设", "B", 800000, "理由"]])

    # when edu imports it after the window closed
    at(monkeypatch, OUTSIDE)
    with pytest.raises(RuleViolation) as exc:
        excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(content))

    # then the rule of art. 8 refuses it, nothing is saved, and the refusal is audited once
    assert (exc.value.rule, exc.value.article, exc.value.status) == ("art8.declaration_window", "第八条", 422)
    assert "第八条" in exc.value.message
    assert exc.value.fields["file"][0].startswith("第2行:不在年度集中申报期内")
    assert not DeclarationLine.objects.exists()
    refused = AuditEvent.objects.get(event_type="rule.refused", reason="declaration.import")
    assert refused.rule_results == [{"row": 2, "rule": "art8.declaration_window", "article": "第八条",
                                     "project_id": project.pk}]

    # and with an exception DRC granted edu, the same file goes in
    at(monkeypatch, OUTSIDE - dt.timedelta(hours=1))
    services.declaration_exception_grant(actor=district.users["drc"], rnd=rnd, data={
        "unit_id": district.edu.pk, "reason": "机构调整", "deadline": (OUTSIDE + dt.timedelta(days=3)).isoformat()})
    at(monkeypatch, OUTSIDE)
    [line] = excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(content))
    assert line.via_exception is not None


def test_a_line_already_declared_is_not_declared_again(monkeypatch, district, rnd):
    at(monkeypatch, INSIDE)
    project = reserve(district, name="区教育局智慧校园平台")
    services.declaration_line_declare(actor=district.users["edu"], rnd=rnd, data={
        "project_id": project.pk, "line_type": "construction", "requested_amount": "1000", "proposed_class": "B",
        "justification": "理由"})
    content = filled(excel.declaration_template(actor=district.users["edu"], rnd=rnd),
                     [[project.pk, None, "建设", "B", 800000, "理由"]])
    with pytest.raises(InvalidInput) as exc:
        excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(content))
    assert exc.value.fields == {"file": ["第2行 项目名称:该项目本轮已申报同类计划"]}
    assert DeclarationLine.objects.count() == 1


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"not a spreadsheet at all", "申报.xlsx", "不是有效的Excel(.xlsx)文件"),
    (b"PK\x03\x04broken zip", "申报.xlsx", "不是有效的Excel(.xlsx)文件"),
    (b"a,b,c\n", "申报.csv", "请上传.xlsx格式的Excel文件(可先下载申报模板)"),
    (b"", "申报.xlsx", "文件为空"),
    (b"x" * (excel.MAX_FILE_BYTES + 1), "申报.xlsx", "文件过大,不得超过2MB"),
])
def test_a_file_that_is_not_a_small_xlsx_is_refused_naming_the_file(district, rnd, content, name, message):
    with pytest.raises(InvalidInput) as exc:
        excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(content, name))
    assert exc.value.fields == {"file": [message]}
    assert not AuditEvent.objects.filter(event_type="planning.declarations.imported").exists()


def test_a_zip_that_is_no_workbook_and_a_sheet_without_the_columns_are_refused(district, rnd):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InvalidInput) as exc:
        excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(buffer.getvalue()))
    assert exc.value.fields == {"file": ["不是有效的Excel(.xlsx)文件"]}

    wb = Workbook()
    wb.active.append(["名称", "金额"])
    wb.active.append(["x", 1])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InvalidInput) as exc:
        excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(out.getvalue()))
    assert exc.value.fields == {"file": ["第1行缺少列:项目名称、类型、建议类别、申请年度资金(元)、申报理由(请使用申报模板)"]}


def test_too_many_rows_and_an_empty_sheet_are_refused(district, rnd):
    template = excel.declaration_template(actor=district.users["edu"], rnd=rnd)
    with pytest.raises(InvalidInput) as exc:
        excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(template))
    assert exc.value.fields == {"file": ["文件中没有申报事项"]}
    rows = [[None, f"项目{i}", "建设", "B", 1, "理由"] for i in range(excel.MAX_ROWS + 1)]
    with pytest.raises(InvalidInput) as exc:
        excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(filled(template, rows)))
    assert exc.value.fields == {"file": ["一份文件最多1000行申报事项"]}


@pytest.mark.parametrize(("raw", "justification"), [
    (b"_x0001__x001f_", "理由_x0001__x001f_后"),  # Excel's escape is kept as the text it is
    (b"\x01\x1f", None),  # a control character in the XML: not a readable workbook
    (b"&#x1;", None),
])
def test_control_characters_in_a_cell_do_not_crash_the_import(monkeypatch, district, rnd, raw, justification):
    # given a justification carrying control characters, put straight into the sheet's XML
    at(monkeypatch, INSIDE)
    project = reserve(district, name="区教育局智慧校园平台")
    content = filled(excel.declaration_template(actor=district.users["edu"], rnd=rnd),
                     [[project.pk, None, "建设", "B", 1000, "理由REPLACE后"]])
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename).replace(b"REPLACE", raw))
    # when it is imported, then the line is declared as typed, or the file is refused naming the file
    if justification is None:
        with pytest.raises(InvalidInput) as exc:
            excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(patched.getvalue()))
        assert exc.value.fields == {"file": ["不是有效的Excel(.xlsx)文件"]}
        assert not DeclarationLine.objects.exists()
    else:
        [line] = excel.declaration_import(actor=district.users["edu"], rnd=rnd, file=upload(patched.getvalue()))
        assert DeclarationLine.objects.get(pk=line.pk).justification == justification


def test_only_a_unit_imports(district, rnd):
    with pytest.raises(Forbidden) as exc:
        excel.declaration_import(actor=district.users["drc"], rnd=rnd, file=upload(b"x"))
    assert exc.value.article == "第八条"
    assert AuditEvent.objects.filter(event_type="access.denied", reason="declaration.import").count() == 1


# --- the plan in Excel and PDF ------------------------------------------------------------------------------


@pytest.fixture
def issued_plan(district, policy):
    drc = district.users["drc"]
    plan = plan_services.annual_plan_create(actor=drc, data={"year": 2027, "capacity": "5000000.00"})
    edu_a = reserve(district, name="=HYPERLINK(\"http://evil\",\"点我\")")
    edu_c = reserve(district, name="区教育局\x01控制字符项目")
    health_b = reserve(district, district.health, name="区卫健委健康档案")
    plan_services.plan_line_add(actor=drc, plan=plan, data={
        "project_id": edu_a.pk, "line_type": "construction", "plan_class": "A", "amount": "600000.00",
        "must_start_reason": "市级重点任务", "note": "=1+1"})
    plan_services.plan_line_add(actor=drc, plan=plan, data={
        "project_id": health_b.pk, "line_type": "construction", "plan_class": "B", "amount": "300000.50",
        "skip_reason": "条件成熟", "requested_amount": "400000.00"})
    plan_services.plan_line_add(actor=drc, plan=plan, data={
        "project_id": edu_c.pk, "line_type": "construction", "plan_class": "C", "amount": "50000.00",
        "prework_amount": "50000.00"})
    plan = AnnualPlan.objects.get(pk=plan.pk)
    plan = plan_services.plan_transition(actor=drc, plan=plan, name="submit")
    plan = plan_services.plan_transition(actor=district.users["finance"], plan=plan, name="cosign")
    return plan_services.plan_transition(actor=district.users["gov"], plan=plan, name="issue",
                                         data={"document_number": "鼓政发〔2027〕1号"})


def sheet_rows(content: bytes) -> list[tuple]:
    return [tuple(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_the_plan_table_in_excel_groups_by_class_with_subtotals_and_neutralises_formulae(district, issued_plan):
    content, filename = documents.plan_xlsx(user=district.users["drc"], plan=issued_plan)
    assert filename == "2027年度政务信息化项目投资计划-第1版.xlsx"
    rows = sheet_rows(content)
    assert rows[0][0] == "2027年度政务信息化项目投资计划(第1版)"
    assert "鼓政发〔2027〕1号" in rows[1][0]
    assert rows[2] == ("序号", "项目名称", "建设单位", "类型", "类别", "总投资(万元)", "申报金额(万元)",
                       "年度安排资金(万元)", "其中前期工作经费(万元)", "备注")
    assert rows[3][0] == "一、A类(续建及必须开工)"
    assert rows[4] == (1, 'HYPERLINK("http://evil","点我")', "区教育局", "建设", "A", 120, 60, 60, 0, "1+1")
    assert rows[5][1:9] == ("A类小计(1项)", None, None, None, 120, 60, 60, 0)
    assert rows[7][5:9] == (120, 40, 30.00005, 0)
    assert rows[10][1] == "区教育局\ufffd控制字符项目"
    assert rows[-1][1:9] == ("合计(3项)", None, None, None, 360, 105, 95.00005, 5)
    # no cell of the sheet is a formula
    ws = load_workbook(io.BytesIO(content)).active
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert ws["H5"].data_type == "n" and ws["H5"].number_format == "#,##0.00"
    event = AuditEvent.objects.get(event_type="file.downloaded")
    assert (event.object_repr, event.object_id) == (filename, str(issued_plan.pk))


def test_an_owner_unit_exports_only_its_own_lines(district, issued_plan):
    rows = sheet_rows(documents.plan_xlsx(user=district.users["health"], plan=issued_plan)[0])
    names = [row[1] for row in rows[3:] if isinstance(row[0], int)]
    assert names == ["区卫健委健康档案"]
    assert "仅列本单位(区卫健委)项目" in rows[1][0]
    assert rows[-1][1] == "合计(1项)"


def pdf_font_names(pdf: bytes) -> set[str]:
    """The /BaseFont names of a PDF, its compressed object streams included."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return {name.decode("latin-1") for part in parts for name in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", part)}


def test_the_plan_pdf_is_set_in_noto_cjk(district, issued_plan):
    pdf, filename = documents.plan_pdf(user=district.users["gov"], plan=issued_plan)
    assert pdf.startswith(b"%PDF-") and filename.endswith(".pdf")
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    if "Noto Sans CJK" not in fonts or "Noto Serif CJK" not in fonts:
        pytest.skip("!!! fonts-noto-cjk is not installed: the PDF's Chinese cannot be checked (apt-get install "
                    "fonts-noto-cjk) !!!")
    names = pdf_font_names(pdf)
    assert any("NotoSansCJK" in n.replace("-", "") for n in names), names  # WeasyPrint: "Noto-Sans-CJK-SC"
    assert any("NotoSerifCJK" in n.replace("-", "") for n in names), names
    assert AuditEvent.objects.filter(event_type="file.downloaded", object_repr=filename).count() == 1
