"""Art. 7: the reserve library — the admitted projects (in the reserve, or planned), filtered by unit with its
sub-units, kind, plan task (earlier versions included), estimated investment in 万元 and the year they entered
the reserve (Asia/Shanghai); each user sees what the project policy lets them see; the Excel export keeps
numbers as numbers, escapes formulae and drops characters a sheet cannot hold, and is audited."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI
from itgov.core.errors import Forbidden, InvalidInput
from itgov.planning import devplan_services, reserve
from itgov.projects import services as project_services
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def admitted(district, monkeypatch, *, unit=None, at=(2026, 3, 1, 10, 0), amount="1000000.00", task=None, **fields):
    """A project of `unit` (edu by default) admitted to the reserve at `at` (Asia/Shanghai)."""
    unit = unit or district.edu
    owner = district.users["edu"] if unit.path.startswith(district.edu.path) else district.users["health"]
    moment = dt.datetime(*at, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    project = ProjectFactory(owner_unit=unit, estimated_investment=Decimal(amount), plan_task=task, **fields)
    project = project_services.project_submit_proposal(actor=owner, project=project)
    return project_services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础支撑")


def names(user, **filters):
    return [p.name for p in reserve.reserve_projects(user, reserve.parse_filters(filters))]


@pytest.fixture
def library(district, monkeypatch):
    """edu: two reserve projects (one of its school); health: one; plus what is not in the reserve."""
    drc = district.users["drc"]
    plan = devplan_services.devplan_create(actor=drc, data={"name": "十五五规划", "start_year": 2026, "end_year": 2030})
    task = devplan_services.task_add(actor=drc, plan=plan, data={"number": "1", "title": "智慧教育"})
    devplan_services.devplan_publish(actor=drc, plan=plan)
    library = {
        "edu_a": admitted(district, monkeypatch, name="教育甲项目", amount="500000.00", task=task,
                          at=(2025, 12, 31, 23, 30)),
        "school_b": admitted(district, monkeypatch, unit=district.edu_school, name="学校乙项目", amount="500000.01",
                             kind="resource_database", at=(2026, 1, 1, 0, 30)),
        "health_c": admitted(district, monkeypatch, unit=district.health, name="卫健丙项目", amount="2000000.00",
                             at=(2026, 6, 1, 9, 0)),
    }
    ProjectFactory(owner_unit=district.edu, name="教育草稿项目")
    project_services.project_submit_proposal(actor=district.users["edu"],
                                             project=ProjectFactory(owner_unit=district.edu, name="教育待审项目"))
    classified = ProjectFactory(owner_unit=district.edu, name="教育涉密项目", classified=True, necessity="",
                                construction_content="", data_sharing_intent="")
    classified = project_services.project_submit_proposal(actor=district.users["edu"], project=classified)
    project_services.project_admit(actor=drc, project=classified, no_task_reason="涉密")
    library["task"] = task
    library["plan"] = plan
    return library


def test_the_bureaus_see_every_reserve_project_newest_first_and_nothing_else(district, library):
    assert names(district.users["drc"]) == ["卫健丙项目", "学校乙项目", "教育甲项目"]
    assert names(district.users["finance"]) == ["卫健丙项目", "学校乙项目", "教育甲项目"]


def test_a_unit_sees_its_own_and_its_sub_units(district, library):
    assert names(district.users["edu"]) == ["学校乙项目", "教育甲项目"]
    assert names(district.users["health"]) == ["卫健丙项目"]


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_roles_without_projects_have_no_reserve(district, library, role):
    with pytest.raises(Forbidden):
        reserve.reserve_projects(district.users[role], {})


def test_filters(district, library):
    drc = district.users["drc"]
    assert names(drc, unit=district.edu.pk) == ["学校乙项目", "教育甲项目"]  # sub-units included
    assert names(drc, unit=district.edu_school.pk) == ["学校乙项目"]
    assert names(drc, kind="resource_database") == ["学校乙项目"]
    assert names(drc, task=library["task"].pk) == ["教育甲项目"]
    # 万元, both ends included: 50万元 is 500 000.00 yuan exactly
    assert names(drc, max_wan="50") == ["教育甲项目"]
    assert names(drc, min_wan="50.000001") == ["卫健丙项目", "学校乙项目"]
    assert names(drc, min_wan="50", max_wan="200") == ["卫健丙项目", "学校乙项目", "教育甲项目"]


def test_the_year_is_the_year_in_shanghai(district, library):
    # 教育甲 was proposed at 2025-12-31 23:30, 学校乙 at 2026-01-01 00:30 (Beijing time; 2025 both in UTC)
    drc = district.users["drc"]
    assert names(drc, year=2025) == ["教育甲项目"]
    assert names(drc, year=2026) == ["卫健丙项目", "学校乙项目"]


def test_planned_projects_stay_in_the_library_and_filter_by_status(district, library):
    from itgov.projects.models import Project

    Project.objects.filter(pk=library["health_c"].pk).update(status="planned")
    drc = district.users["drc"]
    assert names(drc, status="planned") == ["卫健丙项目"]
    assert names(drc, status="in_reserve") == ["学校乙项目", "教育甲项目"]


def test_a_task_filter_finds_the_projects_of_its_earlier_versions(district, library):
    drc = district.users["drc"]
    revision = devplan_services.devplan_publish(actor=drc, plan=devplan_services.devplan_revise(
        actor=drc, plan=library["plan"]))

    assert names(drc, task=revision.tasks.get().pk) == ["教育甲项目"]


@pytest.mark.parametrize(("filters", "field", "message"), [
    ({"min_wan": "abc"}, "min_wan", "请输入金额(万元)"),
    ({"min_wan": "-1"}, "min_wan", "不得为负数"),
    ({"min_wan": "100", "max_wan": "50"}, "max_wan", "最高金额不得低于最低金额"),
    ({"year": "1999"}, "year", "年度不合理"),
    ({"kind": "spaceship"}, "kind", "项目类别不正确"),
    ({"unit": "999999"}, "unit", "单位不存在"),
    ({"status": "draft"}, "status", "状态不正确"),
])
def test_a_bad_filter_names_its_field(district, filters, field, message):
    with pytest.raises(InvalidInput) as exc:
        reserve.parse_filters(filters)
    assert exc.value.fields == {field: [message]}


def test_a_task_of_a_draft_plan_is_not_a_filter(district, library):
    drc = district.users["drc"]
    draft = devplan_services.devplan_create(actor=drc, data={"name": "草稿规划", "start_year": 2031, "end_year": 2035})
    task = devplan_services.task_add(actor=drc, plan=draft, data={"number": "1", "title": "草稿任务"})
    with pytest.raises(InvalidInput) as exc:
        reserve.parse_filters({"task": task.pk})
    assert exc.value.fields == {"task": ["不是现行发展规划的任务"]}


def test_the_export_keeps_numbers_escapes_formulae_and_is_audited(district, library, monkeypatch):
    # given a reserve project whose name would be a formula and holds a control character
    admitted(district, monkeypatch, name="=HYPERLINK(\"http://x\")\x07项目", amount="1234567.89",
             at=(2026, 7, 1, 9, 0))
    drc = district.users["drc"]

    # when DRC exports edu's reserve
    content = reserve.reserve_export(drc, reserve.parse_filters({"unit": district.edu.pk}), description="unit=edu")

    # then a sheet with the header, one row per project, 万元 as numbers
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("项目名称", "建设单位", "项目类别", "建设性质", "估算总投资(万元)", "规划任务", "状态", "申报年度",
                       "入库日期", "项目责任人")
    assert [r[0] for r in rows[1:]] == ['HYPERLINK("http://x")项目', "学校乙项目", "教育甲项目"]
    first = rows[1]
    assert (first[1], first[4], first[6], first[7]) == ("区教育局", 123.456789, "已入储备库", 2026)
    assert first[8].date() == dt.date(2026, 7, 1)
    assert rows[3][5] == "1. 智慧教育" and rows[3][7] == 2025
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    event = AuditEvent.objects.filter(event_type="file.downloaded").get()
    assert (event.object_repr, event.reason, event.after) == ("reserve.xlsx", "unit=edu", {"rows": 3})
