"""Reads of the systems' security (art. 30): who sees which systems (never a classified one); the overdue and
missing assessments a project's systems have (rule art30.periodic_assessment); the Cyberspace Office's board — per
unit, by level, due soon, overdue, missing, open findings — at a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.core.dates import add_months, local_today
from itgov.core.errors import NotFound
from itgov.rules.registry import Case, evaluate, get_rule
from itgov.security import selectors
from itgov.security.choices import DueState
from itgov.security.models import SecurityFinding
from itgov.security.selectors import FindingState
from tests.factories import ProjectFactory

from .conftest import SECURITY_SETTINGS, assess, make_system

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _project(district, status: str, unit=None, **fields):
    from itgov.projects.models import Project

    project = ProjectFactory(owner_unit=unit or district.edu, **fields)
    Project.objects.filter(pk=project.pk).update(status=status)
    return Project.objects.select_related("owner_unit__jurisdiction").get(pk=project.pk)


# --- who sees what ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "sees"), [
    ("edu", {"edu", "school"}), ("health", {"health"}), ("cyber", {"edu", "school", "health"}),
    ("drc", {"edu", "school", "health"}), ("audit", {"edu", "school", "health"}), ("finance", set()),
    ("gov", set()), ("supervisor", set()), ("expert", set()), ("admin", set()),
])
def test_security_is_read_by_the_owner_cyberspace_drc_and_audit_never_for_a_classified_system(district, role, sees):
    systems = {"edu": make_system(district.edu), "school": make_system(district.edu_school),
               "health": make_system(district.health)}
    make_system(district.edu, classified=True)
    make_system(district.health, project=_project(district, "in_operation", district.health, classified=True))
    user = district.users[role]
    assert set(selectors.security_visible_systems(user)) == {systems[name] for name in sees}
    for name, system in systems.items():
        if name in sees:
            assert selectors.access_system_by_id(user, system.pk) == system
        else:
            with pytest.raises(NotFound):
                selectors.access_system_by_id(user, system.pk)
    for bad in ("x", 0, -1, None, 2**64):
        with pytest.raises(NotFound):
            selectors.access_system_by_id(user, bad)


def test_a_finding_is_read_with_its_system(district):
    system = make_system(district.edu)
    row = SecurityFinding.objects.create(system=system, description="弱口令", severity="high",
                                         due_on=local_today() + DAY)
    assert selectors.access_finding_by_id(district.users["cyber"], row.pk) == row
    assert selectors.access_finding_by_id(district.users["edu"], row.pk) == row
    with pytest.raises(NotFound):
        selectors.access_finding_by_id(district.users["health"], row.pk)


# --- overdue assessments and the periodic rule ---------------------------------------------------------------


def test_overdue_assessments_name_each_system_overdue_or_missing_in_operation(district):
    today = dt.date(2026, 6, 15)
    project = _project(district, "in_operation")
    late = make_system(district.edu, project=project, name="学籍管理系统", level=3)
    assess(late, dt.date(2025, 6, 14))  # due 2026-06-14: overdue
    assess(late, dt.date(2026, 1, 5), kind="crypto", result="fails")  # current, whatever its result
    never = make_system(district.edu, project=project, name="招生报名系统", level=4, status="building")
    make_system(district.edu, project=project, name="校园网站", level=2)
    make_system(district.edu, project=project, name="旧版系统", level=3, status="retired")
    make_system(district.edu, project=project, name="涉密系统", level=3, classified=True)
    make_system(district.edu, name="其他项目的系统", level=4)

    assert selectors.overdue_assessments(project, SECURITY_SETTINGS, today) == [
        "“学籍管理系统”的等级保护测评已逾期,应于2026-06-14前完成(上次2025-06-14)",
        "“招生报名系统”(第4级)尚未开展等级保护测评",
        "“招生报名系统”(第4级)尚未开展密码应用安全性评估",
    ]
    on_the_due_day = selectors.overdue_assessments(project, SECURITY_SETTINGS, dt.date(2026, 6, 14))
    assert [s for s in on_the_due_day if "学籍管理系统" in s] == []
    assess(never, dt.date(2026, 6, 1))
    assess(never, dt.date(2026, 6, 1), kind="crypto")
    assess(late, dt.date(2026, 6, 15))
    assert selectors.overdue_assessments(project, SECURITY_SETTINGS, today) == []
    assert selectors.overdue_assessments(project, {}, dt.date(2030, 1, 1)) == []  # no intervals set


def test_a_system_being_built_is_not_missing_its_assessment_until_it_operates(district):
    today = local_today()
    project = _project(district, "in_construction")
    system = make_system(district.edu, project=project, name="在建系统", level=3, status="building")
    assert selectors.overdue_assessments(project, SECURITY_SETTINGS, today) == []
    system.status = "operating"
    system.save(update_fields=["status"])
    assert selectors.overdue_assessments(project, SECURITY_SETTINGS, today) == [
        "“在建系统”(第3级)尚未开展等级保护测评", "“在建系统”(第3级)尚未开展密码应用安全性评估"]
    # a system registered as operating without a project
    standalone = make_system(district.edu, level=3, name="自建系统")
    row = selectors.systems_security(type(standalone).objects.filter(pk=standalone.pk), SECURITY_SETTINGS, today)[0]
    assert [d.kind for d in row.missing] == ["graded", "crypto"]


def test_the_periodic_rule_flags_overdue_assessments_of_a_project_in_operation(district):
    rule = get_rule("art30.periodic_assessment")
    project = _project(district, "in_operation")
    system = make_system(district.edu, project=project, name="学籍管理系统", level=4)
    assess(system, dt.date(2025, 12, 1))
    assess(system, dt.date(2025, 12, 1), kind="crypto")
    assert evaluate(rule, Case(subject=project, on=dt.date(2026, 6, 1)), SECURITY_SETTINGS).status == "met"
    outcome = evaluate(rule, Case(subject=project, on=dt.date(2026, 6, 2)), SECURITY_SETTINGS)
    assert (outcome.status, outcome.reason) == (
        "violated", "“学籍管理系统”的等级保护测评已逾期,应于2026-06-01前完成(上次2025-12-01)")
    assert evaluate(rule, Case(subject=project, on=dt.date(2026, 6, 2)), {}).status == "met"  # nothing set
    assert rule.citation == "第三十条"


# --- the board -------------------------------------------------------------------------------------------------


@pytest.fixture
def board_world(district, security_settings):
    today = local_today()
    edu, school, health = district.edu, district.edu_school, district.health
    w = {}
    w["a"] = make_system(edu, level=3, name="甲系统")
    assess(w["a"], add_months(today, -13))  # overdue for about a month
    assess(w["a"], today - 10 * DAY, kind="crypto")
    w["b"] = make_system(edu, level=4, name="乙系统")
    assess(w["b"], add_months(today, -6) + 10 * DAY)  # due in about ten days
    assess(w["b"], today - 10 * DAY, kind="crypto")
    w["c"] = make_system(school, level=2, status="building", name="丙系统")
    w["d"] = make_system(health, level=3, name="丁系统")  # never assessed, operating
    w["e"] = make_system(health, level=None, status="building", name="戊系统")
    w["classified"] = make_system(health, level=3, classified=True, name="涉密系统")
    w["retired"] = make_system(health, level=3, status="retired", name="已停用系统")
    w["open"] = SecurityFinding.objects.create(system=w["a"], description="弱口令", severity="high",
                                               due_on=today + 30 * DAY)
    w["late"] = SecurityFinding.objects.create(system=w["d"], description="未加密传输", severity="medium",
                                               due_on=today - DAY)
    SecurityFinding.objects.create(system=w["b"], description="已整改", severity="low", due_on=today - 5 * DAY,
                                   remediated_on=today - 6 * DAY, remediation="已修复")
    SecurityFinding.objects.create(system=w["classified"], description="涉密问题", severity="high",
                                   due_on=today - DAY)
    return w


def _counts(row):
    return (row.systems, row.due_soon, row.overdue, row.missing, row.open_findings, row.overdue_findings)


def test_the_board_counts_per_unit_by_level_due_overdue_missing_and_open_findings(district, board_world):
    w = board_world
    today = local_today()
    b = selectors.board(district.users["cyber"], today)
    assert [(r.unit.name, _counts(r)) for r in b.units] == [
        ("区教育局", (2, 1, 1, 0, 1, 0)), ("区第一中学", (1, 0, 0, 0, 0, 0)), ("区卫健委", (2, 0, 0, 1, 1, 1))]
    assert _counts(b.total) == (5, 1, 1, 1, 2, 1)
    assert [r.levels for r in b.units] == [
        {"1": 0, "2": 0, "3": 1, "4": 1, "5": 0, "none": 0}, {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0, "none": 0},
        {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0, "none": 1}]
    assert b.levels == [("1", "第1级", 0), ("2", "第2级", 1), ("3", "第3级", 2), ("4", "第4级", 1), ("5", "第5级", 0),
                        ("none", "未定级", 1)]
    assert [(r.system, [(d.kind, d.state) for d in r.dues]) for r in b.systems] == [
        (w["a"], [("graded", DueState.OVERDUE), ("crypto", DueState.CURRENT)]),
        (w["d"], [("graded", DueState.MISSING), ("crypto", DueState.MISSING)]),
        (w["b"], [("graded", DueState.DUE_SOON), ("crypto", DueState.CURRENT)]),
    ]
    assert [(f, f.state, str(f.state_label)) for f in b.findings] == [
        (w["late"], FindingState.OVERDUE, "逾期未整改"), (w["open"], FindingState.OPEN, "待整改")]
    # DRC and the audit bureau see the same board; an owner unit its own; another bureau nothing
    for role in ("drc", "audit"):
        assert _counts(selectors.board(district.users[role], today).total) == (5, 1, 1, 1, 2, 1)
    mine = selectors.board(district.users["edu"], today)
    assert [r.unit.name for r in mine.units] == ["区教育局", "区第一中学"] and mine.findings == [w["open"]]
    nothing = selectors.board(district.users["finance"], today)
    assert (nothing.units, nothing.systems, nothing.findings, nothing.total.systems) == ([], [], [], 0)
    # one unit
    health = selectors.board(district.users["cyber"], today, unit_id=district.health.pk)
    assert [r.unit.name for r in health.units] == ["区卫健委"] and health.findings == [w["late"]]
    with pytest.raises(NotFound):
        selectors.board(district.users["cyber"], today, unit_id="x")


def test_without_intervals_in_the_profile_the_board_flags_no_assessment(district):
    system = make_system(district.health, level=4)
    b = selectors.board(district.users["cyber"], local_today())  # the bundled profile sets no interval
    assert [(r.system, r.graded.state, r.crypto.state) for r in b.systems] == []
    assert selectors.systems_security(type(system).objects.all(), {}, local_today())[0].graded.state == (
        DueState.NOT_REQUIRED)


@pytest.mark.parametrize("n", [2, 10])
def test_the_board_costs_the_same_queries_for_2_and_10_systems(district, security_settings, n,
                                                               django_assert_num_queries):
    from itgov.accounts.models import User

    today = local_today()
    for i in range(n):
        system = make_system([district.edu, district.health, district.edu_school][i % 3], level=2 + i % 3)
        assess(system, today - (30 * i) * DAY)
        assess(system, today - (40 * i) * DAY, kind="crypto", result="fails")
        SecurityFinding.objects.create(system=system, description=f"问题{i}", severity="low",
                                       due_on=today + (i - 5) * DAY)
    cyber = User.objects.get(username="cyber")
    assert cyber.roles  # the user's grants, loaded once per request
    # the systems with their assessments and findings; the profile in force; the open findings
    with django_assert_num_queries(3):
        b = selectors.board(cyber, today)
        assert b.total.systems == n and len(b.findings) == n


def test_a_system_page_reads_its_row_assessments_and_findings(district, security_settings):
    today = local_today()
    system = make_system(district.edu, level=3)
    assess(system, today - 400 * DAY)
    assess(system, today - 30 * DAY, result="fails")
    SecurityFinding.objects.create(system=system, description="弱口令", severity="high", due_on=today - DAY)
    detail = selectors.system_security_detail(system, today)
    assert (detail["row"].graded.state, detail["row"].graded.last_passed, detail["row"].crypto.state) == (
        DueState.CURRENT, False, DueState.MISSING)
    assert [a.assessed_on for a in detail["assessments"]] == [today - 30 * DAY, today - 400 * DAY]
    assert [f.state for f in detail["findings"]] == [FindingState.OVERDUE]
    assert (detail["row"].open_findings, detail["row"].overdue_findings) == (1, 1)


def test_findings_q_is_the_same_definition_as_finding_state(district):
    today = local_today()
    system = make_system(district.edu)
    rows = [SecurityFinding.objects.create(system=system, description=str(i), severity="low", due_on=due,
                                           remediated_on=done, remediation="已修复" if done else "")
            for i, (due, done) in enumerate([(today, None), (today - DAY, None), (today - DAY, today - DAY),
                                             (today - 2 * DAY, today - DAY)])]
    for state in FindingState.values:
        assert set(SecurityFinding.objects.filter(selectors.findings_q(state, today))) == {
            r for r in rows if selectors.finding_state(r, today) == state}
    assert [selectors.finding_state(r, today) for r in rows] == ["open", "overdue", "remediated", "remediated_late"]
