"""Audit cooperation (art. 25) through the services: each power refusal cites its article; the numbering of cases;
a request's deadline (art25.request_deadline) and its state — overdue exactly the day after `due_on`, an answer
after it marked late; answers are never edited nor withdrawn (the model and the database refuse, the row unchanged);
every write audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from itgov.audit.models import AuditEvent
from itgov.core.dates import SHANGHAI, local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.oversight import selectors, services
from itgov.oversight.models import AuditAnswer, AuditAnswerFile, AuditCase, AuditRequest

from .world import oversight_maker, pdf

pytestmark = pytest.mark.django_db

POWER = "只有区审计局可以开展审计:立项、增加被审计项目、发出调阅要求和结案(第二十五条)"
COOPERATES = "只有被调阅的项目建设单位可以报送审计资料;报送后不得撤回或修改,只能补充(第二十五条)"


@pytest.fixture
def make_project(district):
    from tests.api.conftest import project_maker

    return project_maker(district)


@pytest.fixture
def world(district):
    return oversight_maker(district)()


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


def _at(day: dt.date, monkeypatch) -> None:
    from django.utils import timezone

    moment = dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: moment)


# --- cases -----------------------------------------------------------------------------------------------------


def test_the_audit_bureau_opens_a_case_numbered_per_year(world, district):
    case = world.case
    year = local_today().year
    assert (case.year, case.seq, case.number) == (year, 1, f"audit局〔{year}〕1号")
    assert list(case.projects.all()) == [world.project]
    opened = _events("oversight.case.opened")
    assert [(e.project_id, e.object_id, e.actor_name) for e in opened] == [
        (world.project.pk, str(case.pk), world.audit.display_name)]
    second = services.case_open(actor=world.audit, data={"title": "第二项审计", "scope": "范围",
                                                         "project_ids": [world.project.pk]})
    assert second.number == f"audit局〔{year}〕2号"


@pytest.mark.parametrize("role", ["drc", "finance", "edu", "gov", "admin"])
def test_only_the_audit_bureau_opens_adds_sends_and_closes(world, district, role):
    actor = district.users[role]
    before = (AuditCase.objects.count(), AuditRequest.objects.count(), world.case.projects.count())
    calls = [
        lambda: services.case_open(actor=actor, data={"title": "x", "scope": "y", "project_ids": [world.project.pk]}),
        lambda: services.case_add_project(actor=actor, case=world.case, data={"project_id": world.project.pk}),
        lambda: services.request_send(actor=actor, case=world.case, data={}),
        lambda: services.case_close(actor=actor, case=world.case, data={"closing_summary": "结论"}),
    ]
    for call in calls:
        with pytest.raises(Forbidden) as exc:
            call()
        assert exc.value.message == POWER and exc.value.article == "第二十五条"
    assert (AuditCase.objects.count(), AuditRequest.objects.count(), world.case.projects.count()) == before
    denied = AuditEvent.objects.filter(event_type="access.denied", actor_id=actor.pk).order_by("seq")
    assert [e.reason for e in denied] == ["oversight.case_open", "oversight.case_add_project",
                                          "oversight.request_send", "oversight.case_close"]
    assert all(e.rule_results == [{"rule": "art25.audit_bureau_audits", "article": "第二十五条"}] for e in denied)


def test_a_case_names_only_projects_the_audit_bureau_sees(world, district, make_project):
    classified = make_project("proposed", classified=True)
    with pytest.raises(InvalidInput) as exc:
        services.case_open(actor=world.audit, data={"title": "x", "scope": "y", "project_ids": [classified.pk]})
    assert list(exc.value.fields) == ["project_ids"]
    with pytest.raises(InvalidInput) as exc:
        services.case_open(actor=world.audit, data={"title": "x", "scope": "y", "project_ids": []})
    assert exc.value.fields == {"project_ids": ["至少选择一个被审计项目"]}
    with pytest.raises(InvalidInput) as exc:
        services.case_open(actor=world.audit, data={"title": "", "scope": "y", "project_ids": ["a"], "extra": 1})
    assert set(exc.value.fields) == {"title", "project_ids", "extra"}


def test_adding_a_project_and_closing(world, district, make_project):
    other = make_project("proposed", owner="health")
    case = services.case_add_project(actor=world.audit, case=world.case, data={"project_id": other.pk},
                                     expected_version=1)
    assert case.version == 2 and set(case.projects.all()) == {world.project, other}
    assert _events("oversight.case.project_added")[-1].project_id == other.pk
    with pytest.raises(Conflict):
        services.case_add_project(actor=world.audit, case=case, data={"project_id": other.pk})
    with pytest.raises(Conflict):  # a stale version
        services.case_close(actor=world.audit, case=case, data={"closing_summary": "结论"}, expected_version=1)
    closed = services.case_close(actor=world.audit, case=case, data={"closing_summary": "未发现重大问题"},
                                 expected_version=2)
    assert (closed.status, closed.closed_on, closed.closing_summary) == ("closed", local_today(), "未发现重大问题")
    assert sorted(e.project_id for e in _events("oversight.case.closed")) == sorted([world.project.pk, other.pk])
    # Closed: nothing more is added, asked or answered.
    for call in (lambda: services.case_add_project(actor=world.audit, case=closed, data={"project_id": other.pk}),
                 lambda: services.case_close(actor=world.audit, case=closed, data={"closing_summary": "再次"}),
                 lambda: services.answer_submit(actor=world.owner, request=world.request, data={"text": "补充"})):
        with pytest.raises(Conflict):
            call()


# --- requests --------------------------------------------------------------------------------------------------


def _send(world, **data):
    payload = {"project_id": world.project.pk, "kind": "explanation", "subject": "说明支付情况",
               "text": "请说明第二期支付的依据", "due_on": (local_today() + dt.timedelta(days=5)).isoformat()}
    return services.request_send(actor=world.audit, case=world.case, data={**payload, **data})


def test_a_request_goes_to_the_projects_owner_unit(world, district):
    request = _send(world)
    assert (request.addressee, request.project, request.sent_by) == (district.edu, world.project, world.audit)
    event = _events("oversight.request.sent")[-1]
    assert (event.project_id, event.after["addressee"], event.after["kind"]) == (
        world.project.pk, "区教育局", "explanation")
    assert event.rule_results[0]["rule"] == "art25.request_deadline"


@pytest.mark.parametrize("days", [0, -1])
def test_the_deadline_must_be_after_today(world, days):
    count = AuditRequest.objects.count()
    with pytest.raises(RuleViolation) as exc:
        _send(world, due_on=(local_today() + dt.timedelta(days=days)).isoformat())
    assert (exc.value.rule, exc.value.article, list(exc.value.fields)) == (
        "art25.request_deadline", "第二十五条", ["due_on"])
    assert AuditRequest.objects.count() == count
    assert _events("rule.refused")[-1].reason == "oversight.request_send"


def test_a_request_names_a_project_of_the_case(world, make_project):
    other = make_project("proposed")
    with pytest.raises(InvalidInput) as exc:
        _send(world, project_id=other.pk)
    assert exc.value.fields == {"project_id": ["须为本审计案件的被审计项目"]}
    with pytest.raises(InvalidInput) as exc:
        _send(world, kind="bribe", due_on="tomorrow")
    assert set(exc.value.fields) == {"kind", "due_on"}


def _state(request) -> str:
    return selectors.request_state(request, local_today())


def test_overdue_exactly_the_day_after_the_deadline_and_a_later_answer_is_late(world, monkeypatch):
    due = world.request.due_on
    _at(due, monkeypatch)
    assert _state(world.request) == "open"
    _at(due + dt.timedelta(days=1), monkeypatch)
    assert _state(world.request) == "overdue"
    answer = services.answer_submit(actor=world.owner, request=world.request, data={"text": "迟交的说明"})
    assert (answer.sequence, answer.late) == (1, True)
    assert _state(world.request) == "answered_late"
    assert _events("oversight.answer.submitted")[-1].after["late"] is True


def test_an_answer_on_the_deadline_is_on_time(world, monkeypatch):
    _at(world.request.due_on, monkeypatch)
    answer = services.answer_submit(actor=world.owner, request=world.request, data={"text": "按时"})
    assert answer.late is False and _state(world.request) == "answered"
    _at(world.request.due_on + dt.timedelta(days=3), monkeypatch)  # a supplement later does not change it
    supplement = services.answer_submit(actor=world.owner, request=world.request, data={"text": "补充"})
    assert (supplement.sequence, supplement.late) == (2, True)
    assert _state(world.request) == "answered"


# --- answers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["audit", "drc", "health", "finance"])
def test_only_the_addressee_unit_answers(world, district, role):
    with pytest.raises(Forbidden) as exc:
        services.answer_submit(actor=district.users[role], request=world.request, data={"text": "x"})
    assert (exc.value.message, exc.value.article) == (COOPERATES, "第二十五条")
    assert AuditAnswer.objects.count() == 0
    event = AuditEvent.objects.filter(event_type="access.denied").order_by("-seq").first()
    assert event.rule_results == [{"rule": "art25.unit_cooperates", "article": "第二十五条"}]


def test_an_answer_needs_text_or_a_file_and_files_are_checked(world):
    with pytest.raises(InvalidInput) as exc:
        services.answer_submit(actor=world.owner, request=world.request, data={"text": "  "})
    assert exc.value.fields == {"text": ["须填写说明或上传至少一个文件"]}
    with pytest.raises(InvalidInput) as exc:
        services.answer_submit(actor=world.owner, request=world.request, data={},
                               files=[pdf("病毒.exe")])
    assert exc.value.fields == {"files": ["病毒.exe:只接受 PDF、OFD、Word、WPS 或 ZIP 文件"]}
    assert AuditAnswer.objects.count() == 0
    answer = services.answer_submit(actor=world.owner, request=world.request, data={}, files=[pdf(), pdf("说明.docx")])
    files = list(answer.files.order_by("id"))
    assert [(f.name, f.size) for f in files] == [("合同台账.pdf", 27), ("说明.docx", 27)]
    import hashlib

    assert files[0].sha256 == hashlib.sha256(b"%PDF-1.4 itgov audit answer").hexdigest()
    event = _events("oversight.answer.submitted")[-1]
    assert [f["name"] for f in event.after["files"]] == ["合同台账.pdf", "说明.docx"]


def _sql(statement: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, [pk])


def test_answers_are_never_edited_nor_withdrawn(district):
    world = oversight_maker(district)(answered=True)
    answer = world.answer
    stored = AuditAnswer.objects.filter(pk=answer.pk).values().get()
    stored_file = AuditAnswerFile.objects.filter(answer=answer).values().get()
    answer.text = "改过的说明"
    with pytest.raises(RuntimeError):
        answer.save()
    with pytest.raises(RuntimeError):
        answer.delete()
    with pytest.raises(RuntimeError):
        answer.files.get().delete()
    # The database refuses whatever code tries: an UPDATE or DELETE through the ORM or in SQL.
    for attempt in (lambda: AuditAnswer.objects.filter(pk=answer.pk).update(text="改过的说明"),
                    lambda: _sql("DELETE FROM oversight_auditanswer WHERE id = %s", answer.pk),
                    lambda: AuditAnswerFile.objects.filter(answer=answer).update(sha256="0" * 64),
                    lambda: AuditAnswerFile.objects.filter(answer=answer).delete()):
        with pytest.raises(IntegrityError if connection.vendor == "sqlite" else Exception) as exc, \
                transaction.atomic():
            attempt()
        assert "immutable" in str(exc.value)
    with pytest.raises(Exception) as exc, transaction.atomic():
        _sql("UPDATE oversight_auditanswer SET text = 'x' WHERE id = %s", answer.pk)
    assert "immutable" in str(exc.value)
    assert AuditAnswer.objects.filter(pk=answer.pk).values().get() == stored
    assert AuditAnswerFile.objects.filter(answer=answer).values().get() == stored_file
    # Only a further answer supplements it.
    supplement = services.answer_submit(actor=world.owner, request=world.request, data={"text": "补充说明"})
    assert supplement.sequence == 2
