"""Reads of audit cooperation (art. 25) a user may make. Objects are fetched only through these accessors: a case
or request the user may not see is a 404, exactly like a missing one."""

from __future__ import annotations

import datetime as dt

import rules as perms
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import CharField as CharFieldType

from itgov.access.scoping import scope_q
from itgov.accounts.choices import Role
from itgov.core.errors import NotFound
from itgov.core.ids import object_pk

from .choices import CaseStatus, RequestState
from .models import AuditAnswer, AuditAnswerFile, AuditCase, AuditRequest
from .policies import may_read_cases

STATE_BADGES = {RequestState.OPEN: "text-bg-primary", RequestState.OVERDUE: "text-bg-danger",
                RequestState.ANSWERED: "text-bg-success", RequestState.ANSWERED_LATE: "text-bg-warning"}


# --- cases ---------------------------------------------------------------------------------------------------


def cases_visible_to(user) -> QuerySet[AuditCase]:
    """The audit bureau's and DRC's view: every case; anyone else: none."""
    if not may_read_cases(user):
        return AuditCase.objects.none()
    return AuditCase.objects.select_related("opened_by", "closed_by")


def case_list(user, status: str = "") -> QuerySet[AuditCase]:
    qs = cases_visible_to(user).annotate(n_projects=Count("projects", distinct=True),
                                         n_requests=Count("requests", distinct=True))
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "-seq")


def case_counts(user) -> dict[str, int]:
    rows = cases_visible_to(user).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def access_case_by_id(user, case_id) -> AuditCase:
    case = cases_visible_to(user).filter(pk=object_pk(case_id)).first()
    if case is None:
        raise NotFound()
    return case


def case_projects(case: AuditCase):
    return list(case.projects.select_related("owner_unit").order_by("name", "pk"))


# --- requests ------------------------------------------------------------------------------------------------


def with_state(qs: QuerySet[AuditRequest], today: dt.date) -> QuerySet[AuditRequest]:
    """Each request with `state` (open / overdue / answered / answered_late), `answered_at` (its first answer's
    time), `answer_count`. Overdue: unanswered on a day after `due_on`; answered late: the first answer came after
    `due_on`. One query whatever the number of requests."""
    first = AuditAnswer.objects.filter(request=OuterRef("pk")).order_by("sequence")
    return qs.annotate(
        answered_at=Subquery(first.values("submitted_at")[:1], output_field=DateTimeField()),
        first_late=Subquery(first.values("late")[:1], output_field=BooleanField()),
        answer_count=Subquery(AuditAnswer.objects.filter(request=OuterRef("pk")).order_by()
                              .values("request").annotate(n=Count("pk")).values("n")[:1]),
        state=Case(
            When(Exists(first.filter(late=True, sequence=1)), then=Value(RequestState.ANSWERED_LATE.value)),
            When(Exists(first), then=Value(RequestState.ANSWERED.value)),
            When(due_on__lt=today, then=Value(RequestState.OVERDUE.value)),
            default=Value(RequestState.OPEN.value), output_field=CharFieldType()),
    )


def request_state(request: AuditRequest, today: dt.date) -> str:
    """The state of one request already loaded (the same definition as `with_state`)."""
    return with_state(AuditRequest.objects.filter(pk=request.pk), today).values_list("state", flat=True).get()


def _request_queryset() -> QuerySet[AuditRequest]:
    return AuditRequest.objects.select_related("case", "project", "addressee", "sent_by")


def requests_of_case(case: AuditCase, today: dt.date) -> list[AuditRequest]:
    """The case's requests with their state and their answers (with files), in three queries."""
    answers = Prefetch("answers", queryset=AuditAnswer.objects.select_related("submitted_by")
                       .prefetch_related(Prefetch("files", queryset=AuditAnswerFile.objects.order_by("id")))
                       .order_by("sequence"))
    rows = list(with_state(_request_queryset().filter(case=case), today).prefetch_related(answers)
                .order_by("-sent_at", "-id"))
    return _badged(rows)


def _badged(rows: list[AuditRequest]) -> list[AuditRequest]:
    for row in rows:
        row.state_label = RequestState(row.state).label
        row.state_badge = STATE_BADGES[row.state]
    return rows


def requests_addressed_q(user):
    """The requests addressed to the units `user` acts for as an owner (None: none)."""
    return scope_q(user, "addressee", Role.OWNER)


def requests_addressed_to(user, today: dt.date, state: str = "") -> QuerySet[AuditRequest]:
    mine = requests_addressed_q(user)
    if mine is None:
        return AuditRequest.objects.none()
    qs = with_state(_request_queryset().filter(mine), today)
    if state in RequestState.values:
        qs = qs.filter(state=state)
    return qs.order_by("-sent_at", "-id")


def access_request_by_id(user, request_id) -> AuditRequest:
    """A request the user may see: the audit bureau's and DRC's, or addressed to the user's unit."""
    request = _request_queryset().filter(pk=object_pk(request_id)).first()
    if request is None or not perms.has_perm("oversight.view_request", user, request):
        raise NotFound()
    return request


def access_answer_file(user, file_id) -> AuditAnswerFile:
    row = (AuditAnswerFile.objects.select_related("answer__request__addressee", "answer__request__case",
                                                  "answer__request__project")
           .filter(pk=object_pk(file_id)).first())
    if row is None or not perms.has_perm("oversight.view_request", user, row.answer.request):
        raise NotFound()
    return row
