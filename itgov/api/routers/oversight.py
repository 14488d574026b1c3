"""Audit cooperation (art. 25, with art. 4's audit bureau) over /api/v1: the audit bureau's cases (list, detail, open,
add a project, close), its requests to the owner units, the units' answers (multipart, with files; never edited nor
withdrawn, only supplemented), the requests addressed to the caller's unit, an answer's file, and a project's dossier
as one zip archive.

Handlers parse input, fetch through the permission-checked accessors (404 when the case, request or project is not
visible: the audit bureau and DRC see every case, an owner unit only the requests addressed to it) and call
itgov.oversight.services, which check the power (403 citing 第二十五条), the input (400 naming the field), the state
and version (409) and the rules (422: a deadline not after today, art25.request_deadline), and audit every write."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Annotated, Literal

from django.http import FileResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, StringConstraints

from itgov.core.dates import local_today
from itgov.oversight import selectors, services
from itgov.oversight.choices import RequestKind, RequestState
from itgov.oversight.models import AuditCase, AuditRequest

from ..schemas import ERRORS, WRITE_ERRORS, Page, UnitRef, limit_field, offset_field, page_links
from .approvals import DOCUMENT_TYPES, OCTET_STREAM, _binary, _project

router = Router(tags=["oversight"])

Title = Annotated[str, StringConstraints(max_length=500)]
Text = Annotated[str, StringConstraints(max_length=5000)]
MAX_ID = 2**62
KindLiteral = Literal[tuple(RequestKind.values)]  # type: ignore[valid-type]
ZIP = "application/zip"


# --- shapes ------------------------------------------------------------------------------------------------


class AuditedProjectRef(Schema):
    id: int
    name: str
    owner_unit: UnitRef


class CaseRef(Schema):
    id: int
    number: str = Field(..., description="审计编号,如 鼓审〔2026〕1号")
    title: str


def _name(user) -> str | None:
    return user.display_name if user is not None else None


class CaseItemOut(CaseRef):
    status: str = Field(..., description="open 审计中;closed 已结案")
    status_label: str
    opened_on: dt.date
    closed_on: dt.date | None
    projects_count: int
    requests_count: int
    version: int

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_projects_count(obj):
        return obj.n_projects

    @staticmethod
    def resolve_requests_count(obj):
        return obj.n_requests


class CaseList(Page):
    items: list[CaseItemOut]


class AnswerFileOut(Schema):
    id: int
    name: str
    size: int = Field(..., description="字节数")
    sha256: str


class AnswerOut(Schema):
    id: int
    sequence: int = Field(..., description="报送次序:1 为首次报送,其后为补充")
    text: str
    late: bool = Field(..., description="报送时已超过报送期限")
    submitted_at: dt.datetime
    submitted_by: str | None
    files: list[AnswerFileOut]

    @staticmethod
    def resolve_submitted_by(obj):
        return _name(obj.submitted_by)

    @staticmethod
    def resolve_files(obj):
        return list(obj.files.all())


class RequestOut(Schema):
    id: int
    case: CaseRef
    project: AuditedProjectRef
    addressee: UnitRef = Field(..., description="被调阅单位:项目建设单位")
    kind: str = Field(..., description="documents 调阅资料;explanation 说明情况")
    kind_label: str
    subject: str
    text: str
    due_on: dt.date = Field(..., description="报送期限;次日起未报送的为逾期")
    sent_at: dt.datetime
    sent_by: str | None
    state: str = Field(..., description="open 待报送;overdue 已逾期;answered 已报送;answered_late 逾期报送")
    state_label: str
    answers: list[AnswerOut]

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_sent_by(obj):
        return _name(obj.sent_by)

    @staticmethod
    def resolve_state_label(obj):
        return str(RequestState(obj.state).label)

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())


class RequestList(Page):
    items: list[RequestOut]


class CaseOut(CaseItemOut):
    scope: str
    opened_by: str | None
    closing_summary: str
    closed_by: str | None
    projects: list[AuditedProjectRef]
    requests: list[RequestOut]

    @staticmethod
    def resolve_opened_by(obj):
        return _name(obj.opened_by)

    @staticmethod
    def resolve_closed_by(obj):
        return _name(obj.closed_by)

    @staticmethod
    def resolve_projects(obj):
        return obj.project_rows

    @staticmethod
    def resolve_requests(obj):
        return obj.request_rows


# --- inputs ------------------------------------------------------------------------------------------------


class CaseOpenIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: Title = Field(..., description="审计事项")
    scope: Text = Field(..., description="审计范围和内容")
    project_ids: list[int] = Field(..., max_length=50, description="被审计项目的编号(至少一个,本局可见的项目)")


class CaseAddProjectIn(Schema):
    model_config = ConfigDict(extra="forbid")
    project_id: int = Field(..., ge=1, le=MAX_ID, description="增加的被审计项目")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:案件的当前版本号")


class CaseCloseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    closing_summary: Text = Field(..., description="审计结论")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:案件的当前版本号")


class RequestIn(Schema):
    model_config = ConfigDict(extra="forbid")
    project_id: int = Field(..., ge=1, le=MAX_ID, description="本案件的被审计项目;调阅要求发给其建设单位")
    kind: KindLiteral = Field(..., description="documents 调阅资料;explanation 说明情况")
    subject: Title = Field(..., description="事由")
    text: Text = Field(..., description="调阅内容")
    due_on: dt.date = Field(..., description="报送期限:须晚于今天(第二十五条)")


class CaseFilters(Schema):
    status: Literal["", "open", "closed"] = Field("", description="open 审计中;closed 已结案;空为全部")
    limit: int = limit_field()
    offset: int = offset_field()


class RequestFilters(Schema):
    state: Literal["", "open", "overdue", "answered", "answered_late"] = Field("", description="按状态筛选;空为全部")
    limit: int = limit_field()
    offset: int = offset_field()


# --- helpers -----------------------------------------------------------------------------------------------


def _case_out(user, case: AuditCase) -> dict:
    row = selectors.case_list(user).get(pk=case.pk)
    row.project_rows = selectors.case_projects(row)
    row.request_rows = selectors.requests_of_case(row, local_today())
    return row


def _request_out(request: AuditRequest) -> AuditRequest:
    rows = selectors.with_state(AuditRequest.objects.filter(pk=request.pk), local_today())
    return rows.select_related("case", "project__owner_unit", "addressee", "sent_by").prefetch_related(
        "answers__files", "answers__submitted_by").get()


# --- cases -------------------------------------------------------------------------------------------------


@router.get("/oversight/cases", response={200: CaseList, **ERRORS},
            summary="审计案件列表(区审计局、区发改委(大数据局);其他角色为空,第二十五条)")
def case_list(request, filters: Query[CaseFilters]):
    qs = selectors.case_list(request.auth, filters.status)
    count = qs.count()
    return {**page_links(request, count, filters.limit, filters.offset),
            "items": list(qs[filters.offset: filters.offset + filters.limit])}


@router.post("/oversight/cases", response={201: CaseOut, **WRITE_ERRORS},
             summary="审计立项(区审计局,第四条、第二十五条)",
             description="审计编号按本区和年度自动编号,如 鼓审〔2026〕1号。被审计项目须为本局可见的项目。")
def case_open(request, payload: CaseOpenIn):
    case = services.case_open(actor=request.auth, data=payload.dict())
    return Status(201, _case_out(request.auth, case))


@router.get("/oversight/cases/{case_id}", response={200: CaseOut, **ERRORS},
            summary="审计案件:被审计项目、调阅要求及状态、报送的说明和文件")
def case_detail(request, case_id: int):
    return _case_out(request.auth, selectors.access_case_by_id(request.auth, case_id))


@router.post("/oversight/cases/{case_id}/projects", response={200: CaseOut, **WRITE_ERRORS},
             summary="增加被审计项目(区审计局,第二十五条)")
def case_add_project(request, case_id: int, payload: CaseAddProjectIn):
    case = selectors.access_case_by_id(request.auth, case_id)
    fresh = services.case_add_project(actor=request.auth, case=case, data={"project_id": payload.project_id},
                                      expected_version=payload.version)
    return _case_out(request.auth, fresh)


@router.post("/oversight/cases/{case_id}/close", response={200: CaseOut, **WRITE_ERRORS},
             summary="审计结案(区审计局,第二十五条)", description="结案后不能再增加项目、发出调阅要求或报送。")
def case_close(request, case_id: int, payload: CaseCloseIn):
    case = selectors.access_case_by_id(request.auth, case_id)
    fresh = services.case_close(actor=request.auth, case=case, data={"closing_summary": payload.closing_summary},
                                expected_version=payload.version)
    return _case_out(request.auth, fresh)


@router.post("/oversight/cases/{case_id}/requests", response={201: RequestOut, **WRITE_ERRORS},
             summary="发出审计调阅要求(区审计局,第二十五条)",
             description="发给被审计项目的建设单位;报送期限须晚于今天,次日起未报送的为逾期。")
def request_send(request, case_id: int, payload: RequestIn):
    case = selectors.access_case_by_id(request.auth, case_id)
    made = services.request_send(actor=request.auth, case=case, data=payload.dict())
    return Status(201, _request_out(made))


# --- requests and answers ----------------------------------------------------------------------------------


@router.get("/oversight/requests", response={200: RequestList, **ERRORS},
            summary="发给本单位的审计调阅要求(建设单位,第二十五条)")
def requests_addressed(request, filters: Query[RequestFilters]):
    qs = selectors.requests_addressed_to(request.auth, local_today(), filters.state).prefetch_related(
        "answers__files", "answers__submitted_by").select_related("project__owner_unit")
    count = qs.count()
    return {**page_links(request, count, filters.limit, filters.offset),
            "items": list(qs[filters.offset: filters.offset + filters.limit])}


@router.get("/oversight/requests/{request_id}", response={200: RequestOut, **ERRORS},
            summary="审计调阅要求及报送情况")
def request_detail(request, request_id: int):
    return _request_out(selectors.access_request_by_id(request.auth, request_id))


@router.post("/oversight/requests/{request_id}/answers", response={201: RequestOut, **WRITE_ERRORS},
             summary="报送审计资料(被调阅的建设单位,第二十五条)",
             description="multipart/form-data:text(说明)和 files(PDF、OFD、Word、WPS 或 ZIP,每个不超过50MB);"
                         "至少填写说明或上传一个文件。报送后不得撤回或修改,只能再次报送补充。")
def answer_submit(request, request_id: int, text: str = Form("", max_length=5000, description="说明"),
                  files: File[list[UploadedFile]] = None):
    audit_request = selectors.access_request_by_id(request.auth, request_id)
    services.answer_submit(actor=request.auth, request=audit_request, data={"text": text}, files=files or [])
    return Status(201, _request_out(audit_request))


@router.get("/oversight/answer-files/{file_id}", response=ERRORS, summary="下载报送的文件",
            openapi_extra=_binary(*dict.fromkeys(DOCUMENT_TYPES.values()), OCTET_STREAM, description="报送的原文件"))
def answer_file_download(request, file_id: int):
    row = selectors.access_answer_file(request.auth, file_id)
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, OSError):
        from itgov.core.errors import NotFound

        raise NotFound() from None
    services.answer_file_downloaded(actor=request.auth, row=row)
    extension = ("." + row.name.rsplit(".", 1)[-1].lower()) if "." in row.name else ""
    content_type = DOCUMENT_TYPES.get(extension) or mimetypes.guess_type(row.name)[0] or OCTET_STREAM
    if content_type not in DOCUMENT_TYPES.values():
        content_type = OCTET_STREAM
    response = FileResponse(handle, as_attachment=True, filename=row.name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the project's dossier ---------------------------------------------------------------------------------


@router.get("/projects/{project_id}/dossier.zip", response=ERRORS,
            summary="导出项目档案(区审计局、区发改委(大数据局)、项目建设单位,第二十五条)",
            description="ZIP:manifest.json(每个文件的SHA-256和大小、导出时间、导出人)、project.json(项目及其全部记录)、"
                        "events.csv(项目的审计事件)和 files/(全部附件)。每次导出记入审计记录。",
            openapi_extra=_binary(ZIP, description="项目档案"))
def dossier_export(request, project_id: int):
    project = _project(request, project_id)
    handle, name = services.dossier_export(actor=request.auth, project=project)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=ZIP)
    response["Cache-Control"] = "private, no-store"
    return response

