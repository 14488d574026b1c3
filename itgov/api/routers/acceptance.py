"""Trial operation, acceptance and rectification (art. 22, 23) over /api/v1: the dates that govern the application
(day T, the earliest day to apply, the day after which it is late), the documents the application carries, the
applications filed, DRC's acceptances with their expert groups, opinions and results, the rectification that
follows a failure (and the unit's suspension it may lead to), the filing with Finance and the asset register; DRC's
acceptance calendar and the portfolio of projects in the acceptance stage.

Handlers parse input, fetch through the permission-checked accessor (404 when the project is not visible) and call
itgov.acceptance.services, which check the power (403 citing 第二十二条), the input (400 with the field), the state
and version (409) and the rules (422 with rule and article: the minimum trial run, the late application, the
documents, the expert's independence and the opinions before the decision of art. 22; the rectification terms and
the rectification report of art. 23; the unapproved deviation of art. 20), and audit every write."""

from __future__ import annotations

import calendar
import datetime as dt
import mimetypes
from typing import Annotated, Literal

import rules as perms
from django.db.models import OuterRef, Subquery
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, StringConstraints

from itgov.acceptance import selectors, services
from itgov.acceptance.choices import AssetCategory, DocumentKind, Result
from itgov.acceptance.models import (
    Acceptance,
    AcceptanceApplication,
    AcceptanceDocument,
    AcceptanceExpert,
    AcceptanceFiling,
    Asset,
)
from itgov.acceptance.workflow import APPLY, COMPLETE, FAIL, PASS, REAPPLY
from itgov.audit import events
from itgov.audit.services import audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Forbidden, InvalidInput, NotFound
from itgov.core.ids import object_pk
from itgov.projects.choices import ProjectStatus as S
from itgov.projects.models import Project
from itgov.projects.policies import can_list_projects
from itgov.projects.selectors import access_project_by_id, projects_visible_to
from itgov.rules.profiles import parameters_in_force

from ..schemas import ERRORS, WRITE_ERRORS, Money, Page, UnitRef, limit_field, money, offset_field, page_links
from .approvals import DOCUMENT_TYPES, OCTET_STREAM, _binary
from .construction import Text, _project

router = Router(tags=["acceptance"])

# The forms give the exact limits with their own message; these only bound the input.
Short = Annotated[str, StringConstraints(max_length=200)]
MAX_ID = 2**62
ResultLiteral = Literal[tuple(Result.values)]  # type: ignore[valid-type]
CategoryLiteral = Literal[tuple(AssetCategory.values)]  # type: ignore[valid-type]
# The projects in the acceptance stage (art. 22, 23), as the portfolio filters them.
STAGE = (S.TRIAL_OPERATION, S.ACCEPTANCE_APPLIED, S.RECTIFYING, S.ACCEPTED)
StageLiteral = Literal[tuple(str(s) for s in STAGE)]  # type: ignore[valid-type]
KIND_DESCRIPTION = "材料类型:" + "、".join(DocumentKind.values)
CALENDAR_LABELS = {"acceptance": gettext_lazy("竣工验收"), "may_apply": gettext_lazy("试运行满期,可申请竣工验收"),
                   "application_due": gettext_lazy("申请竣工验收期限"), "rectification_due": gettext_lazy("验收整改期限")}

# The status changes a user may make on the project now (the page shows the same buttons).
TRANSITION_ACTIONS = (("complete", COMPLETE), ("apply", APPLY), ("reapply", REAPPLY), ("pass", PASS), ("fail", FAIL))
# Every action the dossier may offer, in the order it lists them.
ACTION_ORDER = ("complete", "upload", "apply", "reapply", "refuse", "schedule", "expert_add", "opinion", "pass",
                "fail", "file", "receive_filing", "register_asset")
ACTIONS_DESCRIPTION = ("当前用户现在可执行的操作(执行时仍按规则校验):complete(完成建设,开始试运行)、upload(上传验收材料)、"
                       "apply(申请竣工验收)、reapply(整改后重新申请)、refuse(声明拒不整改)、schedule(安排验收)、"
                       "expert_add(选派验收专家)、opinion(提交专家意见)、pass(验收通过)、fail(验收不通过)、"
                       "file(验收结果报财政局备案)、receive_filing(财政局确认备案)、register_asset(登记资产)")


def _name(user) -> str | None:
    return user.display_name if user is not None else None


def _version_field(description: str = "乐观锁:项目的当前版本号"):
    return Field(None, ge=1, le=2**31, description=description)


# --- shapes ------------------------------------------------------------------------------------------------


class AcceptanceProjectOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str
    construction_started_at: dt.datetime | None
    trial_started_on: dt.date | None = Field(..., description="试运行开始日期(T)")
    version: int

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class AcceptanceDatesOut(Schema):
    trial_started_on: dt.date | None = Field(..., description="试运行开始日期(T);尚未试运行的为空")
    earliest: dt.date | None = Field(..., description="最早可申请竣工验收的日期:T + 最短试运行期(第二十二条)")
    due: dt.date | None = Field(..., description="申请期限:T + 申请验收期限;此后申请为逾期,须说明原因(第二十二条)")
    may_apply: bool = Field(..., description="今天已满最短试运行期")
    late: bool = Field(..., description="今天已超过申请期限")


class AcceptanceApplicationOut(Schema):
    id: int
    number: int = Field(..., description="申请序号(验收未通过后再次申请的,依次编号)")
    trial_started_on: dt.date
    applied_on: dt.date
    late: bool = Field(..., description="逾期申请(第二十二条)")
    late_explanation: str
    summary: str
    applied_at: dt.datetime
    applied_by: str | None

    @staticmethod
    def resolve_applied_by(obj):
        return obj.applied_by.display_name if obj.applied_by_id else None


class AcceptanceDocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str | None
    application_number: int | None = Field(..., description="随第几次验收申请提交;尚未提交的为空")
    download: str = Field(..., description="下载地址")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_uploaded_by(obj):
        return obj.uploaded_by.display_name if obj.uploaded_by_id else None

    @staticmethod
    def resolve_application_number(obj):
        return obj.application.number if obj.application_id else None

    @staticmethod
    def resolve_download(obj):
        return reverse("api:acceptance_document_download", kwargs={"project_id": obj.project_id,
                                                                  "document_id": obj.pk})


class AcceptanceChecklistItemOut(Schema):
    kind: str
    label: str
    required: bool = Field(..., description="本项目的验收申请必须附带(第二十二条;实行监理的附监理报告,三级以上附等保测评报告)")
    document: AcceptanceDocumentOut | None = Field(..., description="该类最新上传的文件;尚未上传的为空")


class AcceptanceExpertOut(Schema):
    id: int = Field(..., description="专家组席位编号(撤换、提交意见时使用)")
    expert_id: int
    name: str
    specialty: str
    employer: str = Field(..., description="工作单位")
    employer_unit: UnitRef | None = Field(..., description="专家所在的本区单位(回避依据)")
    opinion: str = Field(..., description="passed(通过)、failed(不通过);尚未提交的为空")
    opinion_label: str
    opinion_text: str
    opinion_at: dt.datetime | None
    recorded_by: str | None = Field(..., description="录入人(专家本人或代为录入的区发改委人员)")

    @staticmethod
    def resolve_expert_id(obj):
        return obj.expert_id

    @staticmethod
    def resolve_name(obj):
        return obj.expert.name

    @staticmethod
    def resolve_specialty(obj):
        return obj.expert.specialty

    @staticmethod
    def resolve_employer(obj):
        return obj.expert.employer

    @staticmethod
    def resolve_employer_unit(obj):
        return obj.expert.employer_unit

    @staticmethod
    def resolve_opinion_label(obj):
        return obj.get_opinion_display() if obj.opinion else ""

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.display_name if obj.recorded_by_id else None


class AcceptanceFilingOut(Schema):
    id: int
    filed_on: dt.date = Field(..., description="报送财政局备案的日期")
    document_number: str
    note: str
    filed_by: str | None
    filed_at: dt.datetime
    received_at: dt.datetime | None = Field(..., description="财政局确认收到的时间;尚未确认的为空")
    received_by: str | None

    @staticmethod
    def resolve_filed_by(obj):
        return obj.filed_by.display_name if obj.filed_by_id else None

    @staticmethod
    def resolve_received_by(obj):
        return obj.received_by.display_name if obj.received_by_id else None


def _filing_of(acceptance: Acceptance) -> AcceptanceFiling | None:
    try:
        return acceptance.filing
    except AcceptanceFiling.DoesNotExist:
        return None


class AcceptanceOut(Schema):
    id: int
    application_number: int = Field(..., description="所验收的申请序号")
    scheduled_on: dt.date = Field(..., description="验收日期")
    location: str
    note: str
    organised_by: str | None
    experts: list[AcceptanceExpertOut] = Field(..., description="验收专家组(可选)及各专家意见")
    result: str = Field(..., description="passed(通过)、failed(不通过);尚无结论的为空")
    result_label: str
    decided_on: dt.date | None
    findings: str = Field(..., description="验收意见;不通过的,写明须整改的问题")
    decided_by: str | None
    rectification_due_on: dt.date | None = Field(..., description="整改期限(第二十三条)")
    refused_at: dt.datetime | None = Field(..., description="建设单位声明拒不整改的时间(第二十三条)")
    refusal_reason: str
    suspension_id: int | None = Field(..., description="由此引起的暂缓审批(第二十三条)")
    filing: AcceptanceFilingOut | None = Field(..., description="验收结果报财政局备案(第二十二条)")
    version: int

    @staticmethod
    def resolve_application_number(obj):
        return obj.application.number

    @staticmethod
    def resolve_organised_by(obj):
        return obj.organised_by.display_name if obj.organised_by_id else None

    @staticmethod
    def resolve_experts(obj):
        return list(obj.experts.all())

    @staticmethod
    def resolve_result_label(obj):
        return obj.get_result_display() if obj.result else ""

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.display_name if obj.decided_by_id else None

    @staticmethod
    def resolve_filing(obj):
        return _filing_of(obj)


def _checklist(project: Project, documents: list[AcceptanceDocument]) -> list[dict]:
    return [{**item, "label": str(item["label"])} for item in selectors.document_checklist(project, documents)]


class AcceptanceAssetOut(Schema):
    id: int
    name: str
    category: str
    category_label: str
    quantity: int
    value: str = Field(..., description="价值(元)")
    value_wan: str = Field(..., description="价值(万元)")
    custodian_unit: UnitRef = Field(..., description="使用管理单位")
    location: str
    registered_at: dt.datetime
    registered_by: str | None

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_value(obj):
        return money(obj.value)

    @staticmethod
    def resolve_registered_by(obj):
        return obj.registered_by.display_name if obj.registered_by_id else None


class AcceptanceDossierOut(Schema):
    project: AcceptanceProjectOut
    acceptance_dates: AcceptanceDatesOut
    checklist: list[AcceptanceChecklistItemOut] = Field(..., description="验收申请材料清单:各类材料是否必需、最新上传的文件")
    documents: list[AcceptanceDocumentOut] = Field(..., description="上传的全部材料(不删除,同类新文件在前)")
    applications: list[AcceptanceApplicationOut]
    acceptances: list[AcceptanceOut] = Field(..., description="各次竣工验收,最近的在前")
    assets: list[AcceptanceAssetOut] = Field(..., description="登记的项目资产(第二十二条)")
    actions: list[str] = Field(..., description=ACTIONS_DESCRIPTION)


class AcceptanceCalendarProjectOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str


class AcceptanceCalendarEntryOut(Schema):
    date: dt.date
    kind: str = Field(..., description="acceptance(竣工验收)、may_apply(试运行满期,可申请验收)、"
                                       "application_due(申请验收期限)、rectification_due(整改期限)")
    kind_label: str
    project: AcceptanceCalendarProjectOut
    acceptance_id: int | None
    location: str = Field(..., description="验收地点(竣工验收条目)")


class AcceptanceCalendarOut(Schema):
    month: str = Field(..., description="YYYY-MM")
    first: dt.date
    last: dt.date
    entries: list[AcceptanceCalendarEntryOut]


class AcceptanceStageItemOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str
    trial_started_on: dt.date | None
    application_number: int | None = Field(..., description="最近一次验收申请的序号")
    applied_on: dt.date | None
    late: bool | None = Field(..., description="最近一次申请为逾期申请")
    scheduled_on: dt.date | None = Field(..., description="最近一次申请的验收日期;尚未安排的为空")
    result: str = Field(..., description="最近一次申请的验收结论:passed、failed;尚无结论的为空")
    rectification_due_on: dt.date | None = Field(..., description="整改期限(第二十三条)")
    version: int


class AcceptanceStageOut(Page):
    items: list[AcceptanceStageItemOut]


class AcceptanceStageQuery(Schema):
    status: list[StageLiteral] | None = Field(None, description="trial_operation(试运行)、acceptance_applied(已申请验收)、"
                                                               "rectifying(验收整改)、accepted(已通过验收),可多选;默认全部")
    limit: int = limit_field()
    offset: int = offset_field()


class AcceptanceCalendarQuery(Schema):
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="月份 YYYY-MM;默认本月")


# --- inputs ------------------------------------------------------------------------------------------------


class TrialOperationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    trial_started_on: dt.date = Field(..., description="试运行开始日期(T):不早于开工日期,不晚于今天(第二十二条)")
    version: int | None = _version_field()


class AcceptanceApplyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    summary: Text = Field(..., description="建设完成情况")
    late_explanation: Text = Field("", description="逾期说明:超过申请期限(试运行后半年)申请的必填(第二十二条)")
    version: int | None = _version_field()


class AcceptanceReapplyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    summary: Text = Field(..., description="整改完成情况;须先上传验收整改报告(第二十三条)")
    version: int | None = _version_field()


class AcceptanceScheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    scheduled_on: dt.date = Field(..., description="验收日期:不早于申请日期(第二十二条)")
    location: Short = Field("", description="验收地点")
    note: Text = Field("", description="组织说明")


class AcceptanceExpertIn(Schema):
    model_config = ConfigDict(extra="forbid")
    expert_id: int = Field(..., ge=1, le=MAX_ID, description="专家库中的专家;所在单位为本项目建设或参建单位的应回避(第二十二条)")


class AcceptanceOpinionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    opinion: ResultLiteral = Field(..., description="passed(通过)或 failed(不通过)")
    opinion_text: Text = Field(..., description="意见说明")


class AcceptanceDecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    result: ResultLiteral = Field(..., description="passed(通过)或 failed(不通过)")
    decided_on: dt.date = Field(..., description="结论日期:不早于验收日期,不晚于今天")
    findings: Text = Field("", description="验收意见;不通过的必填,写明须整改的问题(第二十三条)")
    rectification_due_on: dt.date | None = Field(None, description="整改期限:不通过的必填,晚于结论日期(第二十三条);"
                                                                   "通过的不填")
    version: int | None = _version_field()


class RectificationRefuseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: Text = Field(..., description="拒不整改的理由;声明后本单位后续项目的审批暂缓(第二十三条)")


class AcceptanceFilingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    filed_on: dt.date = Field(..., description="报送日期:不早于验收结论日期,不晚于今天")
    document_number: Short = Field("", description="报送文号")
    note: Text = Field("", description="备注")


class AcceptanceAssetIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Short = Field(..., description="资产名称")
    category: CategoryLiteral = Field(..., description="资产类别:hardware(硬件设备)、software(软件)、data(数据资源)、"
                                                      "other(其他)")
    quantity: int = Field(..., ge=1, le=10**6, description="数量")
    value: Money = Field(..., description="价值(元),最多两位小数")
    custodian_unit_id: int = Field(..., ge=1, le=MAX_ID, description="使用管理单位(本区单位)")
    location: Short = Field(..., description="存放地点")


# --- the dossier -------------------------------------------------------------------------------------------


def _actions(user, project: Project, *, applications: list, acceptances: list[Acceptance]) -> list[str]:
    """What this user may do on the project's acceptance now: the power and the state (and what the state of the
    acceptance makes pointless, e.g. a second filing); the rules (the dates, the documents, the opinions, art. 20)
    run on execution."""
    status = project.status
    allowed = {name for name, t in TRANSITION_ACTIONS
               if status in t.sources and perms.has_perm(t.permission, user, project)}
    latest = applications[0] if applications else None
    current = next((a for a in acceptances if latest is not None and a.application_id == latest.pk), None)
    passed = next((a for a in acceptances if a.result == Result.PASSED), None)
    open_acceptance = current is not None and not current.result
    if status in services.UPLOADABLE and perms.has_perm("acceptance.upload", user, project):
        allowed.add("upload")
    if (status == S.RECTIFYING and current is not None and current.refused_at is None
            and perms.has_perm("acceptance.refuse_rectification", user, project)):
        allowed.add("refuse")
    if status == S.ACCEPTANCE_APPLIED and perms.has_perm("acceptance.organise", user, project):
        allowed.add("schedule")
        if open_acceptance:
            allowed.add("expert_add")
    if status == S.ACCEPTANCE_APPLIED and open_acceptance:
        drc_records = perms.has_perm("acceptance.decide", user, project)
        if any(not seat.opinion and (drc_records or (seat.expert.user_id is not None
                                                    and seat.expert.user_id == getattr(user, "pk", None)))
               for seat in current.experts.all()):
            allowed.add("opinion")
    if status in services.ACCEPTED and passed is not None:
        filing = _filing_of(passed)
        if filing is None and perms.has_perm("acceptance.file", user, project):
            allowed.add("file")
        if (filing is not None and filing.received_at is None
                and perms.has_perm("acceptance.receive_filing", user, project)):
            allowed.add("receive_filing")
        if perms.has_perm("acceptance.register_asset", user, project):
            allowed.add("register_asset")
    return [name for name in ACTION_ORDER if name in allowed]


def _assets(project: Project) -> list[Asset]:
    return list(Asset.objects.filter(project=project).select_related("custodian_unit", "registered_by"))


def _dossier(user, project: Project) -> dict:
    today = local_today()
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    documents = selectors.documents_of(project)
    applications = selectors.applications_of(project)
    acceptances = selectors.acceptances_of(project)
    return {"project": project, "acceptance_dates": selectors.acceptance_dates(project, params, today),
            "checklist": _checklist(project, documents), "documents": documents,
            "applications": applications, "acceptances": acceptances, "assets": _assets(project),
            "actions": _actions(user, project, applications=applications, acceptances=acceptances)}


def _fresh_dossier(user, project: Project) -> dict:
    return _dossier(user, access_project_by_id(user, project.pk))


def _acceptance(pk: int) -> Acceptance:
    return (Acceptance.objects.select_related("application", "organised_by", "decided_by", "filing__filed_by",
                                              "filing__received_by")
            .prefetch_related("experts__expert__employer_unit", "experts__recorded_by").get(pk=pk))


def _seat(pk: int) -> AcceptanceExpert:
    return AcceptanceExpert.objects.select_related("expert__employer_unit", "recorded_by").get(pk=pk)


def _filing(pk: int) -> AcceptanceFiling:
    return AcceptanceFiling.objects.select_related("filed_by", "received_by").get(pk=pk)


@router.get("/projects/{project_id}/acceptance", response={200: AcceptanceDossierOut, **ERRORS},
            summary="试运行和竣工验收:申请日期、材料、申请、验收与专家意见、整改、备案、资产(第二十二条、第二十三条)")
def acceptance_dossier(request, project_id: int):
    return _dossier(request.auth, _project(request, project_id))


@router.post("/projects/{project_id}/trial-operation", response={200: AcceptanceDossierOut, **WRITE_ERRORS},
             summary="完成建设,开始试运行(建设单位,第二十二条)",
             description="试运行开始日期不早于开工日期、不晚于今天;试运行满三个月方可申请竣工验收。")
def trial_operation_start(request, project_id: int, payload: TrialOperationIn):
    project = _project(request, project_id)
    services.trial_start(actor=request.auth, project=project,
                         data={"trial_started_on": payload.trial_started_on}, expected_version=payload.version)
    return _fresh_dossier(request.auth, project)


# --- the documents (art. 22, 23) ---------------------------------------------------------------------------


@router.post("/projects/{project_id}/acceptance/documents", response={201: AcceptanceDocumentOut, **WRITE_ERRORS},
             summary="上传竣工验收材料或验收整改报告(建设单位;试运行或整改期间,第二十二条、第二十三条)",
             description="multipart/form-data:kind 和 file(PDF、OFD、Word、WPS 或 ZIP,不超过50MB)。"
                         "再次上传同类材料保留旧文件。")
def acceptance_document_upload(request, project_id: int,
                               kind: str | None = Form(None, max_length=40, description=KIND_DESCRIPTION),
                               file: File[UploadedFile] = None):  # missing or wrong: the service's 400 names it
    project = _project(request, project_id)
    document = services.document_upload(actor=request.auth, project=project, data={"kind": kind or ""},
                                        files={"file": file} if file is not None else {})
    return Status(201, AcceptanceDocument.objects.select_related("application", "uploaded_by").get(pk=document.pk))


@router.get("/projects/{project_id}/acceptance/documents/{document_id}", response=ERRORS,
            url_name="acceptance_document_download", summary="下载竣工验收材料",
            openapi_extra=_binary(*dict.fromkeys(DOCUMENT_TYPES.values()), OCTET_STREAM, description="上传的原文件"))
def acceptance_document_download(request, project_id: int, document_id: int):
    project = _project(request, project_id)
    document = AcceptanceDocument.objects.filter(pk=object_pk(document_id), project=project).first()
    if document is None:
        raise NotFound()
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise NotFound() from None
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=request.auth, obj=document, project_id=project.pk,
                     after={"name": document.name, "sha256": document.sha256, "kind": document.kind})
    extension = ("." + document.name.rsplit(".", 1)[-1].lower()) if "." in document.name else ""
    content_type = DOCUMENT_TYPES.get(extension) or mimetypes.guess_type(document.name)[0] or OCTET_STREAM
    if content_type not in DOCUMENT_TYPES.values():
        content_type = OCTET_STREAM
    response = FileResponse(handle, as_attachment=True, filename=document.name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the application (art. 22, 23) -------------------------------------------------------------------------


def _latest_application(project: Project) -> AcceptanceApplication:
    return (AcceptanceApplication.objects.filter(project_id=project.pk).select_related("applied_by")
            .order_by("-number").first())


@router.post("/projects/{project_id}/acceptance/apply", response={201: AcceptanceApplicationOut, **WRITE_ERRORS},
             summary="申请竣工验收(建设单位,第二十二条、第二十条)",
             description="试运行满三个月方可申请;试运行后半年内未申请的,为逾期申请,须说明原因;须附齐申请材料"
                         "(竣工、试运行、测试、财务决算报告,实行监理的附监理报告,三级以上系统附等保测评报告);"
                         "存在未经批准的变更或超概算的,不予验收(第二十条)。")
def acceptance_apply(request, project_id: int, payload: AcceptanceApplyIn):
    project = _project(request, project_id)
    services.acceptance_apply(actor=request.auth, project=project, expected_version=payload.version,
                              data={"summary": payload.summary, "late_explanation": payload.late_explanation})
    return Status(201, _latest_application(project))


@router.post("/projects/{project_id}/acceptance/reapply", response={201: AcceptanceApplicationOut, **WRITE_ERRORS},
             summary="整改后重新申请竣工验收(建设单位,第二十三条)",
             description="验收不通过后整改完成,须先上传验收整改报告,再重新申请;申请材料仍须齐全。")
def acceptance_reapply(request, project_id: int, payload: AcceptanceReapplyIn):
    project = _project(request, project_id)
    services.acceptance_reapply(actor=request.auth, project=project, expected_version=payload.version,
                                data={"summary": payload.summary})
    return Status(201, _latest_application(project))


# --- DRC organises the acceptance (art. 22) ----------------------------------------------------------------


@router.post("/projects/{project_id}/acceptance/schedule", response={200: AcceptanceOut, **WRITE_ERRORS},
             summary="安排(或改期)竣工验收(区发改委,第二十二条)",
             description="对最近一次验收申请确定验收日期和地点;验收日期不早于申请日期。")
def acceptance_schedule(request, project_id: int, payload: AcceptanceScheduleIn):
    project = _project(request, project_id)
    acceptance = services.acceptance_schedule(actor=request.auth, project=project, data=payload.dict())
    return _acceptance(acceptance.pk)


@router.post("/projects/{project_id}/acceptance/experts", response={201: AcceptanceExpertOut, **WRITE_ERRORS},
             summary="选派验收专家(区发改委,第二十二条)",
             description="从本区专家库选派;专家所在单位为本项目建设单位或参建单位的,应当回避。须先安排验收。")
def acceptance_expert_add(request, project_id: int, payload: AcceptanceExpertIn):
    project = _project(request, project_id)
    seat = services.expert_add(actor=request.auth, project=project, data=payload.dict())
    return Status(201, _seat(seat.pk))


@router.delete("/projects/{project_id}/acceptance/experts/{seat_id}", response={204: None, **WRITE_ERRORS},
               summary="撤换验收专家(区发改委;专家提交意见前,第二十二条)")
def acceptance_expert_remove(request, project_id: int, seat_id: int):
    project = _project(request, project_id)
    services.expert_remove(actor=request.auth, project=project, seat=services.get_seat(project, object_pk(seat_id)))
    return Status(204, None)


@router.post("/projects/{project_id}/acceptance/experts/{seat_id}/opinion", response={200: AcceptanceExpertOut, **WRITE_ERRORS},
             summary="提交验收专家意见(专家本人,或区发改委代为录入,第二十二条)",
             description="意见提交后不能修改。")
def acceptance_expert_opinion(request, project_id: int, seat_id: int, payload: AcceptanceOpinionIn):
    project = _project(request, project_id)
    seat = services.expert_opinion(actor=request.auth, project=project,
                                   seat=services.get_seat(project, object_pk(seat_id)), data=payload.dict())
    return _seat(seat.pk)


# --- the decision, the rectification (art. 22, 23) ---------------------------------------------------------


@router.post("/projects/{project_id}/acceptance/decision", response={200: AcceptanceDossierOut, **WRITE_ERRORS},
             summary="作出竣工验收结论:通过或不通过(区发改委,第二十二条、第二十三条)",
             description="已安排验收、专家组全部意见提交后方可作出结论;不通过的写明验收意见和整改期限,"
                         "同一项目第二次不通过的,暂缓建设单位后续项目的审批(第二十三条)。")
def acceptance_decision(request, project_id: int, payload: AcceptanceDecisionIn):
    project = _project(request, project_id)
    data = {"decided_on": payload.decided_on, "findings": payload.findings}
    if payload.result == Result.FAILED or payload.rectification_due_on is not None:
        data["rectification_due_on"] = payload.rectification_due_on  # on a pass: refused (400) by the form
    decide = services.acceptance_fail if payload.result == Result.FAILED else services.acceptance_pass
    decide(actor=request.auth, project=project, data=data, expected_version=payload.version)
    return _fresh_dossier(request.auth, project)


@router.post("/projects/{project_id}/acceptance/refuse-rectification", response={200: AcceptanceOut, **WRITE_ERRORS},
             summary="声明拒不整改(建设单位,第二十三条)",
             description="记录在案;本单位后续政务信息化项目的审批随即暂缓,直至区发改委解除。")
def acceptance_refuse_rectification(request, project_id: int, payload: RectificationRefuseIn):
    project = _project(request, project_id)
    acceptance = services.rectification_refuse(actor=request.auth, project=project, data=payload.dict())
    return _acceptance(acceptance.pk)


# --- the filing with Finance and the assets (art. 22) ------------------------------------------------------


@router.post("/projects/{project_id}/acceptance/filing", response={201: AcceptanceFilingOut, **WRITE_ERRORS},
             summary="验收结果报财政局备案(建设单位,第二十二条)")
def acceptance_filing(request, project_id: int, payload: AcceptanceFilingIn):
    project = _project(request, project_id)
    filing = services.filing_record(actor=request.auth, project=project, data=payload.dict())
    return Status(201, _filing(filing.pk))


@router.post("/projects/{project_id}/acceptance/filing/receipt", response={200: AcceptanceFilingOut, **WRITE_ERRORS},
             summary="确认收到验收结果备案(区财政局,第二十二条)")
def acceptance_filing_receipt(request, project_id: int):
    project = _project(request, project_id)
    filing = services.filing_receive(actor=request.auth, project=project)
    return _filing(filing.pk)


@router.post("/projects/{project_id}/assets", response={201: AcceptanceAssetOut, **WRITE_ERRORS},
             summary="登记项目资产(建设单位;通过竣工验收后,第二十二条)")
def asset_register(request, project_id: int, payload: AcceptanceAssetIn):
    project = _project(request, project_id)
    asset = services.asset_register(actor=request.auth, project=project, data=payload.dict())
    return Status(201, Asset.objects.select_related("custodian_unit", "registered_by").get(pk=asset.pk))


# --- the calendar and the portfolio (art. 22, 23) ----------------------------------------------------------


def _month(value: str | None) -> tuple[str, dt.date, dt.date]:
    if value is None:
        today = local_today()
        year, month = today.year, today.month
    else:
        try:
            year, month = int(value[:4]), int(value[5:7])
            dt.date(year, month, 1)
        except (TypeError, ValueError):
            raise InvalidInput(fields={"month": [_("月份格式须为 YYYY-MM")]}) from None
        if not 2000 <= year <= 2100:
            raise InvalidInput(fields={"month": [_("月份须在2000年至2100年之间")]})
    first = dt.date(year, month, 1)
    return f"{year:04d}-{month:02d}", first, first.replace(day=calendar.monthrange(year, month)[1])


@router.get("/acceptance/calendar", response={200: AcceptanceCalendarOut, **ERRORS},
            summary="竣工验收日历:验收安排、可申请验收日、申请期限、整改期限(第二十二条、第二十三条)",
            description="当前用户可见项目在该月内的验收日期、试运行满期可申请验收之日(T + 最短试运行期)、"
                        "申请验收期限(T + 申请验收期限)和验收不通过项目的整改期限,按日期排列。")
def acceptance_calendar(request, query: Query[AcceptanceCalendarQuery]):
    user = request.auth
    if not can_list_projects(user):
        raise Forbidden()
    month, first, last = _month(query.month)
    entries = [{"date": e["date"], "kind": e["kind"], "kind_label": str(CALENDAR_LABELS[e["kind"]]),
                "project": e["project"], "acceptance_id": e["acceptance"].pk if e["acceptance"] else None,
                "location": e["acceptance"].location if e["kind"] == "acceptance" else ""}
               for e in selectors.calendar_entries(user, first, last)]
    return {"month": month, "first": first, "last": last, "entries": entries}


def _stage(user, statuses) -> list:
    """The visible projects in the acceptance stage, each with its latest application and that application's
    acceptance — subqueries, so the list's queries do not grow with its rows."""
    latest = AcceptanceApplication.objects.filter(project=OuterRef("pk")).order_by("-number")
    current = Acceptance.objects.filter(project=OuterRef("pk"), application__number=OuterRef("application_number"))
    return (projects_visible_to(user).filter(status__in=statuses or STAGE)
            .annotate(application_number=Subquery(latest.values("number")[:1]),
                      applied_on=Subquery(latest.values("applied_on")[:1]),
                      late=Subquery(latest.values("late")[:1]))
            .annotate(scheduled_on=Subquery(current.values("scheduled_on")[:1]),
                      result=Subquery(current.values("result")[:1]),
                      rectification_due_on=Subquery(current.values("rectification_due_on")[:1]))
            .order_by("trial_started_on", "pk"))


@router.get("/acceptance/projects", response={200: AcceptanceStageOut, **ERRORS},
            summary="竣工验收阶段的项目一览:试运行、已申请验收、整改中、已通过验收(第二十二条、第二十三条)",
            description="当前用户可见的项目,各带最近一次验收申请的序号、验收日期、结论和整改期限;按试运行开始日期排列。")
def acceptance_projects(request, query: Query[AcceptanceStageQuery]):
    user = request.auth
    if not can_list_projects(user):
        raise Forbidden()
    qs = _stage(user, query.status)
    count = qs.count()
    items = [{"id": p.pk, "name": p.name, "owner_unit": p.owner_unit, "status": p.status,
              "status_label": p.get_status_display(), "trial_started_on": p.trial_started_on,
              "application_number": p.application_number, "applied_on": p.applied_on, "late": p.late,
              "scheduled_on": p.scheduled_on, "result": p.result or "",
              "rectification_due_on": p.rectification_due_on, "version": p.version}
             for p in qs[query.offset: query.offset + query.limit]]
    return {**page_links(request, count, query.limit, query.offset), "items": items}
