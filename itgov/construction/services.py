"""Writes of construction control (art. 13, 19, 8, 15, 20). Each record: the power (403 citing the article), the
input's shape (400), then — inside the transaction, with the project's row locked so that two records cannot
both pass on the same sums — the rules with the profile in force (422 with rule and article), the insert and
its audit event. The start of construction goes through the one engine."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from typing import Any

import rules as perms
from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from itgov.core.workflow import permission_denied, transition
from itgov.projects.choices import ProjectStatus
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, enforce

from . import selectors
from .choices import (
    ChangeClass,
    ChangeStatus,
    IncidentKind,
    IncidentSource,
    IncidentStatus,
    RectificationStatus,
)
from .forms import (
    AppointmentForm,
    ChangeForm,
    ContractForm,
    DecisionForm,
    IncidentForm,
    MilestoneForm,
    MonitoringForm,
    MonitoringValueForm,
    PaymentForm,
    PoolEntryForm,
    ProcurementForm,
    ReasonForm,
    RectificationOrderForm,
    RectificationResponseForm,
    RectificationReviewForm,
    RiskAssessmentForm,
    SupervisionReportForm,
    SuspendForm,
    clean_input,
)
from .models import (
    ChangeRequest,
    ConstructionSuspension,
    Contract,
    Incident,
    MilestoneActual,
    MonitoringReport,
    MonitoringValue,
    Payment,
    Procurement,
    RectificationOrder,
    RiskAssessment,
    RiskRating,
    SupervisionAppointment,
    SupervisionPoolEntry,
    SupervisionReport,
)
from .workflow import REAPPROVAL, RESUME, START, SUSPEND

ZERO = Decimal("0.00")
BUILDING = frozenset({ProjectStatus.IN_CONSTRUCTION, ProjectStatus.SUSPENDED})


def construction_start(*, actor, project: Project, expected_version: int | None = None) -> Project:
    """Art. 19: only a project in this year's issued plan, approved and budgeted, with a named responsible
    person, starts construction."""
    return transition(project, START, actor=actor, expected_version=expected_version)


def _of_project(model, pk, project: Project, field: str, message: str):
    """The record `pk` of `project` named by an input field (None when not given); another project's is a 400."""
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, project=project).first()
    if found is None:
        raise InvalidInput(fields={field: [message]})
    return found


def _record(action: str, project: Project, actor, data: dict, write):
    """Lock the project's row, judge `action` with what is recorded now, then `write()` and audit — or audit
    the refusal. Returns what `write` made."""
    try:
        with transaction.atomic():
            locked = Project.objects.select_for_update().select_related("owner_unit__jurisdiction").get(pk=project.pk)
            Project.objects.filter(pk=locked.pk).update(updated_at=timezone.now())  # SQLite: the write lock now
            today = local_today()
            case = Case(subject=locked, actor=actor, action=action, data={**data, **_sums(locked, data)}, on=today,
                        at=timezone.now())
            results = enforce(action, case, parameters_in_force(locked.owner_unit.jurisdiction, today))
            return write(locked, results)
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=project, reason=action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise


def _sums(project: Project, data: dict) -> dict:
    """The sums the money rules compare with, read under the lock."""
    contracted = Contract.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO
    paid = Payment.objects.filter(project=project)
    paid_total = paid.aggregate(s=Sum("amount"))["s"] or ZERO
    paid_on = data.get("paid_on")
    paid_in_year = (paid.filter(paid_on__year=paid_on.year).aggregate(s=Sum("amount"))["s"] or ZERO) if paid_on \
        else ZERO
    return {"contracted": contracted, "paid_total": paid_total, "paid_in_year": paid_in_year}


def procurement_record(*, actor, project: Project, data: dict[str, Any]) -> Procurement:
    """A tender or procurement (art. 13: never before approval)."""
    if not perms.has_perm("construction.record_procurement", actor, project):
        raise permission_denied(actor=actor, obj=project, action="procurement.record",
                                power_rule="art19.owner_unit_builds")
    values = clean_input(ProcurementForm, data)

    def write(locked, results):
        procurement = Procurement.objects.create(project=locked, recorded_by=actor, **{
            **values, "supplier": values["supplier"].strip(), "title": values["title"].strip()})
        audit_record(event_type=events.PROCUREMENT_RECORDED, actor=actor, obj=procurement, project_id=locked.pk,
                     after={**values}, rule_results=results)
        return procurement

    return _record("procurement.record", project, actor, {"amount": values["amount"] or ZERO,
                                                          "on": values["announced_on"]}, write)


def contract_record(*, actor, project: Project, data: dict[str, Any]) -> Contract:
    """A contract; the project's contracts together stay inside the approved estimate (art. 20)."""
    if not perms.has_perm("construction.record_contract", actor, project):
        raise permission_denied(actor=actor, obj=project, action="contract.record",
                                power_rule="art19.owner_unit_builds")
    values = clean_input(ContractForm, data)
    procurement = _of_project(Procurement, values.pop("procurement_id", None), project, "procurement_id",
                              _("须为本项目的采购"))

    def write(locked, results):
        contract = Contract.objects.create(project=locked, procurement=procurement, recorded_by=actor, **values)
        audit_record(event_type=events.CONTRACT_RECORDED, actor=actor, obj=contract, project_id=locked.pk,
                     after={**values, "procurement": procurement.pk if procurement else None}, rule_results=results)
        return contract

    return _record("contract.record", project, actor, {"amount": values["amount"], "on": values["signed_on"]},
                   write)


def payment_record(*, actor, project: Project, data: dict[str, Any]) -> Payment:
    """A payment: pre-work costs at any time (art. 13); any other only once approved (art. 13), for a project
    in the payment year's issued plan (art. 8), inside that year's budget and the approved estimate (art. 15).
    Two payments at once are judged one after the other: the second sees the first."""
    if not perms.has_perm("construction.record_payment", actor, project):
        raise permission_denied(actor=actor, obj=project, action="payment.record",
                                power_rule="art19.payment_recorders")
    values = clean_input(PaymentForm, data)
    contract = _of_project(Contract, values.pop("contract_id", None), project, "contract_id", _("须为本项目的合同"))

    def write(locked, results):
        payment = Payment.objects.create(project=locked, contract=contract, recorded_by=actor, **values)
        audit_record(event_type=events.PAYMENT_RECORDED, actor=actor, obj=payment, project_id=locked.pk,
                     after={**values, "contract": contract.pk if contract else None}, rule_results=results)
        return payment

    return _record("payment.record", project, actor,
                   {"amount": values["amount"], "paid_on": values["paid_on"], "prework": values["prework"],
                    "on": values["paid_on"]}, write)


# --- supervision (art. 19) -----------------------------------------------------------------------------------------


def _power(actor, permission: str, obj, action: str, rule: str) -> None:
    if not perms.has_perm(permission, actor, obj):
        raise permission_denied(actor=actor, obj=obj, action=action, power_rule=rule)


def pool_add(*, actor, jurisdiction, data: dict[str, Any]) -> SupervisionPoolEntry:
    """Name a qualified supervision firm for a year (art. 19: at most `supervision_pool_size.max` a year)."""
    from itgov.organizations.models import Unit

    _power(actor, "construction.manage_pool", None, "pool.add", "art19.drc_keeps_pool")
    values = clean_input(PoolEntryForm, data)
    firm = Unit.objects.filter(pk=values.pop("firm_id"), jurisdiction=jurisdiction).first()
    if firm is None:
        raise InvalidInput(fields={"firm_id": [_("须为本区登记的单位")]})
    try:
        with transaction.atomic():
            # The year's pool is counted under the jurisdiction's row lock: two DRC users cannot both add the last.
            type(jurisdiction).objects.select_for_update().filter(pk=jurisdiction.pk).update(
                updated_at=timezone.now())
            count = SupervisionPoolEntry.objects.filter(jurisdiction=jurisdiction, year=values["year"]).count()
            if SupervisionPoolEntry.objects.filter(jurisdiction=jurisdiction, year=values["year"],
                                                   firm=firm).exists():
                raise Conflict(_("该单位已在%(y)d年的备选监理单位中") % {"y": values["year"]})
            today = local_today()
            results = enforce("pool.add", Case(subject=jurisdiction, actor=actor, action="pool.add", data={
                **values, "firm": firm, "count": count}, on=today, at=timezone.now()),
                parameters_in_force(jurisdiction, today))
            entry = SupervisionPoolEntry.objects.create(jurisdiction=jurisdiction, firm=firm, recorded_by=actor, **{
                **values, "qualification": values["qualification"].strip(),
                "certificate_number": values["certificate_number"].strip()})
            audit_record(event_type=events.SUPERVISION_POOL_ADDED, actor=actor, obj=entry,
                         after={**values, "firm": firm.name}, rule_results=results)
    except RuleViolation as exc:  # audited after the rollback, as _record does
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=firm, reason="pool.add",
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise
    return entry


def pool_remove(*, actor, entry: SupervisionPoolEntry) -> None:
    """Take a firm out of a year's pool — only while no project has appointed it from that entry."""
    _power(actor, "construction.manage_pool", None, "pool.remove", "art19.drc_keeps_pool")
    with transaction.atomic():
        if entry.appointments.exists():
            raise Conflict(_("已有项目从该年度名单委托此监理单位,不能移出"))
        audit_record(event_type=events.SUPERVISION_POOL_REMOVED, actor=actor, obj=entry,
                     before={"year": entry.year, "firm": entry.firm.name})
        entry.delete()


def supervisor_appoint(*, actor, project: Project, data: dict[str, Any]) -> SupervisionAppointment:
    """The owner unit appoints the project's supervisor from the pool of the year it appoints (art. 19); the fee
    sits inside the approved estimate's supervision fee."""
    _power(actor, "construction.appoint_supervisor", project, "supervision.appoint", "art19.owner_unit_builds")
    values = clean_input(AppointmentForm, data)
    contract = _of_project(Contract, values.pop("contract_id", None), project, "contract_id", _("须为本项目的合同"))
    firm_id = values.pop("firm_id")
    entry = (SupervisionPoolEntry.objects.filter(jurisdiction=project.owner_unit.jurisdiction, firm_id=firm_id,
                                                 year=values["appointed_on"].year).select_related("firm").first())
    if entry is None and not SupervisionPoolEntry.objects.filter(firm_id=firm_id).exists():
        raise InvalidInput(fields={"firm_id": [_("须为备选监理单位")]})

    def write(locked, results):
        if SupervisionAppointment.objects.filter(project=locked).exists():
            raise Conflict(_("本项目已委托监理单位"))
        appointment = SupervisionAppointment.objects.create(project=locked, pool_entry=entry, firm=entry.firm,
                                                            contract=contract, recorded_by=actor, **values)
        audit_record(event_type=events.SUPERVISOR_APPOINTED, actor=actor, obj=appointment, project_id=locked.pk,
                     after={**values, "firm": entry.firm.name, "pool_year": entry.year,
                            "contract": contract.pk if contract else None}, rule_results=results)
        return appointment

    return _record("supervision.appoint", project, actor,
                   {"pool_entry": entry, "appointed_on": values["appointed_on"], "fee": values["fee"]}, write)


def supervision_report_file(*, actor, project: Project, data: dict[str, Any]) -> SupervisionReport:
    """The appointed supervisor reports on progress, quality, issues and recommendations (art. 19)."""
    _power(actor, "construction.report_supervision", project, "supervision.report", "art19.supervisor_reports")
    values = clean_input(SupervisionReportForm, data)
    if project.status not in BUILDING:
        raise Conflict(_("项目不在建设中(当前状态“%(s)s”),不能报送监理报告") % {"s": project.get_status_display()})
    appointment = SupervisionAppointment.objects.select_related("firm").get(project=project)
    with transaction.atomic():
        report = SupervisionReport.objects.create(project=project, firm=appointment.firm, filed_by=actor, **{
            k: v.strip() if isinstance(v, str) else v for k, v in values.items()})
        audit_record(event_type=events.SUPERVISION_REPORT_FILED, actor=actor, obj=report, project_id=project.pk,
                     after={**values, "firm": appointment.firm.name})
    return report


# --- performance monitoring, milestones, risk (art. 11, 19) ------------------------------------------------------

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _number(text: str) -> Decimal | None:
    """The number in an indicator's value ('≥ 95%' → 95, '1,200 件' → 1200); None when there is none or more
    than one."""
    found = NUMBER.findall((text or "").replace(",", "").replace(",", ""))
    return Decimal(found[0]) if len(found) == 1 else None


def deviation_of(target: str, actual: str) -> Decimal | None:
    """(actual − target) / target where both are numbers and the target is not zero."""
    t, a = _number(target), _number(actual)
    if t is None or a is None or t == 0:
        return None
    return ((a - t) / abs(t)).quantize(Decimal("0.0001"))


def _monitoring_values(baseline, rows) -> tuple[list[dict], dict]:
    if not isinstance(rows, list):
        return [], {"values": [_("须为列表")]}
    targets = baseline.performance_targets
    values, errors, seen = [], {}, set()
    for i, row in enumerate(rows):
        form = MonitoringValueForm(data=row if isinstance(row, dict) else {})
        if not isinstance(row, dict) or not form.is_valid():
            for name, errs in (form.errors.items() if isinstance(row, dict) else [("position", [_("须为对象")])]):
                errors[f"values.{i}.{name}"] = [str(e) for e in errs]
            continue
        unknown = sorted(set(row) - set(form.fields))
        for name in unknown:
            errors[f"values.{i}.{name}"] = [str(_("不允许的字段"))]
        position = form.cleaned_data["position"]
        if position >= len(targets):
            errors[f"values.{i}.position"] = [str(_("批复的绩效目标中没有第%(n)d项") % {"n": position + 1})]
            continue
        if position in seen:
            errors[f"values.{i}.position"] = [str(_("同一指标只能填写一次"))]
        seen.add(position)
        target = targets[position]
        values.append({"position": position, "category": target["category"], "indicator": target["indicator"],
                       "unit": target.get("unit", ""), "target": target["target"],
                       "actual": form.cleaned_data["actual"].strip(), "achieved": form.cleaned_data["achieved"],
                       "cause": form.cleaned_data["cause"].strip(),
                       "deviation": deviation_of(target["target"], form.cleaned_data["actual"])})
    missing = [i for i in range(len(targets)) if i not in seen]
    if missing and not errors:
        errors["values"] = [str(_("须填写全部%(n)d项绩效目标的实际值,缺第%(m)s项") % {
            "n": len(targets), "m": str(_("、")).join(str(i + 1) for i in missing)})]
    return values, errors


def monitoring_submit(*, actor, project: Project, data: dict[str, Any]) -> MonitoringReport:
    """A monitoring report: every target of the baseline with its actual value; the deviation of each is computed
    and a cause is required beyond the profile's tolerance (art. 19, 11)."""
    from itgov.approvals.selectors import current_baseline
    from itgov.rules.measures.ch4_construction import beyond_tolerance, tolerance_of

    _power(actor, "construction.submit_monitoring", project, "monitoring.submit", "art19.owner_unit_builds")
    rows = data.get("values")
    values = clean_input(MonitoringForm, {k: v for k, v in data.items() if k != "values"})
    if project.status not in BUILDING:
        raise Conflict(_("项目不在建设中(当前状态“%(s)s”),不能报送绩效监控") % {"s": project.get_status_display()})
    baseline = current_baseline(project)
    items, errors = _monitoring_values(baseline, rows if rows is not None else [])
    if errors:
        raise InvalidInput(fields=errors)

    def write(locked, results):
        if MonitoringReport.objects.filter(project=locked, period_end=values["period_end"]).exists():
            raise Conflict(_("该监控期(截至%(d)s)已报送") % {"d": values["period_end"]})
        tolerance = tolerance_of(parameters_in_force(locked.owner_unit.jurisdiction, local_today()))
        report = MonitoringReport.objects.create(project=locked, baseline=baseline, submitted_by=actor,
                                                 **{**values, "summary": values["summary"].strip()})
        MonitoringValue.objects.bulk_create([MonitoringValue(
            report=report, beyond=beyond_tolerance(v["deviation"], v["achieved"], tolerance), **v) for v in items])
        audit_record(event_type=events.MONITORING_REPORTED, actor=actor, obj=report, project_id=locked.pk,
                     after={**values, "values": items}, rule_results=results)
        refresh_risk(locked)
        return report

    return _record("monitoring.submit", project, actor, {"values": items}, write)


def milestone_record(*, actor, project: Project, milestone_id, data: dict[str, Any]) -> MilestoneActual:
    """The actual completion date of a milestone of the approved application."""
    from itgov.approvals.models import Milestone
    from itgov.approvals.selectors import current_baseline

    _power(actor, "construction.record_milestone", project, "milestone.record", "art19.owner_unit_builds")
    values = clean_input(MilestoneForm, data)
    if project.status not in BUILDING:
        raise Conflict(_("项目不在建设中(当前状态“%(s)s”),不能登记里程碑") % {"s": project.get_status_display()})
    baseline = current_baseline(project)
    milestone = Milestone.objects.filter(pk=milestone_id, application_id=baseline.application_id).first() \
        if baseline else None
    if milestone is None:
        raise NotFound()

    def write(locked, results):
        if MilestoneActual.objects.filter(milestone=milestone).exists():
            raise Conflict(_("该里程碑已登记完成日期"))
        actual = MilestoneActual.objects.create(milestone=milestone, project=locked, recorded_by=actor, **{
            **values, "note": values["note"].strip()})
        audit_record(event_type=events.MILESTONE_RECORDED, actor=actor, obj=actual, project_id=locked.pk,
                     after={**values, "milestone": milestone.name, "due_date": milestone.due_date},
                     rule_results=results)
        refresh_risk(locked)
        return actual

    return _record("milestone.record", project, actor, {}, write)


def risk_assess(*, actor, project: Project, data: dict[str, Any]) -> RiskAssessment:
    """DRC's assessment, 1 (high risk) to 5 (low); the overall rating follows (IT Dashboard)."""
    _power(actor, "construction.assess_risk", project, "risk.assess", "art19.drc_assesses")
    values = clean_input(RiskAssessmentForm, data)
    if project.status not in BUILDING:
        raise Conflict(_("项目不在建设中(当前状态“%(s)s”),不评估建设风险") % {"s": project.get_status_display()})
    with transaction.atomic():
        assessment = RiskAssessment.objects.create(project=project, assessed_by=actor, **{
            **values, "comment": values["comment"].strip()})
        audit_record(event_type=events.RISK_ASSESSED, actor=actor, obj=assessment, project_id=project.pk,
                     after=values)
        refresh_risk(project)
    return assessment


def refresh_risk(project: Project, today=None) -> RiskRating:
    """Recompute the project's ratings and flags; propose an incident (art. 21) where slippage or cost variance
    crosses the profile's thresholds and none of that kind is open."""
    today = today or local_today()
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    figures = selectors.control_figures(project, params, today)
    rating, _created = RiskRating.objects.update_or_create(project=project, defaults={
        key: figures[key] for key in ("cost_variance", "cost_rating", "schedule_variance", "schedule_rating",
                                      "drc_rating", "overall", "level", "flags")} | {"computed_on": today})
    if project.status == ProjectStatus.IN_CONSTRUCTION:
        _propose_incidents(project, figures, params)
    return rating


def _propose_incidents(project: Project, figures: dict, params: dict) -> None:
    checks = (
        (IncidentKind.SERIOUS_DELAY, "incident_schedule_slippage", figures["schedule_variance"],
         _("系统预警:里程碑最大延误达计划工期的 %(v)s%%,达到预警线 %(t)s%%")),
        (IncidentKind.MAJOR_LOSS, "incident_cost_overrun", figures["cost_variance"],
         _("系统预警:预计完工总投资超出核定概算 %(v)s%%,达到预警线 %(t)s%%")),
    )
    for kind, name, value, text in checks:
        threshold = params.get(name)
        if threshold is None or value is None or value < Decimal(str(threshold)):
            continue
        if Incident.objects.filter(project=project, kind=kind, status__in=(IncidentStatus.OPEN,
                                                                             IncidentStatus.RECTIFYING)).exists():
            continue
        incident = Incident.objects.create(
            project=project, kind=kind, source=IncidentSource.SYSTEM,
            description=str(text % {"v": f"{value * 100:.2f}", "t": f"{Decimal(str(threshold)) * 100:.0f}"}),
            measure={"parameter": name, "value": f"{value}", "threshold": str(threshold)})
        audit_record(event_type=events.INCIDENT_PROPOSED, actor=None, obj=incident, project_id=project.pk,
                     after={"kind": kind, **incident.measure})


def refresh_all_risks(today=None) -> int:
    """Each night: slippage grows with the days, and monitoring falls due."""
    count = 0
    for project in Project.objects.filter(status__in=BUILDING).select_related("owner_unit__jurisdiction"):
        with transaction.atomic():
            refresh_risk(project, today)
        count += 1
    return count


# --- change control (art. 20) --------------------------------------------------------------------------------------


def change_submit(*, actor, project: Project, data: dict[str, Any]) -> ChangeRequest:
    """A change request, compared with the baseline in force and classified (art. 20): re-approval sends the
    project back to initiation with a new application; the change procedure waits for DRC; a schedule-only
    change is recorded at once."""
    from itgov.approvals.selectors import current_baseline
    from itgov.rules.measures.ch4_construction import classify_change

    _power(actor, "construction.submit_change", project, "change.submit", "art19.owner_unit_builds")
    values = clean_input(ChangeForm, data)
    if project.status not in BUILDING:
        raise Conflict(_("项目不在建设中(当前状态“%(s)s”),不能提出变更") % {"s": project.get_status_display()})
    baseline = current_baseline(project)
    proposed = values["proposed_estimate"]
    increase = (proposed - baseline.approved_estimate) if proposed is not None else ZERO
    if proposed is not None and proposed == selectors.effective_estimate(project, baseline):
        raise InvalidInput(fields={"proposed_estimate": [_("与现行核定概算相同,不构成概算变更")]})
    # Truncated, never rounded up: 9.9999991% is not 10% (art. 20 counts from 10%, inclusive).
    ratio = (increase / baseline.approved_estimate).quantize(Decimal("0.000001"), rounding=ROUND_DOWN) \
        if increase > 0 else Decimal(0)
    params = parameters_in_force(project.owner_unit.jurisdiction, local_today())
    classification = classify_change(values["kinds"], ratio, params)
    fields = {**values, "description": values["description"].strip(), "reason": values["reason"].strip(),
              "increase": increase, "increase_ratio": ratio, "classification": classification}
    if classification == ChangeClass.REAPPROVAL:
        transition(project, REAPPROVAL, actor=actor, data={"change": fields, "baseline": baseline})
        return ChangeRequest.objects.filter(project=project).order_by("-number").first()

    def write(locked, results):
        status = ChangeStatus.RECORDED if classification == ChangeClass.SCHEDULE_ONLY else ChangeStatus.SUBMITTED
        change = _create_change(locked, baseline, actor, fields, status)
        audit_record(event_type=events.CHANGE_SUBMITTED, actor=actor, obj=change, project_id=locked.pk,
                     after={**fields, "status": status, "number": change.number}, rule_results=results)
        refresh_risk(locked)
        return change

    return _record("change.submit", project, actor, {}, write)


def _create_change(project: Project, baseline, actor, fields: dict, status: str) -> ChangeRequest:
    number = (ChangeRequest.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    return ChangeRequest.objects.create(project=project, baseline=baseline, number=number, submitted_by=actor,
                                        status=status, **fields)


def after_reapproval(project: Project, actor, data: dict) -> None:
    """The change request (re-approval) and the new application: a copy of the approved one, to be edited,
    given its reports again and submitted; its approval fixes the next baseline version."""
    from itgov.approvals.selectors import current_application

    change = _create_change(project, data["baseline"], actor, data["change"], ChangeStatus.REAPPROVAL)
    audit_record(event_type=events.CHANGE_SUBMITTED, actor=actor, obj=change, project_id=project.pk,
                 after={**data["change"], "status": change.status, "number": change.number})
    previous = current_application(project)
    copy = _copy_application(previous, actor)
    audit_record(event_type=events.APPLICATION_SAVED, actor=actor, obj=copy, project_id=project.pk,
                 after={"number": copy.number, "copied_from": previous.number, "change": change.number})
    refresh_risk(project)


def _copy_application(previous, actor):
    from itgov.approvals.models import InitiationApplication

    rows = {name: list(getattr(previous, name).all()) for name in ("milestones", "performance_targets",
                                                                    "data_resources")}
    scalars = {f.name: getattr(previous, f.name) for f in InitiationApplication._meta.concrete_fields
               if f.name not in ("id", "project", "number", "created_at", "updated_at", "created_by", "submitted_at",
                                 "decision", "decision_reason", "decided_at", "version")}
    copy = InitiationApplication.objects.create(project=previous.project, number=previous.number + 1,
                                                created_by=actor, **scalars)
    for items in rows.values():
        for item in items:
            item.pk, item.application = None, copy
        if items:
            type(items[0]).objects.bulk_create(items)
    return copy


def change_decide(*, actor, project: Project, change: ChangeRequest, data: dict[str, Any],
                  expected_version: int | None = None) -> ChangeRequest:
    """DRC approves or refuses a change in the change procedure (art. 20). An approved change of the estimate
    is the estimate the project is held to from then on."""
    _power(actor, "construction.decide_change", project, "change.decide", "art20.drc_decides_change")
    values = clean_input(DecisionForm, data)
    try:
        with transaction.atomic():
            locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
            if expected_version is not None and locked.version != expected_version:
                raise Conflict(_("变更申请已被他人处理(当前版本%(v)d),请刷新后重试") % {"v": locked.version})
            if locked.status != ChangeStatus.SUBMITTED:
                raise Conflict(_("变更申请当前状态“%(s)s”,不能审批") % {"s": locked.get_status_display()})
            today = local_today()
            results = enforce("change.decide", Case(
                subject=project, actor=actor, action="change.decide", on=today,
                data={"change": locked, "decision": values["decision"]}),
                parameters_in_force(project.owner_unit.jurisdiction, today))
            status = ChangeStatus.APPROVED if values["decision"] == "approve" else ChangeStatus.REFUSED
            updated = ChangeRequest.objects.filter(pk=locked.pk, version=locked.version,
                                                   status=ChangeStatus.SUBMITTED).update(
                status=status, decided_by=actor, decided_at=timezone.now(),
                decision_reason=values["reason"].strip(), version=F("version") + 1)
            if updated != 1:
                raise Conflict()
            fresh = ChangeRequest.objects.get(pk=locked.pk)
            audit_record(event_type=events.CHANGE_DECIDED, actor=actor, obj=fresh, project_id=project.pk,
                         before={"status": locked.status}, after={"status": status, "reason": fresh.decision_reason},
                         rule_results=results)
            refresh_risk(Project.objects.select_related("owner_unit__jurisdiction").get(pk=project.pk))
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=change, reason="change.decide",
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise
    return fresh


# --- incidents, rectification, suspension (art. 21) -------------------------------------------------------------


def incident_report(*, actor, project: Project, data: dict[str, Any]) -> Incident:
    """The unit reports a serious delay, a major loss or another major problem to DRC (art. 21)."""
    _power(actor, "construction.report_incident", project, "incident.report", "art21.owner_unit_reports")
    values = clean_input(IncidentForm, data)
    if project.status not in BUILDING:
        raise Conflict(_("项目不在建设中(当前状态“%(s)s”)") % {"s": project.get_status_display()})
    with transaction.atomic():
        incident = Incident.objects.create(project=project, source=IncidentSource.UNIT, reported_by=actor,
                                           kind=values["kind"], description=values["description"].strip())
        audit_record(event_type=events.INCIDENT_REPORTED, actor=actor, obj=incident, project_id=project.pk,
                     after=values)
        refresh_risk(project)
    return incident


def _incident_of(project: Project, pk) -> Incident | None:
    return _of_project(Incident, pk, project, "incident_id", _("须为本项目的问题报告"))


def _set_incident(incident: Incident | None, status: str, actor, note: str = "") -> None:
    if incident is not None and incident.status in (IncidentStatus.OPEN, IncidentStatus.RECTIFYING):
        Incident.objects.filter(pk=incident.pk).update(status=status, handled_by=actor, handled_at=timezone.now(),
                                                       handling_note=note or incident.handling_note,
                                                       version=F("version") + 1)


def incident_dismiss(*, actor, project: Project, incident: Incident, data: dict[str, Any]) -> Incident:
    """A proposed or reported problem that calls for no measure (reasons recorded)."""
    _power(actor, "construction.order_rectification", project, "incident.dismiss", "art21.competent_bureaus")
    values = clean_input(ReasonForm, data)
    with transaction.atomic():
        updated = Incident.objects.filter(pk=incident.pk, status=IncidentStatus.OPEN).update(
            status=IncidentStatus.DISMISSED, handled_by=actor, handled_at=timezone.now(),
            handling_note=values["reason"].strip(), version=F("version") + 1)
        if updated != 1:
            raise Conflict(_("该问题已处理"))
        audit_record(event_type=events.INCIDENT_DISMISSED, actor=actor, obj=incident, project_id=project.pk,
                     after={"reason": values["reason"].strip()})
        refresh_risk(project)
    incident.refresh_from_db()
    return incident


def rectification_order(*, actor, project: Project, data: dict[str, Any]) -> RectificationOrder:
    """DRC or Finance orders the unit to rectify by a deadline (art. 21)."""
    _power(actor, "construction.order_rectification", project, "rectification.order", "art21.competent_bureaus")
    values = clean_input(RectificationOrderForm, data)
    incident = _incident_of(project, values.pop("incident_id", None))
    if project.status not in BUILDING:
        raise Conflict(_("项目不在建设中(当前状态“%(s)s”)") % {"s": project.get_status_display()})
    with transaction.atomic():
        order = RectificationOrder.objects.create(project=project, incident=incident, ordered_by=actor, **{
            **values, "requirements": values["requirements"].strip()})
        _set_incident(incident, IncidentStatus.RECTIFYING, actor)
        audit_record(event_type=events.RECTIFICATION_ORDERED, actor=actor, obj=order, project_id=project.pk,
                     after={**values, "incident": incident.pk if incident else None})
        refresh_risk(project)
    return order


def rectification_respond(*, actor, project: Project, order: RectificationOrder, data: dict[str, Any],
                          expected_version: int | None = None) -> RectificationOrder:
    """The unit reports what it did (allowed while suspended: rectifying is what a suspended project does)."""
    _power(actor, "construction.respond_rectification", project, "rectification.respond",
           "art21.owner_unit_reports")
    values = clean_input(RectificationResponseForm, data)
    return _move_order(order, actor, expected_version, RectificationStatus.ORDERED, events.RECTIFICATION_RESPONDED,
                       {"status": RectificationStatus.SUBMITTED, "response": values["response"].strip(),
                        "responded_by": actor, "responded_at": timezone.now()})


def rectification_review(*, actor, project: Project, order: RectificationOrder, data: dict[str, Any],
                         expected_version: int | None = None) -> RectificationOrder:
    """The bureau closes the order, or sends it back for more rectification (the deadline stands)."""
    _power(actor, "construction.order_rectification", project, "rectification.review", "art21.competent_bureaus")
    values = clean_input(RectificationReviewForm, data)
    status = RectificationStatus.CLOSED if values["accept"] else RectificationStatus.ORDERED
    changes = {"status": status, "review_note": values["note"].strip()}
    if values["accept"]:
        changes.update(closed_by=actor, closed_at=timezone.now())
    return _move_order(order, actor, expected_version, RectificationStatus.SUBMITTED, events.RECTIFICATION_REVIEWED,
                       changes, close_incident=values["accept"])


def _move_order(order, actor, expected_version, source: str, event_type: str, changes: dict, *,
                close_incident: bool = False) -> RectificationOrder:
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the outer join to the incident
        locked = RectificationOrder.objects.select_for_update(of=("self",)).select_related("incident").get(pk=order.pk)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(_("整改通知已被他人处理(当前版本%(v)d),请刷新后重试") % {"v": locked.version})
        if locked.status != source:
            raise Conflict(_("整改通知当前状态“%(s)s”,不能执行此操作") % {"s": locked.get_status_display()})
        updated = RectificationOrder.objects.filter(pk=locked.pk, version=locked.version, status=source).update(
            version=F("version") + 1, **changes)
        if updated != 1:
            raise Conflict()
        if close_incident and locked.incident and not locked.incident.rectifications.exclude(
                pk=locked.pk).exclude(status=RectificationStatus.CLOSED).exists():
            _set_incident(locked.incident, IncidentStatus.CLOSED, actor, changes.get("review_note", ""))
        fresh = RectificationOrder.objects.select_related("project__owner_unit__jurisdiction").get(pk=locked.pk)
        audit_record(event_type=event_type, actor=actor, obj=fresh, project_id=fresh.project_id,
                     before={"status": source}, after={k: v for k, v in changes.items() if k in (
                         "status", "response", "review_note")})
        refresh_risk(fresh.project)
    return fresh


def construction_suspend(*, actor, project: Project, data: dict[str, Any],
                         expected_version: int | None = None) -> Project:
    """DRC or Finance suspends construction (art. 21): the project can then do nothing but rectify."""
    _power(actor, SUSPEND.permission, project, SUSPEND.action, SUSPEND.power_rule)
    values = clean_input(SuspendForm, data)
    incident = _incident_of(project, values.get("incident_id"))
    return transition(project, SUSPEND, actor=actor, expected_version=expected_version,
                      data={"reason": values["reason"].strip(), "incident": incident})


def construction_resume(*, actor, project: Project, data: dict[str, Any],
                        expected_version: int | None = None) -> Project:
    """Resuming is a recorded decision with its reasons."""
    _power(actor, RESUME.permission, project, RESUME.action, RESUME.power_rule)
    values = clean_input(ReasonForm, data)
    return transition(project, RESUME, actor=actor, expected_version=expected_version,
                      data={"reason": values["reason"].strip()})


def after_suspend(project: Project, actor, data: dict) -> None:
    ConstructionSuspension.objects.create(project=project, incident=data.get("incident"), reason=data["reason"],
                                          suspended_at=timezone.now(), suspended_by=actor)
    refresh_risk(project)


def after_resume(project: Project, actor, data: dict) -> None:
    ConstructionSuspension.objects.filter(project=project, resumed_at__isnull=True).update(
        resumed_at=timezone.now(), resumed_by=actor, resume_reason=data["reason"])
    refresh_risk(project)
