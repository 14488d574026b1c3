"""Writes of operation (art. 12, 23, 24). Each checks the power (403 citing the article), the input (400), then the
one engine — the project's row locked, its state (409) and the rules with the profile in force (422) — and audits
what it wrote in the same transaction."""

from __future__ import annotations

from typing import Any

import rules as perms
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record
from itgov.construction.forms import clean_input
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, NotFound
from itgov.core.workflow import guarded_write, permission_denied, transition
from itgov.projects.choices import ProjectStatus as S
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force

from . import forms as f
from . import selectors
from .choices import Decision, FundingStatus
from .models import OMArrangement, OMFundingRequest, SelfEvaluation, SelfEvaluationValue
from .workflow import GO_LIVE

ARRANGEABLE = frozenset({S.ACCEPTED, S.IN_OPERATION})


def _power(actor, permission: str, project, action: str, rule: str) -> None:
    if not perms.has_perm(permission, actor, project):
        raise permission_denied(actor=actor, obj=project, action=action, power_rule=rule)


# --- go-live (art. 23) -----------------------------------------------------------------------------------------


def go_live(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None) -> Project:
    """The owner unit puts the accepted system into formal operation from day G (art. 23: only after a passed
    acceptance; G not before the day it passed, not after today)."""
    _power(actor, GO_LIVE.permission, project, GO_LIVE.action, GO_LIVE.power_rule)
    values = clean_input(f.GoLiveForm, data)
    return transition(project, GO_LIVE, actor=actor, expected_version=expected_version, data=values)


# --- the self-evaluation (art. 24) ----------------------------------------------------------------------------


def _evaluation_values(targets: list, rows) -> tuple[list[dict], dict]:
    """Each target of the approval with its actual value; errors keyed `values.N.field` (N: the row's index)."""
    if not isinstance(rows, list):
        return [], {"values": [_("须为列表")]}
    by_id = {t.pk: (i, t) for i, t in enumerate(targets)}
    values, errors, seen = [], {}, set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[f"values.{i}"] = [_("须为对象")]
            continue
        form = f.EvaluationValueForm(data=row)
        for name in sorted(set(row) - set(form.fields)):
            errors[f"values.{i}.{name}"] = [_("不允许的字段")]
        if not form.is_valid():
            for name, errs in form.errors.items():
                errors[f"values.{i}.{name}"] = [str(e) for e in errs]
            continue
        found = by_id.get(form.cleaned_data["target_id"])
        if found is None:
            errors[f"values.{i}.target_id"] = [_("不是本项目批复的绩效目标")]
            continue
        position, target = found
        if target.pk in seen:
            errors[f"values.{i}.target_id"] = [_("同一指标只能填写一次")]
            continue
        seen.add(target.pk)
        values.append({"target": target, "position": position, "category": target.category,
                       "indicator": target.indicator, "unit": target.unit, "target_value": target.target,
                       "actual": form.cleaned_data["actual"], "achieved": form.cleaned_data["achieved"]})
    missing = [i for i, t in enumerate(targets) if t.pk not in seen]
    if missing and not errors:
        errors["values"] = [_("须填写全部%(n)d项绩效目标的实际值,缺第%(m)s项") % {
            "n": len(targets), "m": str(_("、")).join(str(i + 1) for i in missing)}]
    return sorted(values, key=lambda v: v["position"]), errors


def self_evaluation_submit(*, actor, project: Project, data: dict[str, Any]) -> SelfEvaluation:
    """The owner unit's performance self-evaluation, reported to Finance and DRC (art. 24): each performance target
    of the approval with its actual value, a score, the problems and the improvements. Refused before G + 12 months
    (art24.self_evaluation_window); after G + 24 months taken and marked late. Once submitted it stands."""
    from itgov.approvals.selectors import current_baseline
    from itgov.rules.measures.ch4_operation import evaluation_window

    _power(actor, "operation.self_evaluate", project, "operation.self_evaluate", "art24.owner_unit_operates")
    rows = data.get("values")
    errors: dict = {}
    try:
        values = clean_input(f.EvaluationForm, {k: v for k, v in data.items() if k != "values"})
    except InvalidInput as exc:
        values, errors = {}, dict(exc.fields)
    items, row_errors = _evaluation_values(selectors.evaluation_targets(project), rows if rows is not None else [])
    if errors or row_errors:
        raise InvalidInput(fields={**errors, **row_errors})

    def write(locked, results):
        if SelfEvaluation.objects.filter(project=locked).exists():
            raise Conflict(_("绩效自评价报告已报送,不能修改"))
        today = local_today()
        _opens, closes = evaluation_window(locked.operation_started_on,
                                           parameters_in_force(locked.owner_unit.jurisdiction, today))
        late = closes is not None and today > closes
        evaluation = SelfEvaluation.objects.create(
            project=locked, baseline=current_baseline(locked), operation_started_on=locked.operation_started_on,
            submitted_on=today, late=late, submitted_by=actor, score=values["score"],
            summary=values["summary"].strip(), problems=values["problems"].strip(),
            improvements=values["improvements"].strip())
        SelfEvaluationValue.objects.bulk_create([SelfEvaluationValue(evaluation=evaluation, **v) for v in items])
        audit_record(event_type=events.SELF_EVALUATION_SUBMITTED, actor=actor, obj=evaluation, project_id=locked.pk,
                     after={"submitted_on": today, "score": values["score"], "late": late,
                            "operation_started_on": locked.operation_started_on,
                            "values": [{"target": v["target"].pk, "indicator": v["indicator"], "actual": v["actual"],
                                        "achieved": v["achieved"]} for v in items]},
                     rule_results=results)
        return evaluation

    return guarded_write("operation.self_evaluate", project, actor=actor, write=write, states={S.IN_OPERATION},
                         state_message=_("项目投入运行后方可报送绩效自评价"))


# --- the O&M arrangement (art. 24) ------------------------------------------------------------------------------


def arrangement_record(*, actor, project: Project, data: dict[str, Any]) -> OMArrangement:
    """How the owner unit runs and maintains the system and who answers for its security (art. 24). Recording
    again keeps the earlier arrangement; the latest is in force."""
    _power(actor, "operation.arrange", project, "operation.arrange", "art24.owner_unit_operates")
    values = clean_input(f.ArrangementForm, data)
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}

    def write(locked, results):
        arrangement = OMArrangement.objects.create(project=locked, recorded_by=actor, **values)
        audit_record(event_type=events.OM_ARRANGEMENT_RECORDED, actor=actor, obj=arrangement, project_id=locked.pk,
                     after=values, rule_results=results)
        return arrangement

    return guarded_write("operation.arrange", project, actor=actor, write=write, states=ARRANGEABLE,
                         state_message=_("项目通过竣工验收后方可登记运行维护安排"), data=values)


# --- O&M funding (art. 12) ------------------------------------------------------------------------------------


def funding_request(*, actor, project: Project, data: dict[str, Any]) -> OMFundingRequest:
    """The owner unit applies for a year's O&M funds (art. 12): only for a project DRC approved and that passed
    acceptance, after every contract's warranty; one open or approved request a year. The suggested amount is the
    estimate in force × the profile's `om_funding_rate` where one is set."""
    _power(actor, "operation.request_funding", project, "operation.om_request", "art12.owner_unit_requests_om")
    values = clean_input(f.FundingRequestForm, data)
    values["justification"] = values["justification"].strip()

    def write(locked, results):
        if OMFundingRequest.objects.filter(project=locked, year=values["year"]).exclude(
                status=FundingStatus.REJECTED).exists():
            raise Conflict(_("%(y)d年度的运行维护经费已申请") % {"y": values["year"]})
        suggested = selectors.suggested_amount(locked, parameters_in_force(locked.owner_unit.jurisdiction,
                                                                           local_today()))
        try:
            with transaction.atomic():
                request = OMFundingRequest.objects.create(project=locked, requested_by=actor,
                                                          suggested_amount=suggested, **values)
        except IntegrityError:  # pragma: no cover (the project's lock serialises the requests)
            raise Conflict(_("%(y)d年度的运行维护经费已申请") % {"y": values["year"]}) from None
        audit_record(event_type=events.OM_FUNDING_REQUESTED, actor=actor, obj=request, project_id=locked.pk,
                     after={**values, "suggested_amount": suggested}, rule_results=results)
        return request

    return guarded_write("operation.om_request", project, actor=actor, write=write,
                         data={**values, **selectors.funding_case(project)})


def get_request(project: Project, request_id) -> OMFundingRequest:
    try:
        return OMFundingRequest.objects.get(pk=int(request_id), project=project)
    except (TypeError, ValueError, OverflowError, OMFundingRequest.DoesNotExist):
        raise NotFound() from None


def funding_decide(*, actor, project: Project, request: OMFundingRequest, data: dict[str, Any],
                   expected_version: int | None = None) -> OMFundingRequest:
    """Finance budgets the request (art. 12): approves an amount or declines with a reason. Decided once: of two
    decisions at once, one wins and the other is a conflict (409)."""
    _power(actor, "operation.decide_funding", project, "operation.om_decide", "art12.finance_budgets_om")
    values = clean_input(f.FundingDecisionForm, data)
    approve = values["decision"] == Decision.APPROVE
    status = FundingStatus.APPROVED if approve else FundingStatus.REJECTED
    amount = values["amount"] if approve else None
    reason = values["reason"].strip()

    def write(locked, results):
        current = OMFundingRequest.objects.filter(pk=request.pk).values_list("status", "version").get()
        if current[0] != FundingStatus.SUBMITTED:
            raise Conflict(_("该申请已审核"))
        version = expected_version if expected_version is not None else current[1]
        if OMFundingRequest.objects.filter(pk=request.pk, status=FundingStatus.SUBMITTED, version=version).update(
                status=status, decided_amount=amount, decision_reason=reason, decided_by=actor,
                decided_at=timezone.now(), version=F("version") + 1) != 1:
            raise Conflict()
        fresh = OMFundingRequest.objects.select_related("requested_by", "decided_by").get(pk=request.pk)
        audit_record(event_type=events.OM_FUNDING_DECIDED, actor=actor, obj=fresh, project_id=locked.pk,
                     before={"status": FundingStatus.SUBMITTED, "version": version},
                     after={"status": status, "decided_amount": amount, "decision_reason": reason,
                            "version": fresh.version, "year": fresh.year}, rule_results=results)
        return fresh

    return guarded_write("operation.om_decide", project, actor=actor, write=write, data=values)
