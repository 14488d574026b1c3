"""The security of the information systems (art. 30, with art. 4 and 5) over /api/v1: a system's security dossier —
its graded protection level and filing (备案), where its graded (等级测评) and cryptography (密评) assessments stand
(the next due day derived from the last one and the profile's interval for the level: current, due soon, overdue,
missing or not required), its assessments and its findings with their state — the writes (the owner unit records the
level and filing, the assessments and the remediation; the owner unit or the Cyberspace Office raises a finding),
and the Cyberspace Office's board (per unit: due and overdue assessments, the level distribution, open findings).

Handlers parse input, fetch through the permission-checked readers of itgov.security.selectors (404 when not visible:
a system's security is read by its owner unit, the Cyberspace Office, DRC and the audit bureau; a classified system
(art. 5) is never read here — its own unit and DRC, who see it in the catalogue, are told why on a write (409 citing
第五条)) and call itgov.security.services, which check the power (403 citing 第三十条), the input (400 naming the
field) and the state and version (409), and audit every write."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import rules as perms
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.catalogue.models import InformationSystem
from itgov.catalogue.selectors import systems_visible_to
from itgov.core.dates import local_today
from itgov.core.errors import Forbidden, NotFound
from itgov.core.ids import object_pk
from itgov.security import selectors, services
from itgov.security.choices import PASSING_RESULTS, AssessmentKind, AssessmentResult, Severity
from itgov.security.models import SecurityAssessment, SecurityFinding

from ..schemas import ERRORS, WRITE_ERRORS, UnitRef

router = Router(tags=["security"])

Text = Annotated[str, StringConstraints(max_length=5000)]
MAX_ID = 2**62
KindLiteral = Literal[tuple(AssessmentKind.values)]  # type: ignore[valid-type]
ResultLiteral = Literal[tuple(AssessmentResult.values)]  # type: ignore[valid-type]
SeverityLiteral = Literal[tuple(Severity.values)]  # type: ignore[valid-type]
SCORE_PATTERN = r"^\d{1,3}(\.\d{1,2})?$"
DUE_STATES = "not_required 无需定期测评;missing 未测评;current 在有效期内;due_soon 即将到期;overdue 已逾期"
FINDING_STATES = "open 待整改;overdue 逾期未整改;remediated 已整改;remediated_late 逾期整改"


def _name(user) -> str | None:
    return user.display_name if user is not None else None


def _version_field(description: str):
    return Field(None, ge=1, le=2**31, description=description)


# --- shapes ------------------------------------------------------------------------------------------------


class SecuritySystemRef(Schema):
    id: int
    code: str
    name: str
    owner_unit: UnitRef = Field(..., description="建设运维单位")
    protection_level: int | None = Field(..., description="等级保护级别(1–5);未定级的为空")


class SecuritySystemOut(SecuritySystemRef):
    status: str = Field(..., description="building 建设中;operating 运行中;retired 已停用")
    status_label: str
    project_id: int | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class SecurityDueOut(Schema):
    kind: str = Field(..., description="graded 等级保护测评;crypto 密码应用安全性评估")
    kind_label: str
    state: str = Field(..., description=DUE_STATES)
    state_label: str
    months: int | None = Field(..., description="测评周期(月),按本级政策和系统级别;无需定期测评的为空")
    last_on: dt.date | None = Field(..., description="上次测评日期")
    last_passed: bool | None = Field(..., description="上次测评结论为符合或基本符合;从未测评的为空")
    due_on: dt.date | None = Field(..., description="下次测评期限:上次测评日期 + 周期")


class SecurityFilingOut(Schema):
    filing_number: str = Field(..., description="等保备案编号;尚未备案的为空")
    filed_on: dt.date | None
    filing_authority: str = Field(..., description="备案机关")


class SecurityAssessmentOut(Schema):
    id: int
    kind: str = Field(..., description="graded 等级保护测评;crypto 密码应用安全性评估;risk 安全风险评估")
    kind_label: str
    assessed_on: dt.date
    assessor: str = Field(..., description="测评机构")
    result: str = Field(..., description="conforms 符合;mostly 基本符合;fails 不符合")
    result_label: str
    passed: bool = Field(..., description="结论为符合或基本符合")
    score: str | None = Field(..., description="得分(0–100,两位小数)")
    report_number: str
    summary: str = Field(..., description="主要问题")
    recorded_by: str | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_result_label(obj):
        return obj.get_result_display()

    @staticmethod
    def resolve_passed(obj):
        return obj.result in PASSING_RESULTS

    @staticmethod
    def resolve_score(obj):
        return None if obj.score is None else f"{obj.score:.2f}"

    @staticmethod
    def resolve_recorded_by(obj):
        return _name(obj.recorded_by)


class SecurityFindingItemOut(Schema):
    id: int
    system: SecuritySystemRef
    assessment_id: int | None = Field(..., description="来源测评;区网信办检查提出的为空")
    description: str
    severity: str = Field(..., description="high 高风险;medium 中风险;low 低风险")
    severity_label: str
    due_on: dt.date = Field(..., description="整改期限;次日起未整改的为逾期")
    state: str = Field(..., description=FINDING_STATES)
    state_label: str

    @staticmethod
    def resolve_severity_label(obj):
        return obj.get_severity_display()

    @staticmethod
    def resolve_state_label(obj):
        return str(obj.state_label)


class SecurityFindingOut(SecurityFindingItemOut):
    raised_by: str | None
    raised_at: dt.datetime
    remediated_on: dt.date | None = Field(..., description="整改完成日期")
    remediation: str = Field(..., description="整改情况")
    remediated_by: str | None
    version: int

    @staticmethod
    def resolve_raised_by(obj):
        return _name(obj.raised_by)

    @staticmethod
    def resolve_remediated_by(obj):
        return _name(obj.remediated_by)


class SecurityDossierOut(Schema):
    system: SecuritySystemOut
    in_operation: bool = Field(..., description="在运行(只有在运行的系统从未测评才记为“未测评”)")
    protection_level: int | None = Field(..., description="等级保护级别(1–5);未定级的为空")
    filing: SecurityFilingOut = Field(..., description="等级保护备案")
    graded: SecurityDueOut = Field(..., description="等级保护测评的期限状态(第三十条)")
    crypto: SecurityDueOut = Field(..., description="密码应用安全性评估的期限状态(第三十条)")
    open_findings: int = Field(..., description="待整改的安全问题数")
    overdue_findings: int = Field(..., description="逾期未整改的安全问题数")
    assessments: list[SecurityAssessmentOut] = Field(..., description="测评记录,最近的在前(登记后不修改)")
    findings: list[SecurityFindingOut] = Field(..., description="安全问题及整改情况")
    version: int = Field(..., description="系统的版本号(登记定级备案时作乐观锁)")


class SecurityBoardCountsOut(Schema):
    systems: int = Field(..., description="建设中和运行中的信息系统数")
    levels: dict[str, int] = Field(..., description="各等级保护级别的系统数:1–5,none 为未定级")
    due_soon: int = Field(..., description="有测评即将到期的系统数")
    overdue: int = Field(..., description="有测评已逾期的系统数")
    missing: int = Field(..., description="在运行而未开展应有测评的系统数")
    open_findings: int
    overdue_findings: int


class SecurityBoardUnitOut(SecurityBoardCountsOut):
    unit: UnitRef


class SecurityLevelOut(Schema):
    key: str = Field(..., description="1–5,none 为未定级")
    label: str
    systems: int


class SecurityBoardSystemOut(Schema):
    system: SecuritySystemRef
    graded: SecurityDueOut
    crypto: SecurityDueOut
    in_operation: bool
    open_findings: int
    overdue_findings: int


class SecurityBoardOut(Schema):
    today: dt.date
    units: list[SecurityBoardUnitOut] = Field(..., description="按建设运维单位")
    total: SecurityBoardCountsOut
    levels: list[SecurityLevelOut] = Field(..., description="等级分布")
    systems: list[SecurityBoardSystemOut] = Field(..., description="测评逾期、未测评或即将到期的系统,最急的在前")
    findings: list[SecurityFindingItemOut] = Field(..., description="待整改的安全问题,期限最早的在前")


# --- inputs ------------------------------------------------------------------------------------------------


class SecurityFilingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    protection_level: int = Field(..., ge=1, le=5, description="等级保护级别(1–5)")
    filing_number: Annotated[str, StringConstraints(max_length=200)] = Field(
        "", description="等保备案编号;备案编号、备案日期和备案机关须一并填写,尚未备案的都不填")
    filed_on: dt.date | None = Field(None, description="备案日期:不晚于今天")
    filing_authority: Annotated[str, StringConstraints(max_length=200)] = Field("", description="备案机关")
    version: int | None = _version_field("乐观锁:系统的当前版本号")


class SecurityAssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: KindLiteral = Field(..., description="graded 等级保护测评;crypto 密码应用安全性评估;risk 安全风险评估")
    assessed_on: dt.date = Field(..., description="测评日期:不晚于今天(登记已完成的测评)")
    assessor: Annotated[str, StringConstraints(max_length=200)] = Field(..., description="测评机构")
    result: ResultLiteral = Field(..., description="conforms 符合;mostly 基本符合;fails 不符合")
    score: Annotated[str, StringConstraints(pattern=SCORE_PATTERN, max_length=6)] | None = Field(
        None, description="得分(0–100,至多两位小数),如 \"86.50\"")
    report_number: Annotated[str, StringConstraints(max_length=200)] = Field(..., description="报告编号")
    summary: Text = Field("", description="主要问题")


class SecurityFindingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    description: Text = Field(..., description="问题描述")
    severity: SeverityLiteral = Field(..., description="high 高风险;medium 中风险;low 低风险")
    due_on: dt.date = Field(..., description="整改期限:须晚于今天")
    assessment_id: int | None = Field(None, ge=1, le=MAX_ID, description="来源测评(该系统的测评);检查发现的省略")


class SecurityRemediationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    remediated_on: dt.date = Field(..., description="整改完成日期:不早于问题提出之日,不晚于今天")
    remediation: Text = Field(..., description="整改情况")
    version: int | None = _version_field("乐观锁:安全问题的当前版本号")


class SecurityBoardQuery(Schema):
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, description="只看一个建设运维单位")


# --- helpers -----------------------------------------------------------------------------------------------


def _system(request, system_id, *, write: bool = False) -> InformationSystem:
    """The system whose security the user reads (404 otherwise). On a write, also a classified system its unit or
    DRC sees in the catalogue: the service then says why nothing is recorded here (art. 5)."""
    user = request.auth
    try:
        return selectors.access_system_by_id(user, system_id)
    except NotFound:
        if not write:
            raise
    system = (systems_visible_to(user).select_related("owner_unit__jurisdiction", "project")
              .filter(pk=object_pk(system_id), classified=True).first())
    if system is None or not perms.has_perm("catalogue.view_system", user, system):
        raise NotFound()
    return system


def _dossier(system: InformationSystem) -> dict:
    today = local_today()
    detail = selectors.system_security_detail(system, today)
    row = detail["row"]
    annotated = row.system
    for finding in detail["findings"]:  # all of this system's: its row, not one query each
        finding.system = annotated
    return {"system": annotated, "in_operation": row.in_operation, "protection_level": annotated.protection_level,
            "filing": annotated, "graded": row.graded, "crypto": row.crypto, "open_findings": row.open_findings,
            "overdue_findings": row.overdue_findings, "assessments": detail["assessments"],
            "findings": detail["findings"], "version": annotated.version}


def _finding_out(pk: int) -> SecurityFinding:
    finding = (SecurityFinding.objects.select_related("system__owner_unit", "assessment", "raised_by",
                                                      "remediated_by").get(pk=pk))
    finding.state = selectors.finding_state(finding, local_today())
    finding.state_label = selectors.FindingState(finding.state).label
    return finding


# --- a system's security -----------------------------------------------------------------------------------


@router.get("/systems/{system_id}/security", response={200: SecurityDossierOut, **ERRORS},
            summary="信息系统的安全:等级保护级别和备案、等级测评和密评的期限状态、测评记录、安全问题(第三十条)",
            description="建设运维单位、区网信办、区发改委(大数据局)和区审计局可见;涉密系统不在此登记(第五条)。")
def security_dossier(request, system_id: int):
    return _dossier(_system(request, system_id))


@router.put("/systems/{system_id}/filing", response={200: SecurityDossierOut, **WRITE_ERRORS},
            summary="登记等级保护定级和备案(建设运维单位,第三十条)",
            description="定级(1–5级);已备案的,备案编号、备案日期和备案机关一并填写。测评周期随级别确定。")
def security_filing(request, system_id: int, payload: SecurityFilingIn):
    system = _system(request, system_id, write=True)
    data = {"protection_level": payload.protection_level, "filing_number": payload.filing_number,
            "filed_on": payload.filed_on.isoformat() if payload.filed_on else "",
            "filing_authority": payload.filing_authority}
    fresh = services.filing_record(actor=request.auth, system=system, data=data, expected_version=payload.version)
    return _dossier(fresh)


@router.post("/systems/{system_id}/assessments", response={201: SecurityAssessmentOut, **WRITE_ERRORS},
             summary="登记安全测评:等级保护测评、密码应用安全性评估或安全风险评估(建设运维单位,第三十条)",
             description="登记后不修改,更正须登记新的报告。下次测评期限按本次测评日期和周期计算。")
def security_assessment(request, system_id: int, payload: SecurityAssessmentIn):
    system = _system(request, system_id, write=True)
    data = {**payload.dict(), "assessed_on": payload.assessed_on.isoformat(), "score": payload.score or ""}
    assessment = services.assessment_record(actor=request.auth, system=system, data=data)
    return Status(201, SecurityAssessment.objects.select_related("recorded_by").get(pk=assessment.pk))


@router.post("/systems/{system_id}/findings", response={201: SecurityFindingOut, **WRITE_ERRORS},
             summary="提出限期整改的安全问题(建设运维单位或区网信办,第三十条)")
def security_finding(request, system_id: int, payload: SecurityFindingIn):
    system = _system(request, system_id, write=True)
    data = {**payload.dict(), "due_on": payload.due_on.isoformat()}
    if data["assessment_id"] is None:
        data.pop("assessment_id")
    finding = services.finding_raise(actor=request.auth, system=system, data=data)
    return Status(201, _finding_out(finding.pk))


@router.post("/security/findings/{finding_id}/remediate", response={200: SecurityFindingOut, **WRITE_ERRORS},
             summary="登记安全问题的整改(建设运维单位,第三十条)", description="只登记一次;已登记整改的为冲突(409)。")
def security_remediate(request, finding_id: int, payload: SecurityRemediationIn):
    finding = selectors.access_finding_by_id(request.auth, finding_id)
    data = {"remediated_on": payload.remediated_on.isoformat(), "remediation": payload.remediation}
    fresh = services.finding_remediate(actor=request.auth, finding=finding, data=data,
                                       expected_version=payload.version)
    return _finding_out(fresh.pk)


# --- the Cyberspace Office's board -------------------------------------------------------------------------


@router.get("/security/board", response={200: SecurityBoardOut, **ERRORS},
            summary="网络安全看板:各单位测评到期和逾期、等级分布、待整改问题(区网信办、区发改委(大数据局)、区审计局,第三十条)",
            description="建设中和运行中的信息系统;涉密系统不列入(第五条)。")
def security_board(request, query: Query[SecurityBoardQuery]):
    user = request.auth
    if not perms.has_perm("security.view_board", user):
        raise Forbidden()
    today = local_today()
    data = selectors.board(user, today, query.unit_id)
    total = data.total
    return {"today": today, "units": data.units, "total": total,
            "levels": [{"key": key, "label": label, "systems": n} for key, label, n in data.levels],
            "systems": data.systems, "findings": data.findings}
