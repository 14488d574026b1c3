"""Reads of the systems' security (art. 30) a user may make, and the one definition of where a system's periodic
assessment stands.

The due day of a system's next graded (等级测评) or cryptography (密评) assessment is derived, never typed in: the
last assessment of that kind (whatever its result) + the profile's interval for the system's level
(`protection_assessment_interval`, `crypto_assessment_interval` from `crypto_assessment_level` up). Reminders start
`max(reminder_lead_days)` days before it. A classified system (art. 5) is never read here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import rules as perms
from django.db import models
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from itgov.access.scoping import is_authenticated, scope_q
from itgov.catalogue.choices import SystemStatus
from itgov.catalogue.models import InformationSystem
from itgov.core.errors import NotFound
from itgov.core.ids import object_pk
from itgov.rules.measures.ch5_security import crypto_required, graded_interval, next_due

from .choices import PASSING_RESULTS, AssessmentKind, DueState
from .models import SecurityAssessment, SecurityFinding
from .policies import reads_security_board

PERIODIC_KINDS = (AssessmentKind.GRADED, AssessmentKind.CRYPTO)
LEVELS = (1, 2, 3, 4, 5)
BOARD_STATUSES = (SystemStatus.OPERATING, SystemStatus.BUILDING)

DUE_BADGES = {DueState.NOT_REQUIRED: "text-bg-light", DueState.MISSING: "text-bg-danger",
              DueState.CURRENT: "text-bg-success", DueState.DUE_SOON: "text-bg-warning",
              DueState.OVERDUE: "text-bg-danger"}


class FindingState(models.TextChoices):
    """Where a finding stands: open until remediated, overdue from the day after `due_on`; a remediation after
    `due_on` is late."""

    OPEN = "open", _("待整改")
    OVERDUE = "overdue", _("逾期未整改")
    REMEDIATED = "remediated", _("已整改")
    REMEDIATED_LATE = "remediated_late", _("逾期整改")


FINDING_BADGES = {FindingState.OPEN: "text-bg-primary", FindingState.OVERDUE: "text-bg-danger",
                  FindingState.REMEDIATED: "text-bg-success", FindingState.REMEDIATED_LATE: "text-bg-warning"}


# --- the due state: one definition ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """Where one kind of periodic assessment of one system stands on `today`."""

    kind: str
    state: str
    months: int | None = None
    last_on: dt.date | None = None
    last_passed: bool | None = None  # None: never assessed
    due_on: dt.date | None = None

    @property
    def required(self) -> bool:
        return self.state != DueState.NOT_REQUIRED

    @property
    def kind_label(self) -> str:
        return str(AssessmentKind(self.kind).label)

    @property
    def state_label(self) -> str:
        return str(DueState(self.state).label)

    @property
    def badge(self) -> str:
        return DUE_BADGES[self.state]


def assessment_months(kind: str, level: int | None, params: dict[str, Any] | None) -> int | None:
    """Months between two assessments of `kind` for a system of `level`; None when none is periodically
    required (graded: the level's interval in the profile; crypto: from `crypto_assessment_level` up, when the
    profile sets `crypto_assessment_interval`)."""
    params = params or {}
    if kind == AssessmentKind.GRADED:
        months = graded_interval(level, params)
    elif kind == AssessmentKind.CRYPTO:
        months = params.get("crypto_assessment_interval") if crypto_required(level, params) else None
    else:
        months = None
    return int(months) if months else None


def reminder_lead(params: dict[str, Any] | None) -> int | None:
    """How many days before the due day an assessment is 'due soon': the largest of `reminder_lead_days`."""
    days = (params or {}).get("reminder_lead_days")
    return max(days) if days else None


def assessment_due(kind: str, *, level: int | None, params: dict[str, Any] | None, last_on: dt.date | None,
                   today: dt.date, last_result: str | None = None) -> Due:
    """The state of `kind`'s periodic assessment of a system of `level` on `today`, its last one (of any result)
    made on `last_on`: not required; missing (required, never made); overdue (from the day after the due day);
    due soon (from `max(reminder_lead_days)` days before the due day); current."""
    months = assessment_months(kind, level, params)
    passed = None if last_on is None else last_result in PASSING_RESULTS
    if months is None:
        return Due(kind, DueState.NOT_REQUIRED, None, last_on, passed, None)
    if last_on is None:
        return Due(kind, DueState.MISSING, months, None, None, None)
    due_on = next_due(last_on, months)
    lead = reminder_lead(params)
    if today > due_on:
        state = DueState.OVERDUE
    elif lead is not None and today >= due_on - dt.timedelta(days=lead):
        state = DueState.DUE_SOON
    else:
        state = DueState.CURRENT
    return Due(kind, state, months, last_on, passed, due_on)


# --- systems with their security -------------------------------------------------------------------------------


@dataclass
class SystemSecurity:
    """A system with its graded and crypto assessment states and its findings' counts. `in_operation`: the system
    is operating (its own status, or its project's) and not retired — only then is a never-made assessment
    'missing' for the unit and the Cyberspace Office (a system being built is assessed before its acceptance)."""

    system: InformationSystem
    graded: Due
    crypto: Due
    open_findings: int
    overdue_findings: int
    in_operation: bool

    @property
    def dues(self) -> tuple[Due, Due]:
        return (self.graded, self.crypto)

    @property
    def overdue(self) -> list[Due]:
        return [d for d in self.dues if d.state == DueState.OVERDUE]

    @property
    def due_soon(self) -> list[Due]:
        return [d for d in self.dues if d.state == DueState.DUE_SOON]

    @property
    def missing(self) -> list[Due]:
        return [d for d in self.dues if d.state == DueState.MISSING] if self.in_operation else []


def _last(kind: str, name: str) -> Subquery:
    return Subquery(SecurityAssessment.objects.filter(system=OuterRef("pk"), kind=kind)
                    .order_by("-assessed_on", "-id").values(name)[:1])


def _finding_count(**filters) -> Coalesce:
    return Coalesce(Subquery(SecurityFinding.objects.filter(system=OuterRef("pk"), **filters).order_by()
                             .values("system").annotate(n=Count("pk")).values("n")[:1]), 0)


def with_security(qs: QuerySet[InformationSystem], today: dt.date) -> QuerySet[InformationSystem]:
    """`qs` annotated with the last graded and crypto assessment's day and result and the open and overdue
    findings' counts, its owner unit, project and jurisdiction joined: one query whatever the number of rows."""
    return qs.select_related("owner_unit", "project", "jurisdiction").annotate(
        last_graded_on=_last(AssessmentKind.GRADED, "assessed_on"),
        last_graded_result=_last(AssessmentKind.GRADED, "result"),
        last_crypto_on=_last(AssessmentKind.CRYPTO, "assessed_on"),
        last_crypto_result=_last(AssessmentKind.CRYPTO, "result"),
        open_findings=_finding_count(remediated_on__isnull=True),
        overdue_findings=_finding_count(remediated_on__isnull=True, due_on__lt=today),
    )


def _in_operation(system: InformationSystem) -> bool:
    if system.status == SystemStatus.RETIRED:
        return False
    return system.status == SystemStatus.OPERATING or (
        system.project_id is not None and system.project.status == "in_operation")


def system_security(system: InformationSystem, params: dict[str, Any] | None, today: dt.date) -> SystemSecurity:
    """The row of one system already annotated by `with_security`. A retired system requires no assessment."""
    level = None if system.status == SystemStatus.RETIRED else system.protection_level
    return SystemSecurity(
        system=system,
        graded=assessment_due(AssessmentKind.GRADED, level=level, params=params, last_on=system.last_graded_on,
                              today=today, last_result=system.last_graded_result),
        crypto=assessment_due(AssessmentKind.CRYPTO, level=level, params=params, last_on=system.last_crypto_on,
                              today=today, last_result=system.last_crypto_result),
        open_findings=system.open_findings, overdue_findings=system.overdue_findings,
        in_operation=_in_operation(system))


ParamsFor = dict[str, Any] | Callable[[InformationSystem], dict[str, Any]]


def systems_security(qs: QuerySet[InformationSystem], params: ParamsFor, today: dt.date) -> list[SystemSecurity]:
    """Each system of `qs` with its assessment states on `today` and its findings' counts, in one query. `params`:
    the profile's parameters, or a function giving them for a system (systems of several jurisdictions)."""
    params_for = params if callable(params) else (lambda _system: params)
    return [system_security(system, params_for(system), today) for system in with_security(qs, today)]


def params_by_jurisdiction(today: dt.date) -> Callable[[InformationSystem], dict[str, Any]]:
    """The parameters in force on `today` for a system's jurisdiction, read once per jurisdiction."""
    from itgov.rules.profiles import parameters_in_force

    cache: dict[int, dict[str, Any]] = {}

    def params_for(system: InformationSystem) -> dict[str, Any]:
        if system.jurisdiction_id not in cache:
            cache[system.jurisdiction_id] = parameters_in_force(system.jurisdiction, today)
        return cache[system.jurisdiction_id]

    return params_for


def overdue_assessments(project, params: dict[str, Any] | None, today: dt.date) -> list[str]:
    """Sentences naming each of the project's systems whose graded or crypto assessment is overdue, or was never
    made while the system is in operation (rule art30.periodic_assessment). Classified and retired systems are
    not judged here."""
    qs = InformationSystem.objects.filter(project=project, classified=False).order_by("seq")
    sentences = []
    for row in systems_security(qs, params, today):
        for due in row.overdue:
            sentences.append(gettext("“%(system)s”的%(kind)s已逾期,应于%(day)s前完成(上次%(last)s)") % {
                "system": row.system.name, "kind": due.kind_label, "day": due.due_on.isoformat(),
                "last": due.last_on.isoformat()})
        for due in row.missing:
            sentences.append(gettext("“%(system)s”(第%(level)d级)尚未开展%(kind)s") % {
                "system": row.system.name, "level": row.system.protection_level, "kind": due.kind_label})
    return sentences


# --- findings --------------------------------------------------------------------------------------------------


def finding_state(finding: SecurityFinding, today: dt.date) -> str:
    """open / overdue (unremediated from the day after `due_on`) / remediated / remediated late."""
    if finding.remediated_on is not None:
        return FindingState.REMEDIATED_LATE if finding.remediated_on > finding.due_on else FindingState.REMEDIATED
    return FindingState.OVERDUE if today > finding.due_on else FindingState.OPEN


def _stated(findings: list[SecurityFinding], today: dt.date) -> list[SecurityFinding]:
    for finding in findings:
        finding.state = finding_state(finding, today)
        finding.state_label = FindingState(finding.state).label
        finding.state_badge = FINDING_BADGES[finding.state]
    return findings


# --- what a user may read --------------------------------------------------------------------------------------


def _readable() -> QuerySet[InformationSystem]:
    """Every system this module may show: never a classified one (art. 5), nor one of a classified project."""
    return InformationSystem.objects.filter(classified=False).exclude(project__classified=True)


def security_visible_systems(user) -> QuerySet[InformationSystem]:
    """The systems whose security `user` may read: those of the units in the owner's scope; every one for the
    Cyberspace Office, DRC and the audit bureau; no classified system, ever."""
    if not is_authenticated(user):
        return InformationSystem.objects.none()
    if reads_security_board(user):
        return _readable()
    mine = scope_q(user, "owner_unit")
    if mine is None:
        return InformationSystem.objects.none()
    return _readable().filter(mine)


def access_system_by_id(user, system_id) -> InformationSystem:
    """A system whose security `user` may read; missing and not visible look the same (404)."""
    system = (security_visible_systems(user).select_related("owner_unit__jurisdiction", "project")
              .filter(pk=object_pk(system_id)).first())
    if system is None or not perms.has_perm("security.view", user, system):
        raise NotFound()
    return system


def access_finding_by_id(user, finding_id) -> SecurityFinding:
    finding = (SecurityFinding.objects.select_related("system__owner_unit__jurisdiction", "system__project",
                                                      "assessment")
               .filter(pk=object_pk(finding_id), system__in=security_visible_systems(user)).first())
    if finding is None:
        raise NotFound()
    return finding


def system_security_detail(system: InformationSystem, today: dt.date) -> dict[str, Any]:
    """A system's security page: its row (states, counts), its assessments and its findings with their state —
    three queries, plus the profile's (read once)."""
    row = systems_security(InformationSystem.objects.filter(pk=system.pk), params_by_jurisdiction(today), today)[0]
    assessments = list(SecurityAssessment.objects.filter(system=system).select_related("recorded_by"))
    findings = _stated(list(SecurityFinding.objects.filter(system=system)
                            .select_related("assessment", "raised_by", "remediated_by")), today)
    return {"row": row, "assessments": assessments, "findings": findings}


# --- the Cyberspace Office's board -----------------------------------------------------------------------------


def level_key(level: int | None) -> str:
    return str(level) if level in LEVELS else "none"


def level_label(key: str) -> str:
    return gettext("未定级") if key == "none" else gettext("第%(n)d级") % {"n": int(key)}


LEVEL_KEYS = (*[str(n) for n in LEVELS], "none")


@dataclass
class UnitRow:
    """One owner unit's line on the board (or the totals, `unit` None). Counts are of systems, but findings'."""

    unit: Any = None
    systems: int = 0
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVEL_KEYS, 0))
    due_soon: int = 0
    overdue: int = 0
    missing: int = 0
    open_findings: int = 0
    overdue_findings: int = 0

    def add(self, row: SystemSecurity) -> None:
        self.systems += 1
        self.levels[level_key(row.system.protection_level)] += 1
        self.due_soon += bool(row.due_soon)
        self.overdue += bool(row.overdue)
        self.missing += bool(row.missing)
        self.open_findings += row.open_findings
        self.overdue_findings += row.overdue_findings


@dataclass
class Board:
    units: list[UnitRow]
    total: UnitRow
    levels: list[tuple[str, str, int]]  # (key, label, systems): 1–5 then 未定级
    systems: list[SystemSecurity]  # those due soon, overdue or missing an assessment, the most urgent first
    findings: list[SecurityFinding]  # open, with .state / .state_label / .state_badge, the earliest deadline first


def _urgency(row: SystemSecurity) -> tuple:
    days = [d.due_on for d in row.dues if d.due_on is not None and d.state in (DueState.OVERDUE, DueState.DUE_SOON)]
    return (not row.overdue, not row.missing, min(days) if days else dt.date.max, row.system.owner_unit.path,
            row.system.seq)


def board(user, today: dt.date, unit_id=None) -> Board:
    """The Cyberspace Office's board (art. 30, with art. 4): per owner unit, the systems operating or being built,
    by level, with their assessments due soon, overdue or missing and their open and overdue findings; the level
    distribution; the open findings. Only what `user` may read (the page checks `security.view_board`); never a
    classified system. A constant number of queries (the systems, the findings, each jurisdiction's profile)."""
    qs = security_visible_systems(user).filter(status__in=BOARD_STATUSES)
    if unit_id not in (None, ""):
        qs = qs.filter(owner_unit_id=object_pk(unit_id))
    rows = systems_security(qs.order_by("owner_unit__path", "seq"), params_by_jurisdiction(today), today)
    units: dict[int, UnitRow] = {}
    total = UnitRow()
    for row in rows:
        unit = row.system.owner_unit
        units.setdefault(unit.pk, UnitRow(unit=unit)).add(row)
        total.add(row)
    findings = _stated(list(
        SecurityFinding.objects.filter(system__in=qs, remediated_on__isnull=True)
        .select_related("system__owner_unit", "assessment").order_by("due_on", "id")), today)
    return Board(
        units=list(units.values()), total=total,
        levels=[(key, level_label(key), total.levels[key]) for key in LEVEL_KEYS],
        systems=sorted((r for r in rows if r.overdue or r.due_soon or r.missing), key=_urgency),
        findings=findings)


def security_totals(user, today: dt.date) -> UnitRow:
    """The board's totals alone, for the workbench: the systems `user` may read with their states and findings'
    counts (one query, and one per jurisdiction for its profile)."""
    total = UnitRow()
    rows = systems_security(security_visible_systems(user).filter(status__in=BOARD_STATUSES),
                            params_by_jurisdiction(today), today)
    for row in rows:
        total.add(row)
    return total


def findings_q(state: str, today: dt.date) -> Q:
    """The filter of `finding_state` for a list (the same definition, in SQL)."""
    return {
        FindingState.OPEN: Q(remediated_on__isnull=True, due_on__gte=today),
        FindingState.OVERDUE: Q(remediated_on__isnull=True, due_on__lt=today),
        FindingState.REMEDIATED: Q(remediated_on__isnull=False, remediated_on__lte=models.F("due_on")),
        FindingState.REMEDIATED_LATE: Q(remediated_on__isnull=False, remediated_on__gt=models.F("due_on")),
    }[state]
