"""Construction control (art. 11, 19, 20, 21) over /api/v1: the control dossier of a project — its ratings in the
manner of the US IT Dashboard, flags and unapproved deviations, milestones, supervision, performance monitoring,
changes, incidents, rectification and suspension —, the portfolio of the projects being built, the yearly pool
of supervision firms, and every control action.

Handlers parse input, fetch through the permission-checked accessor (404 when the project is not visible, and
when a change, incident, order or milestone named in the path is not that project's) and call
itgov.construction.services, which check the power (403 citing its article), the input (400 with the field),
the state and version (409) and the rules (422 with rule and article), and audit every write."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import rules as perms
from django.conf import settings
from django.db.models import F, Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.access.scoping import is_bureau_user
from itgov.accounts.choices import Role
from itgov.construction import policies, selectors, services
from itgov.construction.choices import ChangeKind, IncidentKind, RiskLevel
from itgov.construction.models import (
    ChangeRequest,
    Incident,
    MonitoringReport,
    RectificationOrder,
    RiskAssessment,
    SupervisionAppointment,
    SupervisionPoolEntry,
    SupervisionReport,
)
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, NotFound
from itgov.core.ids import object_pk
from itgov.organizations.models import Jurisdiction
from itgov.projects.choices import ProjectStatus as S
from itgov.projects.models import Project
from itgov.projects.selectors import access_project_by_id, projects_visible_to
from itgov.rules.profiles import parameters_in_force

from ..schemas import ERRORS, WRITE_ERRORS, Money, Page, UnitRef, limit_field, money, offset_field, page_links
from .construction import MAX_ID, ConstructionProjectOut, Text, Title, _project

router = Router(tags=["construction-control"])

KindLiteral = Literal[tuple(ChangeKind.values)]  # type: ignore[valid-type]
IncidentKindLiteral = Literal[tuple(IncidentKind.values)]  # type: ignore[valid-type]
Short = Annotated[str, StringConstraints(max_length=200)]
# The portfolio: projects ready to build, building or suspended; and those that started and are back in
# initiation for a re-approval (art. 20: an estimate increase at or above the ratio).
BUILDING = (S.BUDGETED, S.IN_CONSTRUCTION, S.SUSPENDED)
REAPPROVING = (S.PLANNED, S.INITIATION_SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.INITIATION_REJECTED)
PortfolioStatus = Literal["budgeted", "in_construction", "suspended", "reapproval"]
# Ratings run 1 (high risk) to 5 (low); `risk` sorts by the rating, as the 建设管理 page does: "risk" puts the
# riskiest first (the rating ascending), "-risk" the least risky. Unrated projects come last either way.
SORTS = {
    "risk": (F("risk__overall").asc(nulls_last=True), "-updated_at", "-id"),
    "-risk": (F("risk__overall").desc(nulls_last=True), "-updated_at", "-id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
SortLiteral = Literal[tuple(SORTS)]  # type: ignore[valid-type]


def _of_project(model, project: Project, pk):
    """The change, incident or order `pk` of `project`; another project's (or none) is a 404."""
    found = model.objects.filter(pk=object_pk(pk), project=project).first()
    if found is None:
        raise NotFound()
    return found


def _name(user) -> str | None:
    return user.display_name if user is not None else None


def _ratio(value, places: int = 4) -> str | None:
    return None if value is None else f"{value:.{places}f}"


def _version_field():
    return Field(None, ge=1, le=2**31, description="乐观锁:当前版本号")


# --- shapes ------------------------------------------------------------------------------------------------


class FlagOut(Schema):
    code: str
    label: str


class RatingsOut(Schema):
    cost_variance: str | None = Field(..., description="成本偏差率:(预计完工总投资 − 核定概算)/ 核定概算")
    cost_rating: int | None = Field(..., description="成本评级 1(高风险)–5(低风险)")
    schedule_variance: str | None = Field(..., description="进度偏差率:里程碑最大延误天数 / 计划工期天数")
    schedule_rating: int | None
    drc_rating: int | None = Field(..., description="区发改委最近一次评估分值 1–5")
    overall: str | None = Field(..., description="综合评级")
    level: str = Field(..., description="风险等级:low、medium、high;尚无评级的为空")
    level_label: str


class MonitoringDueOut(Schema):
    interval: int | None = Field(..., description="绩效监控间隔(月)")
    last: dt.date | None = Field(..., description="最近一次监控截止日期")
    due: dt.date | None = Field(..., description="下一次应报送日期")
    overdue: bool


class MilestoneOut(Schema):
    id: int
    name: str
    due_date: dt.date
    actual_date: dt.date | None
    note: str
    slip_days: int = Field(..., description="延误天数(已完成的按实际完成日期计)")
    state: str = Field(..., description="done、late、pending")
    recorded_by: str | None


class SupervisionOut(Schema):
    id: int
    firm: UnitRef
    pool_year: int
    fee: str = Field(..., description="监理费(元)")
    appointed_on: dt.date
    contract_id: int | None
    recorded_at: dt.datetime
    recorded_by: str | None

    @staticmethod
    def resolve_pool_year(obj):
        return obj.pool_entry.year

    @staticmethod
    def resolve_fee(obj):
        return money(obj.fee)

    @staticmethod
    def resolve_recorded_by(obj):
        return _name(obj.recorded_by)


class SupervisionReportOut(Schema):
    id: int
    firm: UnitRef
    period_start: dt.date
    period_end: dt.date
    progress: str
    quality: str
    issues_found: str
    recommendations: str
    filed_at: dt.datetime
    filed_by: str | None

    @staticmethod
    def resolve_filed_by(obj):
        return _name(obj.filed_by)


class MonitoringValueOut(Schema):
    position: int = Field(..., description="批复绩效目标的序号(从0起)")
    category: str
    indicator: str
    unit: str
    target: str
    actual: str
    achieved: bool | None
    deviation: str | None = Field(..., description="偏差率:(实际 − 目标)/ 目标;非数值的为空")
    beyond: bool = Field(..., description="超出容差或未达到目标,须说明原因(第十九条)")
    cause: str

    @staticmethod
    def resolve_deviation(obj):
        return _ratio(obj.deviation)


class MonitoringReportOut(Schema):
    id: int
    baseline_version: int
    period_end: dt.date
    completion: int = Field(..., description="形象进度(%)")
    forecast_cost: str = Field(..., description="预计完工总投资(元)")
    summary: str
    submitted_at: dt.datetime
    submitted_by: str | None
    values: list[MonitoringValueOut]

    @staticmethod
    def resolve_baseline_version(obj):
        return obj.baseline.version

    @staticmethod
    def resolve_forecast_cost(obj):
        return money(obj.forecast_cost)

    @staticmethod
    def resolve_submitted_by(obj):
        return _name(obj.submitted_by)

    @staticmethod
    def resolve_values(obj):
        return list(obj.values.all())


class ChangeOut(Schema):
    id: int
    number: int
    baseline_version: int = Field(..., description="对照的批复版本")
    kinds: list[str]
    kinds_label: str
    description: str
    reason: str
    proposed_estimate: str | None
    proposed_end_date: dt.date | None
    increase: str = Field(..., description="较核定概算增加(元)")
    increase_ratio: str = Field(..., description="增加比例(达到重新立项比例的转重新立项,第二十条)")
    classification: str = Field(..., description="reapproval、procedure、schedule_only")
    classification_label: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    submitted_by: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_reason: str
    version: int

    @staticmethod
    def resolve_baseline_version(obj):
        return obj.baseline.version

    @staticmethod
    def resolve_kinds_label(obj):
        return obj.get_kinds_display()

    @staticmethod
    def resolve_proposed_estimate(obj):
        return money(obj.proposed_estimate)

    @staticmethod
    def resolve_increase(obj):
        return money(obj.increase)

    @staticmethod
    def resolve_increase_ratio(obj):
        return _ratio(obj.increase_ratio, 6)

    @staticmethod
    def resolve_classification_label(obj):
        return obj.get_classification_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_submitted_by(obj):
        return _name(obj.submitted_by)

    @staticmethod
    def resolve_decided_by(obj):
        return _name(obj.decided_by)


class IncidentOut(Schema):
    id: int
    kind: str
    kind_label: str
    source: str = Field(..., description="unit:建设单位报告;system:系统预警")
    source_label: str
    description: str
    measure: dict = Field(..., description="系统预警的触发指标")
    status: str
    status_label: str
    reported_at: dt.datetime
    reported_by: str | None
    handled_at: dt.datetime | None
    handled_by: str | None
    handling_note: str
    version: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_source_label(obj):
        return obj.get_source_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_reported_by(obj):
        return _name(obj.reported_by)

    @staticmethod
    def resolve_handled_by(obj):
        return _name(obj.handled_by)


class RectificationOut(Schema):
    id: int
    incident_id: int | None
    requirements: str
    deadline: dt.date
    overdue: bool = Field(..., description="已过整改期限且未整改完成")
    status: str
    status_label: str
    ordered_at: dt.datetime
    ordered_by: str | None
    response: str
    responded_at: dt.datetime | None
    responded_by: str | None
    closed_at: dt.datetime | None
    closed_by: str | None
    review_note: str
    version: int

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_ordered_by(obj):
        return _name(obj.ordered_by)

    @staticmethod
    def resolve_responded_by(obj):
        return _name(obj.responded_by)

    @staticmethod
    def resolve_closed_by(obj):
        return _name(obj.closed_by)


class SuspensionOut(Schema):
    id: int
    incident_id: int | None
    reason: str
    suspended_at: dt.datetime
    suspended_by: str | None
    resumed_at: dt.datetime | None
    resumed_by: str | None
    resume_reason: str

    @staticmethod
    def resolve_suspended_by(obj):
        return _name(obj.suspended_by)

    @staticmethod
    def resolve_resumed_by(obj):
        return _name(obj.resumed_by)


class RiskAssessmentOut(Schema):
    id: int
    score: int
    comment: str
    assessed_at: dt.datetime
    assessed_by: str | None

    @staticmethod
    def resolve_assessed_by(obj):
        return _name(obj.assessed_by)


class ControlOut(Schema):
    project: ConstructionProjectOut
    baseline_version: int | None = Field(..., description="现行批复版本")
    approved_estimate: str | None = Field(..., description="批复的总投资概算(元)")
    estimate: str | None = Field(..., description="现行核定概算(元):经变更手续批准的,为变更后总投资(第二十条)")
    end_date: dt.date | None = Field(..., description="现行计划完工日期(含已批准或备案的工期变更)")
    ratings: RatingsOut
    flags: list[FlagOut]
    deviations: list[FlagOut] = Field(..., description="未经批准的偏离(第二十条):存在时不予验收")
    monitoring: MonitoringDueOut
    milestones: list[MilestoneOut]
    supervision: SupervisionOut | None
    supervision_reports: list[SupervisionReportOut]
    monitoring_reports: list[MonitoringReportOut]
    changes: list[ChangeOut]
    incidents: list[IncidentOut]
    rectifications: list[RectificationOut]
    suspensions: list[SuspensionOut]
    risk_assessments: list[RiskAssessmentOut]
    actions: list[str] = Field(..., description="当前用户现在可执行的建设管控操作:appoint_supervisor、report_supervision、"
                                                 "submit_monitoring、record_milestone、submit_change、decide_change、"
                                                 "assess_risk、report_incident、order_rectification、"
                                                 "respond_rectification、suspend、resume(执行时仍按规则校验)")


class PortfolioRiskOut(Schema):
    overall: str | None
    level: str
    level_label: str
    cost_rating: int | None
    schedule_rating: int | None
    drc_rating: int | None
    flags: list[FlagOut]
    computed_on: dt.date


class PortfolioItemOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str
    reapproval: bool = Field(..., description="已开工、因投资概算增加达到比例正在重新立项(第二十条)")
    estimate: str | None = Field(..., description="现行核定概算(元)")
    contracted: str = Field(..., description="合同金额合计(元)")
    paid: str = Field(..., description="累计支付(元)")
    risk: PortfolioRiskOut | None = Field(..., description="风险评级(尚未计算的为空)")
    updated_at: dt.datetime
    version: int


class PortfolioOut(Page):
    items: list[PortfolioItemOut]


class PortfolioQuery(Schema):
    status: list[PortfolioStatus] | None = Field(None, description="budgeted、in_construction、suspended、"
                                                                   "reapproval(重新立项中),可多选")
    sort: SortLiteral = Field("risk", description="risk:按综合评级升序,风险由高到低(默认);-risk:风险由低到高;"
                                                  "name、-name;updated、-updated(更新时间)。尚无评级的排在最后")
    limit: int = limit_field()
    offset: int = offset_field()


class PoolEntryOut(Schema):
    id: int
    year: int
    firm: UnitRef
    qualification: str
    certificate_number: str
    valid_until: dt.date
    recorded_at: dt.datetime
    recorded_by: str | None

    @staticmethod
    def resolve_recorded_by(obj):
        return _name(obj.recorded_by)


class PoolOut(Schema):
    year: int
    count: int
    items: list[PoolEntryOut]
    actions: list[str] = Field(..., description="add、remove:区发改委(大数据局)可增删(第十九条)")


class PoolQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年度(默认今年)")


# --- inputs ------------------------------------------------------------------------------------------------


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class PoolEntryIn(_In):
    year: int = Field(..., ge=0, le=2**31, description="年度")
    firm_id: int = Field(..., ge=1, le=MAX_ID, description="监理单位(本区登记的监理公司)")
    qualification: Title = Field(..., description="监理资质(最多100字)")
    certificate_number: Title = Field(..., description="资质证书编号(最多60字)")
    valid_until: dt.date = Field(..., description="资质有效期至(须覆盖该年度)")


class AppointIn(_In):
    firm_id: int = Field(..., ge=1, le=MAX_ID, description="监理单位:须在委托当年区发改委确定的监理单位中(第十九条)")
    fee: Money = Field(..., description="监理费(元):不超过批复概算中的监理费(第十九条)")
    appointed_on: dt.date = Field(..., description="委托日期(不得晚于今天)")
    contract_id: int | None = Field(None, ge=1, le=MAX_ID, description="本项目的监理合同")


class SupervisionReportIn(_In):
    period_start: dt.date
    period_end: dt.date = Field(..., description="报告期止(不得晚于今天)")
    progress: Text = Field(..., description="进度情况")
    quality: Text = Field(..., description="质量情况")
    issues_found: Text = Field("", description="发现的问题")
    recommendations: Text = Field("", description="监理建议")


class MonitoringValueIn(_In):
    position: int = Field(..., ge=0, le=2**31, description="批复绩效目标的序号(从0起)")
    actual: Title = Field(..., description="实际值(最多60字)")
    achieved: bool | None = Field(None, description="是否达到目标(非数值指标填写)")
    cause: Text = Field("", description="偏差原因:偏差超出容差或未达到目标的必填(第十九条)")


class MonitoringIn(_In):
    period_end: dt.date = Field(..., description="监控截止日期(不得晚于今天;每期一份)")
    completion: int = Field(..., ge=-(2**31), le=2**31, description="形象进度(0–100)")
    forecast_cost: Money = Field(..., description="预计完工总投资(元)")
    summary: Text = Field(..., description="总体情况")
    values: list[MonitoringValueIn] = Field(default_factory=list, max_length=200,
                                            description="每项批复绩效目标的实际值,须全部填写")


class MilestoneActualIn(_In):
    actual_date: dt.date = Field(..., description="实际完成日期(不得晚于今天)")
    note: Title = Field("", description="说明(最多200字)")


class RiskAssessmentIn(_In):
    score: int = Field(..., ge=-(2**31), le=2**31, description="评估分值:1(高风险)至5(低风险)")
    comment: Text = Field(..., description="评估意见")


class ChangeIn(_In):
    kinds: list[KindLiteral] = Field(..., max_length=6, description="变更事项:content、scale、standards、estimate、"
                                                                   "schedule、technical")
    description: Text = Field(..., description="变更内容")
    reason: Text = Field(..., description="变更理由")
    proposed_estimate: Money | None = Field(None, description="变更后总投资(元;变更投资概算的必填)")
    proposed_end_date: dt.date | None = Field(None, description="变更后完工日期(变更工期的必填)")


class DecisionIn(_In):
    decision: Literal["approve", "refuse"] = Field(..., description="approve:批准;refuse:不予批准")
    reason: Text = Field(..., description="审批意见")
    version: int | None = _version_field()


class IncidentIn(_In):
    kind: IncidentKindLiteral = Field(..., description="问题类型")
    description: Text = Field(..., description="情况说明")


class ReasonIn(_In):
    reason: Text = Field(..., description="理由")


class RectificationOrderIn(_In):
    requirements: Text = Field(..., description="整改要求")
    deadline: dt.date = Field(..., description="整改期限(须晚于今天)")
    incident_id: int | None = Field(None, ge=1, le=MAX_ID, description="所涉本项目的问题报告")


class RectificationResponseIn(_In):
    response: Text = Field(..., description="整改情况")
    version: int | None = _version_field()


class RectificationReviewIn(_In):
    accept: bool = Field(..., description="true:整改完成,办结;false:退回继续整改")
    note: Text = Field(..., description="审核意见")
    version: int | None = _version_field()


class SuspendIn(_In):
    reason: Text = Field(..., description="暂停理由")
    incident_id: int | None = Field(None, ge=1, le=MAX_ID, description="所涉本项目的问题报告")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:项目的当前版本号")


class ResumeIn(_In):
    reason: Text = Field(..., description="恢复理由")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:项目的当前版本号")


def _data(payload: Schema) -> dict:
    data = payload.dict()
    data.pop("version", None)
    return data


# --- the control dossier -----------------------------------------------------------------------------------


def _flags(codes) -> list[dict]:
    return [{"code": code, "label": str(selectors.FLAG_LABELS.get(code, code))} for code in codes]


def _level_label(level: str) -> str:
    return str(RiskLevel(level).label) if level else ""


def _milestone_out(row: dict) -> dict:
    milestone, actual = row["milestone"], row["actual"]
    return {"id": milestone.pk, "name": milestone.name, "due_date": milestone.due_date,
            "actual_date": actual.actual_date if actual else None, "note": actual.note if actual else "",
            "slip_days": row["slip_days"], "state": row["state"],
            "recorded_by": _name(actual.recorded_by) if actual else None}


def _control(user, project: Project) -> dict:
    today = local_today()
    control = selectors.control_of(project, parameters_in_force(project.owner_unit.jurisdiction, today), today)
    baseline = control["baseline"]
    return {
        "project": project,
        "baseline_version": baseline.version if baseline else None,
        "approved_estimate": money(baseline.approved_estimate) if baseline else None,
        "estimate": money(control["estimate"]),
        "end_date": control["end_date"],
        "ratings": {"cost_variance": _ratio(control["cost_variance"]), "cost_rating": control["cost_rating"],
                    "schedule_variance": _ratio(control["schedule_variance"]),
                    "schedule_rating": control["schedule_rating"], "drc_rating": control["drc_rating"],
                    "overall": _ratio(control["overall"], 2), "level": control["level"],
                    "level_label": _level_label(control["level"])},
        "flags": _flags(control["flags"]),
        "deviations": [{"code": d["code"], "label": str(d["label"])} for d in control["deviations"]],
        "monitoring": control["monitoring"],
        "milestones": [_milestone_out(row) for row in control["milestones"]],
        **{key: control[key] for key in ("supervision", "supervision_reports", "monitoring_reports", "changes",
                                         "incidents", "rectifications", "suspensions", "risk_assessments")},
        "actions": policies.control_actions(user, project),
    }


@router.get("/projects/{project_id}/construction/control", response={200: ControlOut, **ERRORS},
            summary="项目建设管控:风险评级、偏离、里程碑、监理、绩效监控、变更、问题、整改、暂停(第十一条、第十九至二十一条)")
def control_dossier(request, project_id: int):
    return _control(request.auth, _project(request, project_id))


# --- the portfolio -----------------------------------------------------------------------------------------


def _may_list(user) -> bool:
    return is_bureau_user(user) or user.has_role(Role.OWNER) or user.has_role(Role.SUPERVISOR)


def _portfolio(user, statuses):
    """The projects being built that `user` sees, each with the estimate in force (the latest baseline's, or the
    latest change DRC approved against it), its contracts and payments — subqueries, so the page's queries do
    not grow with its rows."""
    building = Q(status__in=BUILDING) | Q(status__in=REAPPROVING, construction_started_at__isnull=False)
    wanted = Q(pk__in=[]) if statuses else building
    for status in statuses or ():
        wanted |= (Q(status__in=REAPPROVING, construction_started_at__isnull=False) if status == "reapproval"
                   else Q(status=status))
    return selectors.with_money_in_force(projects_visible_to(user).filter(wanted).select_related("risk"))


def _portfolio_item(project: Project) -> dict:
    risk = getattr(project, "risk", None)
    return {
        "id": project.pk, "name": project.name, "owner_unit": project.owner_unit, "status": project.status,
        "status_label": project.get_status_display(),
        "reapproval": project.status in REAPPROVING and project.construction_started_at is not None,
        "estimate": money(project.estimate), "contracted": money(project.contracted), "paid": money(project.paid),
        "risk": None if risk is None else {
            "overall": _ratio(risk.overall, 2), "level": risk.level, "level_label": _level_label(risk.level),
            "cost_rating": risk.cost_rating, "schedule_rating": risk.schedule_rating, "drc_rating": risk.drc_rating,
            "flags": _flags(risk.flags), "computed_on": risk.computed_on},
        "updated_at": project.updated_at, "version": project.version,
    }


@router.get("/construction/projects", response={200: PortfolioOut, **ERRORS},
            summary="在建项目一览:核定概算、合同、支付、风险评级和标记(第十九至二十一条)",
            description="当前用户可见的已编列预算、建设中、暂停建设的项目,以及已开工后转重新立项的项目;"
                        "可按风险评级排序。")
def construction_portfolio(request, query: Query[PortfolioQuery]):
    user = request.auth
    if not _may_list(user):
        raise Forbidden()
    qs = _portfolio(user, query.status).order_by(*SORTS[query.sort])
    count = qs.count()
    items = [_portfolio_item(p) for p in qs[query.offset: query.offset + query.limit]]
    return {**page_links(request, count, query.limit, query.offset), "items": items}


# --- the supervision pool (art. 19) ------------------------------------------------------------------------


def _jurisdiction() -> Jurisdiction | None:
    """The district this installation serves (its pool; planning's rounds are kept the same way)."""
    return Jurisdiction.objects.filter(code=settings.ITGOV_JURISDICTION_CODE).first()


def _jurisdiction_to_write() -> Jurisdiction:
    jurisdiction = _jurisdiction()
    if jurisdiction is None:
        raise Conflict(_("尚未载入本级政策参数"))
    return jurisdiction


def _may_read_pool(user) -> bool:
    """The bureaus, the owner units (who appoint from it) and the supervision firms read the pool."""
    return _may_list(user)


def _pool_actions(user) -> list[str]:
    return ["add", "remove"] if perms.has_perm("construction.manage_pool", user) else []


@router.get("/supervision-pool", response={200: PoolOut, **ERRORS},
            summary="年度监理单位(区发改委每年确定2–3家,第十九条)")
def pool_list(request, query: Query[PoolQuery]):
    user = request.auth
    if not _may_read_pool(user):
        raise Forbidden()
    year, jurisdiction = query.year or local_today().year, _jurisdiction()
    items = list(selectors.pool_of(jurisdiction, year).select_related("recorded_by")) if jurisdiction else []
    return {"year": year, "count": len(items), "items": items, "actions": _pool_actions(user)}


@router.post("/supervision-pool", response={201: PoolEntryOut, **WRITE_ERRORS},
             summary="确定年度监理单位(区发改委,第十九条)")
def pool_add(request, payload: PoolEntryIn):
    entry = services.pool_add(actor=request.auth, jurisdiction=_jurisdiction_to_write(), data=payload.dict())
    return Status(201, SupervisionPoolEntry.objects.select_related("firm", "recorded_by").get(pk=entry.pk))


@router.delete("/supervision-pool/{entry_id}", response={204: None, **WRITE_ERRORS},
               summary="移出年度监理单位(区发改委;已有项目委托的不能移出,第十九条)")
def pool_remove(request, entry_id: int):
    user = request.auth
    entry = (SupervisionPoolEntry.objects.filter(pk=object_pk(entry_id), jurisdiction=_jurisdiction_to_write())
             .select_related("firm").first())
    if entry is None or not _may_read_pool(user):
        raise NotFound()
    services.pool_remove(actor=user, entry=entry)
    return Status(204, None)


# --- supervision (art. 19) ---------------------------------------------------------------------------------


@router.post("/projects/{project_id}/supervision", response={201: SupervisionOut, **WRITE_ERRORS},
             summary="委托项目监理(建设单位;从委托当年的年度监理单位中选定,监理费在概算以内,第十九条)")
def supervisor_appoint(request, project_id: int, payload: AppointIn):
    project = _project(request, project_id)
    appointment = services.supervisor_appoint(actor=request.auth, project=project, data=payload.dict())
    return Status(201, SupervisionAppointment.objects.select_related("firm", "pool_entry", "recorded_by")
                  .get(pk=appointment.pk))


@router.post("/projects/{project_id}/supervision-reports", response={201: SupervisionReportOut, **WRITE_ERRORS},
             summary="报送监理报告(本项目的监理单位,第十九条)")
def supervision_report(request, project_id: int, payload: SupervisionReportIn):
    project = _project(request, project_id)
    report = services.supervision_report_file(actor=request.auth, project=project, data=payload.dict())
    return Status(201, SupervisionReport.objects.select_related("firm", "filed_by").get(pk=report.pk))


# --- performance monitoring, milestones, risk (art. 11, 19) ------------------------------------------------


@router.post("/projects/{project_id}/monitoring-reports", response={201: MonitoringReportOut, **WRITE_ERRORS},
             summary="报送绩效监控报告(建设单位;偏差超出容差的指标须说明原因,第十一条、第十九条)")
def monitoring_report(request, project_id: int, payload: MonitoringIn):
    project = _project(request, project_id)
    report = services.monitoring_submit(actor=request.auth, project=project, data=payload.dict())
    return Status(201, MonitoringReport.objects.select_related("baseline", "submitted_by")
                  .prefetch_related("values").get(pk=report.pk))


@router.post("/projects/{project_id}/milestones/{milestone_id}/actual", response={201: MilestoneOut, **WRITE_ERRORS},
             summary="登记里程碑实际完成日期(建设单位,第十九条)")
def milestone_actual(request, project_id: int, milestone_id: int, payload: MilestoneActualIn):
    project = _project(request, project_id)
    actual = services.milestone_record(actor=request.auth, project=project, milestone_id=object_pk(milestone_id),
                                       data=payload.dict())
    row = next(r for r in selectors.milestones_of(project, local_today()) if r["milestone"].pk == actual.milestone_id)
    return Status(201, _milestone_out(row))


@router.post("/projects/{project_id}/risk-assessments", response={201: RiskAssessmentOut, **WRITE_ERRORS},
             summary="项目风险评估(区发改委,1–5分,第十九条)")
def risk_assessment(request, project_id: int, payload: RiskAssessmentIn):
    project = _project(request, project_id)
    assessment = services.risk_assess(actor=request.auth, project=project, data=payload.dict())
    return Status(201, RiskAssessment.objects.select_related("assessed_by").get(pk=assessment.pk))


# --- change control (art. 20) ------------------------------------------------------------------------------


def _change(change: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.select_related("baseline", "submitted_by", "decided_by").get(pk=change.pk)


@router.post("/projects/{project_id}/changes", response={201: ChangeOut, **WRITE_ERRORS},
             summary="提出变更申请(建设单位,第二十条)",
             description="系统对照现行批复分类:投资概算增加达到重新立项比例(10%,含)的,项目转重新立项;"
                         "较小的增加或建设内容、规模、标准、技术方案的变更,办理变更手续(区发改委审批);"
                         "仅调整工期的,予以备案。")
def change_submit(request, project_id: int, payload: ChangeIn):
    project = _project(request, project_id)
    change = services.change_submit(actor=request.auth, project=project, data=payload.dict())
    return Status(201, _change(change))


@router.post("/projects/{project_id}/changes/{change_id}/decision", response={200: ChangeOut, **WRITE_ERRORS},
             summary="审批变更申请(区发改委,第二十条)")
def change_decide(request, project_id: int, change_id: int, payload: DecisionIn):
    project = _project(request, project_id)
    change = _of_project(ChangeRequest, project, change_id)
    decided = services.change_decide(actor=request.auth, project=project, change=change, data=_data(payload),
                                     expected_version=payload.version)
    return _change(decided)


# --- incidents, rectification, suspension (art. 21) --------------------------------------------------------


def _incident(incident: Incident) -> Incident:
    return Incident.objects.select_related("reported_by", "handled_by").get(pk=incident.pk)


def _order(order: RectificationOrder) -> RectificationOrder:
    fresh = RectificationOrder.objects.select_related("ordered_by", "responded_by", "closed_by").get(pk=order.pk)
    return selectors.with_overdue(fresh, local_today())


@router.post("/projects/{project_id}/incidents", response={201: IncidentOut, **WRITE_ERRORS},
             summary="报告重大问题(建设单位:工程严重逾期、投资重大损失等,第二十一条)")
def incident_report(request, project_id: int, payload: IncidentIn):
    project = _project(request, project_id)
    incident = services.incident_report(actor=request.auth, project=project, data=payload.dict())
    return Status(201, _incident(incident))


@router.post("/projects/{project_id}/incidents/{incident_id}/dismissal", response={200: IncidentOut, **WRITE_ERRORS},
             summary="问题不予立案(区发改委或区财政局,第二十一条)")
def incident_dismiss(request, project_id: int, incident_id: int, payload: ReasonIn):
    project = _project(request, project_id)
    incident = _of_project(Incident, project, incident_id)
    return _incident(services.incident_dismiss(actor=request.auth, project=project, incident=incident,
                                               data=payload.dict()))


@router.post("/projects/{project_id}/rectifications", response={201: RectificationOut, **WRITE_ERRORS},
             summary="下达整改通知(区发改委或区财政局,第二十一条)")
def rectification_order(request, project_id: int, payload: RectificationOrderIn):
    project = _project(request, project_id)
    order = services.rectification_order(actor=request.auth, project=project, data=payload.dict())
    return Status(201, _order(order))


@router.post("/projects/{project_id}/rectifications/{order_id}/response",
             response={200: RectificationOut, **WRITE_ERRORS},
             summary="报送整改情况(建设单位;暂停建设期间亦可,第二十一条)")
def rectification_respond(request, project_id: int, order_id: int, payload: RectificationResponseIn):
    project = _project(request, project_id)
    order = _of_project(RectificationOrder, project, order_id)
    return _order(services.rectification_respond(actor=request.auth, project=project, order=order,
                                                 data=_data(payload), expected_version=payload.version))


@router.post("/projects/{project_id}/rectifications/{order_id}/review",
             response={200: RectificationOut, **WRITE_ERRORS},
             summary="审核整改情况:办结或退回(区发改委或区财政局,第二十一条)")
def rectification_review(request, project_id: int, order_id: int, payload: RectificationReviewIn):
    project = _project(request, project_id)
    order = _of_project(RectificationOrder, project, order_id)
    return _order(services.rectification_review(actor=request.auth, project=project, order=order,
                                                data=_data(payload), expected_version=payload.version))


@router.post("/projects/{project_id}/construction/suspend", response={200: ControlOut, **WRITE_ERRORS},
             summary="暂停项目建设(区发改委或区财政局;暂停期间只能整改,第二十一条)")
def construction_suspend(request, project_id: int, payload: SuspendIn):
    project = _project(request, project_id)
    services.construction_suspend(actor=request.auth, project=project, data=_data(payload),
                                  expected_version=payload.version)
    return _control(request.auth, access_project_by_id(request.auth, project.pk))


@router.post("/projects/{project_id}/construction/resume", response={200: ControlOut, **WRITE_ERRORS},
             summary="恢复项目建设(区发改委或区财政局,记录理由,第二十一条)")
def construction_resume(request, project_id: int, payload: ResumeIn):
    project = _project(request, project_id)
    services.construction_resume(actor=request.auth, project=project, data=_data(payload),
                                 expected_version=payload.version)
    return _control(request.auth, access_project_by_id(request.auth, project.pk))
