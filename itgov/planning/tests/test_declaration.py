"""Art. 8: the Q3 declaration — the window at its boundaries (Asia/Shanghai), DRC's exceptions, who may
declare what, one line per project and type, withdrawals; every refusal cites its article."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.planning import selectors, services
from itgov.planning.models import DeclarationLine
from itgov.projects import services as project_services
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def at(monkeypatch, *args):
    """Freeze 'now' at a moment given in Asia/Shanghai."""
    moment = dt.datetime(*args, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture
def reserve_project(district):
    edu, drc = district.users["edu"], district.users["drc"]
    project = project_services.project_submit_proposal(actor=edu, project=ProjectFactory(owner_unit=district.edu))
    return project_services.project_admit(actor=drc, project=project, no_task_reason="基础")


@pytest.fixture
def round2027(district):
    return services.declaration_round_open(actor=district.users["drc"], data={"year": 2027})


def line_data(project, **overrides):
    return {"project_id": project.pk, "line_type": "construction", "requested_amount": "800000.00",
            "proposed_class": "B", "justification": "建设条件已具备,力争年内开工。", **overrides}


@pytest.mark.parametrize("moment", [(2026, 7, 1, 0, 0, 0), (2026, 8, 15, 12, 0, 0), (2026, 9, 30, 23, 59, 59)])
def test_inside_the_window_a_unit_declares(monkeypatch, district, reserve_project, round2027, moment):
    at(monkeypatch, *moment)
    line = services.declaration_line_declare(actor=district.users["edu"], rnd=round2027, data=line_data(reserve_project))
    assert (line.status, line.requested_amount, line.via_exception_id) == ("declared", Decimal("800000.00"), None)
    event = AuditEvent.objects.get(event_type="planning.line.declared")
    assert event.project_id == reserve_project.pk
    assert {r["rule"]: r["status"] for r in event.rule_results}["art8.declaration_window"] == "met"


@pytest.mark.parametrize("moment", [(2026, 6, 30, 23, 59, 59), (2026, 10, 1, 0, 0, 0), (2027, 2, 1, 9, 0, 0)])
def test_outside_the_window_the_declaration_is_refused_citing_article_8(monkeypatch, district, reserve_project,
                                                                        round2027, moment):
    at(monkeypatch, *moment)
    with pytest.raises(RuleViolation) as exc:
        services.declaration_line_declare(actor=district.users["edu"], rnd=round2027, data=line_data(reserve_project))
    assert (exc.value.rule, exc.value.article) == ("art8.declaration_window", "第八条")
    assert not DeclarationLine.objects.exists()
    assert AuditEvent.objects.filter(event_type="rule.refused", project_id=reserve_project.pk).count() == 1


def test_an_exception_lets_one_unit_declare_until_its_deadline(monkeypatch, district, reserve_project, round2027):
    at(monkeypatch, 2026, 10, 8, 9, 0, 0)
    services.declaration_exception_grant(actor=district.users["drc"], rnd=round2027, data={
        "unit_id": district.edu.pk, "reason": "机构调整,延期申报", "deadline": "2026-10-15T18:00:00+08:00"})

    at(monkeypatch, 2026, 10, 15, 18, 0, 0)
    line = services.declaration_line_declare(actor=district.users["edu"], rnd=round2027, data=line_data(reserve_project))
    assert line.via_exception is not None

    other = ProjectFactory(owner_unit=district.health)
    other = project_services.project_admit(
        actor=district.users["drc"], project=project_services.project_submit_proposal(actor=district.users["health"],
                                                                                      project=other),
        no_task_reason="基础")
    with pytest.raises(RuleViolation):  # the exception is edu's, not health's
        services.declaration_line_declare(actor=district.users["health"], rnd=round2027, data=line_data(other))

    at(monkeypatch, 2026, 10, 15, 18, 0, 1)
    second = ProjectFactory(owner_unit=district.edu)
    second = project_services.project_admit(
        actor=district.users["drc"], project=project_services.project_submit_proposal(actor=district.users["edu"],
                                                                                      project=second),
        no_task_reason="基础")
    with pytest.raises(RuleViolation):  # one second past the deadline
        services.declaration_line_declare(actor=district.users["edu"], rnd=round2027, data=line_data(second))


def test_only_drc_opens_rounds_and_grants_exceptions_article_8(district, round2027):
    with pytest.raises(Forbidden) as exc:
        services.declaration_round_open(actor=district.users["finance"], data={"year": 2028})
    assert exc.value.article == "第八条"
    with pytest.raises(Forbidden):
        services.declaration_exception_grant(actor=district.users["edu"], rnd=round2027, data={
            "unit_id": district.edu.pk, "reason": "x", "deadline": "2030-01-01T00:00:00+08:00"})
    with pytest.raises(Conflict):
        services.declaration_round_open(actor=district.users["drc"], data={"year": 2027})


def test_an_exception_needs_a_reason_and_a_future_deadline(district, round2027):
    with pytest.raises(InvalidInput) as exc:
        services.declaration_exception_grant(actor=district.users["drc"], rnd=round2027, data={
            "unit_id": district.edu.pk, "reason": "  ", "deadline": "2001-01-01T00:00:00+08:00"})
    assert {"reason", "deadline"} <= set(exc.value.fields)


def test_only_reserve_projects_for_construction_and_running_ones_for_om(monkeypatch, district, round2027):
    at(monkeypatch, 2026, 8, 1, 10, 0, 0)
    draft = ProjectFactory(owner_unit=district.edu)
    with pytest.raises(RuleViolation) as exc:
        services.declaration_line_declare(actor=district.users["edu"], rnd=round2027, data=line_data(draft))
    assert (exc.value.rule, exc.value.article) == ("art8.declared_project_eligible", "第八条")
    assert "project_id" in exc.value.fields
    with pytest.raises(RuleViolation):
        services.declaration_line_declare(actor=district.users["edu"], rnd=round2027,
                                          data=line_data(draft, line_type="om"))


def test_a_unit_declares_only_its_own_projects(monkeypatch, district, reserve_project, round2027):
    at(monkeypatch, 2026, 8, 1, 10, 0, 0)
    with pytest.raises(InvalidInput) as exc:  # health cannot see edu's project
        services.declaration_line_declare(actor=district.users["health"], rnd=round2027,
                                          data=line_data(reserve_project))
    assert "project_id" in exc.value.fields
    with pytest.raises(Forbidden) as denied:  # DRC sees it but declares for no unit
        services.declaration_line_declare(actor=district.users["drc"], rnd=round2027, data=line_data(reserve_project))
    assert denied.value.article == "第八条"


@pytest.mark.parametrize("field,value", [("requested_amount", "-1"), ("requested_amount", "0"),
                                         ("requested_amount", "1e15"), ("proposed_class", "D"),
                                         ("line_type", "other"), ("justification", " "), ("project_id", "abc")])
def test_bad_input_names_the_field_and_saves_nothing(monkeypatch, district, reserve_project, round2027, field, value):
    at(monkeypatch, 2026, 8, 1, 10, 0, 0)
    with pytest.raises(InvalidInput) as exc:
        services.declaration_line_declare(actor=district.users["edu"], rnd=round2027,
                                          data=line_data(reserve_project, **{field: value}))
    assert field in exc.value.fields
    assert not DeclarationLine.objects.exists()


def test_one_declared_line_per_project_and_type_and_withdrawal(monkeypatch, district, reserve_project, round2027):
    at(monkeypatch, 2026, 8, 1, 10, 0, 0)
    edu = district.users["edu"]
    line = services.declaration_line_declare(actor=edu, rnd=round2027, data=line_data(reserve_project))
    with pytest.raises(Conflict):
        services.declaration_line_declare(actor=edu, rnd=round2027, data=line_data(reserve_project))
    with pytest.raises(InvalidInput):
        services.declaration_line_withdraw(actor=edu, line=line, reason="")
    withdrawn = services.declaration_line_withdraw(actor=edu, line=line, reason="改为明年申报")
    assert (withdrawn.status, withdrawn.version) == ("withdrawn", 2)
    with pytest.raises(Conflict):
        services.declaration_line_withdraw(actor=edu, line=withdrawn, reason="again")
    again = services.declaration_line_declare(actor=edu, rnd=round2027, data=line_data(reserve_project))
    assert again.pk != line.pk


def test_round_status_and_summary(monkeypatch, district, reserve_project, round2027):
    at(monkeypatch, 2026, 9, 28, 10, 0, 0)
    services.declaration_line_declare(actor=district.users["edu"], rnd=round2027, data=line_data(reserve_project))
    status = selectors.round_status(round2027)
    assert status == {"opens_on": dt.date(2026, 7, 1), "closes_on": dt.date(2026, 9, 30), "state": "open",
                      "days_left": 3, "days_to_open": None}
    summary = selectors.round_summary(district.users["drc"], round2027)
    rows = {row["unit"].code: row for row in summary["units"]}
    assert rows["edu"]["lines"] == 1 and rows["edu"]["total"] == Decimal("800000.00")
    assert rows["health"]["lines"] == 0
    assert summary["by_type_and_class"] == {"construction:B": Decimal("800000.00")}
    own = selectors.round_summary(district.users["health"], round2027)
    assert [row["unit"].code for row in own["units"]] == ["health"]
    at(monkeypatch, 2026, 10, 1, 0, 0, 0)
    assert selectors.round_status(round2027)["state"] == "closed"
    at(monkeypatch, 2026, 6, 30, 23, 0, 0)
    assert selectors.round_status(round2027)["state"] == "upcoming"


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_declarations_of_one_project_leave_one_line(monkeypatch, district, reserve_project,
                                                                     round2027):
    from itgov.core.tests.test_concurrency import THREADS, run_concurrently

    at(monkeypatch, 2026, 8, 1, 10, 0, 0)
    outcomes = run_concurrently(lambda: services.declaration_line_declare(
        actor=district.users["edu"], rnd=round2027, data=line_data(reserve_project)))

    assert sum(isinstance(o, DeclarationLine) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == THREADS - 1, outcomes
    assert DeclarationLine.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="planning.line.declared").count() == 1


def test_an_exception_longer_than_a_year_would_void_the_window(monkeypatch, district, round2027):
    at(monkeypatch, 2026, 10, 8, 9, 0, 0)
    with pytest.raises(InvalidInput) as exc:
        services.declaration_exception_grant(actor=district.users["drc"], rnd=round2027, data={
            "unit_id": district.edu.pk, "reason": "长期例外", "deadline": "2027-10-10T09:00:00+08:00"})
    assert "deadline" in exc.value.fields
