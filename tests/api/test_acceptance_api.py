"""Trial operation and the acceptance application (art. 22) over /api/v1.

The authorization matrix: the three operations × every role of the district and anonymous × the two states that
tell them apart — in construction, in trial operation (day T four months back: the minimum trial run of three
months is over, the six months to apply are not) — with the exact status, following itgov/acceptance/policies.py
and the services:
- visibility: edu's building project is seen by the five bureaus, edu and (its firm appointed) the supervisor;
  sysadmin, health and an expert outside any panel get 404, exactly like a missing id;
- power: only the owner unit declares construction complete and applies for acceptance (403 citing 第二十二条 to
  anyone else who sees the project); with the power in the wrong state: 409.
A refusal leaves the project's row, its applications and the business audit trail as they were; a 403 is recorded
as `access.denied`, a 422 as `rule.refused`, naming the action.

Then the boundaries over the API, each to the day, the clock set to the day in question: the minimum trial run
(T + 3 months − 1 day refused, T + 3 months taken), the window to apply (T + 6 months on time without an
explanation, T + 6 months + 1 day late: refused without the explanation, taken with it), an unapproved change
(art. 20), a trial day before the start of construction or after today, and a stale version."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction

from itgov.acceptance.models import AcceptanceApplication
from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.projects.models import Project
from tests.acceptance_world import catalogue_and_security, upload_required
from tests.construction_world import construction_maker

from . import matrix_acceptance
from .conftest import API, NOT_FOUND, UNAUTHENTICATED, business_events, missing_id

pytestmark = pytest.mark.django_db

COLUMNS = ("anonymous", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
STATES = ("in_construction", "trial_operation")
OWNER_APPLIES = {"error": {"code": "forbidden", "message": "只有项目的建设单位可以宣布完成建设、申请竣工验收(第二十二条)",
                           "article": "第二十二条"}}
ACTION = {"complete": "acceptance.complete", "apply": "acceptance.apply"}
EVENTS = {"complete": ["acceptance.trial_started"], "apply": ["acceptance.applied", "acceptance.application.filed"]}


def _table(text: str) -> dict[str, dict[str, int]]:
    rows = {}
    for line in text.strip().splitlines():
        name, *codes = line.split()
        assert len(codes) == len(COLUMNS), line
        rows[name] = dict(zip(COLUMNS, map(int, codes), strict=True))
    return rows


# Columns: anonymous admin drc finance audit cyber gov edu health supervisor expert.
EXPECTED = {
    "dossier": _table("""
in_construction  401 404 200 200 200 200 200 200 404 200 404
trial_operation  401 404 200 200 200 200 200 200 404 200 404
"""),
    "complete": _table("""
in_construction  401 404 403 403 403 403 403 200 404 403 404
trial_operation  401 404 403 403 403 403 403 409 404 403 404
"""),
    "apply": _table("""
in_construction  401 404 403 403 403 403 403 409 404 403 404
trial_operation  401 404 403 403 403 403 403 201 404 403 404
"""),
}
# What the application of the supervised project (level 3, art. 30) carries, in the order the checklist shows it.
REQUIRED_KINDS = ("completion_report", "trial_report", "supervision_report", "test_report", "settlement",
                  "security_assessment")
# The dossier's `actions` for each role and state: the write the role may make there.
ACTIONS = {"in_construction": {"edu": ["complete"]}, "trial_operation": {"edu": ["upload", "apply"]}}


@pytest.fixture
def api(api):
    """Every caller's token issued up front: issuing one is audited, and the tests compare the audit trail."""
    for role in COLUMNS:
        api(role)
    return api


def test_the_tables_cover_every_acceptance_operation():
    assert set(EXPECTED) == set(matrix_acceptance.PROJECT)
    assert all(set(table) == set(STATES) for table in EXPECTED.values())


def test_the_dossiers_actions_agree_with_the_tables():
    for op in ACTION:
        for state, row in EXPECTED[op].items():
            for role, code in row.items():
                assert (op in ACTIONS[state].get(role, [])) == (200 <= code < 300 or code == 422), (op, state, role)


# --- the world ---------------------------------------------------------------------------------------------


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=SHANGHAI)


def _start_back(project: Project, day: dt.date) -> None:
    """Construction started on `day` (the world starts it today): room for a trial day in the past."""
    Project.objects.filter(pk=project.pk).update(construction_started_at=_moment(day))


def _world(district, state: str = "in_construction", *, trial: dt.date | None = None) -> SimpleNamespace:
    """edu's building project, supervised by the district's firm; in trial operation from `trial` (four months back
    by default, construction started ten days before) with the documents its application carries uploaded, through
    the services."""
    from itgov.acceptance import services

    world = construction_maker(district)("in_construction")
    if state == "trial_operation":
        trial = trial or add_months(local_today(), -4)
        _start_back(world.project, trial - dt.timedelta(days=10))
        services.trial_start(actor=district.users["edu"], project=Project.objects.get(pk=world.project.pk),
                             data={"trial_started_on": trial})
        world.project = Project.objects.select_related("owner_unit").get(pk=world.project.pk)
        upload_required(world)  # what the application carries (art. 22)
        catalogue_and_security(world)  # its system and declared resources in the catalogue (art. 27, 30)
    elif state != "in_construction":
        raise ValueError(state)
    world.project = Project.objects.select_related("owner_unit").get(pk=world.project.pk)
    world.state, world.trial = state, trial
    return world


def snapshot(project_id: int) -> dict:
    """The project's row and its applications: what a refusal must leave as it was."""
    return {"project": Project.objects.filter(pk=project_id).values().get(),
            "applications": list(AcceptanceApplication.objects.filter(project_id=project_id).order_by("pk").values())}


def refusals_since(seq: int) -> list[tuple[str, str, list[str]]]:
    """(event type, action, the rules cited) of the refusals recorded after `seq`."""
    rows = AuditEvent.objects.filter(seq__gt=seq, event_type__in=("access.denied", "rule.refused")).order_by("seq")
    return [(e.event_type, e.reason, [r["rule"] for r in e.rule_results or []]) for e in rows]


def _last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _url(op: str, project_id: int) -> str:
    return API + matrix_acceptance.PROJECT[op][1].format(project_id=project_id)


def _request(client, op: str, project_id: int, **body):
    if op == "dossier":
        return client.get(_url(op, project_id))
    if op == "complete":
        return client.post(_url(op, project_id), {"trial_started_on": local_today().isoformat(), **body})
    return client.post(_url(op, project_id), {"summary": "系统已按批复建成并试运行", **body})


# --- the matrix ----------------------------------------------------------------------------------------------


def _check_dossier(role: str, world, body: dict) -> None:
    project = world.project
    assert (body["project"]["id"], body["project"]["status"], body["project"]["version"]) == (
        project.pk, world.state, project.version)
    assert body["project"]["owner_unit"]["code"] == "edu"
    if world.state == "in_construction":
        assert body["project"]["trial_started_on"] is None
        assert body["acceptance_dates"] == {"trial_started_on": None, "earliest": None, "due": None,
                                           "may_apply": False, "late": False}
    else:
        t = world.trial
        assert (body["project"]["status_label"], body["project"]["trial_started_on"]) == ("试运行", t.isoformat())
        assert body["acceptance_dates"] == {"trial_started_on": t.isoformat(), "earliest": add_months(t, 3).isoformat(),
                                           "due": add_months(t, 6).isoformat(), "may_apply": True, "late": False}
    uploaded = world.state == "trial_operation"
    assert [(i["kind"], i["required"], i["document"] is not None) for i in body["checklist"]] == [
        *[(kind, True, uploaded) for kind in REQUIRED_KINDS], ("rectification_report", False, False)]
    assert (len(body["documents"]), body["applications"], body["acceptances"], body["assets"]) == (
        len(REQUIRED_KINDS) if uploaded else 0, [], [], [])
    assert body["actions"] == ACTIONS[world.state].get(role, [])


def _check_success(op: str, role: str, world, district, body: dict) -> None:
    pid, user, today = world.project.pk, district.users[role], local_today()
    if op == "dossier":
        _check_dossier(role, world, body)
    elif op == "complete":
        assert (body["project"]["status"], body["project"]["version"]) == ("trial_operation", world.project.version + 1)
        assert body["acceptance_dates"] == {
            "trial_started_on": today.isoformat(), "earliest": add_months(today, 3).isoformat(),
            "due": add_months(today, 6).isoformat(), "may_apply": False, "late": False}
        assert (body["applications"], body["actions"]) == ([], ["upload", "apply"])
        assert Project.objects.filter(pk=pid).values_list("status", "trial_started_on").get() == (
            "trial_operation", today)
    elif op == "apply":
        assert (body["number"], body["trial_started_on"], body["applied_on"], body["late"], body["late_explanation"],
                body["summary"], body["applied_by"]) == (
            1, world.trial.isoformat(), today.isoformat(), False, "", "系统已按批复建成并试运行", user.display_name)
        application = AcceptanceApplication.objects.get(project_id=pid)
        assert (application.pk, application.applied_by_id) == (body["id"], user.pk)
        assert Project.objects.filter(pk=pid).values_list("status", "version").get() == (
            "acceptance_applied", world.project.version + 1)
    else:  # pragma: no cover - a new operation needs its check
        raise AssertionError(op)


def _run_row(op: str, row: dict[str, int], world, district, clients, failures: list[str]) -> None:
    """Ask every role in turn, each inside a savepoint rolled back after its checks; collect what differs."""
    for role, expected in row.items():
        with transaction.atomic():
            before, events_before, seq = snapshot(world.project.pk), business_events(), _last_seq()
            response = _request(clients[role], op, world.project.pk)
            where = f"{op} {world.state} {role}"
            try:
                assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                body = response.json()
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                if expected >= 400:
                    assert (new_events, snapshot(world.project.pk)) == ([], before), where
                if expected == 401:
                    assert body == UNAUTHENTICATED, where
                elif expected == 404:
                    assert body == NOT_FOUND, where
                    assert _request(clients[role], op, missing_id(Project)).json() == body, where
                elif expected == 403:
                    assert body == OWNER_APPLIES, f"{where}: {body}"
                elif expected == 409:
                    assert body["error"]["code"] == "conflict", where
                else:
                    _check_success(op, role, world, district, body)
                    assert new_events == EVENTS.get(op, []), f"{where}: {new_events}"
                cited = {403: [("access.denied", ACTION.get(op), ["art22.owner_unit_applies"])]}
                assert refusals_since(seq) == cited.get(expected, []), f"{where}: {refusals_since(seq)}"
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)


@pytest.mark.parametrize("state", STATES)
def test_acceptance_operations(api, district, state):
    world = _world(district, state)
    clients = {role: api(role) for role in COLUMNS}  # tokens issued outside the savepoints
    failures: list[str] = []
    for op, table in EXPECTED.items():
        _run_row(op, table[state], world, district, clients, failures)
    assert not failures, "\n".join(failures)


# --- the boundaries ------------------------------------------------------------------------------------------


def _refused(response, rule: str, article: str) -> dict:
    assert response.status_code == 422, response.content.decode()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["article"]) == ("rule_violation", rule, article), error
    assert f"({article})" in error["message"], error
    return error


def _refused_cleanly(project_id: int, action: str, rule: str, call) -> dict:
    """Run `call` (a refusal by `rule`); assert nothing was written but the `rule.refused` event naming it."""
    before, events_before, seq = snapshot(project_id), business_events(), _last_seq()
    error = call()
    assert (snapshot(project_id), business_events()) == (before, events_before)
    [(event_type, reason, rules)] = refusals_since(seq)
    assert (event_type, reason) == ("rule.refused", action)
    assert rule in rules
    return error


def _trial_today(api, district) -> SimpleNamespace:
    """A building project edu declares complete over the API: trial operation from today (T)."""
    world = _world(district)
    response = api("edu").post(_url("complete", world.project.pk), {"trial_started_on": local_today().isoformat()})
    assert response.status_code == 200, response.content.decode()
    world.trial = local_today()
    world.project = Project.objects.select_related("owner_unit").get(pk=world.project.pk)
    upload_required(world)
    catalogue_and_security(world)
    return world


def _apply(api, world, **body):
    return api("edu").post(_url("apply", world.project.pk), {"summary": "系统已按批复建成并试运行", **body})


def test_the_minimum_trial_run_is_three_months_to_the_day(api, district, at):
    # given trial operation from today, T
    world = _trial_today(api, district)
    pid, t = world.project.pk, world.trial

    # when edu applies on T + 3 months − 1 day: refused, nothing written
    at(_moment(add_months(t, 3) - dt.timedelta(days=1)))
    dossier = api("edu").get(_url("dossier", pid)).json()
    assert (dossier["acceptance_dates"]["earliest"], dossier["acceptance_dates"]["may_apply"]) == (
        add_months(t, 3).isoformat(), False)
    error = _refused_cleanly(pid, "acceptance.apply", "art22.min_trial_run",
                             lambda: _refused(_apply(api, world), "art22.min_trial_run", "第二十二条"))
    assert set(error["fields"]) == {"applied_on"}

    # then on T + 3 months it is taken, on time
    at(_moment(add_months(t, 3)))
    events_before = business_events()
    response = _apply(api, world)
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["number"], body["applied_on"], body["late"], body["late_explanation"], body["trial_started_on"]) == (
        1, add_months(t, 3).isoformat(), False, "", t.isoformat())
    assert [e for _s, e in business_events()[len(events_before):]] == EVENTS["apply"]
    dossier = api("edu").get(_url("dossier", pid)).json()
    assert (dossier["project"]["status"], dossier["actions"], [a["id"] for a in dossier["applications"]]) == (
        "acceptance_applied", [], [body["id"]])


def test_on_the_last_day_of_the_window_the_application_is_on_time(api, district, at):
    # given trial operation from today, T; the clock on T + 6 months
    world = _trial_today(api, district)
    at(_moment(add_months(world.trial, 6)))

    # when edu applies without an explanation
    response = _apply(api, world)

    # then it is taken, not late
    assert response.status_code == 201, response.content.decode()
    assert (response.json()["late"], response.json()["late_explanation"]) == (False, "")
    assert AcceptanceApplication.objects.get(project_id=world.project.pk).late is False


def test_a_day_after_the_window_the_application_is_late_and_explained(api, district, at):
    # given trial operation from today, T; the clock on T + 6 months + 1 day
    world = _trial_today(api, district)
    pid, late_day = world.project.pk, add_months(world.trial, 6) + dt.timedelta(days=1)
    at(_moment(late_day))
    dossier = api("edu").get(_url("dossier", pid)).json()
    assert (dossier["acceptance_dates"]["may_apply"], dossier["acceptance_dates"]["late"]) == (True, True)

    # when edu applies without an explanation: refused, naming the field
    error = _refused_cleanly(pid, "acceptance.apply", "art22.late_application_explained", lambda: _refused(
        _apply(api, world, late_explanation="  "), "art22.late_application_explained", "第二十二条"))
    assert set(error["fields"]) == {"late_explanation"}

    # then with the explanation it is taken, marked late
    response = _apply(api, world, late_explanation="等保测评排期延后")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert (body["applied_on"], body["late"], body["late_explanation"]) == (late_day.isoformat(), True, "等保测评排期延后")
    application = AcceptanceApplication.objects.get(project_id=pid)
    assert (application.late, application.late_explanation) == (True, "等保测评排期延后")


def test_an_open_change_request_refuses_the_application(api, district, at):
    from itgov.construction import services as construction

    # given a building project with a 5% estimate increase awaiting DRC (the change procedure, art. 20), then
    # declared complete
    world = _world(district)
    construction.change_submit(actor=district.users["edu"], project=world.project, data={
        "kinds": ["estimate"], "description": "增加统计分析模块", "reason": "业务需要", "proposed_estimate": "1207500.00"})
    response = api("edu").post(_url("complete", world.project.pk), {"trial_started_on": local_today().isoformat()})
    assert response.status_code == 200, response.content.decode()

    # when edu applies once the trial run is over
    at(_moment(add_months(local_today(), 3)))
    error = _refused_cleanly(world.project.pk, "acceptance.apply", "art20.no_unapproved_deviation", lambda: _refused(
        _apply(api, world), "art20.no_unapproved_deviation", "第二十条"))

    # then the refusal names the change
    assert "第1号变更申请" in error["message"], error


def test_a_trial_day_before_the_start_of_construction_is_refused(api, district):
    # given a project that started construction today
    world = _world(district)
    yesterday = local_today() - dt.timedelta(days=1)

    # when edu declares it complete with trial operation from yesterday
    error = _refused_cleanly(world.project.pk, "acceptance.complete", "art22.trial_after_start", lambda: _refused(
        api("edu").post(_url("complete", world.project.pk), {"trial_started_on": yesterday.isoformat()}),
        "art22.trial_after_start", "第二十二条"))

    # then the field is named
    assert set(error["fields"]) == {"trial_started_on"}


@pytest.mark.parametrize(("op", "body", "fields"), [
    ("complete", {"trial_started_on": "TOMORROW"}, {"trial_started_on"}),  # a day to come
    ("complete", {}, {"trial_started_on"}),
    ("complete", {"trial_started_on": "TODAY", "reason": "完成"}, {"reason"}),
    ("apply", {"summary": ""}, {"summary"}),
    ("apply", {"summary": "已建成", "late": True}, {"late"}),
])
def test_bad_input_is_refused_and_nothing_saved(api, district, op, body, fields):
    world = _world(district, "trial_operation" if op == "apply" else "in_construction")
    days = {"TODAY": 0, "TOMORROW": 1}
    body = {k: (local_today() + dt.timedelta(days=days[v])).isoformat() if v in days else v for k, v in body.items()}
    before, events_before, seq = snapshot(world.project.pk), business_events(), _last_seq()

    response = api("edu").post(_url(op, world.project.pk), body)

    assert response.status_code == 400, response.content.decode()
    assert set(response.json()["error"]["fields"]) == fields, response.json()
    assert (snapshot(world.project.pk), business_events(), refusals_since(seq)) == (before, events_before, [])


@pytest.mark.parametrize("op", ["complete", "apply"])
def test_a_stale_version_is_a_conflict(api, district, op):
    # given the project in the state the write starts from, and the version edu read before someone else's write
    world = _world(district, "trial_operation" if op == "apply" else "in_construction")
    pid, stale = world.project.pk, world.project.version - 1
    assert stale >= 1
    before, events_before = snapshot(pid), business_events()

    # when
    response = _request(api("edu"), op, pid, version=stale)

    # then nothing changed; with the current version it goes through
    assert response.status_code == 409, response.content.decode()
    assert response.json()["error"]["code"] == "conflict"
    assert (snapshot(pid), business_events()) == (before, events_before)
    assert _request(api("edu"), op, pid, version=world.project.version).status_code in (200, 201)
