"""The annual investment plan (art. 8–9), its adjustments (art. 10) and "is P funded in year Y".

Handlers parse input, fetch through the permission-checked accessors (404 when not visible) and call the
services in itgov.planning.plan_services, which check the power (403 citing the article), the state and
version (409), the rules (422 with rule and article) and audit every write. A unit (owner role) sees the
issued editions and only its own lines; the bureaus see every edition and line, and the plan-scope rule
results ("checks")."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import rules as perms
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.access.scoping import is_bureau_user
from itgov.core.dates import local_today
from itgov.core.errors import Forbidden, InvalidInput, NotFound
from itgov.planning import plan_selectors, plan_services
from itgov.planning.choices import AdjustmentKind, AdjustmentStatus, LineType, PlanClass, PlanStatus
from itgov.planning.models import AnnualPlan, PlanAdjustment, PlanLine
from itgov.planning.plan_workflow import ADJUSTMENT_TRANSITIONS, PLAN_TRANSITIONS
from itgov.projects.selectors import access_project_by_id

from ..schemas import ERRORS, WRITE_ERRORS, Money, Page, UnitRef, limit_field, money, offset_field, page_links

router = Router(tags=["annual-plans"])

Text = Annotated[str, StringConstraints(max_length=2000)]
Note = Annotated[str, StringConstraints(max_length=200)]
DocumentNumber = Annotated[str, StringConstraints(max_length=60)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
LineTypeLiteral = Literal[tuple(LineType.values)]  # type: ignore[valid-type]
ClassLiteral = Literal[tuple(PlanClass.values)]  # type: ignore[valid-type]
PlanStatusLiteral = Literal[tuple(PlanStatus.values)]  # type: ignore[valid-type]
KindLiteral = Literal[tuple(AdjustmentKind.values)]  # type: ignore[valid-type]
AdjustmentStatusLiteral = Literal[tuple(AdjustmentStatus.values)]  # type: ignore[valid-type]


def _version_field():
    return Field(None, ge=1, le=2**31, description="乐观锁:当前版本号")



# --- shared shapes -----------------------------------------------------------------------------------------


class PlanProjectRef(Schema):
    id: int
    name: str


class EditionRef(Schema):
    id: int
    year: int
    edition: int
    status: str
    status_label: str

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class CheckOut(Schema):
    rule: str
    article: str
    title: str
    message: str
    status: str
    status_label: str
    reason: str
    fields: dict[str, str]


class ClassTotal(Schema):
    plan_class: str
    label: str
    count: int
    amount: str
    prework: str
    requested: str


class GroupTotal(Schema):
    name: str
    count: int
    amount: str


class TotalsOut(Schema):
    count: int
    total: str
    requested: str
    capacity: str | None
    remaining: str | None
    used_percent: float | None
    a_percent: float | None
    by_class: list[ClassTotal]
    by_unit: list[GroupTotal]
    by_kind: list[GroupTotal]


# --- plans -------------------------------------------------------------------------------------------------


class PlanSummary(Schema):
    id: int
    year: int
    edition: int
    status: str
    status_label: str
    capacity: str | None
    note: str
    document_number: str
    based_on_id: int | None
    issued_at: dt.datetime | None
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_capacity(obj):
        return money(obj.capacity)


class PlanOut(PlanSummary):
    submitted_at: dt.datetime | None
    cosigned_at: dt.datetime | None
    last_return_reason: str
    created_at: dt.datetime
    totals: TotalsOut
    checks: list[CheckOut]
    actions: list[str]
    editions: list[EditionRef]


class PlanList(Page):
    items: list[PlanSummary]


class PlanFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="计划年度")
    status: list[PlanStatusLiteral] | None = Field(None, description="状态,可多选")
    limit: int = limit_field()
    offset: int = offset_field()


class PlanIn(Schema):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(..., ge=2000, le=2100, description="计划年度")
    capacity: Money | None = Field(None, description="财政承受能力(元)")
    note: Text = ""


class PlanPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field()
    capacity: Money | None = Field(None, description="财政承受能力(元);null 为清空")
    note: Text | None = None


class PlanActionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field()
    reason: Text = Field("", description="退回时必填")
    document_number: DocumentNumber = Field("", description="下达文号(审定下达时)")


class PlanVersionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field()


class CompileOut(Schema):
    added: int
    plan: PlanOut


def _totals(figures: dict) -> dict:
    def pct(value):
        return None if value is None else round(value, 2)

    return {
        "count": figures["count"], "total": money(figures["total"]), "requested": money(figures["requested"]),
        "capacity": money(figures["capacity"]), "remaining": money(figures["remaining"]),
        "used_percent": pct(figures["used_percent"]), "a_percent": pct(figures["a_percent"]),
        "by_class": [{"plan_class": c, "label": str(row["label"]), "count": row["count"],
                      "amount": money(row["amount"]), "prework": money(row["prework"]),
                      "requested": money(row["requested"])} for c, row in figures["by_class"].items()],
        "by_unit": [{"name": name, "count": row["count"], "amount": money(row["amount"])}
                    for name, row in figures["by_unit"]],
        "by_kind": [{"name": str(name), "count": row["count"], "amount": money(row["amount"])}
                    for name, row in figures["by_kind"]],
    }


def _checks(plan: AnnualPlan, lines: list[PlanLine]) -> list[dict]:
    """The plan-scope rules (art. 8, 9) on the edition as it stands, from the lines already read."""
    from itgov.rules.profiles import parameters_in_force
    from itgov.rules.registry import Case, compliance

    today = local_today()
    history = plan_selectors.class_history(plan.jurisdiction_id, plan.year, [line.project_id for line in lines])
    case = Case(subject=plan, action="plan.checks", data={"lines": lines, "history": history}, on=today)
    return compliance(case, parameters_in_force(plan.jurisdiction, today), scope="plan")


def _may_apply_adjustment(user, plan: AnnualPlan) -> bool:
    unit = getattr(user, "unit", None)
    probes = (PlanAdjustment(plan=plan, kind=AdjustmentKind.CHANGE, unit=unit),
              PlanAdjustment(plan=plan, kind=AdjustmentKind.RELEASE))
    return any(perms.has_perm("planning.apply_adjustment", user, probe) for probe in probes)


def _plan_actions(user, plan: AnnualPlan) -> list[str]:
    """What this user may do on the edition now (the page shows the same buttons); rules run on execution."""
    actions = []
    if plan.status == PlanStatus.DRAFT and perms.has_perm("planning.compile_plan", user, plan):
        actions += ["update", "compile", "add_line", "allocate"]
    actions += [t.name for t in PLAN_TRANSITIONS.values()
                if plan.status in t.sources and perms.has_perm(t.permission, user, plan)]
    if plan.status == PlanStatus.ISSUED and _may_apply_adjustment(user, plan):
        actions.append("apply_adjustment")
    return actions


def _plan_detail(user, plan: AnnualPlan) -> AnnualPlan:
    """The edition with its figures over the lines this user sees, the rule checks (to the bureaus), the
    actions open to the user and the year's editions it may see. A fixed number of queries."""
    bureau = is_bureau_user(user)
    lines = list(plan_selectors.lines_of(user, plan))
    plan.totals = _totals(plan_selectors.totals(plan, lines))
    plan.checks = _checks(plan, lines) if bureau else []
    plan.actions = _plan_actions(user, plan)
    plan.editions = [e for e in plan_selectors.editions(plan) if bureau or e.status in plan_selectors.WAS_ISSUED]
    return plan


def _reload_plan(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_related("jurisdiction").get(pk=plan.pk)


@router.get("/annual-plans", response={200: PlanList, **ERRORS}, summary="年度投资计划列表(第八条)")
def annual_plan_list(request, filters: Query[PlanFilters]):
    if not perms.has_perm("planning.view_plans", request.auth):
        raise Forbidden()
    qs = plan_selectors.plans_visible_to(request.auth)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    qs = qs.order_by("-year", "-edition", "-id")
    count = qs.count()
    items = list(qs[filters.offset: filters.offset + filters.limit])
    return {**page_links(request, count, filters.limit, filters.offset), "items": items}


@router.post("/annual-plans", response={201: PlanOut, **WRITE_ERRORS},
             summary="新建年度投资计划(区发改委、区财政局,第八条)")
def annual_plan_create(request, payload: PlanIn):
    plan = plan_services.annual_plan_create(actor=request.auth, data=payload.dict())
    return Status(201, _plan_detail(request.auth, _reload_plan(plan)))


@router.get("/annual-plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="年度投资计划详情")
def annual_plan_detail(request, plan_id: int):
    return _plan_detail(request.auth, plan_selectors.access_plan_by_id(request.auth, plan_id))


@router.patch("/annual-plans/{plan_id}", response={200: PlanOut, **WRITE_ERRORS},
              summary="修改财政承受能力、说明(编制中)")
def annual_plan_update(request, plan_id: int, payload: PlanPatch):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    data = payload.dict(exclude_unset=True)
    data.pop("version", None)
    if "capacity" in data and data["capacity"] is None:
        data["capacity"] = ""  # null clears the capacity
    data = {k: v for k, v in data.items() if v is not None}
    fresh = plan_services.annual_plan_update(actor=request.auth, plan=plan, data=data,
                                             expected_version=payload.version)
    return _plan_detail(request.auth, fresh)


@router.post("/annual-plans/{plan_id}/compile", response={200: CompileOut, **WRITE_ERRORS},
             summary="汇总年度申报(第八条)")
def annual_plan_compile(request, plan_id: int):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    added = plan_services.annual_plan_compile(actor=request.auth, plan=plan)
    return {"added": added, "plan": _plan_detail(request.auth, _reload_plan(plan))}


def _plan_action(name: str, summary: str):
    def endpoint(request, plan_id: int, payload: PlanActionIn):
        plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
        fresh = plan_services.plan_transition(
            actor=request.auth, plan=plan, name=name,
            data={"reason": payload.reason, "document_number": payload.document_number},
            expected_version=payload.version)
        return _plan_detail(request.auth, _reload_plan(fresh))

    endpoint.__name__ = f"annual_plan_{name}"
    router.post(f"/annual-plans/{{plan_id}}/{name}", response={200: PlanOut, **WRITE_ERRORS}, summary=summary,
                operation_id=f"annual_plan_{name}")(endpoint)


_plan_action("submit", "提交财政会签(区发改委,第八条)")
_plan_action("cosign", "财政会签(区财政局,第八条)")
_plan_action("return", "退回修改(区财政局或区政府,须说明理由)")
_plan_action("issue", "审定下达(区政府,第八条)")


# --- lines -------------------------------------------------------------------------------------------------


class PlanLineOut(Schema):
    id: int
    plan_id: int
    project: PlanProjectRef
    unit: UnitRef
    line_type: str
    line_type_label: str
    plan_class: str
    plan_class_label: str
    requested_amount: str
    amount: str
    prework_amount: str
    construction_amount: str
    priority: int
    must_start_reason: str
    skip_reason: str
    note: str
    declaration_id: int | None
    version: int

    @staticmethod
    def resolve_line_type_label(obj):
        return obj.get_line_type_display()

    @staticmethod
    def resolve_plan_class_label(obj):
        return obj.get_plan_class_display()

    @staticmethod
    def resolve_requested_amount(obj):
        return money(obj.requested_amount)

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)

    @staticmethod
    def resolve_prework_amount(obj):
        return money(obj.prework_amount)

    @staticmethod
    def resolve_construction_amount(obj):
        return money(obj.construction_amount)


class PlanLineList(Page):
    items: list[PlanLineOut]


class LineFilters(Schema):
    plan_class: ClassLiteral | None = Field(None, description="类别")
    line_type: LineTypeLiteral | None = Field(None, description="类型")
    limit: int = limit_field(50)
    offset: int = offset_field()


class PlanLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    project_id: int = Field(..., ge=1, le=2**62)
    line_type: LineTypeLiteral
    plan_class: ClassLiteral
    amount: Money = Field(..., description="年度安排资金(元)")
    prework_amount: Money | None = Field(None, description="其中前期工作经费(元);C类须等于年度安排资金")
    requested_amount: Money | None = Field(None, description="申报金额(元),默认等于年度安排资金")
    priority: int | None = Field(None, ge=0, le=100, description="优先级评分(0–100),默认50")
    must_start_reason: Text = ""
    skip_reason: Text = ""
    note: Note = ""


class PlanLinePatch(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field()
    plan_class: ClassLiteral | None = None
    amount: Money | None = None
    prework_amount: Money | None = None
    priority: int | None = Field(None, ge=0, le=100)
    must_start_reason: Text | None = None
    skip_reason: Text | None = None
    note: Note | None = None


class VersionQuery(Schema):
    version: int | None = _version_field()


def _reload_line(line: PlanLine) -> PlanLine:
    return PlanLine.objects.select_related("project", "unit").get(pk=line.pk)


@router.get("/annual-plans/{plan_id}/lines", response={200: PlanLineList, **ERRORS}, summary="计划事项")
def plan_line_list(request, plan_id: int, filters: Query[LineFilters]):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    qs = plan_selectors.lines_of(request.auth, plan)
    if filters.plan_class:
        qs = qs.filter(plan_class=filters.plan_class)
    if filters.line_type:
        qs = qs.filter(line_type=filters.line_type)
    count = qs.count()
    items = list(qs[filters.offset: filters.offset + filters.limit])
    return {**page_links(request, count, filters.limit, filters.offset), "items": items}


@router.post("/annual-plans/{plan_id}/lines", response={201: PlanLineOut, **WRITE_ERRORS},
             summary="列入计划事项(编制中,第八条、第九条)")
def plan_line_add(request, plan_id: int, payload: PlanLineIn):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    line = plan_services.plan_line_add(actor=request.auth, plan=plan, data=data)
    return Status(201, _reload_line(line))


@router.get("/plan-lines/{plan_line_id}", response={200: PlanLineOut, **ERRORS}, summary="计划事项详情")
def plan_line_detail(request, plan_line_id: int):
    return plan_selectors.access_plan_line_by_id(request.auth, plan_line_id)


@router.patch("/plan-lines/{plan_line_id}", response={200: PlanLineOut, **WRITE_ERRORS},
              summary="修改计划事项(编制中)")
def plan_line_update(request, plan_line_id: int, payload: PlanLinePatch):
    line = plan_selectors.access_plan_line_by_id(request.auth, plan_line_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None and k != "version"}
    return plan_services.plan_line_update(actor=request.auth, line=line, data=data,
                                          expected_version=payload.version)


@router.delete("/plan-lines/{plan_line_id}", response={204: None, **WRITE_ERRORS},
               summary="移出计划事项(编制中)")
def plan_line_delete(request, plan_line_id: int, params: Query[VersionQuery]):
    line = plan_selectors.access_plan_line_by_id(request.auth, plan_line_id)
    plan_services.plan_line_delete(actor=request.auth, line=line, expected_version=params.version)
    return Status(204, None)


# --- the allocation helper (art. 9) ------------------------------------------------------------------------


class DecisionOut(Schema):
    line_id: int
    project: PlanProjectRef
    rank: int
    requested: str
    proposed: str
    funded: bool
    left_after: str
    reason: str


class AllocationOut(Schema):
    capacity: str
    committed: str
    available: str
    funded_total: str
    left: str
    decisions: list[DecisionOut]


def _allocation(allocation) -> dict:
    ids = [d.line_id for d in allocation.decisions]
    projects = {pk: {"id": project_id, "name": name} for pk, project_id, name in
                PlanLine.objects.filter(pk__in=ids).values_list("pk", "project_id", "project__name")}
    return {
        "capacity": money(allocation.capacity), "committed": money(allocation.committed),
        "available": money(allocation.available), "funded_total": money(allocation.funded_total),
        "left": money(allocation.left),
        "decisions": [{"line_id": d.line_id, "project": projects[d.line_id], "rank": d.rank,
                       "requested": money(d.requested), "proposed": money(d.proposed), "funded": d.funded,
                       "left_after": money(d.left_after), "reason": d.reason} for d in allocation.decisions],
    }


@router.get("/annual-plans/{plan_id}/allocation", response={200: AllocationOut, **ERRORS},
            summary="B类资金安排建议(第九条,只读)")
def plan_allocation(request, plan_id: int):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    return _allocation(plan_services.plan_allocation(actor=request.auth, plan=plan))


@router.post("/annual-plans/{plan_id}/allocation", response={200: AllocationOut, **WRITE_ERRORS},
             summary="按建议安排B类资金(编制中,第九条)")
def plan_allocate(request, plan_id: int, payload: PlanVersionIn):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    return _allocation(plan_services.plan_allocate(actor=request.auth, plan=plan, expected_version=payload.version))


# --- two editions of one year ------------------------------------------------------------------------------


class DiffQuery(Schema):
    other: int = Field(..., ge=1, le=2**62, description="同一年度另一版本的ID")


class LineFigures(Schema):
    plan_class: str
    amount: str
    prework_amount: str


class DiffRow(Schema):
    change: Literal["added", "removed", "changed"]
    project: PlanProjectRef
    unit: UnitRef
    line_type: str
    fields: list[str]
    old: LineFigures | None
    new: LineFigures | None


class DiffOut(Schema):
    old: EditionRef
    new: EditionRef
    capacity_changed: bool
    old_capacity: str | None
    new_capacity: str | None
    old_total: str
    new_total: str
    rows: list[DiffRow]


def _figures(line: PlanLine | None) -> dict | None:
    if line is None:
        return None
    return {"plan_class": line.plan_class, "amount": money(line.amount), "prework_amount": money(line.prework_amount)}


@router.get("/annual-plans/{plan_id}/diff", response={200: DiffOut, **ERRORS},
            summary="对比同一年度的两个版本(第十条)")
def annual_plan_diff(request, plan_id: int, query: Query[DiffQuery]):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    try:
        other = plan_selectors.access_plan_by_id(request.auth, query.other)
    except NotFound:
        raise InvalidInput(fields={"other": [_("计划版本不存在或无权查看")]}) from None
    if (other.jurisdiction_id, other.year) != (plan.jurisdiction_id, plan.year):
        raise InvalidInput(fields={"other": [_("须为同一年度的另一版本")]})
    old, new = sorted((plan, other), key=lambda p: (p.edition, p.pk))
    result = plan_selectors.diff(old, new, lines_q=plan_selectors.plan_lines_q(request.auth))
    return {
        "old": old, "new": new, "capacity_changed": result["capacity_changed"],
        "old_capacity": money(old.capacity), "new_capacity": money(new.capacity),
        "old_total": money(result["old_total"]), "new_total": money(result["new_total"]),
        "rows": [{"change": row["change"], "project": row["line"].project, "unit": row["line"].unit,
                  "line_type": row["line"].line_type, "fields": row["fields"], "old": _figures(row["old"]),
                  "new": _figures(row["new"])} for row in result["rows"]],
    }


# --- adjustments (art. 10) ---------------------------------------------------------------------------------


class ItemOut(Schema):
    project: PlanProjectRef
    line_type: str
    remove: bool
    plan_class: str
    amount: str
    prework_amount: str
    skip_reason: str
    must_start_reason: str

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)

    @staticmethod
    def resolve_prework_amount(obj):
        return money(obj.prework_amount)


class AdjustmentSummary(Schema):
    id: int
    plan_id: int
    kind: str
    kind_label: str
    unit: UnitRef | None
    reason: str
    new_capacity: str | None
    status: str
    status_label: str
    version: int
    decision_reason: str
    drc_reviewed_at: dt.datetime | None
    finance_reviewed_at: dt.datetime | None
    consented_at: dt.datetime | None
    result_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_new_capacity(obj):
        return money(obj.new_capacity)


class AdjustmentOut(AdjustmentSummary):
    plan: EditionRef
    result: EditionRef | None
    items: list[ItemOut]
    actions: list[str]

    @staticmethod
    def resolve_items(obj):
        return obj.items_list


class AdjustmentList(Page):
    items: list[AdjustmentSummary]


class AdjustmentFilters(Schema):
    status: list[AdjustmentStatusLiteral] | None = Field(None, description="状态,可多选")
    limit: int = limit_field()
    offset: int = offset_field()


class ItemIn(Schema):
    model_config = ConfigDict(extra="forbid")
    project_id: int = Field(..., ge=1, le=2**62)
    line_type: LineTypeLiteral
    remove: bool = Field(False, description="调出计划")
    plan_class: ClassLiteral | None = None
    amount: Money | None = Field(None, description="调整后的年度安排资金(元)")
    prework_amount: Money | None = None
    skip_reason: Text = ""
    must_start_reason: Text = ""


class AdjustmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: KindLiteral = Field("change", description="change:增补或调整(建设单位);release:年中结余安排B类(区发改委)")
    reason: Reason
    new_capacity: Money | None = Field(None, description="调整后财政承受能力(元)")
    items: list[ItemIn] = Field(..., description="调整事项(1–500个)")


class AdjustmentActionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field()
    reason: Text = Field("", description="不予通过、撤回时必填")
    document_number: DocumentNumber = Field("", description="新版本的下达文号(区政府同意时)")


def _adjustment_detail(user, adjustment: PlanAdjustment) -> PlanAdjustment:
    adjustment.items_list = list(adjustment.items.select_related("project").order_by("id"))
    adjustment.actions = [t.name for t in ADJUSTMENT_TRANSITIONS.values()
                          if adjustment.status in t.sources and perms.has_perm(t.permission, user, adjustment)]
    return adjustment


def _reload_adjustment(adjustment: PlanAdjustment) -> PlanAdjustment:
    return PlanAdjustment.objects.select_related("plan__jurisdiction", "unit", "result").get(pk=adjustment.pk)


@router.get("/annual-plans/{plan_id}/adjustments", response={200: AdjustmentList, **ERRORS},
            summary="计划调整申请(第十条)")
def adjustment_list(request, plan_id: int, filters: Query[AdjustmentFilters]):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    qs = plan_selectors.adjustments_visible_to(request.auth).filter(plan=plan)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    qs = qs.order_by("-created_at", "-id")
    count = qs.count()
    items = list(qs[filters.offset: filters.offset + filters.limit])
    return {**page_links(request, count, filters.limit, filters.offset), "items": items}


@router.post("/annual-plans/{plan_id}/adjustments", response={201: AdjustmentOut, **WRITE_ERRORS},
             summary="提出计划调整申请(建设单位;年中结余安排由区发改委提出,第九条、第十条)")
def adjustment_apply(request, plan_id: int, payload: AdjustmentIn):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    adjustment = plan_services.adjustment_apply(actor=request.auth, plan=plan, data=payload.dict())
    return Status(201, _adjustment_detail(request.auth, _reload_adjustment(adjustment)))


@router.get("/plan-adjustments/{adjustment_id}", response={200: AdjustmentOut, **ERRORS},
            summary="计划调整申请详情")
def adjustment_detail(request, adjustment_id: int):
    return _adjustment_detail(request.auth, plan_selectors.access_adjustment_by_id(request.auth, adjustment_id))


def _adjustment_action(name: str, summary: str):
    def endpoint(request, adjustment_id: int, payload: AdjustmentActionIn):
        adjustment = plan_selectors.access_adjustment_by_id(request.auth, adjustment_id)
        fresh = plan_services.adjustment_transition(
            actor=request.auth, adjustment=adjustment, name=name,
            data={"reason": payload.reason, "document_number": payload.document_number},
            expected_version=payload.version)
        return _adjustment_detail(request.auth, _reload_adjustment(fresh))

    endpoint.__name__ = f"adjustment_{name}"
    router.post(f"/plan-adjustments/{{adjustment_id}}/{name.replace('_', '-')}",
                response={200: AdjustmentOut, **WRITE_ERRORS}, summary=summary,
                operation_id=f"adjustment_{name}")(endpoint)


_adjustment_action("review", "发改审核通过(区发改委,第十条)")
_adjustment_action("finance_review", "财政审核通过(区财政局,第十条)")
_adjustment_action("consent", "区政府同意并生成新版本(第十条)")
_adjustment_action("reject", "不予通过(当前环节的审核单位,须说明理由)")
_adjustment_action("withdraw", "撤回申请(申请单位,须说明理由)")


# --- "is project P funded in year Y" (art. 8: no plan, no money) ------------------------------------------


class FundingQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="计划年度;不填为历年")


class FundingLine(Schema):
    year: int
    plan_id: int
    edition: int
    document_number: str
    issued_at: dt.datetime | None
    line_type: str
    plan_class: str
    plan_class_label: str
    amount: str
    prework_amount: str
    construction_amount: str


class FundingOut(Schema):
    project_id: int
    year: int | None
    funded: bool
    lines: list[FundingLine]


@router.get("/projects/{project_id}/funding", response={200: FundingOut, **ERRORS},
            summary="项目是否列入已下达的年度投资计划(第八条)")
def project_funding(request, project_id: int, query: Query[FundingQuery]):
    project = access_project_by_id(request.auth, project_id)
    lines = (plan_selectors.funding(project, query.year) if query.year is not None
             else plan_selectors.funding_history(project))
    return {"project_id": project.pk, "year": query.year, "funded": bool(lines),
            "lines": [{"year": line.plan.year, "plan_id": line.plan_id, "edition": line.plan.edition,
                       "document_number": line.plan.document_number, "issued_at": line.plan.issued_at,
                       "line_type": line.line_type, "plan_class": line.plan_class,
                       "plan_class_label": line.get_plan_class_display(), "amount": money(line.amount),
                       "prework_amount": money(line.prework_amount),
                       "construction_amount": money(line.construction_amount)} for line in lines]}
