"""The initiation approval (art. 13–17, 23, 28): the unit's application and its reports, the project code,
a joint project's participants, DRC's review with its expert panel, the decision and its immutable baseline
with the approval letter, Finance's budget, and the suspension of a unit's approvals.

Handlers parse input, fetch through the permission-checked accessors (404 when not visible) and call
itgov.approvals.services, which check the power (403 citing the article), the input (400 with the field),
the state and version (409) and the rules (422 with rule and article), and audit every write. The dossier
(GET …/approval) shows the review and the panel to the bureaus and the panel's experts only, and the
baselines and budget to whoever may see the decision (not to a pure expert)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Annotated, Literal

import rules as perms
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, StringConstraints

from itgov.accounts.choices import Role
from itgov.approvals import selectors, services
from itgov.approvals.choices import (
    CHECKLIST_ITEMS,
    DataDirection,
    DocumentKind,
    ExpertOpinion,
    FundSource,
    SharedPlatform,
    SharingConclusion,
    SharingType,
    TargetCategory,
)
from itgov.approvals.models import (
    ApplicationDocument,
    ApprovalReview,
    Baseline,
    InitiationApplication,
    PanelMember,
    UnitSuspension,
)
from itgov.approvals.workflow import APPROVAL_TRANSITIONS, RECORD_BUDGET
from itgov.core.dates import local_today
from itgov.core.errors import Forbidden, NotFound
from itgov.core.ids import object_pk
from itgov.projects.choices import ProjectStatus
from itgov.projects.models import Project, ProjectParticipant
from itgov.projects.selectors import access_project_by_id

from ..schemas import (
    ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Money,
    Page,
    UnitRef,
    limit_field,
    money,
    offset_field,
    page_links,
)

router = Router(tags=["approvals"])

Text = Annotated[str, StringConstraints(max_length=5000)]
Reason = Annotated[str, StringConstraints(max_length=2000)]
Short = Annotated[str, StringConstraints(max_length=200)]
CodeText = Annotated[str, StringConstraints(max_length=200)]
CategoryLiteral = Literal[tuple(TargetCategory.values)]  # type: ignore[valid-type]
DirectionLiteral = Literal[tuple(DataDirection.values)]  # type: ignore[valid-type]
SharingTypeLiteral = Literal[tuple(SharingType.values)]  # type: ignore[valid-type]
PlatformLiteral = Literal[tuple(SharedPlatform.values)]  # type: ignore[valid-type]
ConclusionLiteral = Literal[("", *SharingConclusion.values)]  # type: ignore[valid-type]
OpinionLiteral = Literal[tuple(ExpertOpinion.values)]  # type: ignore[valid-type]
FundSourceLiteral = Literal[tuple(FundSource.values)]  # type: ignore[valid-type]

PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The report files a unit may upload (forms.UPLOAD_EXTENSIONS), served with their own type.
DOCUMENT_TYPES = {
    ".pdf": PDF_CONTENT_TYPE,
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".wps": "application/vnd.ms-works",
    ".zip": "application/zip",
}
OCTET_STREAM = "application/octet-stream"
KIND_DESCRIPTION = "材料类型:" + "、".join(DocumentKind.values)
MAX_ID = 2**62


def _version_field(description: str = "乐观锁:当前版本号"):
    return Field(None, ge=1, le=2**31, description=description)


def _id_field(description: str):
    return Field(..., ge=1, le=MAX_ID, description=description)



def _binary(*content_types: str, description: str) -> dict:
    """The OpenAPI of a 200 that is a file, not JSON (errors stay JSON)."""
    return {"responses": {200: {"description": description, "content": {
        content_type: {"schema": {"type": "string", "format": "binary"}} for content_type in content_types}}}}


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _project(request, project_id) -> Project:
    return access_project_by_id(request.auth, object_pk(project_id))


def _require_decision_view(user, project: Project) -> None:
    if not perms.has_perm("approvals.view_decision", user, project):
        raise Forbidden()


# --- shapes ------------------------------------------------------------------------------------------------


class ApprovalProjectOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str
    project_code: str | None
    project_code_status: str
    project_code_recorded_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class ApprovalDocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str | None
    download: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_uploaded_by(obj):
        return obj.uploaded_by.display_name if obj.uploaded_by_id else None

    @staticmethod
    def resolve_download(obj):
        return reverse("api:approval_document_download", kwargs={
            "project_id": obj.application.project_id, "document_id": obj.pk})


class ApprovalMilestoneOut(Schema):
    name: str
    due_date: dt.date


class ApprovalTargetOut(Schema):
    category: str
    category_label: str
    indicator: str
    unit: str
    target: str

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()


class ApprovalDataResourceOut(Schema):
    name: str
    direction: str
    direction_label: str
    sharing_type: str
    sharing_type_label: str
    into_catalogue: bool
    source_or_use: str

    @staticmethod
    def resolve_direction_label(obj):
        return obj.get_direction_display()

    @staticmethod
    def resolve_sharing_type_label(obj):
        return obj.get_sharing_type_display()


class ApprovalApplicationOut(Schema):
    id: int
    project_id: int
    number: int
    construction_content: str
    scale: str
    standards: str
    technical_approach: str
    hardware: str
    software: str
    services: str
    integration: str
    supervision_fee: str
    prework: str
    other: str
    total: str
    total_wan: str
    start_date: dt.date | None
    end_date: dt.date | None
    data_sharing_summary: str
    shared_platforms: list[str]
    platforms_note: str
    protection_level: int | None
    security_measures: str
    joint_framework: str
    business_flow: str
    data_flow: str
    system_interfaces: str
    submitted_at: dt.datetime | None
    decision: str
    decision_label: str
    decision_reason: str
    decided_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    milestones: list[ApprovalMilestoneOut]
    performance_targets: list[ApprovalTargetOut]
    data_resources: list[ApprovalDataResourceOut]
    documents: list[ApprovalDocumentOut]

    @staticmethod
    def resolve_decision_label(obj):
        return obj.get_decision_display() if obj.decision else ""

    @staticmethod
    def resolve_total(obj):
        return money(obj.total)

    # the breakdown travels as strings of yuan
    @staticmethod
    def resolve_hardware(obj):
        return money(obj.hardware)

    @staticmethod
    def resolve_software(obj):
        return money(obj.software)

    @staticmethod
    def resolve_services(obj):
        return money(obj.services)

    @staticmethod
    def resolve_integration(obj):
        return money(obj.integration)

    @staticmethod
    def resolve_supervision_fee(obj):
        return money(obj.supervision_fee)

    @staticmethod
    def resolve_prework(obj):
        return money(obj.prework)

    @staticmethod
    def resolve_other(obj):
        return money(obj.other)

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.milestones.all())

    @staticmethod
    def resolve_performance_targets(obj):
        return list(obj.performance_targets.all())

    @staticmethod
    def resolve_data_resources(obj):
        return list(obj.data_resources.all())

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.all())




class ApprovalParticipantOut(Schema):
    id: int
    unit: UnitRef
    role_description: str
    added_at: dt.datetime | None
    confirmed: bool
    confirmed_at: dt.datetime | None
    confirmed_version: int | None
    current: bool = Field(..., description="已确认当前版本的联合申请")


class ApprovalChecklistRow(Schema):
    item: str
    label: str
    ok: bool | None
    note: str


class ApprovalReviewOut(Schema):
    id: int
    checklist: list[ApprovalChecklistRow]
    review_notes: str
    sharing_conclusion: str
    sharing_conclusion_label: str
    sharing_opinion: str
    assessed_at: dt.datetime | None
    expert_panel_required: bool
    reviewer: str | None
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_checklist(obj):
        return [{**row, "label": str(row["label"])} for row in obj.checklist_rows()]

    @staticmethod
    def resolve_sharing_conclusion_label(obj):
        return obj.get_sharing_conclusion_display() if obj.sharing_conclusion else ""

    @staticmethod
    def resolve_reviewer(obj):
        return obj.reviewer.display_name if obj.reviewer_id else None


class ApprovalExpertRef(Schema):
    id: int
    name: str
    specialty: str
    employer: str


class ApprovalPanelMemberOut(Schema):
    id: int
    expert: ApprovalExpertRef
    has_login: bool = Field(..., description="专家有账号,本人提交意见;否则由区发改委(大数据局)代为录入会议意见")
    added_at: dt.datetime
    opinion: str
    opinion_label: str
    opinion_text: str
    opinion_at: dt.datetime | None
    recorded_by: str | None

    @staticmethod
    def resolve_has_login(obj):
        return obj.expert.user_id is not None

    @staticmethod
    def resolve_opinion_label(obj):
        return obj.get_opinion_display() if obj.opinion else ""

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.display_name if obj.recorded_by_id else None


class ApprovalBaselineSummary(Schema):
    version: int
    document_number: str
    approved_estimate: str
    approved_estimate_wan: str
    approved_on: dt.date
    approved_at: dt.datetime
    issuing_unit: UnitRef
    letter: str

    @staticmethod
    def resolve_approved_estimate(obj):
        return money(obj.approved_estimate)

    @staticmethod
    def resolve_letter(obj):
        return reverse("api:approval_letter_download", kwargs={"project_id": obj.project_id,
                                                               "version": obj.version})


class ApprovalBaselineOut(ApprovalBaselineSummary):
    id: int
    project_id: int
    application_id: int
    construction_content: str
    scale: str
    standards: str
    investment_breakdown: dict[str, str]
    start_date: dt.date | None
    end_date: dt.date | None
    protection_level: int | None
    performance_targets: list[dict[str, str]]
    control_indicators: str
    opinion: str
    document_year: int
    document_seq: int
    copy_to: str
    approved_by: str | None

    @staticmethod
    def resolve_approved_by(obj):
        return obj.approved_by.display_name if obj.approved_by_id else None


class ApprovalBaselineList(Schema):
    count: int
    items: list[ApprovalBaselineSummary]


class ApprovalBudgetLineOut(Schema):
    year: int
    fund_source: str
    fund_source_label: str
    amount: str

    @staticmethod
    def resolve_fund_source_label(obj):
        return obj.get_fund_source_display()

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)


class ApprovalBudgetOut(Schema):
    id: int
    revision: int
    baseline_version: int
    total: str
    total_wan: str
    note: str
    recorded_at: dt.datetime
    recorded_by: str | None
    lines: list[ApprovalBudgetLineOut]

    @staticmethod
    def resolve_baseline_version(obj):
        return obj.baseline.version

    @staticmethod
    def resolve_total(obj):
        return money(obj.total)

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.display_name if obj.recorded_by_id else None

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class ApprovalBudgetList(Schema):
    count: int
    items: list[ApprovalBudgetOut]


class ApprovalCheckOut(Schema):
    rule: str
    article: str
    title: str
    message: str
    status: str
    status_label: str
    reason: str
    fields: dict[str, str]


class ApprovalDossierOut(Schema):
    project: ApprovalProjectOut
    application: ApprovalApplicationOut | None
    participants: list[ApprovalParticipantOut]
    review: ApprovalReviewOut | None = Field(..., description="审查意见;仅区级部门和本项目专家组可见")
    panel: list[ApprovalPanelMemberOut] | None = Field(..., description="专家组;仅区级部门和本项目专家组可见")
    baselines: list[ApprovalBaselineSummary]
    budget: ApprovalBudgetOut | None
    checks: list[ApprovalCheckOut]
    actions: list[str]


# --- inputs ------------------------------------------------------------------------------------------------


class ApprovalMilestoneIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(max_length=100)]
    due_date: dt.date


class ApprovalTargetIn(Schema):
    model_config = ConfigDict(extra="forbid")
    category: CategoryLiteral
    indicator: Annotated[str, StringConstraints(max_length=100)]
    unit: Annotated[str, StringConstraints(max_length=20)] = ""
    target: Annotated[str, StringConstraints(max_length=60)]


class ApprovalDataResourceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(max_length=100)]
    direction: DirectionLiteral
    sharing_type: SharingTypeLiteral
    into_catalogue: bool = True
    source_or_use: Short = ""


class ApprovalApplicationPatch(Schema):
    """Fields left out keep their values; a list given replaces the old one (at most 100 rows)."""

    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:立项申请的当前版本号(新建时不填)")
    construction_content: Text | None = None
    scale: Text | None = None
    standards: Text | None = None
    technical_approach: Text | None = None
    hardware: Money | None = Field(None, description="硬件购置(元)")
    software: Money | None = Field(None, description="软件开发及购置(元)")
    services: Money | None = Field(None, description="服务费用(元)")
    integration: Money | None = Field(None, description="系统集成(元)")
    supervision_fee: Money | None = Field(None, description="监理费(元)")
    prework: Money | None = Field(None, description="前期工作费用(元)")
    other: Money | None = Field(None, description="其他费用(元)")
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    data_sharing_summary: Text | None = None
    shared_platforms: list[PlatformLiteral] | None = None
    platforms_note: Text | None = None
    protection_level: int | None = Field(None, ge=1, le=5, description="拟定等级保护级别(1–5)")
    security_measures: Text | None = None
    joint_framework: Text | None = None
    business_flow: Text | None = None
    data_flow: Text | None = None
    system_interfaces: Text | None = None
    milestones: list[ApprovalMilestoneIn] | None = None
    performance_targets: list[ApprovalTargetIn] | None = None
    data_resources: list[ApprovalDataResourceIn] | None = None


class ApprovalCodeIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:项目的当前版本号")
    project_code: CodeText = Field(..., description="投资项目统一代码(24位,4-6-2-2-6),如 2404-320106-65-01-000123")


class ApprovalParticipantIn(Schema):
    model_config = ConfigDict(extra="forbid")
    unit_id: int = _id_field("参建单位ID")
    role_description: Short = ""


class ApprovalConfirmIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("所确认的立项申请版本号")


class ApprovalVersionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:项目的当前版本号")


class ApprovalReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:项目的当前版本号")
    reason: Reason = Field("", description="理由(必填,第十五条)")


class ApprovalApproveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:项目的当前版本号")
    approved_estimate: Money = Field(..., description="核定总投资概算(元)")
    construction_content: Text = Field("", description="不填则取立项申请的建设内容")
    scale: Text = Field("", description="不填则取立项申请的建设规模")
    standards: Text = Field("", description="不填则取立项申请的建设标准")
    control_indicators: Text = ""
    opinion: Text = ""
    copy_to: Annotated[str, StringConstraints(max_length=500)] = ""


class ApprovalChecklistEntryIn(Schema):
    model_config = ConfigDict(extra="forbid")
    ok: bool | None = None
    note: Reason = ""


class ApprovalReviewPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:审查意见的当前版本号")
    review_notes: Text | None = None
    sharing_conclusion: ConclusionLiteral | None = None
    sharing_opinion: Text | None = None
    expert_panel_required: bool | None = None
    checklist: dict[Annotated[str, StringConstraints(max_length=40)], ApprovalChecklistEntryIn] | None = Field(
        None, description="审查要点:{要点: {ok, note}},要点为 " + "、".join(CHECKLIST_ITEMS) + ";未列出的要点保持不变")


class ApprovalPanelIn(Schema):
    model_config = ConfigDict(extra="forbid")
    expert_id: int = _id_field("专家库中的专家ID")


class ApprovalOpinionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    opinion: OpinionLiteral
    opinion_text: Text = Field("", description="修改后同意或不同意时必填")


class ApprovalBudgetLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(..., ge=2000, le=2100)
    fund_source: FundSourceLiteral
    amount: Money = Field(..., description="金额(元)")


class ApprovalBudgetIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:项目的当前版本号")
    lines: list[ApprovalBudgetLineIn] = Field(..., description="按年度、资金来源的预算(1–100行)")
    note: Reason = ""


# --- the dossier -------------------------------------------------------------------------------------------


def _participants(project: Project, application: InitiationApplication | None) -> list[dict]:
    out = []
    for p in project.participants.all():
        current = (application is not None and p.confirmed_application_id == application.pk
                   and p.confirmed_version == application.version)
        out.append({"id": p.pk, "unit": p.unit, "role_description": p.role_description, "added_at": p.added_at,
                    "confirmed": p.confirmed_at is not None, "confirmed_at": p.confirmed_at,
                    "confirmed_version": p.confirmed_version, "current": current})
    return out


def _participant_out(participant: ProjectParticipant) -> dict:
    project = participant.project
    return next(p for p in _participants(project, selectors.current_application(project)) if p["id"] == participant.pk)


def _checks(user, project: Project, case_data: dict) -> list[dict]:
    """The approval-scope rules on the application as it stands (the page's compliance panel)."""
    from itgov.rules.profiles import parameters_in_force
    from itgov.rules.registry import Case, compliance

    today = local_today()
    case = Case(subject=project, actor=user, action="initiation.compliance", data=case_data, on=today)
    return compliance(case, parameters_in_force(project.owner_unit.jurisdiction, today), scope="approval")


def _actions(user, project: Project, application, participants, panel) -> list[str]:
    """What this user may do on the approval now (the page shows the same buttons); rules run on execution."""
    status = project.status
    out = []
    if status in services.EDITABLE and perms.has_perm("approvals.edit_application", user, project):
        out += ["edit", "upload"]
    if status in services.CODE_EDITABLE and perms.has_perm("approvals.record_project_code", user, project):
        out.append("record_code")
    if status in services.PARTICIPANTS_EDITABLE and perms.has_perm("approvals.manage_participants", user, project):
        out.append("manage_participants")
    if status in services.EDITABLE and application is not None and any(
            perms.has_perm("approvals.confirm_participation", user, p) for p in participants):
        out.append("confirm")
    out += [t.name for t in APPROVAL_TRANSITIONS.values()
            if status in t.sources and perms.has_perm(t.permission, user, project)]
    if status == ProjectStatus.UNDER_REVIEW and perms.has_perm("approvals.review", user, project):
        out += ["review", "manage_panel"]
    if status == ProjectStatus.UNDER_REVIEW and any(perms.has_perm("approvals.record_opinion", user, m)
                                                    for m in panel):
        out.append("opinion")  # the expert's own seat, or DRC for an expert without a login
    if status in RECORD_BUDGET.sources and perms.has_perm(RECORD_BUDGET.permission, user, project):
        out.append("record_budget")
    return out


def _dossier(user, project: Project) -> dict:
    case_data = selectors.approval_case(project)
    application, review, panel = case_data["application"], case_data["review"], case_data["panel"]
    participants = list(project.participants.all())
    insider = perms.has_perm("approvals.view_review", user, project)
    decision = perms.has_perm("approvals.view_decision", user, project)
    return {
        "project": project,
        "application": application,
        "participants": _participants(project, application),
        "review": review if insider else None,
        "panel": panel if insider else None,
        "baselines": list(selectors.baselines_of(project)) if decision else [],
        "budget": selectors.current_budget(project) if decision else None,
        "checks": _checks(user, project, case_data),
        "actions": _actions(user, project, application, participants, panel),
    }


def _reloaded(request, project: Project) -> dict:
    return _dossier(request.auth, access_project_by_id(request.auth, project.pk))


@router.get("/projects/{project_id}/approval", response={200: ApprovalDossierOut, **ERRORS},
            summary="立项审批卷宗:申请、参建单位、审查、专家组、批复、预算、合规检查")
def approval_dossier(request, project_id: int):
    return _dossier(request.auth, _project(request, project_id))


# --- the application (art. 14) -----------------------------------------------------------------------------


@router.patch("/projects/{project_id}/application", response={200: ApprovalApplicationOut, **WRITE_ERRORS},
              summary="编制或修改立项申请(建设单位,第十四条)")
def application_save(request, project_id: int, payload: ApprovalApplicationPatch):
    project = _project(request, project_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    rows = payload.dict()
    for key in ("milestones", "performance_targets", "data_resources"):  # a row given is taken with its defaults
        if key in data:
            data[key] = rows[key]
    application = services.application_save(actor=request.auth, project=project, data=data,
                                            expected_version=version)
    return selectors.application_queryset().get(pk=application.pk)


@router.post("/projects/{project_id}/application/documents", response={201: ApprovalDocumentOut, **WRITE_ERRORS},
             summary="上传立项申请报告、可行性研究报告(建设单位,第十四条)",
             description="multipart/form-data:kind(application_report、feasibility_study、other)和 file"
                         "(PDF、OFD、Word、WPS 或 ZIP,不超过50MB)。再次上传同类材料保留旧文件。")
def application_document_upload(request, project_id: int,
                                kind: str | None = Form(None, max_length=40, description=KIND_DESCRIPTION),
                                file: File[UploadedFile] = None):  # missing or wrong: the service's 400 names it
    project = _project(request, project_id)
    document = services.document_upload(actor=request.auth, project=project, data={"kind": kind or ""},
                                         files={"file": file} if file is not None else {})
    return Status(201, ApplicationDocument.objects.select_related("application", "uploaded_by").get(pk=document.pk))


@router.get("/projects/{project_id}/application/documents/{document_id}", response=ERRORS,
            url_name="approval_document_download", summary="下载立项申请材料",
            openapi_extra=_binary(*dict.fromkeys(DOCUMENT_TYPES.values()), OCTET_STREAM,
                                  description="上传的原文件"))
def application_document_download(request, project_id: int, document_id: int):
    project = _project(request, project_id)
    document = (ApplicationDocument.objects.select_related("application")
                .filter(pk=object_pk(document_id), application__project=project).first())
    if document is None:
        raise NotFound()
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise NotFound() from None
    services.document_downloaded(actor=request.auth, project=project, document=document)
    extension = ("." + document.name.rsplit(".", 1)[-1].lower()) if "." in document.name else ""
    content_type = DOCUMENT_TYPES.get(extension) or mimetypes.guess_type(document.name)[0] or OCTET_STREAM
    if content_type not in DOCUMENT_TYPES.values():
        content_type = OCTET_STREAM
    response = FileResponse(handle, as_attachment=True, filename=document.name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the project code (art. 17) ----------------------------------------------------------------------------


@router.post("/projects/{project_id}/project-code", response={200: ApprovalProjectOut, **WRITE_ERRORS},
             summary="登记项目代码(建设单位,第十七条)",
             description="省投资项目在线审批监管平台赋予的项目代码:24位,4-6-2-2-6位数字,第一段为赋码年份(如2020)"
                         "或年月(如2404),第二段为本级行政区划代码。全角数字和连字符自动转换。")
def project_code_record(request, project_id: int, payload: ApprovalCodeIn):
    project = _project(request, project_id)
    services.project_code_record(actor=request.auth, project=project, data={"project_code": payload.project_code},
                                 expected_version=payload.version)
    return access_project_by_id(request.auth, project.pk)


# --- joint projects (art. 16) ------------------------------------------------------------------------------


@router.post("/projects/{project_id}/participants", response={201: ApprovalParticipantOut, **WRITE_ERRORS},
             summary="添加参建单位(牵头部门,第十六条)")
def participant_add(request, project_id: int, payload: ApprovalParticipantIn):
    project = _project(request, project_id)
    participant = services.participant_add(actor=request.auth, project=project, data=payload.dict())
    return Status(201, _participant_out(ProjectParticipant.objects.select_related("project", "unit")
                                        .get(pk=participant.pk)))


@router.delete("/projects/{project_id}/participants/{participant_id}", response={204: None, **WRITE_ERRORS},
               summary="移除参建单位(牵头部门,第十六条)")
def participant_remove(request, project_id: int, participant_id: int):
    project = _project(request, project_id)
    participant = services.get_participant(project, object_pk(participant_id))
    services.participant_remove(actor=request.auth, project=project, participant=participant)
    return Status(204, None)


@router.post("/projects/{project_id}/participants/{participant_id}/confirm",
             response={200: ApprovalParticipantOut, **WRITE_ERRORS},
             summary="参建单位确认联合申请(第十六条)",
             description="version:所阅读并确认的立项申请版本号;申请此后被修改的,须重新确认。")
def participant_confirm(request, project_id: int, participant_id: int, payload: ApprovalConfirmIn):
    project = _project(request, project_id)
    participant = services.get_participant(project, object_pk(participant_id))
    services.participant_confirm(actor=request.auth, project=project, participant=participant,
                                 expected_version=payload.version)
    return _participant_out(ProjectParticipant.objects.select_related("project", "unit").get(pk=participant.pk))


# --- submission, review and decision (art. 14, 15, 28) -----------------------------------------------------


@router.post("/projects/{project_id}/initiation/submit", response={200: ApprovalDossierOut, **WRITE_ERRORS},
             summary="提交立项申请(建设单位,第十四条)")
def initiation_submit(request, project_id: int, payload: ApprovalVersionIn):
    project = _project(request, project_id)
    fresh = services.initiation_submit(actor=request.auth, project=project, expected_version=payload.version)
    return _reloaded(request, fresh)


@router.post("/projects/{project_id}/initiation/start-review", response={200: ApprovalDossierOut, **WRITE_ERRORS},
             summary="受理并开始审查(区发改委,第十五条)")
def initiation_start_review(request, project_id: int, payload: ApprovalVersionIn):
    project = _project(request, project_id)
    fresh = services.initiation_start_review(actor=request.auth, project=project, expected_version=payload.version)
    return _reloaded(request, fresh)


@router.post("/projects/{project_id}/initiation/return", response={200: ApprovalDossierOut, **WRITE_ERRORS},
             summary="退回修改(区发改委,须写明理由,第十五条)")
def initiation_return(request, project_id: int, payload: ApprovalReasonIn):
    project = _project(request, project_id)
    fresh = services.initiation_return(actor=request.auth, project=project, data={"reason": payload.reason},
                                       expected_version=payload.version)
    return _reloaded(request, fresh)


@router.post("/projects/{project_id}/initiation/reject", response={200: ApprovalDossierOut, **WRITE_ERRORS},
             summary="不予批复(区发改委,须写明理由,第十五条)")
def initiation_reject(request, project_id: int, payload: ApprovalReasonIn):
    project = _project(request, project_id)
    fresh = services.initiation_reject(actor=request.auth, project=project, data={"reason": payload.reason},
                                       expected_version=payload.version)
    return _reloaded(request, fresh)


@router.post("/projects/{project_id}/initiation/approve", response={200: ApprovalDossierOut, **WRITE_ERRORS},
             summary="批复立项(区发改委,第十五条)",
             description="核定建设内容、规模、标准、总投资概算和其他控制指标,形成不可修改的批复基线并出具立项批复。")
def initiation_approve(request, project_id: int, payload: ApprovalApproveIn):
    project = _project(request, project_id)
    data = payload.dict()
    version = data.pop("version", None)
    fresh = services.initiation_approve(actor=request.auth, project=project, data=data, expected_version=version)
    return _reloaded(request, fresh)


@router.patch("/projects/{project_id}/initiation/review", response={200: ApprovalReviewOut, **WRITE_ERRORS},
              summary="填写审查要点、数据共享评估、是否须专家评审(区发改委,第十五条、第二十八条)")
def review_update(request, project_id: int, payload: ApprovalReviewPatch):
    project = _project(request, project_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    version = data.pop("version", None)
    review = services.review_update(actor=request.auth, project=project, data=data, expected_version=version)
    return ApprovalReview.objects.select_related("reviewer").get(pk=review.pk)


@router.post("/projects/{project_id}/initiation/panel", response={201: ApprovalPanelMemberOut, **WRITE_ERRORS},
             summary="选派评审专家(区发改委,第十五条、第二十八条)")
def panel_add(request, project_id: int, payload: ApprovalPanelIn):
    project = _project(request, project_id)
    member = services.panel_add(actor=request.auth, project=project, data=payload.dict())
    return Status(201, PanelMember.objects.select_related("expert", "recorded_by").get(pk=member.pk))


@router.delete("/projects/{project_id}/initiation/panel/{member_id}", response={204: None, **WRITE_ERRORS},
               summary="撤换评审专家(区发改委;已提交意见的不能撤换)")
def panel_remove(request, project_id: int, member_id: int):
    project = _project(request, project_id)
    member = services.get_panel_member(project, object_pk(member_id))
    services.panel_remove(actor=request.auth, project=project, member=member)
    return Status(204, None)


@router.post("/projects/{project_id}/initiation/panel/{member_id}/opinion",
             response={200: ApprovalPanelMemberOut, **WRITE_ERRORS},
             summary="提交评审意见(本人所在专家组;没有账号的专家由区发改委代为录入,第二十八条)")
def opinion_record(request, project_id: int, member_id: int, payload: ApprovalOpinionIn):
    project = _project(request, project_id)
    member = services.get_panel_member(project, object_pk(member_id))
    fresh = services.opinion_record(actor=request.auth, project=project, member=member, data=payload.dict())
    return PanelMember.objects.select_related("expert", "recorded_by").get(pk=fresh.pk)


# --- the baseline and the approval letter (art. 15) --------------------------------------------------------


def _baseline(request, project_id, version) -> tuple[Project, Baseline]:
    project = _project(request, project_id)
    _require_decision_view(request.auth, project)
    try:
        number = int(version)
    except (TypeError, ValueError):
        raise NotFound() from None
    baseline = selectors.baselines_of(project).filter(version=number).first() if 0 < number < 2**15 else None
    if baseline is None:
        raise NotFound()
    return project, baseline


@router.get("/projects/{project_id}/baselines", response={200: ApprovalBaselineList, **ERRORS},
            summary="立项批复(基线)各版本")
def baseline_list(request, project_id: int):
    project = _project(request, project_id)
    _require_decision_view(request.auth, project)
    items = list(selectors.baselines_of(project))
    return {"count": len(items), "items": items}


@router.get("/projects/{project_id}/baselines/{version}", response={200: ApprovalBaselineOut, **ERRORS},
            summary="立项批复(基线)详情:批复核定的全部内容")
def baseline_detail(request, project_id: int, version: int):
    return _baseline(request, project_id, version)[1]


@router.get("/projects/{project_id}/baselines/{version}/letter.pdf", response={**ERRORS, 409: ErrorOut},
            url_name="approval_letter_download", summary="下载立项批复文件(PDF)",
            openapi_extra=_binary(PDF_CONTENT_TYPE, description="立项批复(GB/T 9704 公文格式)"))
def letter_download(request, project_id: int, version: int):
    from itgov.approvals import letter

    baseline = _baseline(request, project_id, version)[1]
    content = letter.letter_bytes(baseline)
    letter.letter_downloaded(actor=request.auth, baseline=baseline)
    return _download(content, letter.letter_filename(baseline), PDF_CONTENT_TYPE)


# --- Finance's budget (art. 15) ----------------------------------------------------------------------------


@router.get("/projects/{project_id}/budgets", response={200: ApprovalBudgetList, **ERRORS},
            summary="项目预算各版本(最新版本有效)")
def budget_list(request, project_id: int):
    project = _project(request, project_id)
    _require_decision_view(request.auth, project)
    items = list(selectors.budgets_of(project))
    return {"count": len(items), "items": items}


@router.post("/projects/{project_id}/budgets", response={201: ApprovalBudgetOut, **WRITE_ERRORS},
             summary="编列项目预算(区财政局,不超过批复概算,第十五条)")
def budget_record(request, project_id: int, payload: ApprovalBudgetIn):
    project = _project(request, project_id)
    data = payload.dict()
    version = data.pop("version", None)
    services.budget_record(actor=request.auth, project=project, data=data, expected_version=version)
    return Status(201, selectors.current_budget(project))


# --- experts (art. 28, 15) ---------------------------------------------------------------------------------


class ApprovalSeatProject(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class ApprovalSeatOut(Schema):
    id: int
    project: ApprovalSeatProject
    application_number: int
    added_at: dt.datetime
    opinion: str
    opinion_label: str
    opinion_text: str
    opinion_at: dt.datetime | None
    open: bool = Field(..., description="项目仍在审查中,可以提交或修改意见")

    @staticmethod
    def resolve_project(obj):
        return obj.review.application.project

    @staticmethod
    def resolve_application_number(obj):
        return obj.review.application.number

    @staticmethod
    def resolve_opinion_label(obj):
        return obj.get_opinion_display() if obj.opinion else ""

    @staticmethod
    def resolve_open(obj):
        return obj.review.application.project.status == ProjectStatus.UNDER_REVIEW


class ApprovalSeatList(Page):
    items: list[ApprovalSeatOut]


class ApprovalPageQuery(Schema):
    limit: int = limit_field()
    offset: int = offset_field()


@router.get("/expert-reviews", response={200: ApprovalSeatList, **ERRORS}, summary="我的评审任务(评审专家)")
def expert_reviews(request, query: Query[ApprovalPageQuery]):
    user = request.auth
    if not user.has_role(Role.EXPERT):
        raise Forbidden()
    qs = selectors.panels_of_expert(user)
    count = qs.count()
    items = list(qs[query.offset: query.offset + query.limit])
    return {**page_links(request, count, query.limit, query.offset), "items": items}


class ApprovalPoolQuery(Schema):
    project_id: int = Field(..., ge=1, le=MAX_ID, description="为之选派专家的项目")


class ApprovalPoolExpert(Schema):
    id: int
    name: str
    specialty: str
    employer: str
    title: str
    employer_unit: UnitRef | None
    on_panel: bool
    conflict: bool = Field(..., description="任职于建设单位或参建单位,应当回避(第十五条)")
    conflict_reason: str


class ApprovalPoolOut(Schema):
    project_id: int
    count: int
    items: list[ApprovalPoolExpert]


@router.get("/experts", response={200: ApprovalPoolOut, **ERRORS}, summary="专家库(区发改委选派专家组时)")
def expert_pool(request, query: Query[ApprovalPoolQuery]):
    from itgov.rules.registry import Case, evaluate, get_rule

    user = request.auth
    if not perms.has_perm("approvals.review", user):
        raise Forbidden()
    project = _project(request, query.project_id)
    panel = {m.expert_id for m in selectors.approval_case(project)["panel"]}
    rule = get_rule("art15.expert_independent")
    items = []
    for expert in selectors.expert_pool(project):
        outcome = evaluate(rule, Case(subject=project, actor=user, action="panel.add", data={"expert": expert}), {})
        items.append({"id": expert.pk, "name": expert.name, "specialty": expert.specialty,
                      "employer": expert.employer, "title": expert.title, "employer_unit": expert.employer_unit,
                      "on_panel": expert.pk in panel, "conflict": outcome.status == "violated",
                      "conflict_reason": outcome.reason if outcome.status == "violated" else ""})
    return {"project_id": project.pk, "count": len(items), "items": items}


# --- approval suspensions (art. 23) ------------------------------------------------------------------------


class ApprovalSuspensionProject(Schema):
    id: int
    name: str


class ApprovalSuspensionOut(Schema):
    id: int
    unit: UnitRef
    project: ApprovalSuspensionProject | None
    reason: str
    started_at: dt.datetime
    created_by: str | None
    active: bool
    lifted_at: dt.datetime | None
    lift_reason: str
    lifted_by: str | None
    version: int


class ApprovalSuspensionList(Page):
    items: list[ApprovalSuspensionOut]


class ApprovalSuspensionQuery(Schema):
    active: bool | None = Field(None, description="true:仍在暂缓中;false:已解除")
    limit: int = limit_field()
    offset: int = offset_field()


class ApprovalSuspensionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    unit_id: int = _id_field("被暂缓审批的建设单位")
    project_id: int | None = Field(None, ge=1, le=MAX_ID, description="所涉项目(可不填)")
    reason: Reason = Field("", description="暂缓理由(必填,第二十三条)")


class ApprovalLiftIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field()
    reason: Reason = Field("", description="解除理由")


def _suspension_out(user, suspension: UnitSuspension) -> dict:
    """The project a suspension names is shown only to whom may see it (art. 5)."""
    project = suspension.project
    shown = project is not None and perms.has_perm("projects.view_project", user, project)
    return {"id": suspension.pk, "unit": suspension.unit,
            "project": {"id": project.pk, "name": project.name} if shown else None,
            "reason": suspension.reason, "started_at": suspension.started_at,
            "created_by": suspension.created_by.display_name if suspension.created_by_id else None,
            "active": suspension.active, "lifted_at": suspension.lifted_at, "lift_reason": suspension.lift_reason,
            "lifted_by": suspension.lifted_by.display_name if suspension.lifted_by_id else None,
            "version": suspension.version}


def _reload_suspension(user, suspension: UnitSuspension) -> dict:
    fresh = UnitSuspension.objects.select_related("unit", "project__owner_unit", "created_by", "lifted_by").get(
        pk=suspension.pk)
    return _suspension_out(user, fresh)


@router.get("/unit-suspensions", response={200: ApprovalSuspensionList, **ERRORS},
            summary="暂缓审批的单位(第二十三条)")
def suspension_list(request, query: Query[ApprovalSuspensionQuery]):
    qs = selectors.suspensions_visible_to(request.auth).select_related("project__owner_unit")
    if query.active is not None:
        qs = qs.filter(lifted_at__isnull=query.active)
    count = qs.count()
    items = [_suspension_out(request.auth, s) for s in qs[query.offset: query.offset + query.limit]]
    return {**page_links(request, count, query.limit, query.offset), "items": items}


@router.post("/unit-suspensions", response={201: ApprovalSuspensionOut, **WRITE_ERRORS},
             summary="暂缓单位的后续项目审批(区发改委,第二十三条)")
def suspension_create(request, payload: ApprovalSuspensionIn):
    suspension = services.suspension_create(actor=request.auth, data=payload.dict())
    return Status(201, _reload_suspension(request.auth, suspension))


@router.post("/unit-suspensions/{suspension_id}/lift", response={200: ApprovalSuspensionOut, **WRITE_ERRORS},
             summary="解除暂缓审批(区发改委,第二十三条)")
def suspension_lift(request, suspension_id: int, payload: ApprovalLiftIn):
    suspension = selectors.access_suspension_by_id(request.auth, object_pk(suspension_id))
    fresh = services.suspension_lift(actor=request.auth, suspension=suspension, data={"reason": payload.reason},
                                     expected_version=payload.version)
    return _reload_suspension(request.auth, fresh)


# --- the provincial platform's codes (art. 17), as files -----------------------------------------------------


@router.get("/project-codes/export.xlsx", response=ERRORS, summary="导出项目代码及办理状态(区发改委,第十七条)",
            openapi_extra=_binary(XLSX_CONTENT_TYPE, description="项目代码表(.xlsx),供与省投资项目在线审批监管平台核对"))
def project_codes_export(request):
    from itgov.approvals import provincial

    content = provincial.codes_export(actor=request.auth)
    return _download(content, provincial.codes_export_filename(), provincial.platform().content_type)


class ApprovalCodesImportOut(Schema):
    updated: int = Field(..., description="登记了项目代码或更新了平台办理状态的项目数")
    unchanged: int = Field(..., description="未引起变化的行数")


@router.post("/project-codes/import", response={200: ApprovalCodesImportOut, **WRITE_ERRORS},
             summary="导入省平台的项目代码及办理状态(区发改委,第十七条)",
             description="上传省投资项目在线审批监管平台导出的项目代码表(.xlsx)。任何一行有误时不导入,错误在 fields 中逐行列出。")
def project_codes_import(request, file: File[UploadedFile] = None):  # missing: the import's own 400 on "file"
    from itgov.approvals import provincial

    return provincial.codes_import(actor=request.auth, upload=file)
