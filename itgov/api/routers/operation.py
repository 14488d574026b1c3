"""Operation over /api/v1 (art. 12, 23, 24): a project's operation dossier — day G, the self-evaluation window and
where the project stands with it, the evaluation, the O&M arrangements and funding requests, and what the user may
do — and the writes: the owner unit goes live, submits the self-evaluation (its PDF for Finance, DRC and whoever sees
the project), records the O&M arrangement and requests O&M funds; Finance decides them. The portfolio lists the
accepted and operating projects with their evaluation state.

Handlers parse input, fetch through the permission-checked accessor (404 when not visible) and call
itgov.operation.services, which check the power (403 citing 第二十四条 or 第十二条), the input (400 with the field),
the state (409) and the rules (422 with rule and article: 第二十三条, 第二十四条, 第十二条), and audit every write."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import rules as perms
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.access.scoping import is_bureau_user
from itgov.accounts.choices import Role
from itgov.core.dates import local_today
from itgov.core.errors import Forbidden, NotFound
from itgov.operation import report, selectors, services
from itgov.operation.choices import ArrangementMode, Decision, EvaluationState
from itgov.operation.workflow import GO_LIVE
from itgov.projects.models import Project
from itgov.projects.selectors import access_project_by_id
from itgov.rules.profiles import parameters_in_force

from ..schemas import ERRORS, WRITE_ERRORS, Money, Page, UnitRef, limit_field, money, offset_field, page_links
from .construction import Text, _project

router = Router(tags=["operation"])

Short = Annotated[str, StringConstraints(max_length=500)]
StateLiteral = Literal[tuple(EvaluationState.values)]  # type: ignore[valid-type]
FilterLiteral = Literal[selectors.FILTERS]  # type: ignore[valid-type]
MAX_ID = 2**62


def _name(user) -> str | None:
    return user.display_name if user is not None else None


# --- shapes ------------------------------------------------------------------------------------------------


class OperationProjectOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str
    accepted_on: dt.date | None = Field(..., description="验收通过日期")
    operation_started_on: dt.date | None = Field(..., description="投入运行日期(G)")
    version: int

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class SelfEvaluationStatusOut(Schema):
    operation_started_on: dt.date | None = Field(..., description="投入运行日期(G)")
    opens: dt.date | None = Field(..., description="自评价报送期起:G + 12个月(第二十四条)")
    closes: dt.date | None = Field(..., description="自评价报送期止:G + 24个月;此后报送为逾期")
    state: StateLiteral = Field(..., description="not_in_operation 未投入运行、not_yet 未到报送期、open 待报送、"
                                                 "overdue 已逾期、submitted 已报送、submitted_late 逾期报送")
    state_label: str


class SelfEvaluationValueOut(Schema):
    target_id: int
    category: str
    indicator: str
    unit: str
    target: str = Field(..., description="目标值")
    actual: str = Field(..., description="实际值")
    achieved: bool


class SelfEvaluationOut(Schema):
    id: int
    submitted_on: dt.date
    operation_started_on: dt.date
    score: str = Field(..., description="自评得分(0–100,一位小数)")
    summary: str
    problems: str
    improvements: str
    late: bool = Field(..., description="逾期报送(G + 24个月后)")
    values: list[SelfEvaluationValueOut]
    submitted_at: dt.datetime
    submitted_by: str | None
    pdf: str = Field(..., description="报告 PDF 的地址")


class OMArrangementOut(Schema):
    id: int
    mode: str
    mode_label: str
    provider: str
    period_start: dt.date
    period_end: dt.date
    security_officer: str
    security_measures: str
    recorded_at: dt.datetime
    recorded_by: str | None


class OMFundingOut(Schema):
    id: int
    year: int
    requested_amount: str = Field(..., description="申请金额(元)")
    suggested_amount: str | None = Field(..., description="建议金额(元):核定总投资 × 运维经费比例;未设定比例的为空")
    justification: str
    status: str
    status_label: str
    decided_amount: str | None
    decision_reason: str
    decided_at: dt.datetime | None
    decided_by: str | None
    requested_at: dt.datetime
    requested_by: str | None
    version: int


class OperationDossierOut(Schema):
    project: OperationProjectOut
    evaluation_status: SelfEvaluationStatusOut
    evaluation: SelfEvaluationOut | None
    arrangements: list[OMArrangementOut] = Field(..., description="运行维护安排,最新(现行)在前")
    funding_requests: list[OMFundingOut]
    warranty_ends_on: dt.date | None = Field(..., description="各合同质保期的最晚截止日期(第十二条)")
    actions: list[str] = Field(..., description="当前用户现在可执行的操作:go_live、self_evaluate、arrange、"
                                                 "request_funding、decide_funding(执行时仍按规则校验)")


class OperationPortfolioItemOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str
    accepted_on: dt.date | None
    operation_started_on: dt.date | None
    evaluation: SelfEvaluationStatusOut
    pending_funding: int = Field(..., description="待财政局审核的运维经费申请数")


class OperationPortfolioOut(Page):
    items: list[OperationPortfolioItemOut]


class OperationPortfolioQuery(Schema):
    filter: FilterLiteral | None = Field(None, description="accepted 已通过验收、in_operation 运行中、evaluation_open "
                                                           "自评价待报送、evaluation_overdue 自评价逾期、funding_pending "
                                                           "运维经费待审核")
    state: list[StateLiteral] | None = Field(None, description="自评价状态,可多选")
    limit: int = limit_field()
    offset: int = offset_field()


# --- inputs ------------------------------------------------------------------------------------------------


class OperationGoLiveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    operation_started_on: dt.date = Field(..., description="投入运行日期(G):不早于验收通过日期,不晚于今天(第二十三条)")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:项目的当前版本号")


class SelfEvaluationValueIn(Schema):
    model_config = ConfigDict(extra="forbid")
    target_id: int = Field(..., ge=1, le=MAX_ID, description="批复的绩效目标")
    actual: Short = Field(..., description="实际值")
    achieved: bool = Field(..., description="是否达到目标")


class SelfEvaluationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    score: Annotated[str, StringConstraints(max_length=20)] = Field(..., description="自评得分(0–100,一位小数)")
    summary: Text = Field(..., description="总体评价")
    problems: Text = Field(..., description="存在的问题")
    improvements: Text = Field(..., description="改进措施")
    values: list[SelfEvaluationValueIn] = Field(..., max_length=200, description="每项批复绩效目标的实际值")


class OMArrangementIn(Schema):
    model_config = ConfigDict(extra="forbid")
    mode: Literal[tuple(ArrangementMode.values)] = Field(..., description="team 本单位运维团队;contractor 委托运维服务商")  # type: ignore[valid-type]
    provider: Short = Field(..., description="运维团队或服务商")
    period_start: dt.date = Field(..., description="运维期起")
    period_end: dt.date = Field(..., description="运维期止,不早于运维期起")
    security_officer: Short = Field(..., description="安全保密责任人")
    security_measures: Text = Field(..., description="信息安全保密措施(第二十四条)")


class OMFundingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(..., ge=1, le=9999, description="预算年度")
    requested_amount: Money = Field(..., description="申请金额(元)")
    justification: Text = Field(..., description="申请理由")


class OMFundingDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    decision: Literal[tuple(Decision.values)] = Field(..., description="approve 核定安排;reject 不予安排")  # type: ignore[valid-type]
    amount: Money | None = Field(None, description="核定金额(元):核定安排的必填")
    reason: Text = Field("", description="审核意见:不予安排的必填")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:申请的当前版本号")


# --- the dossier -------------------------------------------------------------------------------------------


def _evaluation(evaluation) -> dict | None:
    if evaluation is None:
        return None
    return {"id": evaluation.pk, "submitted_on": evaluation.submitted_on,
            "operation_started_on": evaluation.operation_started_on, "score": f"{evaluation.score:.1f}",
            "summary": evaluation.summary, "problems": evaluation.problems, "improvements": evaluation.improvements,
            "late": evaluation.late, "submitted_at": evaluation.submitted_at,
            "submitted_by": _name(evaluation.submitted_by),
            "values": [{"target_id": v.target_id, "category": v.category, "indicator": v.indicator, "unit": v.unit,
                        "target": v.target_value, "actual": v.actual, "achieved": v.achieved}
                       for v in evaluation.values.all()],
            "pdf": f"/api/v1/projects/{evaluation.project_id}/self-evaluation.pdf"}


def _arrangement(a) -> dict:
    return {"id": a.pk, "mode": a.mode, "mode_label": a.get_mode_display(), "provider": a.provider,
            "period_start": a.period_start, "period_end": a.period_end, "security_officer": a.security_officer,
            "security_measures": a.security_measures, "recorded_at": a.recorded_at, "recorded_by": _name(a.recorded_by)}


def _funding(r) -> dict:
    return {"id": r.pk, "year": r.year, "requested_amount": money(r.requested_amount),
            "suggested_amount": money(r.suggested_amount), "justification": r.justification, "status": r.status,
            "status_label": r.get_status_display(), "decided_amount": money(r.decided_amount),
            "decision_reason": r.decision_reason, "decided_at": r.decided_at, "decided_by": _name(r.decided_by),
            "requested_at": r.requested_at, "requested_by": _name(r.requested_by), "version": r.version}


def actions_of(user, project: Project, funding_requests) -> list[str]:
    """What `user` may do on the project's operation now (the rules run on execution)."""
    from itgov.projects.choices import ProjectStatus as S

    actions = []
    if project.status in GO_LIVE.sources and perms.has_perm(GO_LIVE.permission, user, project):
        actions.append("go_live")
    if project.status == S.IN_OPERATION and perms.has_perm("operation.self_evaluate", user, project) and not (
            hasattr(project, "_evaluation") and project._evaluation is not None):
        actions.append("self_evaluate")
    if project.status in services.ARRANGEABLE and perms.has_perm("operation.arrange", user, project):
        actions.append("arrange")
    if project.status in services.ARRANGEABLE and perms.has_perm("operation.request_funding", user, project):
        actions.append("request_funding")
    if any(r.status == "submitted" for r in funding_requests) and perms.has_perm("operation.decide_funding", user,
                                                                                  project):
        actions.append("decide_funding")
    return actions


def dossier(user, project: Project) -> dict:
    today = local_today()
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    evaluation = selectors.evaluation_of(project)
    project._evaluation = evaluation
    funding = selectors.funding_requests_of(project)
    return {"project": project, "evaluation_status": selectors.evaluation_status(project, params, today, evaluation),
            "evaluation": _evaluation(evaluation),
            "arrangements": [_arrangement(a) for a in selectors.arrangements_of(project)],
            "funding_requests": [_funding(r) for r in funding], "warranty_ends_on": selectors.warranty_ends_on(project),
            "actions": actions_of(user, project, funding)}


def _fresh(request, project: Project) -> Project:
    return access_project_by_id(request.auth, project.pk)


@router.get("/projects/{project_id}/operation", response={200: OperationDossierOut, **ERRORS},
            summary="运行管理:投入运行日期、绩效自评价期限和报告、运行维护安排、运维经费申请(第十二条、第二十三条、第二十四条)")
def operation_dossier(request, project_id: int):
    return dossier(request.auth, _project(request, project_id))


@router.post("/projects/{project_id}/go-live", response={200: OperationDossierOut, **WRITE_ERRORS},
             summary="投入正式运行(建设单位,第二十三条)",
             description="通过竣工验收后方可投入运行;投入运行日期不早于验收通过日期、不晚于今天。")
def go_live(request, project_id: int, payload: OperationGoLiveIn):
    project = _project(request, project_id)
    services.go_live(actor=request.auth, project=project, expected_version=payload.version,
                     data={"operation_started_on": payload.operation_started_on})
    return dossier(request.auth, _fresh(request, project))


@router.post("/projects/{project_id}/self-evaluation", response={201: SelfEvaluationOut, **WRITE_ERRORS},
             summary="报送绩效自评价报告(建设单位,第二十四条)",
             description="投入运行后12个月起方可报送;24个月后报送的标记为逾期;须填写每项批复绩效目标的实际值;报送后不得修改。")
def self_evaluation_submit(request, project_id: int, payload: SelfEvaluationIn):
    project = _project(request, project_id)
    data = payload.dict()
    services.self_evaluation_submit(actor=request.auth, project=project, data=data)
    return Status(201, _evaluation(selectors.evaluation_of(project)))


@router.get("/projects/{project_id}/self-evaluation.pdf", response={**ERRORS},
            summary="下载绩效自评价报告(PDF)",
            openapi_extra={"responses": {200: {"description": "绩效自评价报告", "content": {
                report.PDF_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}})
def self_evaluation_pdf(request, project_id: int):
    project = _project(request, project_id)
    evaluation = selectors.evaluation_of(project)
    if evaluation is None:
        raise NotFound()
    content = report.render_report(evaluation)
    report.report_downloaded(actor=request.auth, evaluation=evaluation)
    response = HttpResponse(content, content_type=report.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, report.report_filename(evaluation))
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/projects/{project_id}/om-arrangements", response={201: OMArrangementOut, **WRITE_ERRORS},
             summary="登记运行维护安排(建设单位,第二十四条)",
             description="通过竣工验收后登记;再次登记的保留原记录,以最新一次为准。")
def arrangement_record(request, project_id: int, payload: OMArrangementIn):
    project = _project(request, project_id)
    made = services.arrangement_record(actor=request.auth, project=project, data=payload.dict())
    return Status(201, _arrangement(made))


@router.post("/projects/{project_id}/om-funding", response={201: OMFundingOut, **WRITE_ERRORS},
             summary="申请运行维护经费(建设单位,第十二条)",
             description="经审批并通过竣工验收、各合同质保期满后方可申请;每个项目每年度一份待审核或已核定的申请。")
def funding_request(request, project_id: int, payload: OMFundingIn):
    project = _project(request, project_id)
    made = services.funding_request(actor=request.auth, project=project, data=payload.dict())
    return Status(201, _funding(made))


@router.post("/projects/{project_id}/om-funding/{request_id}/decision", response={200: OMFundingOut, **WRITE_ERRORS},
             summary="审核运行维护经费(区财政局,第十二条)",
             description="核定安排的须填写核定金额;不予安排的须说明理由;每份申请只审核一次。")
def funding_decide(request, project_id: int, request_id: int, payload: OMFundingDecisionIn):
    project = _project(request, project_id)
    if not 0 < request_id <= MAX_ID:
        raise NotFound()
    found = services.get_request(project, request_id)
    data = payload.dict()
    version = data.pop("version")
    data = {k: v for k, v in data.items() if v is not None}
    decided = services.funding_decide(actor=request.auth, project=project, request=found, data=data,
                                      expected_version=version)
    return _funding(decided)


# --- the portfolio ------------------------------------------------------------------------------------------


def _may_list(user) -> bool:
    """The owner units and the bureaus (audit among them)."""
    return is_bureau_user(user) or user.has_role(Role.OWNER)


@router.get("/operation/projects", response={200: OperationPortfolioOut, **ERRORS},
            summary="运行管理一览:已通过验收和运行中的项目及其绩效自评价状态(第二十三条、第二十四条、第十二条)")
def operation_portfolio(request, query: Query[OperationPortfolioQuery]):
    user = request.auth
    if not _may_list(user):
        raise Forbidden()
    projects = selectors.portfolio(user, local_today())
    if query.filter:
        projects = [p for p in projects if selectors.matches(p, query.filter)]
    if query.state:
        projects = [p for p in projects if p.evaluation["state"] in set(query.state)]
    items = [{"id": p.pk, "name": p.name, "owner_unit": p.owner_unit, "status": p.status,
              "status_label": p.get_status_display(), "accepted_on": p.accepted_on,
              "operation_started_on": p.operation_started_on, "evaluation": p.evaluation,
              "pending_funding": p.pending_funding}
             for p in projects[query.offset: query.offset + query.limit]]
    return {**page_links(request, len(projects), query.limit, query.offset), "items": items}
