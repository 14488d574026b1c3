"""Writes of the annual investment plan (art. 8–9) and its adjustments (art. 10). Every write checks the
power (403), the state and version (409), the rules with the profile in force (422) and is audited in its own
transaction; status changes go through the engine (core.workflow)."""

from __future__ import annotations

from typing import Any

import rules as perms
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from itgov.core.workflow import permission_denied, transition
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, enforce, enforce_rule, evaluate, get_rule

from .allocation import allocate
from .choices import AdjustmentKind, LineStatus, PlanStatus
from .forms import (
    AdjustmentForm,
    AdjustmentItemForm,
    AnnualPlanForm,
    AnnualPlanUpdateForm,
    PlanLineAddForm,
    PlanLineForm,
)
from .models import AdjustmentItem, AnnualPlan, DeclarationLine, DeclarationRound, PlanAdjustment, PlanLine
from .plan_selectors import class_history
from .plan_workflow import ADJUSTMENT_TRANSITIONS, PLAN_TRANSITIONS
from .services import _errors, _jurisdiction

LINE_FIELDS = ("plan_class", "amount", "prework_amount", "priority", "must_start_reason", "skip_reason", "note")
MAX_ADJUSTMENT_ITEMS = 500


def _power(actor, perm: str, obj, action: str, rule: str, target=None):
    if not perms.has_perm(perm, actor, target if target is not None else obj):
        raise permission_denied(actor=actor, obj=obj, action=action, power_rule=rule)


def _check(action: str, plan: AnnualPlan, actor, data: dict | None = None, *, project_id: int | None = None
           ) -> list[dict]:
    """The rules bound to `action` on `plan` (with the profile in force today); a refusal is audited."""
    case = Case(subject=plan, actor=actor, action=action, data=data or {}, on=local_today(), at=timezone.now())
    try:
        return enforce(action, case, parameters_in_force(plan.jurisdiction, case.on))
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=plan, reason=action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}],
                         project_id=project_id)
        raise


def _cas(model, obj, expected_version: int | None, **changes) -> None:
    version = obj.version if expected_version is None else expected_version
    if model.objects.filter(pk=obj.pk, version=version).update(version=F("version") + 1, **changes) != 1:
        raise Conflict(_("对象已被他人修改,请刷新后重试"))


def _touch_draft(plan: AnnualPlan, expected_version: int | None = None) -> None:
    """Lock the plan's row for an edit of its lines: it must still be a draft (and at `expected_version`, when
    given). Lines carry their own versions; the plan's changes only with its own fields and status."""
    qs = AnnualPlan.objects.filter(pk=plan.pk, status=PlanStatus.DRAFT)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if qs.update(updated_at=timezone.now()) != 1:
        raise Conflict(_("计划已被他人修改或已不在编制中,请刷新后重试"))


def _line_snapshot(line: PlanLine) -> dict[str, Any]:
    return {"project": line.project_id, "line_type": line.line_type,
            **{name: getattr(line, name) for name in LINE_FIELDS}}


# --- the draft -------------------------------------------------------------------------------------------


def annual_plan_create(*, actor, data: dict[str, Any]) -> AnnualPlan:
    _power(actor, "planning.compile_plan", None, "plan.create", "art8.drc_finance_compile")
    form = AnnualPlanForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    jurisdiction = _jurisdiction()
    year = form.cleaned_data["year"]
    if AnnualPlan.objects.filter(jurisdiction=jurisdiction, year=year, status=PlanStatus.ISSUED).exists():
        raise Conflict(_("%(y)d年度投资计划已经下达;增补或调整须提出调整申请(第十条)") % {"y": year})
    try:
        with transaction.atomic():
            plan = AnnualPlan.objects.create(jurisdiction=jurisdiction, year=year, created_by=actor,
                                             capacity=form.cleaned_data["capacity"], note=form.cleaned_data["note"])
            audit_record(event_type=events.PLAN_CREATED, actor=actor, obj=plan,
                         after={"year": year, "edition": plan.edition, "capacity": plan.capacity})
    except IntegrityError:
        raise Conflict(_("%(y)d年度投资计划已在编制中") % {"y": year}) from None
    return plan


def annual_plan_update(*, actor, plan: AnnualPlan, data: dict[str, Any], expected_version: int | None = None
                       ) -> AnnualPlan:
    """Capacity and note of a draft; fields left out keep their values."""
    _power(actor, "planning.compile_plan", plan, "plan.update", "art8.drc_finance_compile")
    current = {"capacity": plan.capacity, "note": plan.note}
    form = AnnualPlanUpdateForm(data={**{k: ("" if v is None else v) for k, v in current.items()}, **data})
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    results = _check("plan.update", plan, actor)
    with transaction.atomic():
        _cas(AnnualPlan, plan, expected_version, updated_at=timezone.now(), **form.cleaned_data)
        fresh = AnnualPlan.objects.select_related("jurisdiction").get(pk=plan.pk)
        audit_record(event_type=events.PLAN_CHANGED, actor=actor, obj=fresh, before=current,
                     after={k: getattr(fresh, k) for k in current}, rule_results=results)
    return fresh


def annual_plan_compile(*, actor, plan: AnnualPlan) -> int:
    """Art. 8: a line for each declared line of the year's round not in the draft yet, with the declared
    class and amount (a C line's money as pre-work). Returns how many lines were added."""
    _power(actor, "planning.compile_plan", plan, "plan.compile", "art8.drc_finance_compile")
    results = _check("plan.compile", plan, actor)
    rnd = DeclarationRound.objects.filter(jurisdiction=plan.jurisdiction, year=plan.year).first()
    if rnd is None:
        raise Conflict(_("%(y)d年度尚未发起集中申报,没有可汇总的申报") % {"y": plan.year})
    present = set(plan.lines.values_list("project_id", "line_type"))
    declared = (DeclarationLine.objects.filter(round=rnd, status=LineStatus.DECLARED, project__classified=False)
                .order_by("unit__code", "id").values_list("id", "project_id", "project__owner_unit_id", "line_type",
                                                          "proposed_class", "requested_amount"))
    new = [PlanLine(plan=plan, project_id=project_id, unit_id=unit_id, line_type=line_type, plan_class=plan_class,
                    requested_amount=amount, amount=amount, prework_amount=amount if plan_class == "C" else 0,
                    declaration_id=line_id)
           for line_id, project_id, unit_id, line_type, plan_class, amount in declared
           if (project_id, line_type) not in present]
    with transaction.atomic():
        _touch_draft(plan)
        PlanLine.objects.bulk_create(new, batch_size=500)
        audit_record(event_type=events.PLAN_COMPILED, actor=actor, obj=plan,
                     after={"round": rnd.year, "added": len(new), "projects": [line.project_id for line in new]},
                     rule_results=results)
    return len(new)


def _line_form_data(line: PlanLine | None, data: dict[str, Any]) -> dict[str, Any]:
    current = {} if line is None else {name: getattr(line, name) for name in LINE_FIELDS}
    return {**current, **data}


def plan_line_add(*, actor, plan: AnnualPlan, data: dict[str, Any]) -> PlanLine:
    from itgov.projects.selectors import access_project_by_id

    _power(actor, "planning.compile_plan", plan, "plan.line.add", "art8.drc_finance_compile")
    form = PlanLineAddForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    cd = form.cleaned_data
    try:
        project = access_project_by_id(actor, cd["project_id"])
    except NotFound:
        raise InvalidInput(fields={"project_id": [_("项目不存在或无权查看")]}) from None
    line = PlanLine(plan=plan, project=project, unit_id=project.owner_unit_id, line_type=cd["line_type"],
                    requested_amount=cd["requested_amount"] if cd["requested_amount"] is not None else cd["amount"],
                    **{name: cd[name] for name in LINE_FIELDS})
    results = _check("plan.line.add", plan, actor, {"lines": [line], "line": line}, project_id=project.pk)
    try:
        with transaction.atomic():
            _touch_draft(plan)
            line.save()
            audit_record(event_type=events.PLAN_LINE_ADDED, actor=actor, obj=line, project_id=project.pk,
                         after=_line_snapshot(line), rule_results=results)
    except IntegrityError:
        raise Conflict(_("该项目已有同类计划事项")) from None
    return line


def plan_line_update(*, actor, line: PlanLine, data: dict[str, Any], expected_version: int | None = None
                     ) -> PlanLine:
    plan = line.plan
    _power(actor, "planning.compile_plan", plan, "plan.line.update", "art8.drc_finance_compile")
    form = PlanLineForm(data=_line_form_data(line, data))
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    before = _line_snapshot(line)
    for name in LINE_FIELDS:
        setattr(line, name, form.cleaned_data[name])
    results = _check("plan.line.update", plan, actor, {"lines": [line]}, project_id=line.project_id)
    with transaction.atomic():
        _touch_draft(plan)  # the plan's row is the lock: a line edit and a status change cannot interleave
        _cas(PlanLine, line, expected_version, **{name: getattr(line, name) for name in LINE_FIELDS})
        fresh = PlanLine.objects.select_related("project", "unit", "plan__jurisdiction").get(pk=line.pk)
        audit_record(event_type=events.PLAN_LINE_CHANGED, actor=actor, obj=fresh, project_id=fresh.project_id,
                     before=before, after=_line_snapshot(fresh), rule_results=results)
    return fresh


def plan_line_delete(*, actor, line: PlanLine, expected_version: int | None = None) -> None:
    plan = line.plan
    _power(actor, "planning.compile_plan", plan, "plan.line.delete", "art8.drc_finance_compile")
    results = _check("plan.line.delete", plan, actor, project_id=line.project_id)
    with transaction.atomic():
        _touch_draft(plan)
        version = line.version if expected_version is None else expected_version
        before = _line_snapshot(line)
        audit_record(event_type=events.PLAN_LINE_REMOVED, actor=actor, obj=line, project_id=line.project_id,
                     before=before, rule_results=results)
        if PlanLine.objects.filter(pk=line.pk, version=version).delete()[0] != 1:
            raise Conflict(_("对象已被他人修改,请刷新后重试"))


# --- the allocation helper ---------------------------------------------------------------------------------


def plan_allocation(*, actor, plan: AnnualPlan):
    """The helper's proposal for the B lines (art. 9), explained line by line; nothing is written."""
    _power(actor, "planning.compile_plan", plan, "plan.allocate", "art8.drc_finance_compile")
    if plan.capacity is None:
        raise InvalidInput(fields={"capacity": [_("请先填写财政承受能力")]})
    lines = list(PlanLine.objects.filter(plan=plan).only("pk", "plan_class", "amount", "requested_amount",
                                                         "priority"))
    return allocate(plan.capacity, lines)


def plan_allocate(*, actor, plan: AnnualPlan, expected_version: int | None = None):
    """Write the helper's proposal: each B line's amount as proposed (0 for a line that waits)."""
    allocation = plan_allocation(actor=actor, plan=plan)
    results = _check("plan.allocate", plan, actor)
    by_id = {d.line_id: d for d in allocation.decisions}
    with transaction.atomic():
        _touch_draft(plan, expected_version)
        lines = list(PlanLine.objects.filter(pk__in=list(by_id)))
        for line in lines:
            line.amount = by_id[line.pk].proposed
            line.prework_amount = min(line.prework_amount, line.amount)
            line.version += 1
        PlanLine.objects.bulk_update(lines, ["amount", "prework_amount", "version"], batch_size=500)
        audit_record(event_type=events.PLAN_ALLOCATED, actor=actor, obj=plan, rule_results=results,
                     after={"available": allocation.available, "funded": allocation.funded_total,
                            "lines": [[d.line_id, d.proposed] for d in allocation.decisions]})
    return allocation


# --- status ------------------------------------------------------------------------------------------------


def _require_reason(t, data: dict[str, Any]) -> None:
    if t.needs_reason and not str(data.get("reason") or "").strip():
        raise InvalidInput(fields={"reason": [_("必填")]})


def plan_transition(*, actor, plan: AnnualPlan, name: str, data: dict[str, Any] | None = None,
                    expected_version: int | None = None) -> AnnualPlan:
    t = PLAN_TRANSITIONS.get(name)
    if t is None:
        raise InvalidInput(fields={"action": [_("未知操作")]})
    data = data or {}
    _require_reason(t, data)
    if len(str(data.get("document_number") or "")) > 60:
        raise InvalidInput(fields={"document_number": [_("不得超过60个字符")]})
    return transition(plan, t, actor=actor, data=data, expected_version=expected_version)


def mark_projects_planned(plan: AnnualPlan, actor) -> None:
    """LIFECYCLE: a reserve project with a construction line in an issued plan is planned."""
    from itgov.projects.models import Project

    ids = list(plan.lines.filter(line_type="construction", project__status="in_reserve")
               .values_list("project_id", flat=True))
    for project in Project.objects.filter(pk__in=ids, status="in_reserve"):
        if Project.objects.filter(pk=project.pk, version=project.version, status="in_reserve").update(
                status="planned", version=F("version") + 1, updated_at=timezone.now()) == 1:
            audit_record(event_type=events.PROJECT_PLANNED, actor=actor, obj=project,
                         before={"status": "in_reserve"}, after={"status": "planned", "plan": plan.pk,
                                                                 "year": plan.year, "edition": plan.edition})


# --- adjustments (art. 10) ---------------------------------------------------------------------------------


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    raw = data.get("items")
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(fields={"items": [_("至少填写一个调整事项")]})
    if len(raw) > MAX_ADJUSTMENT_ITEMS:
        raise InvalidInput(fields={"items": [_("调整事项不得超过%(n)d个") % {"n": MAX_ADJUSTMENT_ITEMS}]})
    errors, items, seen = {}, [], set()
    for i, row in enumerate(raw):
        form = AdjustmentItemForm(data=row if isinstance(row, dict) else {})
        if not form.is_valid():
            errors.update({f"items.{i}.{k}": v for k, v in _errors(form).items()})
            continue
        key = (form.cleaned_data["project_id"], form.cleaned_data["line_type"])
        if key in seen:
            errors[f"items.{i}.project_id"] = [_("同一项目的同类事项只能出现一次")]
        seen.add(key)
        items.append(form.cleaned_data)
    if errors:
        raise InvalidInput(fields=errors)
    return items


def prospective_lines(base: AnnualPlan, items) -> list[PlanLine]:
    """The lines of the edition `items` would make from `base` (unsaved)."""
    lines = {(line.project_id, line.line_type): line
             for line in base.lines.select_related("project", "unit").order_by("id")}
    out = {}
    for key, line in lines.items():
        out[key] = PlanLine(plan=None, project=line.project, unit=line.unit, line_type=line.line_type,
                            declaration_id=line.declaration_id, requested_amount=line.requested_amount,
                            **{name: getattr(line, name) for name in LINE_FIELDS})
    for item in items:
        key = (item.project_id, item.line_type)
        if item.remove:
            out.pop(key, None)
            continue
        line = out.get(key) or PlanLine(project=item.project, unit_id=item.project.owner_unit_id,
                                        line_type=item.line_type)
        line.plan_class, line.amount, line.prework_amount = item.plan_class, item.amount, item.prework_amount
        line.requested_amount = item.amount
        line.skip_reason = item.skip_reason or line.skip_reason
        line.must_start_reason = item.must_start_reason or line.must_start_reason
        out[key] = line
    return list(out.values())


def _prospective_case_data(base: AnnualPlan, adjustment: PlanAdjustment, items) -> tuple[AnnualPlan, dict]:
    capacity = adjustment.new_capacity if adjustment.new_capacity is not None else base.capacity
    plan = AnnualPlan(jurisdiction=base.jurisdiction, year=base.year, edition=base.edition + 1,
                      status=PlanStatus.DRAFT, capacity=capacity)
    lines = prospective_lines(base, items)
    history = class_history(base.jurisdiction_id, base.year, [line.project_id for line in lines])
    return plan, {"lines": lines, "capacity": capacity, "history": history}


def _eligible(item, actor, adjustment, base_keys) -> dict[str, str]:
    """An item adding a line names a project that may have one (art. 7, 8); a unit's item names its own."""
    from itgov.access.scoping import is_owner_user

    fields = {}
    if adjustment.kind == AdjustmentKind.CHANGE and not is_owner_user(actor, item.project):
        fields[f"items.{item.project_id}.project_id"] = _("不是本单位的项目")
    if (item.project_id, item.line_type) not in base_keys and not item.remove:
        outcome = evaluate(get_rule("art8.declared_project_eligible"),
                           Case(subject=item, actor=actor, action="adjustment.apply"), {})
        if outcome.status == "violated":
            fields.update({f"items.{item.project_id}.{k}": v for k, v in outcome.fields.items()} or
                          {f"items.{item.project_id}.project_id": outcome.reason})
    elif item.remove and (item.project_id, item.line_type) not in base_keys:
        fields[f"items.{item.project_id}.remove"] = _("该项目不在计划中")
    return fields


def adjustment_apply(*, actor, plan: AnnualPlan, data: dict[str, Any]) -> PlanAdjustment:
    """Art. 10 step 1: a unit applies to add or change lines of the issued edition (or DRC proposes the
    mid-year release of A's surplus to B lines, art. 9)."""
    from itgov.projects.models import Project

    form = AdjustmentForm(data=data)
    kind = form.data.get("kind") or AdjustmentKind.CHANGE
    probe = PlanAdjustment(plan=plan, kind=kind if kind in AdjustmentKind.values else AdjustmentKind.CHANGE,
                           unit=getattr(actor, "unit", None))
    _power(actor, "planning.apply_adjustment", plan, "adjustment.apply", "art10.unit_applies", target=probe)
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    raw_items = _items(data)
    if plan.status != PlanStatus.ISSUED:  # the edition in force first: nothing else matters on another one
        try:
            enforce_rule("art10.adjustment_on_current_edition", Case(subject=probe, action="adjustment.apply"))
        except RuleViolation as exc:
            audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=plan, reason="adjustment.apply",
                             rule_results=exc.violations)
            raise
    projects = {p.pk: p for p in Project.objects.filter(pk__in=[i["project_id"] for i in raw_items],
                                                        classified=False).select_related("owner_unit")}
    missing = {f"items.{i}.project_id": [_("项目不存在或无权查看")]
               for i, row in enumerate(raw_items) if row["project_id"] not in projects}
    if missing:
        raise InvalidInput(fields=missing)
    adjustment = PlanAdjustment(plan=plan, kind=form.cleaned_data["kind"], unit=probe.unit,
                                reason=form.cleaned_data["reason"], new_capacity=form.cleaned_data["new_capacity"],
                                applied_by=actor)
    if adjustment.kind == AdjustmentKind.RELEASE:
        adjustment.unit = None
    items = [AdjustmentItem(project=projects[row["project_id"]], line_type=row["line_type"],
                            remove=bool(row["remove"]), plan_class=row["plan_class"] or "",
                            amount=row["amount"] or 0, prework_amount=row["prework_amount"] or 0,
                            skip_reason=row["skip_reason"], must_start_reason=row["must_start_reason"])
             for row in raw_items]
    base_lines = list(plan.lines.all())
    base_keys = {(line.project_id, line.line_type) for line in base_lines}
    fields = {}
    for item in items:
        fields.update(_eligible(item, actor, adjustment, base_keys))
    if fields:
        rule = get_rule("art10.unit_applies" if adjustment.kind == AdjustmentKind.CHANGE
                        else "art9.release_to_b")
        raise InvalidInput(_("%(message)s(%(article)s)") % {"message": rule.message, "article": rule.citation},
                           fields=fields)
    case = Case(subject=adjustment, actor=actor, action="adjustment.apply",
                data={"base_lines": base_lines, "items": items}, on=local_today())
    params = parameters_in_force(plan.jurisdiction, case.on)
    try:
        results = enforce("adjustment.apply", case, params)
        prospective, case_data = _prospective_case_data(plan, adjustment, items)
        results += _check_raw("plan.adjust", prospective, actor, case_data, params)
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=plan, reason="adjustment.apply",
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise
    with transaction.atomic():
        adjustment.save()
        for item in items:
            item.adjustment = adjustment
        AdjustmentItem.objects.bulk_create(items)
        audit_record(event_type=events.ADJUSTMENT_APPLIED, actor=actor, obj=adjustment,
                     reason=adjustment.reason, rule_results=results,
                     after={"plan": plan.pk, "kind": adjustment.kind, "new_capacity": adjustment.new_capacity,
                            "items": [_item_snapshot(i) for i in items]})
    return adjustment


def _check_raw(action: str, plan: AnnualPlan, actor, data: dict, params: dict) -> list[dict]:
    return enforce(action, Case(subject=plan, actor=actor, action=action, data=data, on=local_today()), params)


def _item_snapshot(item: AdjustmentItem) -> dict[str, Any]:
    return {"project": item.project_id, "line_type": item.line_type, "remove": item.remove,
            "plan_class": item.plan_class, "amount": item.amount, "prework_amount": item.prework_amount}


def adjustment_transition(*, actor, adjustment: PlanAdjustment, name: str, data: dict[str, Any] | None = None,
                          expected_version: int | None = None) -> PlanAdjustment:
    t = ADJUSTMENT_TRANSITIONS.get(name)
    if t is None:
        raise InvalidInput(fields={"action": [_("未知操作")]})
    data = data or {}
    _require_reason(t, data)
    if len(str(data.get("reason") or "")) > 2000:
        raise InvalidInput(fields={"reason": [_("不得超过2000个字符")]})
    if len(str(data.get("document_number") or "")) > 60:
        raise InvalidInput(fields={"document_number": [_("不得超过60个字符")]})
    return transition(adjustment, t, actor=actor, data=data, expected_version=expected_version)


def issue_adjusted_edition(adjustment: PlanAdjustment, actor, data: dict[str, Any]) -> AnnualPlan:
    """Art. 10 step 3 (in the consent's transaction): edition n+1 from edition n with the items applied,
    judged by the plan rules, issued; edition n kept, superseded."""
    base = AnnualPlan.objects.select_for_update().select_related("jurisdiction").get(pk=adjustment.plan_id)
    if base.status != PlanStatus.ISSUED:
        raise Conflict(_("所调整的版本已被另一调整替代,请按现行版本重新申请"))
    items = list(adjustment.items.select_related("project"))
    prospective, case_data = _prospective_case_data(base, adjustment, items)
    params = parameters_in_force(base.jurisdiction, local_today())
    results = _check_raw("plan.adjust", prospective, actor, case_data, params)
    if AnnualPlan.objects.filter(pk=base.pk, status=PlanStatus.ISSUED, version=base.version).update(
            status=PlanStatus.SUPERSEDED, version=F("version") + 1, updated_at=timezone.now()) != 1:
        raise Conflict()
    edition = (AnnualPlan.objects.filter(jurisdiction=base.jurisdiction, year=base.year)
               .aggregate(n=Max("edition"))["n"] or 0) + 1
    new = AnnualPlan.objects.create(
        jurisdiction=base.jurisdiction, year=base.year, edition=edition, status=PlanStatus.ISSUED,
        capacity=case_data["capacity"], note=base.note, based_on=base, issued_at=timezone.now(),
        submitted_at=base.submitted_at, cosigned_at=base.cosigned_at, created_by=actor,
        document_number=(data.get("document_number") or "").strip()[:60] or base.document_number)
    for line in case_data["lines"]:
        line.plan = new
    PlanLine.objects.bulk_create(case_data["lines"], batch_size=500)
    PlanAdjustment.objects.filter(pk=adjustment.pk).update(result=new)
    audit_record(event_type=events.PLAN_ISSUED, actor=actor, obj=new, rule_results=results,
                 before={"edition": base.edition}, after={"edition": new.edition, "adjustment": adjustment.pk,
                                                          "capacity": new.capacity},
                 reason=_("依调整申请 #%(id)d 生成") % {"id": adjustment.pk})
    mark_projects_planned(new, actor)
    return new

