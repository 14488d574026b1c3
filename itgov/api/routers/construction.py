"""Construction control (art. 13, 19, 8, 15, 20): the start of construction, and the procurement, contracts and
payments of a project, with its spending against the approved estimate and the budget of each year.

Handlers parse input, fetch through the permission-checked accessor (404 when not visible) and call
itgov.construction.services, which check the power (403 citing 第十九条), the input (400 with the field), the
state and version (409) and the rules (422 with rule and article), and audit every write. The dossier
(GET …/construction) shows the spending and the records to whoever sees the project."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import rules as perms
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.construction import selectors, services
from itgov.construction.choices import ProcurementMethod
from itgov.construction.models import Contract, Payment, Procurement
from itgov.construction.workflow import START
from itgov.core.errors import Forbidden, NotFound
from itgov.projects.models import Project
from itgov.projects.selectors import access_project_by_id

from ..schemas import ERRORS, WRITE_ERRORS, Money, UnitRef, money

router = Router(tags=["construction"])

# The forms give the exact limits (120, 200 characters) with their own message; these only bound the input.
Title = Annotated[str, StringConstraints(max_length=500)]
Text = Annotated[str, StringConstraints(max_length=5000)]
MethodLiteral = Literal[tuple(ProcurementMethod.values)]  # type: ignore[valid-type]
MAX_ID = 2**62
# The records a user may make on the project now, in this order (the page shows the same buttons).
RECORD_ACTIONS = (("record_procurement", "construction.record_procurement"),
                  ("record_contract", "construction.record_contract"),
                  ("record_payment", "construction.record_payment"))



def _project(request, project_id) -> Project:
    try:
        pk = int(project_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    project = access_project_by_id(request.auth, pk)
    if not perms.has_perm("construction.view", request.auth, project):
        raise Forbidden()
    return project


def _recorder(obj) -> str | None:
    return obj.recorded_by.display_name if obj.recorded_by_id else None


# --- shapes ------------------------------------------------------------------------------------------------


class ConstructionProjectOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str
    responsible_person: str
    construction_started_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class ConstructionYearOut(Schema):
    year: int
    budget: str = Field(..., description="该年度预算(元)")
    paid: str = Field(..., description="该年度已支付(元)")


class ConstructionSpendingOut(Schema):
    estimate: str | None = Field(..., description="核定总投资概算(元);尚未批复的为空")
    contracted: str = Field(..., description="合同金额合计(元)")
    paid: str = Field(..., description="累计支付(元)")
    prework_paid: str = Field(..., description="其中前期工作费用(元)")
    years: list[ConstructionYearOut]


class ConstructionProcurementOut(Schema):
    id: int
    title: str
    method: str
    method_label: str
    announced_on: dt.date
    awarded_on: dt.date | None
    supplier: str
    amount: str | None
    recorded_at: dt.datetime
    recorded_by: str | None

    @staticmethod
    def resolve_method_label(obj):
        return obj.get_method_display()

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)

    @staticmethod
    def resolve_recorded_by(obj):
        return _recorder(obj)


class ConstructionContractOut(Schema):
    id: int
    procurement_id: int | None
    title: str
    supplier: str
    amount: str
    amount_wan: str
    signed_on: dt.date
    deliverables: str
    warranty_ends_on: dt.date | None = Field(..., description="质保期截止日期(第十二条:质保期满后方可申请运维经费)")
    recorded_at: dt.datetime
    recorded_by: str | None

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)

    @staticmethod
    def resolve_recorded_by(obj):
        return _recorder(obj)


class ConstructionPaymentOut(Schema):
    id: int
    contract_id: int | None
    prework: bool
    amount: str
    amount_wan: str
    paid_on: dt.date
    purpose: str
    recorded_at: dt.datetime
    recorded_by: str | None

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)

    @staticmethod
    def resolve_recorded_by(obj):
        return _recorder(obj)


class ConstructionDossierOut(Schema):
    project: ConstructionProjectOut
    spending: ConstructionSpendingOut
    procurements: list[ConstructionProcurementOut]
    contracts: list[ConstructionContractOut]
    payments: list[ConstructionPaymentOut]
    actions: list[str] = Field(..., description="当前用户现在可执行的操作:start、record_procurement、"
                                                 "record_contract、record_payment(执行时仍按规则校验)")


# --- inputs ------------------------------------------------------------------------------------------------


class ConstructionStartIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:项目的当前版本号")


class ConstructionProcurementIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: Title = Field(..., description="采购项目名称(最多120字)")
    method: MethodLiteral = Field(..., description="采购方式")
    announced_on: dt.date = Field(..., description="公告(邀请)日期")
    awarded_on: dt.date | None = Field(None, description="成交日期;已成交的须填写成交供应商和成交金额")
    supplier: Title = Field("", description="成交供应商")
    amount: Money | None = Field(None, description="成交金额(元)")


class ConstructionContractIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: Title = Field(..., description="合同名称(最多120字)")
    supplier: Title = Field(..., description="乙方")
    amount: Money = Field(..., description="合同金额(元);项目合同合计不得超过核定概算(第二十条)")
    signed_on: dt.date = Field(..., description="签订日期")
    deliverables: Text = Field("", description="交付内容")
    warranty_ends_on: dt.date | None = Field(None, description="质保期截止日期,不早于签订日期(第十二条)")
    procurement_id: int | None = Field(None, ge=1, le=MAX_ID, description="所依据的本项目采购")


class ConstructionPaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    amount: Money = Field(..., description="支付金额(元);不超过当年预算和核定概算(第十五条)")
    paid_on: dt.date = Field(..., description="支付日期(不得晚于今天)")
    purpose: Title = Field(..., description="用途(最多200字)")
    prework: bool = Field(False, description="前期工作费用:立项批复前亦可支付(第十三条)")
    contract_id: int | None = Field(None, ge=1, le=MAX_ID, description="所依据的本项目合同")


# --- the dossier -------------------------------------------------------------------------------------------


def _actions(user, project: Project) -> list[str]:
    """What this user may do on the project's construction now; the rules run on execution."""
    out = []
    if project.status in START.sources and perms.has_perm(START.permission, user, project):
        out.append("start")
    out += [name for name, permission in RECORD_ACTIONS if perms.has_perm(permission, user, project)]
    return out


def _spending(project: Project) -> dict:
    figures = selectors.spending(project)
    return {
        "estimate": money(figures["estimate"]),
        **{key: money(figures[key]) for key in ("contracted", "paid", "prework_paid")},
        "years": [{"year": row["year"], "budget": money(row["budget"]), "paid": money(row["paid"])}
                  for row in figures["years"]],
    }


def _dossier(user, project: Project) -> dict:
    return {"project": project, "spending": _spending(project), **selectors.records_of(project),
            "actions": _actions(user, project)}


@router.get("/projects/{project_id}/construction", response={200: ConstructionDossierOut, **ERRORS},
            summary="项目建设:资金使用(概算、合同、支付、分年度预算)、采购、合同、支付记录")
def construction_dossier(request, project_id: int):
    return _dossier(request.auth, _project(request, project_id))


@router.post("/projects/{project_id}/construction/start", response={200: ConstructionDossierOut, **WRITE_ERRORS},
             summary="开工建设(建设单位,第十九条)",
             description="须列入当年已下达的年度投资计划、已批复立项、已编列预算,并明确项目责任人。")
def construction_start(request, project_id: int, payload: ConstructionStartIn):
    project = _project(request, project_id)
    services.construction_start(actor=request.auth, project=project, expected_version=payload.version)
    return _dossier(request.auth, access_project_by_id(request.auth, project.pk))


# --- the records (art. 13, 19, 8, 15, 20) ------------------------------------------------------------------


@router.post("/projects/{project_id}/procurements", response={201: ConstructionProcurementOut, **WRITE_ERRORS},
             summary="登记招标采购(建设单位;立项批复前不得开展,第十三条、第十九条)")
def procurement_record(request, project_id: int, payload: ConstructionProcurementIn):
    project = _project(request, project_id)
    procurement = services.procurement_record(actor=request.auth, project=project, data=payload.dict())
    return Status(201, Procurement.objects.select_related("recorded_by").get(pk=procurement.pk))


@router.post("/projects/{project_id}/contracts", response={201: ConstructionContractOut, **WRITE_ERRORS},
             summary="登记合同(建设单位;合同合计不超过核定概算,第十九条、第二十条)")
def contract_record(request, project_id: int, payload: ConstructionContractIn):
    project = _project(request, project_id)
    contract = services.contract_record(actor=request.auth, project=project, data=payload.dict())
    return Status(201, Contract.objects.select_related("recorded_by").get(pk=contract.pk))


@router.post("/projects/{project_id}/payments", response={201: ConstructionPaymentOut, **WRITE_ERRORS},
             summary="登记支付(建设单位或区财政局,第八条、第十三条、第十五条、第十九条)",
             description="前期工作费用可在立项批复前支付;其他支付须已批复立项、项目列入支付年度已下达的年度投资计划,"
                         "且不超过当年预算和核定概算。")
def payment_record(request, project_id: int, payload: ConstructionPaymentIn):
    project = _project(request, project_id)
    payment = services.payment_record(actor=request.auth, project=project, data=payload.dict())
    return Status(201, Payment.objects.select_related("recorded_by").get(pk=payment.pk))
