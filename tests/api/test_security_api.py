"""The systems' security (art. 30, with art. 4 and 5) over /api/v1.

The authorization matrix: every operation × every role of the district and anonymous, with the exact status,
following itgov/security/policies.py and the services, on edu's system 学籍管理系统 (level 3, filed, its graded
assessment overdue and no cryptography assessment, a finding the Cyberspace Office raised and one remediated) or
edu's classified system, and on a finding (open, or remediated):
- visibility: a system's security is read by its owner unit, the Cyberspace Office, DRC and the audit bureau; every
  other role gets 404, like a missing id; a classified system (art. 5) is never read here (404 to everyone), and on a
  write its unit is told why (409) and DRC, who sees it in the catalogue, lacks the power (403);
- power: the owner unit records the level and filing, the assessments and the remediation (others 403 citing
  第三十条); the owner unit or the Cyberspace Office raises a finding (第三十条); the board is the Cyberspace
  Office's, DRC's and the audit bureau's (a plain 403 to the others);
- state: a finding remediated takes no second remediation (409).
A refusal leaves the security records and the business audit trail as they were; a 403 citing the article is
recorded as `access.denied` naming the action and the rule.

Then: bad input (400 naming the field, in Chinese), the due states at their boundaries over the API (level 3 yearly,
level 4 every six months, due soon 30 days before, overdue the day after), races (409), acceptance refused without a
passed graded assessment of a level-3 system (422 citing 第三十条), a classified system absent from the board, and
the board's and the dossier's query counts (3 systems and 30)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.catalogue import services as catalogue
from itgov.catalogue.models import InformationSystem
from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.security import services
from itgov.security.models import SecurityAssessment, SecurityFinding

from . import matrix_security
from .cells import cells, run_cells
from .conftest import API, CJK, NOT_FOUND, messages_of

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
SECURITY_SETTINGS = {"protection_assessment_interval": {"3": 12, "4": 6}, "crypto_assessment_level": 3,
                     "crypto_assessment_interval": 12, "reminder_lead_days": [30, 7, 1]}
PROTECTS = {"error": {"code": "forbidden", "article": "第三十条",
                      "message": "只有信息系统的建设运维单位可以登记定级备案、测评和整改情况(第三十条)"}}
OVERSEES = {"error": {"code": "forbidden", "article": "第三十条",
                      "message": "只有信息系统的建设运维单位或区网信办可以提出安全整改问题(第三十条)"}}
DENIAL = {
    "filing": (PROTECTS, "security.filing", "art30.unit_protects"),
    "assessment": (PROTECTS, "security.assessment", "art30.unit_protects"),
    "finding": (OVERSEES, "security.finding", "art30.cyberspace_oversees"),
    "remediate": (PROTECTS, "security.remediate", "art30.unit_protects"),
}
EVENTS = {"filing": ["security.filing.recorded"], "assessment": ["security.assessment.recorded"],
          "finding": ["security.finding.raised"], "remediate": ["security.finding.remediated"]}


def _row(text: str) -> dict[str, int]:
    codes = text.split()
    assert len(codes) == len(COLUMNS), text
    return dict(zip(COLUMNS, map(int, codes), strict=True))


# Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
GLOBAL_EXPECTED = {"board": _row("401 403 200 403 200 200 403 403 403 403 403")}
SYSTEM_EXPECTED = {
    "dossier": {
        "open":       _row("401 404 200 404 200 200 404 200 404 404 404"),
        "classified": _row("401 404 404 404 404 404 404 404 404 404 404"),
    },
    "filing": {
        "open":       _row("401 404 403 404 403 403 404 200 404 404 404"),
        "classified": _row("401 404 403 404 404 404 404 409 404 404 404"),
    },
    "assessment": {
        "open":       _row("401 404 403 404 403 403 404 201 404 404 404"),
        "classified": _row("401 404 403 404 404 404 404 409 404 404 404"),
    },
    "finding": {
        "open":       _row("401 404 403 404 403 201 404 201 404 404 404"),
        "classified": _row("401 404 403 404 404 404 404 409 404 404 404"),
    },
}
FINDING_EXPECTED = {
    "remediate": {
        "open":       _row("401 404 403 404 403 403 404 200 404 404 404"),
        "remediated": _row("401 404 403 404 403 403 404 409 404 404 404"),
    },
}


def test_the_tables_cover_every_security_operation_and_role():
    ops = {**matrix_security.GLOBAL, **matrix_security.SYSTEM, **matrix_security.FINDING}
    assert {*GLOBAL_EXPECTED, *SYSTEM_EXPECTED, *FINDING_EXPECTED} == set(ops)
    assert len(ops) == len(matrix_security.OPERATIONS)


@pytest.fixture
def api(api):
    """Every caller's token issued up front: issuing one is audited, and the tests compare the audit trail."""
    for role in COLUMNS:
        api(role)
    return api


def security_profile(district):
    """The profile in force today with the demo district's security settings (level 3 yearly, level 4 every six
    months, cryptography from level 3 yearly, reminders 30, 7 and 1 days before)."""
    from itgov.rules.models import PolicyProfile
    from itgov.rules.profiles import parameters_in_force

    jurisdiction = district.drc_unit.jurisdiction
    today = local_today()
    return PolicyProfile.objects.create(jurisdiction=jurisdiction, name="测试:等级测评周期", effective_from=today,
                                        parameters={**parameters_in_force(jurisdiction, today), **SECURITY_SETTINGS})


def _filed(edu, system, level: int = 3):
    return services.filing_record(actor=edu, system=system, data={
        "protection_level": level, "filing_number": f"32010643{system.pk:03d}-00001",
        "filed_on": add_months(local_today(), -14).isoformat(), "filing_authority": "南京市公安局鼓楼分局"})


def build_world(district) -> SimpleNamespace:
    security_profile(district)
    edu, cyber = district.users["edu"], district.users["cyber"]
    today = local_today()
    system = _filed(edu, catalogue.system_register(actor=edu, data={"name": "学籍管理系统", "summary": "中小学学籍管理"}))
    assessment = services.assessment_record(actor=edu, system=system, data={
        "kind": "graded", "assessed_on": add_months(today, -13).isoformat(), "assessor": "江苏省信息安全测评中心",
        "result": "mostly", "score": "82.5", "report_number": "DJCP-2025-001", "summary": "存在弱口令"})
    finding = services.finding_raise(actor=cyber, system=system, data={
        "description": "互联网暴露面存在高危端口", "severity": "high", "due_on": (today + dt.timedelta(days=30)).isoformat()})
    done = services.finding_raise(actor=edu, system=system, data={
        "description": "弱口令", "severity": "medium", "due_on": (today + dt.timedelta(days=10)).isoformat(),
        "assessment_id": assessment.pk})
    done = services.finding_remediate(actor=edu, finding=done, data={"remediated_on": today.isoformat(),
                                                                    "remediation": "已启用强口令策略"})
    classified = catalogue.system_register(actor=edu, data={"name": "保密通信系统", "summary": "涉密", "classified": True})
    return SimpleNamespace(system=system, classified=classified, assessment=assessment, finding=finding, done=done,
                           edu=edu, cyber=cyber, drc=district.users["drc"])


@pytest.fixture
def world(district):
    return build_world(district)


def _operations() -> dict[str, tuple[str, str]]:
    return {**matrix_security.GLOBAL, **matrix_security.SYSTEM, **matrix_security.FINDING}


def _day(days: int = 0) -> str:
    return (local_today() + dt.timedelta(days=days)).isoformat()


def _call(client, op: str, world, *, state: str = "", **ids):
    method, path = _operations()[op]
    system = world.classified if state == "classified" else world.system
    finding = world.done if state == "remediated" else world.finding
    url = API + path.format(**{"system_id": system.pk, "finding_id": finding.pk, **ids})
    if op == "filing":
        return client.call("PUT", url, {"protection_level": 4, "filing_number": "32010643001-00002",
                                        "filed_on": _day(), "filing_authority": "南京市公安局鼓楼分局",
                                        "version": system.version})
    if op == "assessment":
        return client.post(url, {"kind": "crypto", "assessed_on": _day(), "assessor": "某商用密码检测中心",
                                 "result": "conforms", "score": "90", "report_number": "MP-2026-001"})
    if op == "finding":
        return client.post(url, {"description": "日志留存不足六个月", "severity": "low", "due_on": _day(60)})
    if op == "remediate":
        return client.post(url, {"remediated_on": _day(), "remediation": "已关闭高危端口", "version": finding.version})
    assert method == "GET", op
    return client.get(url)


def _snapshot() -> dict:
    return {"systems": list(InformationSystem.objects.order_by("pk").values()),
            "assessments": list(SecurityAssessment.objects.order_by("pk").values()),
            "findings": list(SecurityFinding.objects.order_by("pk").values())}


def _check_success(op: str, world, response) -> None:
    body = response.json()
    if op == "board":
        (unit,) = body["units"]
        counts = {k: unit[k] for k in ("systems", "due_soon", "overdue", "missing", "open_findings",
                                       "overdue_findings")}
        assert (unit["unit"]["code"], counts) == ("edu", {"systems": 1, "due_soon": 0, "overdue": 1, "missing": 1,
                                                          "open_findings": 1, "overdue_findings": 0})
        assert unit["levels"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0, "none": 0}
        assert {k: body["total"][k] for k in counts} == counts
        assert [(lvl["key"], lvl["systems"]) for lvl in body["levels"]][2] == ("3", 1)
        assert [s["system"]["id"] for s in body["systems"]] == [world.system.pk]
        assert [(f["id"], f["state"]) for f in body["findings"]] == [(world.finding.pk, "open")]
    elif op == "dossier":
        assert (body["system"]["id"], body["protection_level"], body["filing"]["filing_authority"]) == (
            world.system.pk, 3, "南京市公安局鼓楼分局")
        graded, crypto = body["graded"], body["crypto"]
        assert (graded["state"], graded["months"], graded["last_passed"], graded["due_on"]) == (
            "overdue", 12, True, add_months(add_months(local_today(), -13), 12).isoformat())
        assert (crypto["state"], crypto["state_label"], crypto["due_on"]) == ("missing", "未测评", None)
        assert [a["report_number"] for a in body["assessments"]] == ["DJCP-2025-001"]
        assert body["assessments"][0]["score"] == "82.50"
        assert {f["id"]: f["state"] for f in body["findings"]} == {world.finding.pk: "open",
                                                                  world.done.pk: "remediated"}
    elif op == "filing":
        assert (body["protection_level"], body["graded"]["months"], body["version"]) == (4, 6, world.system.version + 1)
        assert body["filing"]["filing_number"] == "32010643001-00002"
    elif op == "assessment":
        assert (body["kind"], body["passed"], body["score"], body["recorded_by"]) == (
            "crypto", True, "90.00", world.edu.display_name)
    elif op == "finding":
        assert (body["system"]["id"], body["state"], body["severity_label"], body["assessment_id"]) == (
            world.system.pk, "open", "低风险", None)
    elif op == "remediate":
        assert (body["state"], body["remediated_on"], body["version"]) == ("remediated", _day(), 2)
    else:  # pragma: no cover
        raise AssertionError(op)


def _check_conflict(op: str, state: str, error: dict) -> None:
    if state == "classified":
        assert "第五条" in error["message"], f"{op} {state}"


def test_security_operations(api, world):
    clients = {role: api(role) for role in COLUMNS}
    failures = run_cells(
        clients, cells(GLOBAL_EXPECTED, SYSTEM_EXPECTED, FINDING_EXPECTED),
        call=lambda client, op, state: _call(client, op, world, state=state), snapshot=_snapshot, denial=DENIAL,
        events=EVENTS, check_success=lambda op, role, state, response: _check_success(op, world, response),
        check_conflict=_check_conflict)
    assert not failures, "\n".join(failures)


def test_a_missing_system_or_finding_is_404_like_a_hidden_one(api, world):
    for op, role, ids in (("dossier", "cyber", {"system_id": 10**9}), ("filing", "edu", {"system_id": 10**9}),
                          ("assessment", "edu", {"system_id": 10**9}), ("finding", "cyber", {"system_id": 10**9}),
                          ("remediate", "edu", {"finding_id": 10**9}), ("dossier", "drc", {"system_id": 2**63})):
        response = _call(api(role), op, world, **ids)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), op


# --- bad input -------------------------------------------------------------------------------------------------


def _fields(response) -> dict:
    assert response.status_code == 400, response.content.decode()
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert all(CJK.search(m) for m in messages_of(body)), body
    return body["error"]["fields"]


def test_bad_input_names_the_field_in_chinese(api, world, district):
    edu = api("edu")
    stored = _snapshot()
    filing = f"/systems/{world.system.pk}/filing"
    assert _fields(edu.call("PUT", filing, {"protection_level": 6})) == {"protection_level": ["须小于或等于5"]}
    assert _fields(edu.call("PUT", filing, {})) == {"protection_level": ["必填"]}
    assert _fields(edu.call("PUT", filing, {"protection_level": 3, "filing_number": "X-1"})) == {
        "filed_on": ["备案编号、备案日期和备案机关须一并填写"], "filing_authority": ["备案编号、备案日期和备案机关须一并填写"]}
    assert _fields(edu.call("PUT", filing, {"protection_level": 3, "filing_number": "X-1", "filed_on": _day(1),
                                            "filing_authority": "公安"})) == {"filed_on": ["备案日期不得晚于今天"]}
    assessments = f"/systems/{world.system.pk}/assessments"
    base = {"kind": "graded", "assessed_on": _day(), "assessor": "某中心", "result": "conforms", "report_number": "R1"}
    assert set(_fields(edu.post(assessments, {**base, "kind": "pentest"}))) == {"kind"}
    assert _fields(edu.post(assessments, {**base, "assessed_on": _day(1)})) == {
        "assessed_on": ["测评日期不得晚于今天:登记的是已经完成的测评"]}
    assert _fields(edu.post(assessments, {**base, "score": "101"})) == {"score": ["须在0至100之间"]}
    assert _fields(edu.post(assessments, {**base, "score": "eighty"})) == {"score": ["格式不正确"]}
    assert _fields(edu.post(assessments, {**base, "grade": "A"})) == {"grade": ["不允许的字段"]}
    findings = f"/systems/{world.system.pk}/findings"
    assert _fields(edu.post(findings, {"description": "x", "severity": "low", "due_on": _day()})) == {
        "due_on": ["整改期限须晚于今天"]}
    other = catalogue.system_register(actor=world.edu, data={"name": "另一系统", "summary": "y"})
    other_assessment = services.assessment_record(actor=world.edu, system=other, data={**base, "report_number": "R9"})
    stored = _snapshot()
    assert _fields(edu.post(findings, {"description": "x", "severity": "low", "due_on": _day(5),
                                       "assessment_id": other_assessment.pk})) == {
        "assessment_id": ["须为该信息系统的测评"]}
    remediate = f"/security/findings/{world.finding.pk}/remediate"
    assert _fields(edu.post(remediate, {"remediated_on": _day(-1), "remediation": "已整改"})) == {
        "remediated_on": [f"整改完成日期不得早于问题提出日期({_day()})"]}
    assert _fields(edu.post(remediate, {"remediated_on": _day(1), "remediation": "已整改"})) == {
        "remediated_on": ["整改完成日期不得晚于今天"]}
    assert _fields(edu.post(remediate, {"remediated_on": _day()})) == {"remediation": ["必填"]}
    assert _fields(api("cyber").get("/security/board?unit_id=0")) == {"unit_id": ["须大于或等于1"]}
    assert _snapshot() == stored


# --- the due states over the API, at their boundaries ----------------------------------------------------------


def _state_on(client, system, day: dt.date) -> dict:
    from django.utils import timezone

    before = timezone.now
    timezone.now = lambda: dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)
    try:
        body = client.get(f"/systems/{system.pk}/security").json()
    finally:
        timezone.now = before
    return body


@pytest.mark.parametrize(("level", "months"), [(3, 12), (4, 6)])
def test_the_next_assessment_is_due_by_level_soon_30_days_before_overdue_the_day_after(api, district, level, months):
    security_profile(district)
    edu = district.users["edu"]
    system = _filed(edu, catalogue.system_register(actor=edu, data={"name": "测评系统", "summary": "测评"}), level)
    last = add_months(local_today(), -1)
    services.assessment_record(actor=edu, system=system, data={
        "kind": "graded", "assessed_on": last.isoformat(), "assessor": "某中心", "result": "conforms",
        "report_number": "R-1"})
    due = add_months(last, months)
    client = api("cyber")
    for day, state in ((due - dt.timedelta(days=31), "current"), (due - dt.timedelta(days=30), "due_soon"),
                       (due, "due_soon"), (due + dt.timedelta(days=1), "overdue")):
        graded = _state_on(client, system, day)["graded"]
        assert (graded["state"], graded["due_on"], graded["months"]) == (state, due.isoformat(), months), day


def test_below_level_3_nothing_is_due_and_a_level_change_moves_the_due_day(api, world):
    edu = api("edu")
    body = edu.call("PUT", f"/systems/{world.system.pk}/filing", {"protection_level": 2}).json()
    assert (body["graded"]["state"], body["crypto"]["state"], body["filing"]["filing_number"]) == (
        "not_required", "not_required", "")
    body = edu.call("PUT", f"/systems/{world.system.pk}/filing", {"protection_level": 4}).json()
    assert (body["graded"]["months"], body["graded"]["state"]) == (6, "overdue")


# --- races -----------------------------------------------------------------------------------------------------


def test_two_remediations_one_winner_and_a_stale_filing_409(api, world):
    edu = api("edu")
    url = f"/security/findings/{world.finding.pk}/remediate"
    first = edu.post(url, {"remediated_on": _day(), "remediation": "已关闭端口", "version": 1})
    second = edu.post(url, {"remediated_on": _day(), "remediation": "再次登记", "version": 1})
    assert (first.status_code, second.status_code, second.json()["error"]["code"]) == (200, 409, "conflict")
    assert SecurityFinding.objects.get(pk=world.finding.pk).remediation == "已关闭端口"
    filing = f"/systems/{world.system.pk}/filing"
    version = world.system.version
    assert edu.call("PUT", filing, {"protection_level": 4, "version": version}).status_code == 200
    stale = edu.call("PUT", filing, {"protection_level": 2, "version": version})
    assert (stale.status_code, stale.json()["error"]["code"]) == (409, "conflict")
    assert InformationSystem.objects.get(pk=world.system.pk).protection_level == 4


# --- art. 30 in the acceptance: 422 citing the article ---------------------------------------------------------


def test_a_level_3_system_without_a_passed_graded_assessment_cannot_pass_acceptance(api, district):
    from itgov.acceptance import services as acceptance
    from tests.acceptance_world import acceptance_maker, catalogue_and_security, fresh, upload_required

    # given a project on trial whose level-3 system has no graded assessment yet, its acceptance scheduled
    world = acceptance_maker(district)("trial_operation", catalogued=False)
    catalogue_and_security(world, assessed=False)
    assert world.system.protection_level == 3
    upload_required(world)
    acceptance.acceptance_apply(actor=world.owner, project=fresh(world.project),
                                data={"summary": "建设内容全部完成", "late_explanation": "已说明"})
    acceptance.acceptance_schedule(actor=world.drc, project=fresh(world.project),
                                   data={"scheduled_on": _day(), "location": "区政务服务中心"})
    drc, decision = api("drc"), f"/projects/{world.project.pk}/acceptance/decision"

    # when DRC passes it: refused, citing art. 30
    response = drc.post(decision, {"result": "passed", "decided_on": _day(), "findings": "同意"})
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["rule"], error["article"]) == ("art30.assessment_before_acceptance", "第三十条")
    assert world.system.name in error["message"]
    assert fresh(world.project).status == "acceptance_applied"

    # then the unit records a passed graded assessment over the API, and the acceptance passes
    recorded = api("edu").post(f"/systems/{world.system.pk}/assessments", {
        "kind": "graded", "assessed_on": _day(), "assessor": "江苏省信息安全测评中心", "result": "conforms",
        "report_number": "DJCP-9"})
    assert recorded.status_code == 201
    assert drc.post(decision, {"result": "passed", "decided_on": _day(), "findings": "同意"}).status_code == 200
    assert fresh(world.project).status == "accepted"


# --- a classified system: never on the board nor in a dossier --------------------------------------------------


def test_a_classified_system_is_absent_from_the_board(api, world):
    from itgov.security.models import SecurityFinding as Finding

    InformationSystem.objects.filter(pk=world.classified.pk).update(protection_level=4, status="operating")
    Finding.objects.create(system=world.classified, description="保密问题", severity="high", due_on=local_today())
    for role in ("cyber", "drc", "audit"):
        body = api(role).get("/security/board").json()
        assert body["total"]["systems"] == 1 and body["total"]["levels"]["4"] == 0, role
        assert "保密" not in str(body) and world.classified.code not in str(body), role
    assert api("edu").get(f"/systems/{world.classified.pk}/security").json() == NOT_FOUND
    filing = api("edu").call("PUT", f"/systems/{world.classified.pk}/filing", {"protection_level": 3})
    assert filing.status_code == 409 and "第五条" in filing.json()["error"]["message"]


def test_the_board_narrows_to_one_unit(api, world, district):
    health = district.users["health"]
    _filed(health, catalogue.system_register(actor=health, data={"name": "健康档案系统", "summary": "健康档案"}), 4)
    cyber = api("cyber")
    assert [u["unit"]["code"] for u in cyber.get("/security/board").json()["units"]] == ["edu", "health"]
    body = cyber.get(f"/security/board?unit_id={district.health.pk}").json()
    assert ([u["unit"]["code"] for u in body["units"]], body["total"]["missing"], body["findings"]) == (
        ["health"], 1, [])


# --- query counts ----------------------------------------------------------------------------------------------


def _grow(district, n: int) -> list[InformationSystem]:
    """n more level-3 systems of edu and health, each assessed and with an open finding."""
    made = []
    for i in range(n):
        user = district.users["edu" if i % 2 else "health"]
        system = _filed(user, catalogue.system_register(actor=user, data={"name": f"系统{n}-{i}", "summary": "业务"}))
        services.assessment_record(actor=user, system=system, data={
            "kind": "graded", "assessed_on": add_months(local_today(), -(i % 14)).isoformat(), "assessor": "某中心",
            "result": "conforms", "report_number": f"R-{n}-{i}"})
        services.finding_raise(actor=user, system=system, data={"description": "问题", "severity": "low",
                                                                "due_on": _day(5)})
        made.append(system)
    return made


def test_the_board_and_the_dossier_cost_the_same_at_3_and_30_rows(api, world, district):
    cyber, edu = api("cyber"), api("edu")
    paths = [(cyber, "/security/board"), (edu, f"/systems/{world.system.pk}/security"),
             (cyber, f"/systems/{world.system.pk}/security")]
    for client, path in paths:  # warm: the first request's one-off reads
        assert client.get(path).status_code == 200

    def measure() -> list[int]:
        counts = []
        for client, path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts.append(len(queries))
        return counts

    _grow(district, 2)  # 3 systems; the dossier's system with 1 assessment and 2 findings
    small = measure()
    _grow(district, 27)  # 30 systems
    for i in range(27):  # and the dossier's system with 28 assessments and 29 findings
        services.assessment_record(actor=world.edu, system=world.system, data={
            "kind": "risk", "assessed_on": _day(-i), "assessor": "某中心", "result": "conforms",
            "report_number": f"RISK-{i}"})
        services.finding_raise(actor=world.cyber, system=world.system, data={
            "description": f"问题{i}", "severity": "low", "due_on": _day(3)})
    large = measure()
    assert cyber.get("/security/board").json()["total"]["systems"] == 30
    assert large == small, (small, large)
