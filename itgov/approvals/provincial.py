"""The link to the Jiangsu provincial online approval platform (江苏省投资项目在线审批监管平台, art. 17).

Units obtain their project codes on the provincial platform. itgov keeps that link behind an adapter: the
`ProvincialPlatform` protocol (what itgov sends — the projects waiting for a code or for approval — and what it
reads back — codes and the platform's handling status), its file implementation `FileExchange` (an .xlsx DRC
exchanges with the platform by hand), and `platform()`, the implementation configured by the setting
`ITGOV_PROVINCIAL_PLATFORM` (a dotted path; FileExchange when unset). A real connection is a new class with the
same two methods.

The services `codes_export` and `codes_import` are DRC's (power `approvals.exchange_codes`). An import checks
every row the way `services.project_code_record` checks one code — the format and uniqueness rule of art. 17,
the statuses in which a code may still change — and saves nothing unless every row passes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

import rules as perms
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, RuleViolation
from itgov.core.money import WAN
from itgov.core.spreadsheets import (  # noqa: F401  (XLSX_CONTENT_TYPE: this module's too)
    CONTROL_CHARS,
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    file_error,
    open_workbook,
    read_upload,
    text_cell,
)
from itgov.core.workflow import permission_denied
from itgov.projects.choices import ProjectStatus
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, enforce

from .codes import normalise

DEFAULT_PLATFORM = "itgov.approvals.provincial.FileExchange"
MAX_ROWS = 2000
STATUS_MAX = 40  # Project.project_code_status
SHEET = "项目代码"
# What the platform is asked about: the projects before approval (a code is needed to submit and to approve).
PENDING_STATUSES = (ProjectStatus.DRAFT, ProjectStatus.PROPOSED, ProjectStatus.IN_RESERVE, ProjectStatus.PLANNED,
                    ProjectStatus.INITIATION_SUBMITTED, ProjectStatus.UNDER_REVIEW)

# The columns of the exchange file: key, header, width. An import needs 项目ID and 项目代码; the others are read
# when present (平台办理状态) or ignored (the rest are there for the person filling the file).
COLUMNS = (
    ("project_id", gettext_lazy("项目ID"), 10),
    ("name", gettext_lazy("项目名称"), 44),
    ("unit", gettext_lazy("建设单位"), 20),
    ("estimate", gettext_lazy("估算总投资(万元)"), 16),
    ("status", gettext_lazy("状态"), 14),
    ("project_code", gettext_lazy("项目代码"), 28),
    ("platform_status", gettext_lazy("平台办理状态"), 18),
)
READ_KEYS = ("project_id", "project_code", "platform_status")
LABELS = {"project_id": gettext_lazy("项目ID"), "project_code": gettext_lazy("项目代码"),
          "platform_status": gettext_lazy("平台办理状态")}


@dataclass(frozen=True)
class CodeRecord:
    """One row the platform sent back: which project (`project_id`, None when the cell is not an id; its text in
    `project_id_text`), its code (normalised; "" when none yet) and the platform's handling status."""

    row: int
    project_id: int | None
    project_id_text: str
    project_code: str
    platform_status: str


@runtime_checkable
class ProvincialPlatform(Protocol):
    """What itgov needs of the provincial platform. `read_codes` raises InvalidInput (field "file") for content it
    cannot read."""

    content_type: str
    extension: str

    def pending_requests(self, projects: Iterable[Project]) -> bytes: ...

    def read_codes(self, content: bytes) -> list[CodeRecord]: ...


def platform() -> ProvincialPlatform:
    """The configured implementation (setting ITGOV_PROVINCIAL_PLATFORM, a dotted path to a class)."""
    return import_string(getattr(settings, "ITGOV_PROVINCIAL_PLATFORM", DEFAULT_PLATFORM))()


# --- the file implementation ------------------------------------------------------------------------------------


def _clean(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return CONTROL_CHARS.sub("", str(value)).strip()


def _header_key(value) -> str | None:
    text = re.sub(r"\s+", "", _clean(value)).replace("（", "(").replace("）", ")").lower()
    for key, header, _width in COLUMNS:
        if text == str(header).replace("（", "(").replace("）", ")").lower() or text == key:
            return key
    return {"id": "project_id", "办理状态": "platform_status", "代码": "project_code"}.get(text)


def _project_id(value) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 < value < 2**62 else None
    if isinstance(value, int):
        return value if 0 < value < 2**62 else None
    text = _clean(value)
    return int(text) if text.isdigit() and 0 < int(text) < 2**62 else None


class FileExchange:
    """The platform's link as an .xlsx: `pending_requests` lists the projects (one row each, the code and the
    platform status when known); DRC fills in the codes and statuses the platform gave, and `read_codes` reads
    the file back (the same file: round trip)."""

    content_type = XLSX_CONTENT_TYPE
    extension = "xlsx"

    def pending_requests(self, projects: Iterable[Project]) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        wb = Workbook()
        ws = wb.active
        ws.title = SHEET
        for j, (_key, header, width) in enumerate(COLUMNS, start=1):
            cell = ws.cell(row=1, column=j, value=str(header))
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
            cell.alignment = Alignment(horizontal="center", vertical="center")
            ws.column_dimensions[get_column_letter(j)].width = width
        ws.freeze_panes = "A2"
        for i, project in enumerate(projects, start=2):
            ws.cell(row=i, column=1, value=project.pk)
            text_cell(ws.cell(row=i, column=2), project.name)
            text_cell(ws.cell(row=i, column=3), project.owner_unit.name)
            estimate = ws.cell(row=i, column=4, value=(project.estimated_investment or Decimal(0)) / WAN)
            estimate.number_format = "#,##0.00"
            text_cell(ws.cell(row=i, column=5), project.get_status_display())
            text_cell(ws.cell(row=i, column=6), project.project_code or "")
            text_cell(ws.cell(row=i, column=7), project.project_code_status or "")
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def read_codes(self, content: bytes) -> list[CodeRecord]:
        wb = open_workbook(content)
        try:
            ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
            rows = ws.iter_rows(values_only=True)
            try:
                header = next(rows)
            except StopIteration:
                raise file_error(_("文件中没有项目")) from None
            positions: dict[str, int] = {}
            for index, value in enumerate(header or ()):
                key = _header_key(value)
                if key in READ_KEYS and key not in positions:
                    positions[key] = index
            missing = [str(LABELS[k]) for k in ("project_id", "project_code") if k not in positions]
            if missing:
                raise file_error(_("第1行缺少列:%(columns)s(请使用导出的项目代码交换文件)") % {
                    "columns": "、".join(missing)})
            records: list[CodeRecord] = []
            for number, values in enumerate(rows, start=2):
                cells = {key: values[i] if values is not None and i < len(values) else None
                         for key, i in positions.items()}
                if all(_clean(v) == "" for v in cells.values()):
                    continue
                if len(records) >= MAX_ROWS:
                    raise file_error(_("一份文件最多%(n)d行") % {"n": MAX_ROWS})
                records.append(CodeRecord(
                    row=number, project_id=_project_id(cells.get("project_id")),
                    project_id_text=_clean(cells.get("project_id")),
                    project_code=normalise(_clean(cells.get("project_code"))),
                    platform_status=_clean(cells.get("platform_status"))))
        except InvalidInput:
            raise
        except Exception:  # openpyxl raises many kinds on a damaged sheet
            raise file_error(_("不是有效的Excel(.xlsx)文件")) from None
        finally:
            wb.close()
        if not records:
            raise file_error(_("文件中没有项目"))
        return records


def _read_upload(upload) -> bytes:
    extension = platform().extension
    return read_upload(upload, extension=extension, missing=_("请选择要导入的文件"),
                       wrong_type=_("请上传.%(ext)s格式的文件(可先导出项目代码交换文件)") % {"ext": extension})


# --- the services ---------------------------------------------------------------------------------------------


def _require_power(actor, action: str) -> None:
    if not perms.has_perm("approvals.exchange_codes", actor):
        raise permission_denied(actor=actor, obj=None, action=action, power_rule="art15.drc_approves")


def exchangeable_projects(actor):
    """The projects of the actor's jurisdiction DRC exchanges with the platform: visible to it, not classified
    (art. 5: a classified project is not on the platform)."""
    from itgov.projects.selectors import projects_visible_to

    jurisdiction_id = actor.unit.jurisdiction_id if getattr(actor, "unit_id", None) else None
    return (projects_visible_to(actor).filter(classified=False, owner_unit__jurisdiction_id=jurisdiction_id)
            .select_related("owner_unit"))


def codes_export_filename() -> str:
    return _("项目代码交换-%(day)s.%(ext)s") % {"day": local_today().strftime("%Y%m%d"), "ext": platform().extension}


def codes_export(*, actor) -> bytes:
    """The file DRC takes to the platform: the jurisdiction's projects before approval, with or without a code
    (the code and platform status when known). Audited as a download."""
    _require_power(actor, "project_codes.export")
    projects = list(exchangeable_projects(actor).filter(status__in=PENDING_STATUSES)
                    .order_by("owner_unit__code", "name", "pk"))
    content = platform().pending_requests(projects)
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=actor, obj=None, object_repr=codes_export_filename(),
                     reason=_("省投资项目在线审批监管平台项目代码交换文件:%(n)d个项目") % {"n": len(projects)},
                     after={"projects": [p.pk for p in projects]})
    return content


@dataclass
class _Planned:
    record: CodeRecord
    project: Project
    change_code: bool
    results: list


def _row_message(row: int, key: str, message: str) -> str:
    return _("第%(row)d行 %(column)s:%(message)s") % {"row": row, "column": LABELS[key], "message": message}


def _validate(actor, records: list[CodeRecord]) -> tuple[list[_Planned], dict[str, list[str]], list[dict]]:
    from itgov.projects.selectors import projects_visible_to
    from itgov.rules.registry import get_rule

    from .services import CODE_EDITABLE

    article = get_rule("art17.project_code").citation
    wanted = {r.project_id for r in records if r.project_id is not None}
    projects = {p.pk: p for p in exchangeable_projects(actor).filter(pk__in=wanted)}
    classified = set(projects_visible_to(actor).filter(pk__in=wanted - set(projects), classified=True)
                     .values_list("pk", flat=True))
    params_by_jurisdiction: dict[int, dict] = {}
    today = local_today()
    errors: dict[str, list[str]] = {}
    refusals: list[dict] = []
    planned: list[_Planned] = []
    seen_projects: dict[int, int] = {}
    seen_codes: dict[str, int] = {}

    def error(record: CodeRecord, key: str, message: str) -> None:
        errors.setdefault(f"rows.{record.row}.{key}", []).append(_row_message(record.row, key, message))

    for record in records:
        before = len(errors)
        project = None
        if record.project_id is None:
            error(record, "project_id", _("必填") if not record.project_id_text else _("须为整数"))
        elif record.project_id in classified:
            error(record, "project_id", _("涉密项目不通过省平台交换项目代码(第五条)"))
        elif record.project_id not in projects:
            error(record, "project_id", _("项目不存在或无权查看"))
        elif record.project_id in seen_projects:
            error(record, "project_id", _("与第%(n)d行是同一项目") % {"n": seen_projects[record.project_id]})
        else:
            project = projects[record.project_id]
            seen_projects[record.project_id] = record.row
        if len(record.platform_status) > STATUS_MAX:
            error(record, "platform_status", _("不超过%(n)d个字") % {"n": STATUS_MAX})
        code = record.project_code
        if code:
            if code in seen_codes:
                error(record, "project_code", _("与第%(n)d行的项目代码重复") % {"n": seen_codes[code]})
            else:
                seen_codes[code] = record.row
        if project is None or len(errors) != before:
            continue
        change_code = bool(code) and code != (project.project_code or "")
        if change_code:
            if project.status not in CODE_EDITABLE:
                error(record, "project_code", _("当前状态“%(s)s”不能修改项目代码,立项申请提交后项目代码即固定(%(a)s)") % {
                    "s": project.get_status_display(), "a": article})
                continue
            jurisdiction = project.owner_unit.jurisdiction
            if jurisdiction.pk not in params_by_jurisdiction:
                params_by_jurisdiction[jurisdiction.pk] = parameters_in_force(jurisdiction, today)
            case = Case(subject=project, actor=actor, action="project_code.record", data={"project_code": code},
                        on=today, at=timezone.now())
            try:
                results = enforce("project_code.record", case, params_by_jurisdiction[jurisdiction.pk])
            except RuleViolation as exc:
                why = (exc.fields.get("project_code") or [exc.message])[0]
                error(record, "project_code", _("%(why)s(%(article)s)") % {"why": why, "article": exc.article})
                refusals.append({"row": record.row, "project_id": project.pk, "rule": exc.rule,
                                 "article": exc.article, "project_code": code})
                continue
        else:
            results = []
        planned.append(_Planned(record=record, project=project, change_code=change_code, results=results))
    return planned, errors, refusals


def codes_import(*, actor, upload) -> dict[str, int]:
    """Read the platform's codes and statuses (the configured platform's file) and record them: all rows or none.

    Every row: the project (its id, in the jurisdiction, not classified, once in the file); a new code passes
    the art. 17 rule (format, region, unique) and may still change (the statuses of services.CODE_EDITABLE);
    a code equal to the project's keeps it and only its platform status is refreshed; a row without a code
    changes the platform status only; the same code twice in the file is refused. Errors are keyed
    `rows.<row>.<column>`. Returns {"updated": projects changed, "unchanged": rows that changed nothing}."""
    from .services import _set_code

    _require_power(actor, "project_codes.import")
    content = _read_upload(upload)
    records = platform().read_codes(content)
    planned, errors, refusals = _validate(actor, records)
    if errors:
        if refusals:  # the rule refused: recorded once for the file, as a refused code is
            audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=None, reason="project_codes.import",
                             rule_results=refusals)
        count = sum(len(messages) for messages in errors.values())
        raise InvalidInput(_("导入文件有%(n)d处错误,未导入任何项目代码") % {"n": count}, fields=errors)

    name = str(getattr(upload, "name", "") or "")[:120]
    updated: list[int] = []
    unchanged = 0
    with transaction.atomic():
        for item in planned:
            project, record = item.project, item.record
            status = record.platform_status or project.project_code_status
            if item.change_code:
                _set_code(project, record.project_code, actor=actor, status=status, results=item.results,
                          source="platform")
                updated.append(project.pk)
            elif status != project.project_code_status:
                _set_platform_status(project, status, actor=actor)
                updated.append(project.pk)
            else:
                unchanged += 1
        audit_record(event_type=events.PROJECT_CODES_IMPORTED, actor=actor, obj=None, object_repr=name,
                     after={"file": name, "rows": len(records), "updated": len(updated), "unchanged": unchanged,
                            "projects": updated},
                     reason=_("导入项目代码:更新%(u)d个项目,%(m)d个未变") % {"u": len(updated), "m": unchanged})
    return {"updated": len(updated), "unchanged": unchanged}


def _set_platform_status(project: Project, status: str, *, actor) -> None:
    """The platform's handling status of a project whose code is unchanged (any status of the project)."""
    if Project.objects.filter(pk=project.pk, version=project.version).update(
            project_code_status=status[:STATUS_MAX], version=F("version") + 1, updated_at=timezone.now()) != 1:
        raise Conflict(_("项目已被他人修改,请刷新后重新导入"))
    audit_record(event_type=events.PROJECT_CODE_RECORDED, actor=actor, obj=project,
                 before={"project_code_status": project.project_code_status},
                 after={"project_code": project.project_code, "project_code_status": status[:STATUS_MAX],
                        "source": "platform"})
