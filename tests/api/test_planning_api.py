"""The annual declaration (art. 8) as a client drives it: DRC opens the round of a plan year and may grant a
unit an exception; an owner unit declares lines for its reserve projects inside the window (its days in
Asia/Shanghai) or under an exception, and withdraws them with an optimistic version; the bureaus read the
progress. A conflict is 409, a rule's refusal 422 citing 第八条, bad input 400 naming the field — and a refusal
never leaves a business event. (Who may do what, role by role, is in test_authorization.py.)"""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI
from itgov.planning.models import DeclarationException, DeclarationLine, DeclarationRound

from .conftest import (
    DECLARE_FORBIDDEN,
    INSIDE_WINDOW,
    NOT_FOUND,
    OUTSIDE_WINDOW,
    ROUND_YEAR,
    business_events,
    line_row,
    planning_counts,
    refusal_events,
    valid_exception_payload,
    valid_line_payload,
)
from .test_bad_input import INVALID, ONE_OF, _assert_field_error

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _new_events(before: list) -> list[str]:
    return [event for _seq, event in business_events()[len(before):]]


def _assert_rule_refused(response, rule: str, fields: dict):
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"], error["fields"]) == (
        "rule_violation", rule, "第八条", fields)
    assert "第八条" in error["message"]


# --- rounds ----------------------------------------------------------------------------------------------


def test_drc_opens_a_round_and_the_readers_list_it(api, district, at):
    # given the clock in the middle of the 2027 round's window
    at(INSIDE_WINDOW)
    client = api("drc")
    events_before = business_events()

    # when
    response = client.post("declaration-rounds", {"year": ROUND_YEAR, "note": "2027年度集中申报"})

    # then
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["year"], body["note"]) == (ROUND_YEAR, "2027年度集中申报")
    assert body["window"] == {"opens_on": "2026-07-01", "closes_on": "2026-09-30", "state": "open",
                              "days_left": 47, "days_to_open": None}
    rnd = DeclarationRound.objects.get(pk=body["id"])
    assert (rnd.year, rnd.opened_by) == (ROUND_YEAR, district.users["drc"])
    assert _new_events(events_before) == ["planning.round.opened"]
    for role in ("drc", "finance", "audit", "edu", "health"):
        listed = api(role).get("declaration-rounds").json()
        assert [(r["id"], r["year"], r["window"]) for r in listed] == [(body["id"], ROUND_YEAR, body["window"])]


def test_rounds_are_listed_newest_plan_year_first(api, make_round):
    for year in (2026, 2028, 2027):
        make_round(year)

    body = api("edu").get("declaration-rounds").json()

    assert [r["year"] for r in body] == [2028, 2027, 2026]


def test_a_second_round_for_the_same_year_is_409(api, make_round):
    make_round(ROUND_YEAR)
    client = api("drc")
    events_before = business_events()

    response = client.post("declaration-rounds", {"year": ROUND_YEAR})

    assert (response.status_code, response.json()) == (
        409, {"error": {"code": "conflict", "message": "2027年度的集中申报已经发起"}})
    assert DeclarationRound.objects.count() == 1
    assert business_events() == events_before


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("year", 1999, ["须大于或等于2000"]),
    ("year", 2101, ["须小于或等于2100"]),
    ("year", "abc", ["须为整数"]),
    ("year", None, ["须为整数"]),
    ("year", 2027.5, ["须为整数"]),
    ("note", "说" * 201, ["过长,最多200个字符"]),
    ("note", 12, ["须为文本"]),
    ("nmae", "拼错的字段", ["不允许的字段"]),
], ids=lambda v: repr(v)[:30])
def test_round_open_refuses_a_bad_field(api, district, field, value, expected):
    client = api("drc")
    events_before = business_events()

    response = client.post("declaration-rounds", {"year": ROUND_YEAR, field: value})

    _assert_field_error(response, field, expected)
    assert DeclarationRound.objects.count() == 0
    assert business_events() == events_before


def test_round_open_names_the_missing_year(api, district):
    response = api("drc").post("declaration-rounds", {})

    assert response.json() == {"error": {"code": "invalid", "message": INVALID, "fields": {"year": ["必填"]}}}
    assert DeclarationRound.objects.count() == 0


@pytest.mark.parametrize(("moment", "window"), [
    (shanghai(2026, 6, 30, 23, 59, 59), {"state": "upcoming", "days_left": None, "days_to_open": 1}),
    (dt.datetime(2026, 6, 30, 16, 0, tzinfo=UTC), {"state": "open", "days_left": 92, "days_to_open": None}),
    (shanghai(2026, 9, 30, 23, 59, 59), {"state": "open", "days_left": 1, "days_to_open": None}),
    (dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC), {"state": "closed", "days_left": None, "days_to_open": None}),
], ids=["the-last-second-before", "the-first-day-by-shanghai-time", "the-last-second", "the-day-after"])
def test_the_window_is_the_third_quarter_by_the_day_in_shanghai(api, make_round, at, moment, window):
    # given the 2027 round, and the clock at `moment` (16:00 UTC is midnight in Shanghai)
    make_round(ROUND_YEAR)
    at(moment)

    # when
    body = api("edu").get("declaration-rounds").json()

    # then
    assert body[0]["window"] == {"opens_on": "2026-07-01", "closes_on": "2026-09-30", **window}


# --- exceptions ------------------------------------------------------------------------------------------


def test_drc_grants_a_unit_an_exception(api, district, make_round, at):
    # given the 2027 round, a week after its window closed
    rnd = make_round(ROUND_YEAR)
    at(shanghai(2026, 10, 8, 9, 0))
    client = api("drc")
    events_before = business_events()

    # when
    response = client.post(f"declaration-rounds/{rnd.pk}/exceptions", valid_exception_payload(district.edu.pk))

    # then
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["unit"]["code"], body["reason"]) == ("edu", "机构调整,延期申报")
    assert dt.datetime.fromisoformat(body["deadline"]) == shanghai(2026, 10, 15, 18, 0)
    exception = DeclarationException.objects.get(pk=body["id"])
    assert (exception.round, exception.unit, exception.granted_by) == (rnd, district.edu, district.users["drc"])
    assert _new_events(events_before) == ["planning.exception.granted"]
    assert AuditEvent.objects.get(event_type="planning.exception.granted").reason == "机构调整,延期申报"


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("reason", " ", ["必填"]),
    ("reason", "", ["过短,至少1个字符"]),
    ("reason", "理" * 2001, ["过长,最多2000个字符"]),
    ("reason", None, ["须为文本"]),
    ("deadline", "2026-08-15T09:59:59+08:00", ["截止时间须晚于现在"]),  # a second ago
    ("deadline", "2026-08-15T10:00:00+08:00", ["截止时间须晚于现在"]),  # now
    ("deadline", "2026-08-15T01:59:59Z", ["截止时间须晚于现在"]),  # a second ago, in UTC
    ("deadline", "2020-01-01T00:00:00+08:00", ["截止时间须晚于现在"]),
    ("deadline", "notadate", ["格式不正确"]),
    ("deadline", None, ["格式不正确"]),
    ("unit_id", 999_999, ["单位不存在或不是建设单位"]),
    ("unit_id", 0, ["须大于或等于1"]),
    ("unit_id", 2**70, ["须小于或等于4611686018427387904"]),
    ("unit_id", "edu", ["须为整数"]),
    ("nmae", "拼错的字段", ["不允许的字段"]),
], ids=lambda v: repr(v)[:30])
def test_exception_refuses_a_bad_field(api, district, make_round, at, field, value, expected):
    # given the 2027 round, inside its window (now is 2026-08-15 10:00 in Shanghai)
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)
    client = api("drc")
    counts_before, events_before = planning_counts(), business_events()

    # when
    response = client.post(f"declaration-rounds/{rnd.pk}/exceptions",
                               valid_exception_payload(district.edu.pk, **{field: value}))

    # then
    _assert_field_error(response, field, expected)
    assert planning_counts() == counts_before
    assert business_events() == events_before


@pytest.mark.parametrize("unit", ["firm", "drc_unit"])
def test_an_exception_is_for_a_unit_that_declares(api, district, make_round, at, unit):
    # a supervision firm declares nothing; a bureau may (its own projects), so only the firm is refused
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)

    response = api("drc").post(f"declaration-rounds/{rnd.pk}/exceptions",
                               valid_exception_payload(getattr(district, unit).pk))

    if unit == "firm":
        _assert_field_error(response, "unit_id", ["单位不存在或不是建设单位"])
        assert DeclarationException.objects.count() == 0
    else:
        assert response.status_code == 201, response.content.decode()


def test_an_exception_names_every_bad_field_at_once(api, district, make_round, at):
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)

    response = api("drc").post(f"declaration-rounds/{rnd.pk}/exceptions", valid_exception_payload(
        district.edu.pk, reason="  ", deadline="2026-01-01T00:00:00+08:00"))

    assert response.json() == {"error": {"code": "invalid", "message": INVALID, "fields": {
        "reason": ["必填"], "deadline": ["截止时间须晚于现在"]}}}
    assert DeclarationException.objects.count() == 0


def test_a_deadline_no_database_can_hold_is_400_not_500(api, district, make_round, at):
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)

    response = api("drc").post(f"declaration-rounds/{rnd.pk}/exceptions", valid_exception_payload(
        district.edu.pk, deadline="9999-12-31T23:59:59-10:00"))

    assert response.status_code == 400, response.content.decode()[:200]
    assert list(response.json()["error"]["fields"]) == ["deadline"]
    assert DeclarationException.objects.count() == 0


# --- declaring -------------------------------------------------------------------------------------------


def test_inside_the_window_the_owner_declares_its_reserve_project(api, make_project, make_round, at):
    # given a reserve project of edu and the 2027 round, its window open
    project = make_project("in_reserve")
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)
    client = api("edu")
    events_before = business_events()

    # when
    response = client.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk))

    # then
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert {k: v for k, v in body.items() if k not in ("id", "created_at")} == {
        "project": {"id": project.pk, "name": project.name},
        "unit": {"id": project.owner_unit.pk, "code": "edu", "name": "区教育局"},
        "line_type": "construction", "requested_amount": "800000.00", "proposed_class": "B",
        "justification": "建设条件已具备,力争年内开工。", "status": "declared", "version": 1, "via_exception": False}
    assert (line_row(body["id"])["status"], line_row(body["id"])["version"]) == ("declared", 1)
    assert _new_events(events_before) == ["planning.line.declared"]
    event = AuditEvent.objects.get(event_type="planning.line.declared")
    assert event.project_id == project.pk
    assert {r["rule"]: r["status"] for r in event.rule_results} == {
        "art8.declaration_window": "met", "art8.declared_project_eligible": "met"}


@pytest.mark.parametrize(("moment", "expected"), [
    (shanghai(2026, 6, 30, 23, 59, 59), 422),
    (dt.datetime(2026, 6, 30, 16, 0, tzinfo=UTC), 201),  # 2026-07-01 00:00 in Shanghai
    (shanghai(2026, 9, 30, 23, 59, 59), 201),
    (dt.datetime(2026, 9, 30, 16, 0, tzinfo=UTC), 422),  # 2026-10-01 00:00 in Shanghai
    (OUTSIDE_WINDOW, 422),
    (shanghai(2027, 2, 1, 9, 0), 422),  # in the plan year itself
], ids=lambda v: v.isoformat() if isinstance(v, dt.datetime) else str(v))
def test_the_declaration_is_refused_outside_the_window_citing_article_8(api, make_project, make_round, at, moment,
                                                                        expected):
    # given a reserve project of edu, the 2027 round, and the clock at `moment`
    project = make_project("in_reserve")
    rnd = make_round(ROUND_YEAR)
    at(moment)
    client = api("edu")
    events_before = business_events()

    # when
    response = client.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk))

    # then
    if expected == 201:
        assert response.status_code == 201, response.content.decode()
        return
    _assert_rule_refused(response, "art8.declaration_window", {"round": ["不在申报期内"]})
    assert response.json()["error"]["message"].startswith("不在年度集中申报期内")
    assert DeclarationLine.objects.count() == 0
    assert business_events() == events_before
    assert refusal_events(project.pk) == [("rule.refused", "declaration.declare")]


def test_an_exception_lets_its_unit_declare_after_the_window_until_its_deadline(api, district, make_project,
                                                                                make_round, at):
    # given the 2027 round, reserve projects of edu and health, and an exception for edu until 10-15 18:00
    rnd = make_round(ROUND_YEAR)
    first, second = make_project("in_reserve"), make_project("in_reserve")
    of_health = make_project("in_reserve", owner="health")
    at(shanghai(2026, 10, 8, 9, 0))
    granted = api("drc").post(f"declaration-rounds/{rnd.pk}/exceptions", valid_exception_payload(district.edu.pk))
    assert granted.status_code == 201, granted.content.decode()
    edu, health = api("edu"), api("health")

    # at the deadline itself edu declares, under the exception
    at(shanghai(2026, 10, 15, 18, 0, 0))
    response = edu.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(first.pk))
    assert response.status_code == 201, response.content.decode()
    assert response.json()["via_exception"] is True
    assert DeclarationLine.objects.get(pk=response.json()["id"]).via_exception_id == granted.json()["id"]

    # the exception is edu's: health is still outside the window
    _assert_rule_refused(health.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(of_health.pk)),
                         "art8.declaration_window", {"round": ["不在申报期内"]})

    # one second past the deadline, edu is outside it too
    at(shanghai(2026, 10, 15, 18, 0, 1))
    _assert_rule_refused(edu.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(second.pk)),
                         "art8.declaration_window", {"round": ["不在申报期内"]})
    assert DeclarationLine.objects.count() == 1


def test_an_exception_for_a_unit_covers_its_sub_units(api, district, make_project, make_round, at):
    # given an exception DRC granted edu after the window, and a reserve project of edu's sub-unit school1
    rnd = make_round(ROUND_YEAR)
    project = make_project("in_reserve", owner="school1")
    at(shanghai(2026, 10, 8, 9, 0))
    granted = api("drc").post(f"declaration-rounds/{rnd.pk}/exceptions", valid_exception_payload(district.edu.pk))

    # when edu declares school1's project before the deadline
    response = api("edu").post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk))

    # then it relies on edu's exception
    assert response.status_code == 201, response.content.decode()
    assert (response.json()["unit"]["code"], response.json()["via_exception"]) == ("school1", True)
    assert DeclarationLine.objects.get(pk=response.json()["id"]).via_exception_id == granted.json()["id"]


def test_inside_the_window_a_line_does_not_rely_on_an_exception(api, district, make_project, make_round, at):
    # an exception granted before the window opens is not what a declaration inside it relies on
    rnd = make_round(ROUND_YEAR)
    project = make_project("in_reserve")
    at(shanghai(2026, 6, 1, 9, 0))
    api("drc").post(f"declaration-rounds/{rnd.pk}/exceptions", valid_exception_payload(district.edu.pk))
    at(INSIDE_WINDOW)

    response = api("edu").post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk))

    assert response.status_code == 201, response.content.decode()
    assert response.json()["via_exception"] is False


def test_a_second_line_of_the_same_project_and_type_is_409(api, make_project, make_round, at):
    # given a line edu declared for its reserve project
    project = make_project("in_reserve")
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)
    client = api("edu")
    assert client.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk)).status_code == 201
    events_before = business_events()

    # when the same project and type is declared again, another amount and class
    response = client.post(f"declaration-rounds/{rnd.pk}/lines",
                           valid_line_payload(project.pk, requested_amount="1.00", proposed_class="A"))

    # then
    assert (response.status_code, response.json()) == (
        409, {"error": {"code": "conflict", "message": "该项目本轮已申报同类计划"}})
    assert DeclarationLine.objects.count() == 1
    assert business_events() == events_before


def test_a_withdrawn_line_may_be_declared_anew(api, make_project, make_round, make_line, at):
    project = make_project("in_reserve")
    rnd = make_round(ROUND_YEAR)
    old = make_line(rnd, project, status="withdrawn")
    at(INSIDE_WINDOW)

    response = api("edu").post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk))

    assert response.status_code == 201, response.content.decode()
    assert response.json()["id"] != old.pk
    assert line_row(old.pk)["status"] == "withdrawn"


def test_the_owner_unit_declares_for_its_sub_unit(api, make_project, make_round, at):
    project = make_project("in_reserve", owner="school1")
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)

    response = api("edu").post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk))

    assert response.status_code == 201, response.content.decode()
    assert response.json()["unit"]["code"] == "school1"


# (field, bad value, the exact messages of that field — or ONE_OF for an enumeration)
BAD_LINE_FIELDS = [
    ("requested_amount", "-1", ["格式不正确"]),
    ("requested_amount", "0", ["须大于0"]),
    ("requested_amount", "0.00", ["须大于0"]),
    ("requested_amount", "1e15", ["格式不正确"]),
    ("requested_amount", "12.345", ["格式不正确"]),
    ("requested_amount", "1,000", ["格式不正确"]),
    ("requested_amount", "10000000000.01", ["不得超过100亿元"]),
    ("requested_amount", "999999999999", ["格式不正确"]),
    ("requested_amount", 800000, ["须为文本"]),
    ("requested_amount", None, ["须为文本"]),
    ("proposed_class", "D", [ONE_OF]),
    ("proposed_class", "b", [ONE_OF]),
    ("line_type", "other", [ONE_OF]),
    ("line_type", None, [ONE_OF]),
    ("justification", " ", ["必填"]),
    ("justification", "", ["过短,至少1个字符"]),
    ("justification", "理" * 2001, ["过长,最多2000个字符"]),
    ("project_id", "abc", ["须为整数"]),
    ("project_id", 0, ["须大于或等于1"]),
    ("project_id", 2**70, ["须小于或等于4611686018427387904"]),
    ("nmae", "拼错的字段", ["不允许的字段"]),
]


@pytest.mark.parametrize(("field", "value", "expected"), BAD_LINE_FIELDS, ids=lambda v: repr(v)[:30])
def test_declare_refuses_a_bad_field(api, make_project, make_round, at, field, value, expected):
    # given a reserve project of edu and the 2027 round, its window open
    project = make_project("in_reserve")
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)
    client = api("edu")
    counts_before, events_before = planning_counts(), business_events()

    # when
    response = client.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk, **{field: value}))

    # then
    _assert_field_error(response, field, expected)
    assert planning_counts() == counts_before
    assert business_events() == events_before
    assert refusal_events() == []


def test_declare_names_every_missing_field(api, make_round, at):
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)

    response = api("edu").post(f"declaration-rounds/{rnd.pk}/lines", {})

    assert response.json() == {"error": {"code": "invalid", "message": INVALID, "fields": {
        "project_id": ["必填"], "line_type": ["必填"], "requested_amount": ["必填"], "proposed_class": ["必填"],
        "justification": ["必填"]}}}
    assert DeclarationLine.objects.count() == 0


@pytest.mark.parametrize("role", ["drc", "finance", "audit"])
@pytest.mark.parametrize("fields", [{"requested_amount": "0"}, {"justification": "  "}, {"project_id": 999_999}])
def test_a_bureau_is_refused_before_its_input_is_judged(api, make_project, make_round, at, role, fields):
    # a bureau declares nothing (art. 8): a well-formed request whose content an owner would be told is wrong
    # (amount, blank text, a project it cannot see) is 403 for it, not a 400 on its fields
    project = make_project("in_reserve")
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)
    client = api(role)
    events_before = business_events()

    response = client.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk, **fields))

    assert (response.status_code, response.json()) == (403, DECLARE_FORBIDDEN)
    assert business_events() == events_before
    assert refusal_events() == [("access.denied", "declaration.declare")]


@pytest.mark.parametrize(("role", "whose"), [("health", "edu"), ("edu", "health"), ("edu", "missing")])
def test_a_project_the_unit_cannot_see_is_named_as_missing(api, make_project, make_round, at, role, whose):
    # another unit's project reads exactly like a project that does not exist: 400 on project_id
    project_id = make_project("in_reserve", owner=whose).pk if whose != "missing" else 999_999
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)
    client = api(role)
    events_before = business_events()

    response = client.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project_id))

    assert response.json() == {"error": {"code": "invalid", "message": INVALID,
                                         "fields": {"project_id": ["项目不存在或无权查看"]}}}
    assert DeclarationLine.objects.count() == 0
    assert business_events() == events_before


@pytest.mark.parametrize(("state", "classified", "line_type", "message"), [
    ("draft", False, "construction", "项目未入储备库"),
    ("proposed", False, "construction", "项目未入储备库"),
    ("withdrawn", False, "construction", "项目未入储备库"),
    ("in_reserve", False, "om", "项目尚未投入运行"),  # no project runs yet: O&M waits for a later stage
    ("in_reserve", True, "construction", "涉密项目不在本系统申报"),  # art. 5
])
def test_only_a_reserve_project_is_declared_for_construction(api, make_project, make_round, at, state, classified,
                                                             line_type, message):
    project = make_project(state, classified=classified)
    rnd = make_round(ROUND_YEAR)
    at(INSIDE_WINDOW)
    client = api("edu")
    events_before = business_events()

    response = client.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk, line_type=line_type))

    _assert_rule_refused(response, "art8.declared_project_eligible", {"project_id": [message]})
    assert DeclarationLine.objects.count() == 0
    assert business_events() == events_before
    assert refusal_events(project.pk) == [("rule.refused", "declaration.declare")]


def test_a_refusal_names_the_fields_of_every_rule_that_refuses(api, make_project, make_round, at):
    # outside the window, a project not in the reserve: the window rule speaks first, both fields are named
    project = make_project("proposed")
    rnd = make_round(ROUND_YEAR)
    at(OUTSIDE_WINDOW)
    client = api("edu")

    response = client.post(f"declaration-rounds/{rnd.pk}/lines", valid_line_payload(project.pk))

    _assert_rule_refused(response, "art8.declaration_window",
                         {"round": ["不在申报期内"], "project_id": ["项目未入储备库"]})
    assert [v["rule"] for v in response.json()["error"]["violations"]] == [
        "art8.declaration_window", "art8.declared_project_eligible"]
    assert DeclarationLine.objects.count() == 0


# --- withdrawing -----------------------------------------------------------------------------------------


def _withdraw(client, line_id: int, **body):
    return client.post(f"declaration-lines/{line_id}/withdraw", {"reason": "改为明年申报", **body})


def test_withdraw_then_withdraw_again_is_409(api, make_project, make_round, make_line, at):
    # given a line edu declared, the window open
    line = make_line(make_round(ROUND_YEAR), make_project("in_reserve"))
    at(INSIDE_WINDOW)
    client = api("edu")
    events_before = business_events()

    # when
    response = _withdraw(client, line.pk, version=1)

    # then
    assert response.status_code == 200, response.content.decode()
    assert (response.json()["id"], response.json()["status"], response.json()["version"]) == (line.pk, "withdrawn", 2)
    assert (line_row(line.pk)["status"], line_row(line.pk)["version"]) == ("withdrawn", 2)
    assert _new_events(events_before) == ["planning.line.withdrawn"]
    assert AuditEvent.objects.get(event_type="planning.line.withdrawn").reason == "改为明年申报"

    # and again: the line is withdrawn already
    row_before, events_before = line_row(line.pk), business_events()
    again = _withdraw(client, line.pk, version=2)
    assert (again.status_code, again.json()) == (409, {"error": {"code": "conflict", "message": "该申报已撤回"}})
    assert line_row(line.pk) == row_before
    assert business_events() == events_before


@pytest.mark.parametrize("stale", [2, 7])
def test_withdraw_with_a_version_not_current_is_409(api, make_project, make_round, make_line, at, stale):
    line = make_line(make_round(ROUND_YEAR), make_project("in_reserve"))
    at(INSIDE_WINDOW)
    client = api("edu")
    row_before, events_before = line_row(line.pk), business_events()

    response = _withdraw(client, line.pk, version=stale)

    assert response.status_code == 409, response.content.decode()
    assert response.json()["error"]["code"] == "conflict"
    assert line_row(line.pk) == row_before
    assert business_events() == events_before
    assert _withdraw(client, line.pk, version=1).status_code == 200  # the current version goes through


def test_withdraw_without_a_version_withdraws_the_current_one(api, make_project, make_round, make_line, at):
    line = make_line(make_round(ROUND_YEAR), make_project("in_reserve"))
    at(INSIDE_WINDOW)

    response = _withdraw(api("edu"), line.pk)

    assert (response.status_code, response.json()["version"]) == (200, 2)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_withdraw_needs_a_reason(api, make_project, make_round, make_line, at, reason):
    line = make_line(make_round(ROUND_YEAR), make_project("in_reserve"))
    at(INSIDE_WINDOW)
    client = api("edu")
    row_before, events_before = line_row(line.pk), business_events()
    body = {"version": 1} if reason is None else {"version": 1, "reason": reason}

    response = client.post(f"declaration-lines/{line.pk}/withdraw", body)

    assert response.json() == {"error": {"code": "invalid", "message": INVALID, "fields": {"reason": ["必填"]}}}
    assert line_row(line.pk) == row_before
    assert business_events() == events_before


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("version", 0, ["须大于或等于1"]),
    ("version", 2**31 + 1, ["须小于或等于2147483648"]),
    ("version", "v1", ["须为整数"]),
    ("reason", "理" * 2001, ["过长,最多2000个字符"]),
    ("reason", 5, ["须为文本"]),
    ("nmae", "拼错的字段", ["不允许的字段"]),
], ids=lambda v: repr(v)[:30])
def test_withdraw_refuses_a_bad_field(api, make_project, make_round, make_line, at, field, value, expected):
    line = make_line(make_round(ROUND_YEAR), make_project("in_reserve"))
    at(INSIDE_WINDOW)
    client = api("edu")
    row_before, events_before = line_row(line.pk), business_events()

    response = _withdraw(client, line.pk, **{"version": 1, field: value})

    _assert_field_error(response, field, expected)
    assert line_row(line.pk) == row_before
    assert business_events() == events_before


def test_after_the_window_a_line_stands_unless_drc_granted_an_exception(api, district, make_project, make_round,
                                                                        make_line, at):
    # given a line edu declared in the window, now closed
    rnd = make_round(ROUND_YEAR)
    line = make_line(rnd, make_project("in_reserve"))
    at(OUTSIDE_WINDOW)
    client = api("edu")
    row_before, events_before = line_row(line.pk), business_events()

    # the withdrawal is refused by the window rule
    _assert_rule_refused(_withdraw(client, line.pk, version=1), "art8.declaration_window",
                         {"round": ["不在申报期内"]})
    assert line_row(line.pk) == row_before
    assert business_events() == events_before
    assert refusal_events(line.project_id) == [("rule.refused", "declaration.withdraw")]

    # until DRC grants edu an exception
    api("drc").post(f"declaration-rounds/{rnd.pk}/exceptions", valid_exception_payload(district.edu.pk))
    assert _withdraw(client, line.pk, version=1).status_code == 200


# --- ids that cannot be, and reading ---------------------------------------------------------------------

ID_ENDPOINTS = [("GET", "declaration-rounds/{id}"), ("POST", "declaration-rounds/{id}/exceptions"),
                ("GET", "declaration-rounds/{id}/lines"), ("POST", "declaration-rounds/{id}/lines"),
                ("POST", "declaration-lines/{id}/withdraw")]


def _call_with_id(client, method: str, url: str, value: str, district, project_id: int):
    body = {"declaration-lines/{id}/withdraw": {"version": 1, "reason": "改为明年申报"},
            "declaration-rounds/{id}/exceptions": valid_exception_payload(district.edu.pk),
            "declaration-rounds/{id}/lines": valid_line_payload(project_id)}.get(url)
    return client.call(method, url.format(id=value), *([] if method == "GET" else [body]))


@pytest.mark.parametrize(("method", "url"), ID_ENDPOINTS)
@pytest.mark.parametrize("value", [str(2**70), str(2**63), "9" * 40, "-1", "0"])
def test_a_round_or_line_id_that_cannot_exist_is_404(api, district, declaration_round, at, method, url, value):
    at(INSIDE_WINDOW)
    client = api("drc" if "exceptions" in url else "edu")
    counts_before, events_before = planning_counts(), business_events()

    response = _call_with_id(client, method, url, value, district, declaration_round.project.pk)

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert (planning_counts(), business_events()) == (counts_before, events_before)


@pytest.mark.parametrize(("method", "url"), ID_ENDPOINTS)
@pytest.mark.parametrize("value", ["abc", "1.5", "1e3"])
def test_a_round_or_line_id_that_is_not_a_number_is_400(api, district, declaration_round, method, url, value):
    response = _call_with_id(api("edu"), method, url, value, district, declaration_round.project.pk)

    _assert_field_error(response, "line_id" if "lines/" in url else "round_id", ["须为整数"])


POSTS = {"round_open": ("drc", "declaration-rounds"), "exception_grant": ("drc", "declaration-rounds/{round}/exceptions"),
         "line_declare": ("edu", "declaration-rounds/{round}/lines"), "line_withdraw": ("edu", "declaration-lines/{line}/withdraw")}


@pytest.mark.parametrize(("body", "message"), [("[1, 2]", "须为对象"), ('"text"', "须为对象"), ("123", "须为对象"),
                                               ("null", "须为对象"), ("{bad json", "请求体不是有效的 JSON"), ("", "必填")])
@pytest.mark.parametrize("op", list(POSTS))
def test_a_body_that_is_not_a_json_object_is_400_and_changes_nothing(api, declaration_round, at, op, body, message):
    at(INSIDE_WINDOW)
    role, url = POSTS[op]
    client = api(role)
    counts_before, events_before = planning_counts(), business_events()
    row_before = line_row(declaration_round.edu_line.pk)

    response = client.post(url.format(round=declaration_round.round.pk, line=declaration_round.edu_line.pk), body)

    assert response.json() == {"error": {"code": "invalid", "message": INVALID, "fields": {"body": [message]}}}
    assert (planning_counts(), business_events()) == (counts_before, events_before)
    assert line_row(declaration_round.edu_line.pk) == row_before


def test_the_lines_list_shows_each_line_with_its_status(api, district, make_project, make_round, make_line):
    # given lines of edu (one withdrawn), of its sub-unit school1, and of health
    rnd = make_round(ROUND_YEAR)
    edu_line = make_line(rnd, make_project("in_reserve"), requested_amount="800000.00")
    withdrawn = make_line(rnd, make_project("in_reserve"), status="withdrawn")
    school_line = make_line(rnd, make_project("in_reserve", owner="school1"), proposed_class="C")
    health_line = make_line(rnd, make_project("in_reserve", owner="health"), proposed_class="A")

    def read(role):
        return [(item["id"], item["unit"]["code"], item["status"], item["version"])
                for item in api(role).get(f"declaration-rounds/{rnd.pk}/lines").json()]

    # then a bureau reads every line, by unit; a unit its own and its sub-units'
    every = [(edu_line.pk, "edu", "declared", 1), (withdrawn.pk, "edu", "withdrawn", 2),
             (health_line.pk, "health", "declared", 1), (school_line.pk, "school1", "declared", 1)]
    for bureau in ("drc", "finance", "audit", "cyber", "gov"):
        assert read(bureau) == every
    assert read("edu") == [every[0], every[1], every[3]]
    assert read("health") == [every[2]]


# The dashboard of the round: every line below, declared inside the window.
DASHBOARD_LINES = [  # (owner, amount, class, status)
    ("edu", "800000.00", "B", "declared"),
    ("edu", "200000.50", "A", "declared"),
    ("edu", "1000000.00", "A", "withdrawn"),  # a withdrawn line counts for nothing
    ("health", "100000.00", "C", "declared"),
]
BUREAU_VIEW = {
    "total": "1100000.50", "declared_units": 2, "all_units": 4,
    "by_type_and_class": {"construction:A": "200000.50", "construction:B": "800000.00",
                          "construction:C": "100000.00"},
    "units": [("edu", 2, "1000000.50", None), ("health", 1, "100000.00", None), ("school1", 0, "0.00", None),
              ("street1", 0, "0.00", "street1")],  # every department and street, declared or not
}
OWNER_VIEW = {  # a unit reads its own rows only
    "edu": {"total": "1000000.50", "declared_units": 1,
            "by_type_and_class": {"construction:A": "200000.50", "construction:B": "800000.00"},
            "declared": [("edu", 2, "1000000.50", None)]},
    "health": {"total": "100000.00", "declared_units": 1, "by_type_and_class": {"construction:C": "100000.00"},
               "declared": [("health", 1, "100000.00", None)]},
}


def _rows(body) -> list[tuple]:
    return [(r["unit"]["code"], r["lines"], r["total"], r["exception"] and r["exception"]["unit"]["code"])
            for r in body["units"]]


@pytest.mark.parametrize("role", ["drc", "finance", "audit", "cyber", "gov", "edu", "health"])
def test_the_dashboard_totals_what_each_reader_sees(api, district, make_project, make_round, make_line, at, role):
    # given the 2027 round with the lines above (two of edu: every line is summed, not the last of each group),
    # and an exception DRC granted the street
    rnd = make_round(ROUND_YEAR)
    for owner, amount, proposed_class, status in DASHBOARD_LINES:
        make_line(rnd, make_project("in_reserve", owner=owner), status=status, requested_amount=amount,
                  proposed_class=proposed_class)
    at(INSIDE_WINDOW)
    assert api("drc").post(f"declaration-rounds/{rnd.pk}/exceptions",
                           valid_exception_payload(district.street.pk)).status_code == 201

    # when
    response = api(role).get(f"declaration-rounds/{rnd.pk}")

    # then
    assert response.status_code == 200, response.content.decode()[:300]
    body = response.json()
    assert (body["id"], body["year"], body["window"]["state"], body["window"]["days_left"]) == (
        rnd.pk, ROUND_YEAR, "open", 47)
    if role in OWNER_VIEW:
        expected = OWNER_VIEW[role]
        assert (body["total"], body["declared_units"], body["by_type_and_class"]) == (
            expected["total"], expected["declared_units"], expected["by_type_and_class"])
        assert [row for row in _rows(body) if row[1]] == expected["declared"]
        return
    assert {k: body[k] for k in ("total", "declared_units", "all_units", "by_type_and_class")} == {
        k: BUREAU_VIEW[k] for k in ("total", "declared_units", "all_units", "by_type_and_class")}
    assert _rows(body) == BUREAU_VIEW["units"]
    exception = next(r["exception"] for r in body["units"] if r["exception"])
    assert dt.datetime.fromisoformat(exception["deadline"]) == shanghai(2026, 10, 15, 18, 0)


def test_an_owner_units_dashboard_adds_up_its_sub_units_lines(api, make_project, make_round, make_line, at):
    # given a line of edu and one of its sub-unit school1, which edu declared and lists
    rnd = make_round(ROUND_YEAR)
    make_line(rnd, make_project("in_reserve"), requested_amount="100.00", proposed_class="A")
    make_line(rnd, make_project("in_reserve", owner="school1"), requested_amount="800000.00")
    at(INSIDE_WINDOW)
    client = api("edu")
    listed = client.get(f"declaration-rounds/{rnd.pk}/lines").json()
    assert sorted(item["unit"]["code"] for item in listed) == ["edu", "school1"]

    # when
    response = client.get(f"declaration-rounds/{rnd.pk}")

    # then the dashboard adds up the very lines edu reads: its rows are its whole subtree
    assert response.status_code == 200, response.content.decode()[:300]
    body = response.json()
    assert body["total"] == "800100.00"
    assert sum(float(v) for v in body["by_type_and_class"].values()) == float(body["total"])
    assert [row for row in _rows(body) if row[1]] == [("edu", 1, "100.00", None), ("school1", 1, "800000.00", None)]
    assert (body["declared_units"], body["all_units"]) == (2, 2)
