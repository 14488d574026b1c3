"""The annual declaration (art. 8): rounds, exceptions, lines."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import rules as perms
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.core.errors import Forbidden
from itgov.planning import selectors, services
from itgov.planning.choices import LineType, PlanClass

from ..schemas import ERRORS, WRITE_ERRORS, Money, UnitRef, money

router = Router(tags=["planning"])

Text = Annotated[str, StringConstraints(max_length=2000)]
LineTypeLiteral = Literal[tuple(LineType.values)]  # type: ignore[valid-type]
ClassLiteral = Literal[tuple(PlanClass.values)]  # type: ignore[valid-type]


class RoundIn(Schema):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(..., ge=2000, le=2100, description="计划年度(申报在上一年第三季度进行)")
    note: Annotated[str, StringConstraints(max_length=200)] = ""


class WindowOut(Schema):
    opens_on: dt.date | None
    closes_on: dt.date | None
    state: str
    days_left: int | None = None
    days_to_open: int | None = None


class RoundOut(Schema):
    id: int
    year: int
    note: str
    created_at: dt.datetime
    window: WindowOut

    @staticmethod
    def resolve_window(obj):
        return selectors.round_status(obj)


class ExceptionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    unit_id: int = Field(..., ge=1, le=2**62)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    deadline: dt.datetime


class ExceptionOut(Schema):
    id: int
    unit: UnitRef
    reason: str
    deadline: dt.datetime


class UnitRow(Schema):
    unit: UnitRef
    lines: int
    total: str
    exception: ExceptionOut | None


class RoundDetail(Schema):
    id: int
    year: int
    note: str
    created_at: dt.datetime
    window: WindowOut
    declared_units: int
    all_units: int
    total: str
    by_type_and_class: dict[str, str]
    units: list[UnitRow]


class LineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    project_id: int = Field(..., ge=1, le=2**62)
    line_type: LineTypeLiteral
    requested_amount: Money
    proposed_class: ClassLiteral
    justification: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class ProjectRef(Schema):
    id: int
    name: str


class LineOut(Schema):
    id: int
    project: ProjectRef
    unit: UnitRef
    line_type: str
    requested_amount: str
    proposed_class: str
    justification: str
    status: str
    version: int
    via_exception: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_requested_amount(obj):
        return f"{obj.requested_amount:.2f}"

    @staticmethod
    def resolve_via_exception(obj):
        return obj.via_exception_id is not None


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(None, ge=1, le=2**31)
    reason: Text = ""



class RoundListItem(Schema):
    id: int
    year: int
    note: str
    created_at: dt.datetime
    window: WindowOut


@router.get("/declaration-rounds", response={200: list[RoundListItem], **ERRORS}, summary="年度集中申报(第八条)")
def round_list(request):
    if not perms.has_perm("planning.view_rounds", request.auth):
        raise Forbidden()
    rounds = list(selectors.rounds_visible_to(request.auth))
    windows = selectors.round_statuses(rounds)
    return [{"id": r.pk, "year": r.year, "note": r.note, "created_at": r.created_at, "window": windows[r.pk]}
            for r in rounds]


@router.post("/declaration-rounds", response={201: RoundOut, **WRITE_ERRORS}, summary="发起年度集中申报(区发改委)")
def round_open(request, payload: RoundIn):
    return Status(201, services.declaration_round_open(actor=request.auth, data=payload.dict()))


@router.get("/declaration-rounds/{round_id}", response={200: RoundDetail, **ERRORS}, summary="申报进度")
def round_detail(request, round_id: int):
    rnd = selectors.access_round_by_id(request.auth, round_id)
    summary = selectors.round_summary(request.auth, rnd)
    return {"id": rnd.pk, "year": rnd.year, "note": rnd.note, "created_at": rnd.created_at,
            "window": selectors.round_status(rnd), "declared_units": summary["declared_units"],
            "all_units": summary["all_units"], "total": money(summary["total"]),
            "by_type_and_class": {k: money(v) for k, v in summary["by_type_and_class"].items()},
            "units": [{**row, "total": money(row["total"])} for row in summary["units"]]}


@router.post("/declaration-rounds/{round_id}/exceptions", response={201: ExceptionOut, **WRITE_ERRORS},
             summary="批准申报例外(区发改委,第八条)")
def exception_grant(request, round_id: int, payload: ExceptionIn):
    rnd = selectors.access_round_by_id(request.auth, round_id)
    exception = services.declaration_exception_grant(actor=request.auth, rnd=rnd, data=payload.dict())
    return Status(201, exception)


@router.get("/declaration-rounds/{round_id}/lines", response={200: list[LineOut], **ERRORS}, summary="申报事项")
def line_list(request, round_id: int):
    rnd = selectors.access_round_by_id(request.auth, round_id)
    return list(selectors.lines_visible_to(request.auth, rnd))


@router.post("/declaration-rounds/{round_id}/lines", response={201: LineOut, **WRITE_ERRORS},
             summary="申报年度计划(建设单位,第八条)")
def line_declare(request, round_id: int, payload: LineIn):
    rnd = selectors.access_round_by_id(request.auth, round_id)
    line = services.declaration_line_declare(actor=request.auth, rnd=rnd, data=payload.dict())
    return Status(201, line)


@router.post("/declaration-lines/{line_id}/withdraw", response={200: LineOut, **WRITE_ERRORS}, summary="撤回申报")
def line_withdraw(request, line_id: int, payload: WithdrawIn):
    line = selectors.access_line_by_id(request.auth, line_id)
    return services.declaration_line_withdraw(actor=request.auth, line=line, reason=payload.reason,
                                              expected_version=payload.version)


