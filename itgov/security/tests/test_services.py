"""The security records (art. 30) through the services: who may record the filing, assessments and remediations
(the owner unit, its sub-units included) and who may raise findings (the owner unit and the Cyberspace Office) —
every other role refused citing 第三十条, nothing written, the denial audited; bad input named field by field;
a classified system refused (art. 5); a finding remediated once, by exactly one of concurrent callers; every write
audited with its before and after."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from itgov.audit.models import AuditEvent
from itgov.catalogue.models import InformationSystem
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput
from itgov.security import services
from itgov.security.models import SecurityAssessment, SecurityFinding

from .conftest import make_system

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
PROTECTS = "只有信息系统的建设运维单位可以登记定级备案、测评和整改情况(第三十条)"
OVERSEES = "只有信息系统的建设运维单位或区网信办可以提出安全整改问题(第三十条)"
CLASSIFIED = "涉密信息系统按照有关规定执行(第五条),不在本系统登记等级保护和测评"
ROLES = ["edu", "health", "drc", "cyber", "finance", "audit", "gov", "supervisor", "expert", "admin"]


def filing(**overrides):
    return {"protection_level": 3, "filing_number": "32010643001-26001", "filed_on": (local_today() - DAY).isoformat(),
            "filing_authority": "南京市公安局鼓楼分局", **overrides}


def assessment(**overrides):
    return {"kind": "graded", "assessed_on": (local_today() - 10 * DAY).isoformat(), "assessor": "江苏省某测评中心",
            "result": "mostly", "score": "82.50", "report_number": "CP2026-0101", "summary": "日志留存不足", **overrides}


def finding(**overrides):
    return {"description": "日志留存不足六个月", "severity": "medium", "due_on": (local_today() + 30 * DAY).isoformat(),
            **overrides}


def remediation(**overrides):
    return {"remediated_on": local_today().isoformat(), "remediation": "已扩容日志存储,留存180天", **overrides}


def _snapshot():
    return (list(InformationSystem.objects.values_list("pk", "protection_level", "filing_number", "version")),
            list(SecurityAssessment.objects.values_list("pk", flat=True)),
            list(SecurityFinding.objects.values_list("pk", "remediated_on", "version")),
            AuditEvent.objects.filter(event_type__startswith="security.").count())


# --- powers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_unit_records_and_remediates_and_only_it_or_cyberspace_raises_findings(district, role):
    actor = district.users[role]
    system = make_system(district.edu_school)  # a sub-unit of the education bureau: in its owner's scope
    open_finding = SecurityFinding.objects.create(system=system, description="弱口令", severity="high",
                                                  due_on=local_today() + 5 * DAY, raised_by=district.users["cyber"])
    before = _snapshot()
    calls = {
        "filing": lambda: services.filing_record(actor=actor, system=system, data=filing()),
        "assessment": lambda: services.assessment_record(actor=actor, system=system, data=assessment()),
        "finding": lambda: services.finding_raise(actor=actor, system=system, data=finding()),
        "remediate": lambda: services.finding_remediate(actor=actor, finding=open_finding, data=remediation()),
    }
    allowed = {"edu": set(calls), "cyber": {"finding"}}.get(role, set())
    denied = []
    for name, call in calls.items():
        if name in allowed:
            call()
            continue
        with pytest.raises(Forbidden) as exc:
            call()
        assert exc.value.message == (OVERSEES if name == "finding" else PROTECTS)
        assert exc.value.article == "第三十条"
        denied.append(name)
    if not allowed:
        assert _snapshot() == before
    events = list(AuditEvent.objects.filter(event_type="access.denied", actor_id=actor.pk).order_by("seq"))
    assert [e.reason for e in events] == [f"security.{name}" for name in denied]
    assert [e.rule_results for e in events] == [
        [{"rule": "art30.cyberspace_oversees" if name == "finding" else "art30.unit_protects", "article": "第三十条"}]
        for name in denied]
    assert AuditEvent.objects.filter(event_type__startswith="security.", actor_id=actor.pk).count() == len(allowed)


# --- the filing ------------------------------------------------------------------------------------------------


def test_the_owner_records_the_level_and_filing_with_compare_and_swap(district):
    edu = district.users["edu"]
    system = make_system(district.edu, level=None)
    stamp = system.updated_at
    recorded = services.filing_record(actor=edu, system=system, data=filing(), expected_version=1)
    assert (recorded.protection_level, recorded.filing_number, recorded.filed_on, recorded.filing_authority,
            recorded.version) == (3, "32010643001-26001", local_today() - DAY, "南京市公安局鼓楼分局", 2)
    assert recorded.updated_at > stamp
    event = AuditEvent.objects.get(event_type="security.filing.recorded")
    assert (event.object_id, event.actor_name, event.project_id) == (str(system.pk), edu.display_name, None)
    assert event.before == {"protection_level": None, "filing_number": "", "filed_on": None, "filing_authority": "",
                            "version": 1}
    assert event.after == {"protection_level": 3, "filing_number": "32010643001-26001",
                           "filed_on": (local_today() - DAY).isoformat(), "filing_authority": "南京市公安局鼓楼分局",
                           "version": 2}
    with pytest.raises(Conflict):  # a stale version: the row unchanged, nothing audited
        services.filing_record(actor=edu, system=system, data=filing(protection_level=4), expected_version=1)
    assert InformationSystem.objects.get(pk=system.pk).protection_level == 3
    # the level alone (定级 before 备案): the filing fields left empty
    again = services.filing_record(actor=edu, system=recorded, data={"protection_level": 2}, expected_version=2)
    assert (again.protection_level, again.filing_number, again.filed_on, again.version) == (2, "", None, 3)
    assert AuditEvent.objects.filter(event_type="security.filing.recorded").count() == 2


@pytest.mark.parametrize(("data", "errors"), [
    ({}, {"protection_level": ["必填"]}),
    ({"protection_level": 6}, {"protection_level": ["须为1至5级"]}),
    ({"protection_level": "三级"}, {"protection_level": ["须为1至5级"]}),
    ({"protection_level": 3, "filing_number": "X-1"},
     {"filed_on": ["备案编号、备案日期和备案机关须一并填写"], "filing_authority": ["备案编号、备案日期和备案机关须一并填写"]}),
    ({"protection_level": 3, "filed_on": "2026-02-30"},
     {"filed_on": ["日期格式须为 YYYY-MM-DD"], "filing_number": ["备案编号、备案日期和备案机关须一并填写"],
      "filing_authority": ["备案编号、备案日期和备案机关须一并填写"]}),
    (filing(filed_on="2099-01-01"), {"filed_on": ["备案日期不得晚于今天"]}),
    (filing(filed_on="1999-12-31"), {"filed_on": ["日期须在2000年至2100年之间"]}),
    (filing(filing_authority="   "), {"filing_authority": ["备案编号、备案日期和备案机关须一并填写"]}),
    (filing(version=3), {"version": ["不允许的字段"]}),
])
def test_a_filing_with_bad_input_is_refused_field_by_field(district, data, errors):
    system = make_system(district.edu, level=None)
    before = _snapshot()
    with pytest.raises(InvalidInput) as exc:
        services.filing_record(actor=district.users["edu"], system=system, data=data)
    assert exc.value.fields == errors
    assert _snapshot() == before


# --- assessments -----------------------------------------------------------------------------------------------


def test_the_owner_records_an_assessment_audited_with_kind_result_and_day(district):
    edu = district.users["edu"]
    system = make_system(district.edu)
    row = services.assessment_record(actor=edu, system=system, data=assessment())
    row.refresh_from_db()
    assert (row.system, row.kind, row.assessed_on, row.assessor, row.result, row.score, row.report_number,
            row.summary, row.recorded_by) == (system, "graded", local_today() - 10 * DAY, "江苏省某测评中心", "mostly",
                                              Decimal("82.50"), "CP2026-0101", "日志留存不足", edu)
    event = AuditEvent.objects.get(event_type="security.assessment.recorded")
    assert (event.object_id, event.actor_id) == (str(row.pk), edu.pk)
    assert event.after == {"system": system.pk, "system_name": system.name, "kind": "graded", "result": "mostly",
                           "day": (local_today() - 10 * DAY).isoformat(), "assessor": "江苏省某测评中心",
                           "report_number": "CP2026-0101", "score": "82.50"}
    crypto = services.assessment_record(actor=edu, system=system, data=assessment(
        kind="crypto", result="fails", score="", summary="", assessed_on=local_today().isoformat()))
    assert (crypto.kind, crypto.result, crypto.score, crypto.assessed_on) == ("crypto", "fails", None, local_today())


@pytest.mark.parametrize(("overrides", "errors"), [
    ({"kind": "pentest"}, {"kind": ["不是可选的测评类型"]}),
    ({"assessed_on": "tomorrow"}, {"assessed_on": ["日期格式须为 YYYY-MM-DD"]}),
    ({"assessed_on": "1999-12-31"}, {"assessed_on": ["日期须在2000年至2100年之间"]}),
    ({"result": "passed"}, {"result": ["须为“符合”“基本符合”或“不符合”"]}),
    ({"score": "100.01"}, {"score": ["须在0至100之间"]}),
    ({"score": "-1"}, {"score": ["须在0至100之间"]}),
    ({"score": "80.123"}, {"score": ["最多两位小数"]}),
    ({"score": "八十"}, {"score": ["须为数字"]}),
    ({"assessor": "", "report_number": ""}, {"assessor": ["必填"], "report_number": ["必填"]}),
    ({"report_number": "R" * 61}, {"report_number": ["过长,最多60个字符"]}),
])
def test_an_assessment_with_bad_input_is_refused_field_by_field(district, overrides, errors):
    system = make_system(district.edu)
    with pytest.raises(InvalidInput) as exc:
        services.assessment_record(actor=district.users["edu"], system=system, data=assessment(**overrides))
    assert exc.value.fields == errors
    assert SecurityAssessment.objects.count() == 0


def test_an_assessment_may_not_be_dated_after_today(district):
    system = make_system(district.edu)
    with pytest.raises(InvalidInput) as exc:
        services.assessment_record(actor=district.users["edu"], system=system,
                                   data=assessment(assessed_on=(local_today() + DAY).isoformat()))
    assert exc.value.fields == {"assessed_on": ["测评日期不得晚于今天:登记的是已经完成的测评"]}


# --- classified systems (art. 5) --------------------------------------------------------------------------------


def test_a_classified_system_is_refused_every_record(district):
    edu = district.users["edu"]
    system = make_system(district.edu, classified=True)
    done = SecurityFinding.objects.create(system=system, description="x", severity="low", due_on=local_today() + DAY)
    before = _snapshot()
    for call in (lambda: services.filing_record(actor=edu, system=system, data=filing()),
                 lambda: services.assessment_record(actor=edu, system=system, data=assessment()),
                 lambda: services.finding_raise(actor=edu, system=system, data=finding()),
                 lambda: services.finding_raise(actor=district.users["cyber"], system=system, data=finding()),
                 lambda: services.finding_remediate(actor=edu, finding=done, data=remediation())):
        with pytest.raises(Conflict) as exc:
            call()
        assert exc.value.message == CLASSIFIED
    assert _snapshot() == before


# --- findings --------------------------------------------------------------------------------------------------


def test_cyberspace_raises_a_finding_and_the_owner_remediates_it_once(district):
    edu, cyber = district.users["edu"], district.users["cyber"]
    system = make_system(district.edu)
    report = services.assessment_record(actor=edu, system=system, data=assessment())
    row = services.finding_raise(actor=cyber, system=system, data=finding(assessment_id=report.pk, severity="high"))
    assert (row.system, row.assessment, row.severity, row.due_on, row.raised_by, row.version, row.remediated_on) == (
        system, report, "high", local_today() + 30 * DAY, cyber, 1, None)
    raised = AuditEvent.objects.get(event_type="security.finding.raised")
    assert raised.after == {"system": system.pk, "system_name": system.name, "severity": "high",
                            "due_on": (local_today() + 30 * DAY).isoformat(), "description": "日志留存不足六个月",
                            "assessment": report.pk}
    assert raised.actor_name == cyber.display_name

    with pytest.raises(Conflict):  # a stale version
        services.finding_remediate(actor=edu, finding=row, data=remediation(), expected_version=2)
    done = services.finding_remediate(actor=edu, finding=row, data=remediation(), expected_version=1)
    assert (done.remediated_on, done.remediation, done.remediated_by, done.version) == (
        local_today(), "已扩容日志存储,留存180天", edu, 2)
    event = AuditEvent.objects.get(event_type="security.finding.remediated")
    assert event.before == {"remediated_on": None, "remediation": "", "version": 1}
    assert event.after == {"remediated_on": local_today().isoformat(), "remediation": "已扩容日志存储,留存180天",
                           "version": 2, "system": system.pk, "system_name": system.name,
                           "due_on": (local_today() + 30 * DAY).isoformat(), "late": False}
    with pytest.raises(Conflict) as exc:  # once only
        services.finding_remediate(actor=edu, finding=done, data=remediation(remediation="再次整改"))
    assert exc.value.message == f"该安全问题已于{local_today().isoformat()}登记整改"
    assert SecurityFinding.objects.get(pk=row.pk).remediation == "已扩容日志存储,留存180天"
    assert AuditEvent.objects.filter(event_type="security.finding.remediated").count() == 1


def test_a_remediation_after_the_deadline_is_recorded_late(district):
    system = make_system(district.edu)
    row = services.finding_raise(actor=district.users["edu"], system=system, data=finding())
    SecurityFinding.objects.filter(pk=row.pk).update(due_on=local_today() - DAY)
    row.refresh_from_db()
    services.finding_remediate(actor=district.users["edu"], finding=row, data=remediation())
    assert AuditEvent.objects.get(event_type="security.finding.remediated").after["late"] is True


@pytest.mark.parametrize(("data", "errors"), [
    (finding(due_on=None), {"due_on": ["必填"]}),
    ({"description": "", "severity": "critical", "due_on": "x"},
     {"description": ["必填"], "severity": ["须为高、中或低风险"], "due_on": ["日期格式须为 YYYY-MM-DD"]}),
    (finding(assessment_id="abc"), {"assessment_id": ["须为整数"]}),
    (finding(assessment_id=0), {"assessment_id": ["须为正整数"]}),
])
def test_a_finding_with_bad_input_is_refused_field_by_field(district, data, errors):
    system = make_system(district.edu)
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(InvalidInput) as exc:
        services.finding_raise(actor=district.users["cyber"], system=system, data=data)
    assert exc.value.fields == errors
    assert SecurityFinding.objects.count() == 0


def test_a_finding_is_due_after_today_and_cites_an_assessment_of_its_own_system(district):
    cyber = district.users["cyber"]
    system, other = make_system(district.edu), make_system(district.health)
    others = services.assessment_record(actor=district.users["health"], system=other, data=assessment())
    for due_on in (local_today(), local_today() - DAY):
        with pytest.raises(InvalidInput) as exc:
            services.finding_raise(actor=cyber, system=system, data=finding(due_on=due_on.isoformat()))
        assert exc.value.fields == {"due_on": ["整改期限须晚于今天"]}
    for assessment_id in (others.pk, 10**9):
        with pytest.raises(InvalidInput) as exc:
            services.finding_raise(actor=cyber, system=system, data=finding(assessment_id=assessment_id))
        assert exc.value.fields == {"assessment_id": ["须为该信息系统的测评"]}
    assert SecurityFinding.objects.count() == 0
    assert services.finding_raise(actor=cyber, system=system, data=finding(
        due_on=(local_today() + DAY).isoformat())).due_on == local_today() + DAY


def test_a_remediation_with_bad_input_is_refused_field_by_field(district):
    edu = district.users["edu"]
    row = services.finding_raise(actor=edu, system=make_system(district.edu), data=finding())
    cases = [
        ({}, {"remediated_on": ["必填"], "remediation": ["必填"]}),
        (remediation(remediation="   "), {"remediation": ["必填"]}),
        (remediation(remediated_on=(local_today() + DAY).isoformat()), {"remediated_on": ["整改完成日期不得晚于今天"]}),
        (remediation(remediated_on=(local_today() - DAY).isoformat()),
         {"remediated_on": [f"整改完成日期不得早于问题提出日期({local_today().isoformat()})"]}),
    ]
    for data, errors in cases:
        with pytest.raises(InvalidInput) as exc:
            services.finding_remediate(actor=edu, finding=row, data=data)
        assert exc.value.fields == errors
    assert SecurityFinding.objects.get(pk=row.pk).version == 1
    assert not AuditEvent.objects.filter(event_type="security.finding.remediated").exists()


# --- concurrency -----------------------------------------------------------------------------------------------


def _concurrently(fn, n: int):
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def worker(i):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = fn(i)
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_two_remediations_with_the_same_version_one_wins_the_other_409(district):
    edu = district.users["edu"]
    row = services.finding_raise(actor=edu, system=make_system(district.edu), data=finding())
    first = services.finding_remediate(actor=edu, finding=row, data=remediation(remediation="甲"), expected_version=1)
    with pytest.raises(Conflict):
        services.finding_remediate(actor=edu, finding=row, data=remediation(remediation="乙"), expected_version=1)
    assert SecurityFinding.objects.get(pk=row.pk).remediation == first.remediation == "甲"


@pytest.mark.django_db(transaction=True)
def test_concurrent_remediations_have_exactly_one_winner(district):
    from itgov.accounts.models import User
    from itgov.audit.verify import verify_chain

    row = services.finding_raise(actor=district.users["edu"], system=make_system(district.edu), data=finding())
    outcomes = _concurrently(lambda i: services.finding_remediate(
        actor=User.objects.get(username="edu"), finding=SecurityFinding.objects.select_related("system__owner_unit")
        .get(pk=row.pk), data=remediation(remediation=f"整改{i}"), expected_version=1), 4)
    winners = [o for o in outcomes if isinstance(o, SecurityFinding)]
    assert len(winners) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 3, outcomes
    final = SecurityFinding.objects.get(pk=row.pk)
    assert (final.version, final.remediation) == (2, winners[0].remediation)
    assert AuditEvent.objects.filter(event_type="security.finding.remediated").count() == 1
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_with_the_same_version_have_exactly_one_winner(district):
    from itgov.accounts.models import User

    system = make_system(district.edu, level=None)
    outcomes = _concurrently(lambda i: services.filing_record(
        actor=User.objects.get(username="edu"), system=InformationSystem.objects.select_related("owner_unit")
        .get(pk=system.pk), data=filing(protection_level=2 + i % 3), expected_version=1), 4)
    assert sum(isinstance(o, InformationSystem) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 3, outcomes
    assert InformationSystem.objects.get(pk=system.pk).version == 2
    assert AuditEvent.objects.filter(event_type="security.filing.recorded").count() == 1
