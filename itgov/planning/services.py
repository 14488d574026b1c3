"""Writes of the annual declaration (art. 8): open a round, grant an exception, declare, withdraw."""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules as perms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.accounts.choices import Role
from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from itgov.core.workflow import permission_denied
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Jurisdiction, Unit
from itgov.rules.measures.ch2_planning import declaration_window
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, enforce

from .choices import LineStatus
from .forms import DeclarationExceptionForm, DeclarationLineForm, RoundForm
from .models import DeclarationException, DeclarationLine, DeclarationRound


def _errors(form) -> dict[str, list[str]]:
    return {field: [str(e) for e in errs] for field, errs in form.errors.items()}


def _jurisdiction() -> Jurisdiction:
    jurisdiction = Jurisdiction.objects.filter(code=settings.ITGOV_JURISDICTION_CODE).first()
    if jurisdiction is None:
        raise Conflict(_("尚未载入本级政策参数"))
    return jurisdiction


def declaration_round_open(*, actor, data: dict[str, Any]) -> DeclarationRound:
    if not perms.has_perm("planning.open_round", actor):
        raise permission_denied(actor=actor, obj=None, action="declaration.open_round",
                                power_rule="art8.drc_runs_declaration")
    form = RoundForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    jurisdiction = _jurisdiction()
    try:
        with transaction.atomic():
            rnd = DeclarationRound.objects.create(jurisdiction=jurisdiction, year=form.cleaned_data["year"],
                                                  note=form.cleaned_data["note"], opened_by=actor)
            audit_record(event_type=events.DECLARATION_ROUND_OPENED, actor=actor, obj=rnd,
                         after={"year": rnd.year, "note": rnd.note})
    except IntegrityError:
        raise Conflict(_("%(y)d年度的集中申报已经发起") % {"y": form.cleaned_data["year"]}) from None
    return rnd


def declaration_exception_grant(*, actor, rnd: DeclarationRound, data: dict[str, Any]) -> DeclarationException:
    """Art. 8: DRC lets a unit declare outside the window, for a recorded reason, until a deadline."""
    if not perms.has_perm("planning.grant_exception", actor):
        raise permission_denied(actor=actor, obj=rnd, action="declaration.grant_exception",
                                power_rule="art8.drc_runs_declaration")
    form = DeclarationExceptionForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    unit = Unit.objects.filter(pk=form.cleaned_data["unit_id"], kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET,
                                                                          UnitKind.BUREAU]).first()
    if unit is None:
        raise InvalidInput(fields={"unit_id": [_("单位不存在或不是建设单位")]})
    deadline = form.cleaned_data["deadline"]
    with transaction.atomic():
        exception = DeclarationException.objects.create(round=rnd, unit=unit, reason=form.cleaned_data["reason"],
                                                        deadline=deadline, granted_by=actor)
        audit_record(event_type=events.DECLARATION_EXCEPTION_GRANTED, actor=actor, obj=rnd,
                     after={"unit": unit.code, "deadline": deadline, "reason": exception.reason},
                     reason=exception.reason)
    return exception


def open_exception_for(rnd: DeclarationRound, unit: Unit, at: dt.datetime) -> DeclarationException | None:
    """The latest-running exception DRC granted `unit` or a unit above it (a grant covers the subtree)."""
    candidates = (DeclarationException.objects.filter(round=rnd, deadline__gte=at).select_related("unit")
                  .order_by("-deadline"))
    return next((e for e in candidates if unit.path.startswith(e.unit.path)), None)


class DeclarationChecks:
    """The rules of a declaration action (art. 8) for lines of one actor and round, with the profile, the
    window and each unit's exception read once (an import checks many lines)."""

    def __init__(self, actor, rnd: DeclarationRound):
        self.actor, self.rnd = actor, rnd
        self.at, self.today = timezone.now(), local_today()
        self.params = parameters_in_force(rnd.jurisdiction, self.today)
        window = declaration_window(rnd.year, self.params)
        self.inside = window is not None and window[0] <= self.today <= window[1]
        self._exceptions: dict[int, DeclarationException | None] = {}

    def exception_for(self, unit: Unit) -> DeclarationException | None:
        if unit.pk not in self._exceptions:
            self._exceptions[unit.pk] = open_exception_for(self.rnd, unit, self.at)
        return self._exceptions[unit.pk]

    def check(self, line: DeclarationLine, action: str = "declaration.declare"):
        """The rules' results and the exception the line relies on (None inside the window); raises
        RuleViolation as `enforce` does."""
        exception = self.exception_for(line.unit)
        case = Case(subject=line, actor=self.actor, action=action, data={"exception": exception}, on=self.today,
                    at=self.at)
        return enforce(action, case, self.params), (None if self.inside else exception)


def _enforce(action: str, line: DeclarationLine, actor, rnd: DeclarationRound):
    """The rules of `action` for one line; a refusal is audited."""
    try:
        return DeclarationChecks(actor, rnd).check(line, action)
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=rnd, reason=action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}],
                         project_id=line.project_id)
        raise


def declaration_line_declare(*, actor, rnd: DeclarationRound, data: dict[str, Any]) -> DeclarationLine:
    """A unit declares one line for its own project (art. 8). Refused outside the window without an exception."""
    from itgov.projects.selectors import access_project_by_id

    if not perms.has_perm("planning.view_rounds", actor) or not actor.has_role(Role.OWNER):
        raise permission_denied(actor=actor, obj=rnd, action="declaration.declare", power_rule="art8.units_declare")
    form = DeclarationLineForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    try:
        project = access_project_by_id(actor, form.cleaned_data["project_id"])
    except NotFound:
        raise InvalidInput(fields={"project_id": [_("项目不存在或无权查看")]}) from None
    line = DeclarationLine(round=rnd, unit=project.owner_unit, project=project, declared_by=actor,
                           **{k: form.cleaned_data[k] for k in ("line_type", "requested_amount", "proposed_class",
                                                                "justification")})
    if not perms.has_perm("planning.declare", actor, line):
        raise permission_denied(actor=actor, obj=rnd, action="declaration.declare", power_rule="art8.units_declare")
    results, line.via_exception = _enforce("declaration.declare", line, actor, rnd)
    try:
        with transaction.atomic():
            line.save()
            audit_record(event_type=events.DECLARATION_LINE_DECLARED, actor=actor, obj=line, project_id=project.pk,
                         after={"round": rnd.year, "line_type": line.line_type, "requested_amount":
                                line.requested_amount, "proposed_class": line.proposed_class,
                                "via_exception": line.via_exception_id},
                         rule_results=results)
    except IntegrityError:
        raise Conflict(_("该项目本轮已申报同类计划")) from None
    return line


def declaration_line_withdraw(*, actor, line: DeclarationLine, reason: str,
                              expected_version: int | None = None) -> DeclarationLine:
    if not perms.has_perm("planning.withdraw_line", actor, line):
        raise permission_denied(actor=actor, obj=line, action="declaration.withdraw", power_rule="art8.units_declare")
    if not (reason or "").strip():
        raise InvalidInput(fields={"reason": [_("必填")]})
    if line.status != LineStatus.DECLARED:
        raise Conflict(_("该申报已撤回"))
    results, _exception = _enforce("declaration.withdraw", line, actor, line.round)
    with transaction.atomic():
        version = expected_version if expected_version is not None else line.version
        updated = DeclarationLine.objects.filter(pk=line.pk, version=version, status=LineStatus.DECLARED).update(
            status=LineStatus.WITHDRAWN, withdraw_reason=reason.strip(), version=F("version") + 1,
            updated_at=timezone.now())
        if updated != 1:
            raise Conflict()
        fresh = DeclarationLine.objects.select_related("project", "unit", "round").get(pk=line.pk)
        audit_record(event_type=events.DECLARATION_LINE_WITHDRAWN, actor=actor, obj=fresh, project_id=line.project_id,
                     before={"status": LineStatus.DECLARED}, after={"status": fresh.status}, reason=reason.strip(),
                     rule_results=results)
    return fresh
