"""The provincial platform link (art. 17): the export DRC takes to the platform and its round trip, an import
that is all or nothing with every error named by row and column (the art. 17 rule, the statuses in which a code
may change, duplicates in the file), DRC's power (403 for the others), and the adapter chosen by a setting."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from itgov.approvals import provincial
from itgov.audit.models import AuditEvent
from itgov.core.errors import Forbidden, InvalidInput
from itgov.projects.models import Project
from tests.api.conftest import project_maker
from tests.approvals_world import next_code, plan_project

pytestmark = pytest.mark.django_db

HEADERS = ["项目ID", "项目名称", "建设单位", "估算总投资(万元)", "状态", "项目代码", "平台办理状态"]


def xlsx(rows, headers=("项目ID", "项目代码", "平台办理状态"), name="codes.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), provincial.XLSX_CONTENT_TYPE)


def fresh(project) -> Project:
    return Project.objects.get(pk=project.pk)


@pytest.fixture
def drc(district):
    return district.users["drc"]


def at_stage(project, status: str, **fields) -> Project:
    """A reserve project put at a later stage as the approval would leave it (its flow is tested elsewhere)."""
    Project.objects.filter(pk=project.pk).update(status=status, version=project.version + 1, **fields)
    return fresh(project)


@pytest.fixture
def world(district):
    """Projects at each stage: what the export lists and what an import may change."""
    make = project_maker(district)
    return {
        "draft": make("draft"),  # not yet seen by DRC
        "proposed": make("proposed", name="=HYPERLINK(\"http://evil\",\"点我\")"),
        "in_reserve": make("in_reserve", owner="health", estimated_investment="2345678.90"),
        "planned": plan_project(make("in_reserve")),
        "under_review": at_stage(make("in_reserve"), "under_review", project_code=next_code()),
        "approved": at_stage(make("in_reserve"), "approved", project_code=next_code()),
        "classified": make("proposed", classified=True),
        "withdrawn": make("withdrawn"),
    }


def sheet(content: bytes) -> list[tuple]:
    ws = load_workbook(io.BytesIO(content)).active
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


# --- the export -------------------------------------------------------------------------------------------


def test_the_export_lists_the_projects_before_approval(drc, world):
    content = provincial.codes_export(actor=drc)

    rows = sheet(content)
    assert list(rows[0]) == HEADERS
    by_id = {row[0]: row for row in rows[1:]}
    expected = {world[k].pk for k in ("proposed", "in_reserve", "planned", "under_review")}
    assert set(by_id) == expected  # not the draft, the approved, the classified or the withdrawn project
    reserve = world["in_reserve"]
    assert by_id[reserve.pk] == (reserve.pk, reserve.name, "区卫健委", 234.56789, "已入储备库", None, None)
    review = fresh(world["under_review"])
    assert by_id[review.pk][4:7] == ("立项审查中", review.project_code, None)
    # a name that looks like a formula stays text
    ws = load_workbook(io.BytesIO(content)).active
    assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert by_id[world["proposed"].pk][1] == "=HYPERLINK(\"http://evil\",\"点我\")"
    event = AuditEvent.objects.get(event_type="file.downloaded")
    assert event.actor_id == drc.pk and event.object_repr.startswith("项目代码交换-")
    assert sorted(event.after["projects"]) == sorted(expected)


def test_the_exported_file_filled_in_comes_back(drc, world):
    content = provincial.codes_export(actor=drc)
    wb = load_workbook(io.BytesIO(content))
    ws = wb.active
    codes = {world["in_reserve"].pk: next_code(), world["planned"].pk: next_code()}
    for row in ws.iter_rows(min_row=2):
        if row[0].value in codes:
            row[5].value = codes[row[0].value]
            row[6].value = "已赋码"
    out = io.BytesIO()
    wb.save(out)

    result = provincial.codes_import(actor=drc, upload=SimpleUploadedFile("filled.xlsx", out.getvalue()))

    assert result == {"updated": 2, "unchanged": 2}  # the proposed and the under-review rows change nothing
    for pk, code in codes.items():
        project = Project.objects.get(pk=pk)
        assert (project.project_code, project.project_code_status) == (code, "已赋码")
        assert project.project_code_recorded_at is not None


# --- the import ---------------------------------------------------------------------------------------------


def test_an_import_records_codes_and_refreshes_platform_statuses(drc, world):
    reserve, review = world["in_reserve"], fresh(world["under_review"])
    planned = fresh(world["planned"])
    code = next_code()
    full_width = next_code().translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    review_version, recorded_at = review.version, review.project_code_recorded_at

    result = provincial.codes_import(actor=drc, upload=xlsx([
        (reserve.pk, code, "已赋码"),
        (float(planned.pk), full_width, ""),  # an id Excel keeps as a number; full-width digits
        (review.pk, review.project_code, "审核通过"),  # the same code: only the platform status
        (world["proposed"].pk, "", ""),  # nothing yet from the platform
    ]))

    assert result == {"updated": 3, "unchanged": 1}
    reserve = fresh(reserve)
    assert (reserve.project_code, reserve.project_code_status) == (code, "已赋码")
    planned_after = fresh(planned)
    assert planned_after.project_code == full_width.translate({0xFF10 + i: str(i) for i in range(10)})
    assert planned_after.project_code_status == ""
    review_after = fresh(review)
    assert (review_after.project_code, review_after.project_code_status) == (review.project_code, "审核通过")
    assert review_after.project_code_recorded_at == recorded_at and review_after.version == review_version + 1
    recorded = AuditEvent.objects.filter(event_type="approval.project_code.recorded", actor_id=drc.pk)
    assert {e.project_id: e.after["source"] for e in recorded} == {reserve.pk: "platform", planned.pk: "platform",
                                                                   review.pk: "platform"}
    assert recorded.get(project_id=review.pk).before == {"project_code_status": ""}
    summary = AuditEvent.objects.get(event_type="approval.project_codes.imported")
    assert summary.object_repr == "codes.xlsx"
    assert summary.after["updated"] == 3 and summary.after["unchanged"] == 1 and summary.after["rows"] == 4
    assert sorted(summary.after["projects"]) == sorted([reserve.pk, planned.pk, review.pk])


def _refused(drc, rows, **kw) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        provincial.codes_import(actor=drc, upload=xlsx(rows, **kw))
    return refused.value


@pytest.mark.parametrize(("case", "key", "message"), [
    ("blank id", "project_id", "第2行 项目ID:必填"),
    ("text id", "project_id", "第2行 项目ID:须为整数"),
    ("unknown id", "project_id", "第2行 项目ID:项目不存在或无权查看"),
    ("draft", "project_id", "第2行 项目ID:项目不存在或无权查看"),  # DRC does not see a unit's draft
    ("classified", "project_id", "第2行 项目ID:涉密项目不通过省平台交换项目代码(第五条)"),
    ("approved", "project_code",
     "第2行 项目代码:当前状态“已批复立项”不能修改项目代码,立项申请提交后项目代码即固定(第十七条)"),
    ("short", "project_code", "第2行 项目代码:项目代码应为24位(4-6-2-2-6,含4个连字符),当前为23位(第十七条)"),
    ("letters", "project_code",
     "第2行 项目代码:项目代码只含数字和连字符;含字母的多为采购或招标编号,不是项目代码(第十七条)"),
    ("region", "project_code", "第2行 项目代码:第二段行政区划代码“320105”与本级(320106)不符(第十七条)"),
    ("taken", "project_code", "第2行 项目代码:项目代码已被其他项目使用(第十七条)"),
    ("long status", "platform_status", "第2行 平台办理状态:不超过40个字"),
])
def test_each_row_error_names_its_row_and_column(drc, world, case, key, message):
    reserve = world["in_reserve"]
    row = {
        "blank id": ("", next_code(), ""),
        "text id": ("第一个", next_code(), ""),
        "unknown id": (999999, next_code(), ""),
        "draft": (world["draft"].pk, next_code(), ""),
        "classified": (world["classified"].pk, next_code(), ""),
        "approved": (world["approved"].pk, next_code(), ""),
        "short": (reserve.pk, "2604-320106-65-01-00012", ""),
        "letters": (reserve.pk, "JSZC-320106-2024-00123", ""),
        "region": (reserve.pk, "2604-320105-65-01-000123", ""),
        "taken": (reserve.pk, fresh(world["under_review"]).project_code, ""),
        "long status": (reserve.pk, next_code(), "审" * 41),
    }[case]
    before = {p.pk: (p.project_code, p.project_code_status, p.version) for p in Project.objects.all()}

    refused = _refused(drc, [row])

    assert refused.fields == {f"rows.2.{key}": [message]}
    assert refused.message == "导入文件有1处错误,未导入任何项目代码"
    assert {p.pk: (p.project_code, p.project_code_status, p.version) for p in Project.objects.all()} == before
    assert not AuditEvent.objects.filter(event_type="approval.project_codes.imported").exists()
    refusals = AuditEvent.objects.filter(event_type="rule.refused", reason="project_codes.import")
    if key == "project_code" and case != "approved":
        assert [r["rule"] for r in refusals.get().rule_results] == ["art17.project_code"]
    else:
        assert not refusals.exists()


def test_nothing_is_saved_when_any_row_fails(drc, world):
    reserve, planned = world["in_reserve"], world["planned"]

    refused = _refused(drc, [
        (reserve.pk, next_code(), "已赋码"),
        (planned.pk, "2604-320106-65-01-000000", ""),
        (fresh(world["under_review"]).pk, fresh(world["under_review"]).project_code, "审核通过"),
        ("x", "", ""),
    ])

    assert refused.fields == {"rows.3.project_code": ["第3行 项目代码:第五段流水号不能全为0(第十七条)"],
                              "rows.5.project_id": ["第5行 项目ID:须为整数"]}
    assert refused.message == "导入文件有2处错误,未导入任何项目代码"
    assert fresh(reserve).project_code is None and fresh(reserve).project_code_status == ""
    assert fresh(world["under_review"]).project_code_status == ""
    assert not AuditEvent.objects.filter(event_type__in=["approval.project_code.recorded",
                                                         "approval.project_codes.imported"],
                                         actor_id=drc.pk).exists()


def test_a_code_or_a_project_twice_in_the_file_is_refused(drc, world):
    code = next_code()
    refused = _refused(drc, [
        (world["in_reserve"].pk, code, ""),
        (world["planned"].pk, f" {code} ", ""),
        (world["in_reserve"].pk, next_code(), ""),
    ])
    assert refused.fields == {"rows.3.project_code": ["第3行 项目代码:与第2行的项目代码重复"],
                              "rows.4.project_id": ["第4行 项目ID:与第2行是同一项目"]}
    assert fresh(world["in_reserve"]).project_code is None


@pytest.mark.parametrize("role", ["edu", "finance", "gov", "audit", "expert"])
def test_only_drc_exchanges_codes(district, world, role):
    user = district.users[role]
    with pytest.raises(Forbidden) as export_refused:
        provincial.codes_export(actor=user)
    with pytest.raises(Forbidden) as import_refused:
        provincial.codes_import(actor=user, upload=xlsx([(world["in_reserve"].pk, next_code(), "")]))

    for refused in (export_refused.value, import_refused.value):
        assert refused.status == 403 and refused.article == "第十五条"
    assert fresh(world["in_reserve"]).project_code is None
    denied = AuditEvent.objects.filter(event_type="access.denied", actor_id=user.pk)
    assert sorted(denied.values_list("reason", flat=True)) == ["project_codes.export", "project_codes.import"]
    assert not AuditEvent.objects.filter(event_type="file.downloaded").exists()


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("codes.xlsx", b"%PDF-1.7 not a workbook"), "不是有效的Excel(.xlsx)文件"),
    (SimpleUploadedFile("codes.csv", b"1,2604-320106-65-01-000001"), "请上传.xlsx格式的文件(可先导出项目代码交换文件)"),
    (SimpleUploadedFile("codes.xlsx", b""), "文件为空"),
    (None, "请选择要导入的文件"),
])
def test_a_file_that_cannot_be_read_is_refused_on_the_file_field(drc, upload, message):
    with pytest.raises(InvalidInput) as refused:
        provincial.codes_import(actor=drc, upload=upload)
    assert refused.value.fields == {"file": [message]}


def test_a_sheet_without_the_code_columns_is_refused(drc, world):
    refused = _refused(drc, [(world["in_reserve"].pk, next_code())], headers=("编号", "代码号"))
    assert refused.fields == {"file": ["第1行缺少列:项目ID、项目代码(请使用导出的项目代码交换文件)"]}
    refused = _refused(drc, [], headers=("项目ID", "项目代码"))
    assert refused.fields == {"file": ["文件中没有项目"]}


# --- the adapter -------------------------------------------------------------------------------------------------


class JsonPlatform:
    """A stand-in for a real connection: JSON instead of a workbook."""

    content_type = "application/json"
    extension = "json"

    def pending_requests(self, projects) -> bytes:
        return json.dumps([{"id": p.pk, "name": p.name} for p in projects], ensure_ascii=False).encode()

    def read_codes(self, content: bytes) -> list[provincial.CodeRecord]:
        return [provincial.CodeRecord(row=i, project_id=r["id"], project_id_text=str(r["id"]),
                                      project_code=r["code"], platform_status=r["status"])
                for i, r in enumerate(json.loads(content), start=1)]


def test_the_platform_is_chosen_by_a_setting(settings, drc, world):
    assert isinstance(provincial.platform(), provincial.FileExchange)
    assert isinstance(provincial.platform(), provincial.ProvincialPlatform)
    settings.ITGOV_PROVINCIAL_PLATFORM = f"{__name__}.JsonPlatform"
    assert isinstance(provincial.platform(), JsonPlatform)

    exported = json.loads(provincial.codes_export(actor=drc))
    assert {r["id"] for r in exported} == {world[k].pk for k in ("proposed", "in_reserve", "planned", "under_review")}
    code = next_code()
    upload = SimpleUploadedFile("codes.json", json.dumps([{"id": world["in_reserve"].pk, "code": code,
                                                           "status": "已赋码"}]).encode())
    assert provincial.codes_import(actor=drc, upload=upload) == {"updated": 1, "unchanged": 0}
    assert fresh(world["in_reserve"]).project_code == code
