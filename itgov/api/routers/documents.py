"""Documents: the Excel declaration template and its import (art. 8), the plan in Excel and PDF (art. 8–9)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from itgov.planning import documents, excel, plan_selectors, selectors

from ..schemas import ERRORS, WRITE_ERRORS
from .planning import LineOut

router = Router(tags=["documents"])


def _binary(content_type: str, description: str) -> dict:
    """The OpenAPI of a 200 that is a file, not JSON (errors stay JSON)."""
    return {"responses": {200: {"description": description,
                                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


class ImportOut(Schema):
    imported: int
    total: str
    lines: list[LineOut]


@router.get("/annual-plans/{plan_id}/export.xlsx", response=ERRORS, summary="导出年度投资计划(Excel)",
            openapi_extra=_binary(documents.XLSX_CONTENT_TYPE, "计划表(.xlsx),按A/B/C类分组并小计;建设单位只含本单位事项"))
def plan_export_xlsx(request, plan_id: int):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    content, filename = documents.plan_xlsx(user=request.auth, plan=plan)
    return _download(content, filename, documents.XLSX_CONTENT_TYPE)


@router.get("/annual-plans/{plan_id}/export.pdf", response=ERRORS, summary="导出年度投资计划(PDF)",
            openapi_extra=_binary(documents.PDF_CONTENT_TYPE, "计划文件(PDF),含文号、下达日期与分类汇总"))
def plan_export_pdf(request, plan_id: int):
    plan = plan_selectors.access_plan_by_id(request.auth, plan_id)
    content, filename = documents.plan_pdf(user=request.auth, plan=plan)
    return _download(content, filename, documents.PDF_CONTENT_TYPE)


@router.get("/declaration-rounds/{round_id}/template.xlsx", response=ERRORS, summary="下载申报模板(建设单位,第八条)",
            openapi_extra=_binary(excel.XLSX_CONTENT_TYPE, "申报模板(.xlsx),列有本单位可申报的项目"))
def declaration_template(request, round_id: int):
    rnd = selectors.access_round_by_id(request.auth, round_id)
    content, filename = excel.declaration_template_download(actor=request.auth, rnd=rnd)
    return _download(content, filename, excel.XLSX_CONTENT_TYPE)


@router.post("/declaration-rounds/{round_id}/import", response={201: ImportOut, **WRITE_ERRORS},
             summary="导入申报(Excel,建设单位,第八条)",
             description="上传填好的申报模板(.xlsx,不超过2MB、1000行)。任何一行有误时不导入任何事项,"
                         "错误在 fields.file 中逐行列出(如“第3行 申请年度资金:须大于0”)。")
def declaration_import(request, round_id: int, file: File[UploadedFile] = None):  # missing: our 400 on "file"
    rnd = selectors.access_round_by_id(request.auth, round_id)
    lines = excel.declaration_import(actor=request.auth, rnd=rnd, file=file)
    total = sum((line.requested_amount for line in lines), 0)
    return Status(201, {"imported": len(lines), "total": f"{total:.2f}", "lines": lines})
