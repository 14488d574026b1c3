"""The annual declaration pages (art. 8): every page × every role → the expected status; a denied POST changes
nothing and writes no business audit event; bad input is a 400 naming the field; outside the window the
declaration is refused citing 第八条 (422); inside it (or with DRC's exception) the owner unit declares and
the dashboard shows it; the dashboard's queries do not grow with lines and units.

'Now' is frozen with monkeypatch at a moment in Asia/Shanghai (the window is 1 Jul – 30 Sep of Y-1). Clients
sign in after the clock is set: the 30-minute session would expire across a jump forward."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI
from itgov.planning import services as planning_services
from itgov.planning.models import DeclarationException, DeclarationLine, DeclarationRound
from itgov.projects import services
from tests.factories import ProjectFactory, UnitFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert", "anon"]
# No part in the declaration (art. 8): the round does not exist for them.
OUTSIDERS = ("admin", "supervisor", "expert")
BUREAUS = {"drc", "finance", "audit", "cyber", "gov"}
DENIAL_EVENTS = {"access.denied", "rule.refused"}
INSIDE = (2026, 8, 15, 10, 0, 0)  # the 2027 round's window is 2026-07-01 – 2026-09-30
AFTER = (2026, 10, 8, 10, 0, 0)


def at(monkeypatch, *args) -> dt.datetime:
    """Freeze 'now' at a moment given in Asia/Shanghai."""
    moment = dt.datetime(*args, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def signed_in(district, role: str) -> Client:
    client = Client()
    if role != "anon":
        client.force_login(district.users[role])
    return client


def expect(statuses: dict[str, int], default: int) -> list[tuple[str, int]]:
    return [(role, statuses.get(role, 302 if role == "anon" else default)) for role in ROLES]


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{field}">(.*?)</div>\s*</div>', html, re.S)
    return match.group(1) if match else ""


def reserve_project(district, unit, user: str, **fields):
    project = ProjectFactory(owner_unit=unit, **fields)
    project = services.project_submit_proposal(actor=district.users[user], project=project)
    return services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础支撑类项目")


def line_data(project, **overrides) -> dict:
    return {"project_id": project.pk, "line_type": "construction", "requested_amount": "800000.00",
            "proposed_class": "B", "justification": "建设条件已具备,力争年内开工。", **overrides}


@pytest.fixture
def inside(monkeypatch):
    return at(monkeypatch, *INSIDE)


@pytest.fixture
def round2027(district):
    return planning_services.declaration_round_open(actor=district.users["drc"],
                                                    data={"year": 2027, "note": "鼓发改〔2026〕18号"})


@pytest.fixture
def edu_line(inside, district, projects, round2027):
    return planning_services.declaration_line_declare(actor=district.users["edu"], rnd=round2027,
                                                      data=line_data(projects.edu_reserve))


def _business_events() -> int:
    return AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count()


def _state(line=None) -> tuple:
    fresh = DeclarationLine.objects.filter(pk=line.pk).values_list("status", "version").first() if line else None
    return (DeclarationRound.objects.count(), DeclarationLine.objects.count(), DeclarationException.objects.count(),
            fresh)


# --- every page × every role -------------------------------------------------------------------------------


def pages(rnd, line) -> dict[str, str]:
    return {
        "list": "/declarations/",
        "open": "/declarations/new/",
        "detail": f"/declarations/{rnd.pk}/",
        "declare": f"/declarations/{rnd.pk}/lines/new/",
        "exception": f"/declarations/{rnd.pk}/exceptions/new/",
        "withdraw": f"/declaration-lines/{line.pk}/withdraw/",
        "missing_round": "/declarations/987654321/",
        "missing_line": "/declaration-lines/987654321/withdraw/",
        "overflow": "/declarations/99999999999999999999999/",
    }


GET_MATRIX: dict[str, list[tuple[str, int]]] = {
    # The bureaus and the owner units follow the declaration; the sysadmin, the firms and the experts have no part
    # in it.
    "list": expect(dict.fromkeys(OUTSIDERS, 403), 200),
    "open": expect({}, 405),  # POST only
    "detail": expect(dict.fromkeys(OUTSIDERS, 404), 200),
    "declare": expect({}, 405),
    "exception": expect({}, 405),
    # edu's line: edu may withdraw it; the bureaus see it without the power; another unit does not see it.
    "withdraw": expect({"edu": 200, **dict.fromkeys(BUREAUS, 403)}, 404),
    "missing_round": expect({}, 404),
    "missing_line": expect({}, 404),
    "overflow": expect({}, 404),
}


@pytest.mark.parametrize("page", list(GET_MATRIX))
def test_page_status_for_every_role(page, district, round2027, edu_line):
    url = pages(round2027, edu_line)[page]
    got = {role: signed_in(district, role).get(url).status_code for role, _ in GET_MATRIX[page]}
    expected = dict(GET_MATRIX[page])
    assert {r: s for r, s in got.items() if r != "expert"} == {r: s for r, s in expected.items() if r != "expert"}
    assert got == expected


@pytest.mark.parametrize("page", ["list", "detail", "withdraw"])
def test_anonymous_is_sent_to_login(page, district, round2027, edu_line):
    response = signed_in(district, "anon").get(pages(round2027, edu_line)[page])
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_navigation_shows_the_declarations_to_who_may_see_them(district, inside):
    shown = {role: 'data-nav="declarations"' in signed_in(district, role).get("/").content.decode()
             for role in ROLES[:-1]}
    expected = {role: role not in OUTSIDERS for role in ROLES[:-1]}
    assert {r: s for r, s in shown.items() if r != "expert"} == {r: s for r, s in expected.items() if r != "expert"}
    assert shown == expected
    html = signed_in(district, "drc").get("/declarations/").content.decode()
    assert re.search(r'class="nav-link active" href="/declarations/" data-nav="declarations"', html)


# --- denied POSTs change nothing ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [
    *[(r, 403) for r in ["finance", "audit", "cyber", "gov", "edu", "health", "admin", "supervisor", "expert"]],
    ("anon", 302),
])
def test_denied_round_open_saves_nothing(role, expected, district, inside):
    client = signed_in(district, role)  # signing in is audited: before the snapshot
    before, events = _state(), _business_events()
    response = client.post("/declarations/new/", {"year": "2028", "note": "越权"})
    assert response.status_code == expected
    assert _state() == before
    assert _business_events() == events


@pytest.mark.parametrize(("role", "expected"), [
    *[(r, 403) for r in sorted(BUREAUS)],          # they see the project, but declare for no unit (art. 8)
    ("health", 400),                        # another unit does not even see the project: "no such project"
    *[(r, 404) for r in OUTSIDERS],         # no part in the declaration: the round does not exist for them
    ("anon", 302),
])
def test_denied_declaration_saves_nothing(role, expected, district, projects, round2027, inside):
    client = signed_in(district, role)  # signing in is audited: before the snapshot
    before, events = _state(), _business_events()
    response = client.post(f"/declarations/{round2027.pk}/lines/new/",
                                              line_data(projects.edu_reserve))
    assert _state() == before
    assert _business_events() == events
    assert response.status_code == expected
    assert _state() == before
    assert _business_events() == events
    if expected == 403:
        assert "第八条" in response.content.decode()
    if expected == 400:
        assert field_errors(response.content.decode(), "project_id")


@pytest.mark.parametrize(("role", "expected"), [
    *[(r, 403) for r in sorted(BUREAUS - {"drc"})], ("edu", 403), ("health", 403),
    *[(r, 404) for r in OUTSIDERS], ("anon", 302),
])
def test_denied_exception_grant_saves_nothing(role, expected, district, round2027, inside):
    client = signed_in(district, role)  # signing in is audited: before the snapshot
    before, events = _state(), _business_events()
    response = client.post(f"/declarations/{round2027.pk}/exceptions/new/", {
        "unit_id": district.edu.pk, "reason": "越权批准", "deadline": "2026-10-15T18:00"})
    assert _state() == before
    assert _business_events() == events
    assert response.status_code == expected
    assert _state() == before
    assert _business_events() == events
    if expected == 403:
        assert "第八条" in response.content.decode()


@pytest.mark.parametrize(("role", "expected"), [
    *[(r, 403) for r in sorted(BUREAUS)], ("health", 404), *[(r, 404) for r in OUTSIDERS], ("anon", 302),
])
def test_denied_withdrawal_changes_nothing(role, expected, district, edu_line):
    client = signed_in(district, role)
    before, events = _state(edu_line), _business_events()
    response = client.post(f"/declaration-lines/{edu_line.pk}/withdraw/",
                                              {"reason": "试图越权撤回", "version": edu_line.version})
    assert response.status_code == expected
    assert _state(edu_line) == before
    assert _business_events() == events


def test_a_denied_post_is_audited_as_access_denied(district, projects, round2027, inside):
    client = signed_in(district, "finance")
    before = AuditEvent.objects.filter(event_type="access.denied").count()
    client.post(f"/declarations/{round2027.pk}/lines/new/", line_data(projects.edu_reserve))
    assert AuditEvent.objects.filter(event_type="access.denied").count() == before + 1


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "field"), [
    ({"requested_amount": "-1"}, "requested_amount"),
    ({"requested_amount": "0"}, "requested_amount"),
    ({"requested_amount": "12.345"}, "requested_amount"),
    ({"requested_amount": "1e15"}, "requested_amount"),
    ({"requested_amount": "abc"}, "requested_amount"),
    ({"proposed_class": "D"}, "proposed_class"),
    ({"line_type": "other"}, "line_type"),
    ({"justification": "   "}, "justification"),
    ({"justification": "很" * 2001}, "justification"),
    ({"project_id": ""}, "project_id"),
    ({"project_id": "abc"}, "project_id"),
    ({"project_id": "987654321"}, "project_id"),
])
def test_bad_declaration_is_400_naming_the_field(change, field, district, projects, round2027, inside):
    client = signed_in(district, "edu")
    before, events = _state(), AuditEvent.objects.count()
    response = client.post(f"/declarations/{round2027.pk}/lines/new/",
                                               line_data(projects.edu_reserve, **change))
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, field), f"no error shown on {field}"
    assert 'data-testid="form-error"' in html and 'data-testid="declare-form"' in html
    assert _state() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("change", "field"), [
    ({"unit_id": ""}, "unit_id"),
    ({"unit_id": "987654321"}, "unit_id"),
    ({"reason": "  "}, "reason"),
    ({"deadline": ""}, "deadline"),
    ({"deadline": "next week"}, "deadline"),
    ({"deadline": "2026-08-01T09:00"}, "deadline"),  # in the past
])
def test_bad_exception_is_400_naming_the_field(change, field, district, round2027, inside):
    client = signed_in(district, "drc")
    before, events = _state(), AuditEvent.objects.count()
    data = {"unit_id": district.edu.pk, "reason": "机构调整,延期申报", "deadline": "2026-10-15T18:00", **change}
    response = client.post(f"/declarations/{round2027.pk}/exceptions/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, field), f"no error shown on {field}"
    assert 'data-testid="exception-form"' in html
    assert _state() == before
    assert AuditEvent.objects.count() == events


def test_an_exception_for_a_firm_is_400(district, round2027, inside):
    response = signed_in(district, "drc").post(f"/declarations/{round2027.pk}/exceptions/new/", {
        "unit_id": district.firm.pk, "reason": "x", "deadline": "2026-10-15T18:00"})
    assert response.status_code == 400
    assert "不是建设单位" in field_errors(response.content.decode(), "unit_id")
    assert not DeclarationException.objects.exists()


@pytest.mark.parametrize(("year", "status"), [("", 400), ("abc", 400), ("1999", 400), ("2101", 400)])
def test_bad_round_is_400_naming_the_year(year, status, district, inside):
    response = signed_in(district, "drc").post("/declarations/new/", {"year": year, "note": ""})
    assert response.status_code == status
    assert field_errors(response.content.decode(), "year")
    assert not DeclarationRound.objects.exists()


def test_bad_withdrawal_is_400_and_a_stale_one_409(district, edu_line):
    client = signed_in(district, "edu")
    url = f"/declaration-lines/{edu_line.pk}/withdraw/"

    empty = client.post(url, {"reason": "  ", "version": edu_line.version})
    too_long = client.post(url, {"reason": "x" * 2001, "version": edu_line.version})
    bad_version = client.post(url, {"reason": "改为明年申报", "version": "abc"})
    stale = client.post(url, {"reason": "改为明年申报", "version": edu_line.version + 1})

    assert (empty.status_code, too_long.status_code, bad_version.status_code) == (400, 400, 400)
    assert field_errors(empty.content.decode(), "reason") and field_errors(too_long.content.decode(), "reason")
    assert stale.status_code == 409 and 'data-status="409"' in stale.content.decode()
    assert DeclarationLine.objects.get(pk=edu_line.pk).status == "declared"


# --- the flows -----------------------------------------------------------------------------------------------


def test_drc_opens_a_round_and_a_second_one_for_the_same_year_is_409(district, inside):
    client = signed_in(district, "drc")
    page = client.get("/declarations/").content.decode()
    assert 'data-testid="round-form"' in page and 'value="2027"' in page  # next year by default

    opened = client.post("/declarations/new/", {"year": "2027", "note": "鼓发改〔2026〕18号"})
    again = client.post("/declarations/new/", {"year": "2027", "note": ""})

    rnd = DeclarationRound.objects.get(year=2027)
    assert opened.status_code == 302 and opened["Location"] == f"/declarations/{rnd.pk}/"
    assert (rnd.note, rnd.opened_by) == ("鼓发改〔2026〕18号", district.users["drc"])
    assert AuditEvent.objects.filter(event_type="planning.round.opened").count() == 1
    assert again.status_code == 409 and 'data-status="409"' in again.content.decode()
    listing = client.get("/declarations/").content.decode()
    assert 'data-round="2027"' in listing and "2026-07-01" in listing and "2026-09-30" in listing
    assert 'data-state="open"' in listing and "距截止还有 47 天" in listing
    assert 'data-testid="round-form"' not in signed_in(district, "edu").get("/declarations/").content.decode()


@pytest.mark.parametrize(("moment", "state", "text"), [
    ((2026, 6, 20, 9, 0, 0), "upcoming", "11 天后开始"),
    ((2026, 7, 1, 0, 0, 0), "open", "距截止还有 92 天"),
    ((2026, 9, 30, 23, 59, 0), "open", "距截止还有 1 天"),
    ((2026, 10, 1, 0, 0, 0), "closed", "已截止"),
])
def test_dashboard_countdown(moment, state, text, monkeypatch, district, round2027):
    at(monkeypatch, *moment)
    html = signed_in(district, "finance").get(f"/declarations/{round2027.pk}/").content.decode()
    assert f'data-state="{state}"' in html
    countdown = re.search(r'data-testid="countdown">(.*?)</div>', html, re.S).group(1)
    assert text in countdown


def test_inside_the_window_the_owner_declares_and_the_dashboard_shows_it(district, projects, round2027, inside):
    edu = signed_in(district, "edu")
    form = edu.get(f"/declarations/{round2027.pk}/").content.decode()
    options = re.search(r'<select name="project_id".*?</select>', form, re.S).group(0)
    assert projects.edu_reserve.name in options
    # Only the unit's own reserve projects: not its draft, proposal or classified project, nor health's.
    for other in (projects.edu_draft, projects.edu_proposed, projects.edu_classified, projects.health_proposed):
        assert other.name not in options

    response = edu.post(f"/declarations/{round2027.pk}/lines/new/",
                        line_data(projects.edu_reserve, requested_amount="1250000"))

    assert response.status_code == 302 and response["Location"] == f"/declarations/{round2027.pk}/"
    line = DeclarationLine.objects.get()
    assert (line.unit, line.requested_amount, line.via_exception) == (district.edu, Decimal("1250000.00"), None)
    assert AuditEvent.objects.filter(event_type="planning.line.declared", project_id=projects.edu_reserve.pk).count() == 1
    page = edu.get(response["Location"]).content.decode()
    assert "已申报" in page and projects.edu_reserve.name in page
    assert 'data-action="withdraw-line"' in page

    drc = signed_in(district, "drc").get(f"/declarations/{round2027.pk}/").content.decode()
    lines = drc.split('data-testid="line-table"')[1]
    assert projects.edu_reserve.name in lines and "125.00" in lines
    assert 'data-action="withdraw-line"' not in drc  # DRC reads, the unit withdraws
    assert re.search(r'data-testid="declared-units">1 <small>/ 4</small>', drc)  # edu, its school, health, street
    assert re.search(r'data-testid="round-total">125.00', drc)
    assert re.search(r'data-line-type="construction">.*?125.00.*?</tr>', drc, re.S)
    unit_row = re.search(r'<tr data-unit="edu">(.*?)</tr>', drc, re.S).group(1)
    assert "125.00" in unit_row
    assert 'data-testid="exception-form"' in drc and 'data-testid="declare-form"' not in drc


def test_the_owner_withdraws_inside_the_window(district, edu_line):
    client = signed_in(district, "edu")
    url = f"/declaration-lines/{edu_line.pk}/withdraw/"
    form = client.get(url).content.decode()
    assert f'name="version" value="{edu_line.version}"' in form

    response = client.post(url, {"reason": "改为明年申报", "version": edu_line.version})

    assert response.status_code == 302 and response["Location"] == f"/declarations/{edu_line.round_id}/"
    fresh = DeclarationLine.objects.get(pk=edu_line.pk)
    assert (fresh.status, fresh.withdraw_reason) == ("withdrawn", "改为明年申报")
    page = client.get(response["Location"]).content.decode()
    assert "已撤回" in page and 'data-action="withdraw-line"' not in page
    assert client.get(url).status_code == 409  # nothing left to withdraw


def test_outside_the_window_the_declaration_is_refused_citing_article_8(monkeypatch, district, projects, round2027):
    at(monkeypatch, *AFTER)
    response = signed_in(district, "edu").post(f"/declarations/{round2027.pk}/lines/new/",
                                               line_data(projects.edu_reserve))
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'data-testid="error-article">第八条<', html)
    assert "不在年度集中申报期内" in html
    assert 'data-testid="declare-form"' in html  # next to the form, with the input kept
    assert "建设条件已具备" in html
    assert not DeclarationLine.objects.exists()
    assert AuditEvent.objects.filter(event_type="rule.refused", project_id=projects.edu_reserve.pk).count() == 1


def test_an_ineligible_project_is_refused_citing_article_8(district, projects, round2027, inside):
    response = signed_in(district, "edu").post(f"/declarations/{round2027.pk}/lines/new/",
                                               line_data(projects.edu_reserve, line_type="om"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "第八条" in html and field_errors(html, "project_id")


def test_drc_grants_an_exception_and_the_owner_then_declares_after_the_window(monkeypatch, district, projects,
                                                                              round2027):
    at(monkeypatch, *AFTER)
    granted = signed_in(district, "drc").post(f"/declarations/{round2027.pk}/exceptions/new/", {
        "unit_id": district.edu.pk, "reason": "机构调整,延期申报", "deadline": "2026-10-15T18:00"})
    assert granted.status_code == 302
    exception = DeclarationException.objects.get()
    # The datetime-local value is a wall-clock time in Asia/Shanghai.
    assert exception.deadline == dt.datetime(2026, 10, 15, 18, 0, tzinfo=SHANGHAI)
    assert (exception.unit, exception.granted_by) == (district.edu, district.users["drc"])
    assert AuditEvent.objects.filter(event_type="planning.exception.granted").count() == 1

    at(monkeypatch, 2026, 10, 12, 9, 30, 0)
    edu = signed_in(district, "edu")
    assert 'data-testid="own-exception"' in edu.get(f"/declarations/{round2027.pk}/").content.decode()
    declared = edu.post(f"/declarations/{round2027.pk}/lines/new/", line_data(projects.edu_reserve))
    assert declared.status_code == 302
    assert DeclarationLine.objects.get().via_exception == exception

    health_project = reserve_project(district, district.health, "health")
    refused = signed_in(district, "health").post(f"/declarations/{round2027.pk}/lines/new/",
                                                 line_data(health_project))
    assert refused.status_code == 422  # the exception is edu's, not health's

    page = signed_in(district, "drc").get(f"/declarations/{round2027.pk}/").content.decode()
    assert 'data-testid="exception-badge"' in page
    unit_row = re.search(r'<tr data-unit="edu">(.*?)</tr>', page, re.S).group(1)
    assert "2026-10-15 18:00" in unit_row

    at(monkeypatch, 2026, 10, 15, 18, 0, 1)  # one second past the deadline
    late = reserve_project(district, district.edu, "edu")
    too_late = signed_in(district, "edu").post(f"/declarations/{round2027.pk}/lines/new/", line_data(late))
    assert too_late.status_code == 422 and "第八条" in too_late.content.decode()


def test_owner_sees_only_its_own_units_and_lines(district, projects, round2027, inside):
    health_project = reserve_project(district, district.health, "health")
    planning_services.declaration_line_declare(actor=district.users["edu"], rnd=round2027,
                                               data=line_data(projects.edu_reserve))
    planning_services.declaration_line_declare(actor=district.users["health"], rnd=round2027,
                                               data=line_data(health_project))
    health = signed_in(district, "health").get(f"/declarations/{round2027.pk}/").content.decode()
    assert health_project.name in health and projects.edu_reserve.name not in health
    assert 'data-unit="health"' in health and 'data-unit="edu"' not in health
    finance = signed_in(district, "finance").get(f"/declarations/{round2027.pk}/").content.decode()
    assert health_project.name in finance and projects.edu_reserve.name in finance
    assert 'data-testid="declare-form"' not in finance and 'data-testid="exception-form"' not in finance


def test_the_dashboard_adds_up_several_lines_of_a_unit(district, projects, round2027, inside):
    second = reserve_project(district, district.edu, "edu", name="区教育局第二个入库项目")
    health = reserve_project(district, district.health, "health")
    for user, project, amount, cls in [("edu", projects.edu_reserve, "800000", "B"), ("edu", second, "500000", "B"),
                                       ("health", health, "300000", "C")]:
        planning_services.declaration_line_declare(actor=district.users[user], rnd=round2027, data=line_data(
            project, requested_amount=amount, proposed_class=cls))

    html = signed_in(district, "drc").get(f"/declarations/{round2027.pk}/").content.decode()

    unit_row = re.search(r'<tr data-unit="edu">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r">\s*2\s*<", unit_row) and "130.00" in unit_row
    assert re.search(r'data-testid="round-total">160.00', html)
    construction = re.search(r'data-line-type="construction">(.*?)</tr>', html, re.S).group(1)
    assert "130.00" in construction and "160.00" in construction


def test_an_owner_units_dashboard_has_the_rows_of_its_sub_units(district, projects, round2027, inside):
    school = reserve_project(district, district.edu_school, "edu", name="区第一中学智慧教室项目")
    planning_services.declaration_line_declare(actor=district.users["edu"], rnd=round2027, data=line_data(school))

    html = signed_in(district, "edu").get(f"/declarations/{round2027.pk}/").content.decode()

    assert school.name in html.split('data-testid="line-table"')[1]
    assert 'data-unit="school1"' in html
    assert re.search(r'data-testid="round-total">80.00', html)


def test_english_dashboard(district, edu_line):
    client = signed_in(district, "drc")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/declarations/{edu_line.round_id}/").content.decode()
    assert '<html lang="en">' in html
    assert "Annual declaration" in html and "Art. 8" in html
    assert "47 days left" in html


# --- query budget --------------------------------------------------------------------------------------------


def _fill(district, rnd, n: int, units: list) -> None:
    """n declared lines over `units` (rows written directly: the budget is about reading), with exceptions."""
    for i in range(n):
        unit = units[i % len(units)]
        project = ProjectFactory(owner_unit=unit, status="in_reserve")
        DeclarationLine.objects.create(round=rnd, unit=unit, project=project, line_type="construction",
                                       requested_amount=Decimal("100000") * (i + 1), proposed_class="ABC"[i % 3],
                                       justification="理由", declared_by=district.users["edu"])
    for unit in units:
        DeclarationException.objects.get_or_create(round=rnd, unit=unit, defaults={
            "reason": "延期", "deadline": timezone.now() + dt.timedelta(days=30)})


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["drc", "edu", "finance"])
def test_dashboard_queries_do_not_grow_with_lines_and_units(role, district, round2027, inside):
    client, url = signed_in(district, role), f"/declarations/{round2027.pk}/"
    _fill(district, round2027, 5, [district.edu, district.edu_school, district.health])
    client.get(url)  # warm up: session, permission caches
    small = _count(client, url)

    extra = [UnitFactory(name=f"新增部门{i}") for i in range(10)]
    _fill(district, round2027, 55, [district.edu, district.edu_school, district.street, *extra])
    large = _count(client, url)

    assert DeclarationLine.objects.count() == 60
    assert small == large, f"{role}: {small} queries at 5 lines, {large} at 60"
    assert large <= 16
