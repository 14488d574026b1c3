"""The Excel declaration template of a round and its import (art. 8).

A unit downloads a template listing the projects it may declare, fills one row per line and uploads it. The
import checks every row the way `services.declaration_line_declare` checks one line — the same form for the
shape, the same `planning.declare` permission, the same rules of action "declaration.declare" run by
`rules.registry.enforce` — and saves nothing unless every row passes; then it saves all rows in one
transaction, one audit event per line plus one for the import.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import rules as perms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itgov.accounts.choices import Role
from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.core.money import format_wan
from itgov.core.spreadsheets import (  # noqa: F401  (XLSX_CONTENT_TYPE, MAX_FILE_BYTES: this module's too)
    CONTROL_CHARS,
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    file_error,
    open_workbook,
    read_upload,
    text_cell,
)
from itgov.core.workflow import permission_denied
from itgov.rules.measures.ch2_planning import declaration_window
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import get_rule

from .choices import LineStatus, LineType, PlanClass
from .forms import DeclarationLineForm
from .models import DeclarationLine, DeclarationRound
from .services import DeclarationChecks

MAX_ROWS = 1000  # data rows in one file
SHEET_LINES = "申报表"
SHEET_HELP = "填表说明"
SHEET_PROJECTS = "可申报项目"
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    key: str  # the DeclarationLineForm field it feeds (project_name/project_id both resolve to project_id)
    header: Any  # the header in the template
    label: Any  # the name used in an error message
    width: int
    hint: Any


COLUMNS = (
    Column("project_id", gettext_lazy("项目ID"), gettext_lazy("项目ID"), 10,
           gettext_lazy("选填;与项目名称二选一,见“可申报项目”表")),
    Column("project_name", gettext_lazy("项目名称"), gettext_lazy("项目名称"), 44,
           gettext_lazy("从下拉列表选择,须与“可申报项目”表中的名称完全一致")),
    Column("line_type", gettext_lazy("类型"), gettext_lazy("类型"), 10, gettext_lazy("建设或运维")),
    Column("proposed_class", gettext_lazy("建议类别"), gettext_lazy("建议类别"), 10,
           gettext_lazy("A、B或C(第九条)")),
    Column("requested_amount", gettext_lazy("申请年度资金(元)"), gettext_lazy("申请年度资金"), 20,
           gettext_lazy("单位为元,大于0,最多两位小数")),
    Column("justification", gettext_lazy("申报理由"), gettext_lazy("申报理由"), 60,
           gettext_lazy("必填,不超过2000字")),
)
FIELD_LABELS = {"project_id": gettext_lazy("项目"), "line_type": gettext_lazy("类型"),
                "requested_amount": gettext_lazy("申请年度资金"), "proposed_class": gettext_lazy("建议类别"),
                "justification": gettext_lazy("申报理由"), "round": gettext_lazy("申报期")}


def _line_type_names() -> dict[str, str]:
    names = {str(label): value for value, label in LineType.choices}
    names.update({value: value for value in LineType.values})
    names.update({"建设计划": LineType.CONSTRUCTION, "运维计划": LineType.OM})
    return names


def _class_names() -> dict[str, str]:
    names = {value: value for value in PlanClass.values}
    names.update({f"{value}类": value for value in PlanClass.values})
    names.update({str(label): value for value, label in PlanClass.choices})
    names.update({value.lower(): value for value in PlanClass.values})
    return names


# --- the template ---------------------------------------------------------------------------------------


def declarable_projects(actor) -> list:
    """The projects `actor` may declare a line for in this system, with the line types each may take:
    construction for a reserve project, O&M for one in operation (rule art8.declared_project_eligible);
    classified projects are not declared here (art. 5). One query."""
    from itgov.projects.choices import CONSTRUCTION_DECLARABLE
    from itgov.projects.selectors import projects_visible_to

    if not actor.has_role(Role.OWNER):
        return []
    qs = (projects_visible_to(actor).filter(classified=False, status__in=[*CONSTRUCTION_DECLARABLE, "in_operation"])
          .order_by("owner_unit__code", "name", "pk"))
    return [p for p in qs if perms.has_perm("planning.declare", actor, DeclarationLine(project=p))]


def _eligible_types(project) -> str:
    return str(LineType.OM.label) if project.status == "in_operation" else str(LineType.CONSTRUCTION.label)


def declaration_template(*, actor, rnd: DeclarationRound) -> bytes:
    """The .xlsx a unit fills in: the declaration sheet (styled headers, drop-down lists for 类型, 建议类别 and
    the project, a positive-amount check), the instructions, and the unit's projects it may declare."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    projects = declarable_projects(actor)
    thin = Side(style="thin", color="B7C3D0")
    header_style = {"font": Font(bold=True, color="FFFFFF"), "border": Border(left=thin, right=thin, top=thin,
                                                                                 bottom=thin),
                    "fill": PatternFill("solid", fgColor="1F4E79"),
                    "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)}

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_LINES
    for j, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=j, value=str(column.header))
        for name, style in header_style.items():
            setattr(cell, name, style)
        cell.comment = Comment(str(column.hint), "itgov")
        ws.column_dimensions[get_column_letter(j)].width = column.width
    ws.row_dimensions[1].height = 28
    ws.freeze_panes = "A2"
    last = MAX_ROWS + 1
    letter = {c.key: get_column_letter(j) for j, c in enumerate(COLUMNS, start=1)}
    for j, _column in enumerate(COLUMNS, start=1):  # text columns stay text; the amount is a number
        if COLUMNS[j - 1].key != "requested_amount":
            for row in range(2, 52):
                ws.cell(row=row, column=j).number_format = "@"
    validations = [
        (DataValidation(type="list", formula1='"%s"' % ",".join(str(label) for label in LineType.labels),
                        allow_blank=True, showErrorMessage=True, errorTitle=_("类型"),
                        error=_("请从下拉列表中选择:建设或运维")), "line_type"),
        (DataValidation(type="list", formula1='"%s"' % ",".join(PlanClass.values), allow_blank=True,
                        showErrorMessage=True, errorTitle=_("建议类别"), error=_("请从下拉列表中选择:A、B或C")),
         "proposed_class"),
        (DataValidation(type="decimal", operator="between", formula1="0.01", formula2="10000000000",
                        allow_blank=True, showErrorMessage=True, errorTitle=_("申请年度资金(元)"),
                        error=_("请填写大于0的金额(元),最多两位小数")), "requested_amount"),
    ]
    if projects:
        validations.append((DataValidation(
            type="list", formula1=f"'{SHEET_PROJECTS}'!$B$2:$B${len(projects) + 1}", allow_blank=True,
            showErrorMessage=True, errorTitle=_("项目名称"), error=_("请从下拉列表中选择本单位可申报的项目")),
            "project_name"))
    for validation, key in validations:
        validation.add(f"{letter[key]}2:{letter[key]}{last}")
        ws.add_data_validation(validation)

    help_ws = wb.create_sheet(SHEET_HELP)
    params = parameters_in_force(rnd.jurisdiction, local_today())
    window = declaration_window(rnd.year, params)
    window_text = (_("%(s)s 至 %(e)s(北京时间,含首尾两日)") % {"s": window[0], "e": window[1]} if window
                   else _("本级政策未设定申报期"))
    lines = [
        _("%(year)d年度政务信息化项目集中申报 · 填表说明") % {"year": rnd.year},
        "",
        _("依据:《政务信息化项目管理办法》第八条,各部门于每年第三季度向区发改委(大数据局)申报下一年度建设及运维计划。"),
        _("申报期:%(window)s。申报期外导入须经区发改委(大数据局)批准例外,否则整份文件不予导入。") % {"window": window_text},
        _("申报单位:%(unit)s;填表人:%(name)s;生成时间:%(at)s") % {
            "unit": actor.unit.name if actor.unit_id else "", "name": actor.display_name,
            "at": timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M")},
        "",
        _("填写方法:"),
        _("1. 在“申报表”中每行填写一项申报,从第2行开始,不要修改第1行的列名。"),
        _("2. 项目:填写“项目名称”(可从下拉列表选择)或“项目ID”,两者都填时须指向同一项目。"),
        _("3. 类型:建设(储备库项目的建设计划)或运维(已投入运行项目的运维计划)。"),
        _("4. 建议类别:A(续建及必须开工)、B(具备条件,力争年内开工)或C(前期工作)。"),
        _("5. 申请年度资金:单位为元,大于0,最多两位小数。"),
        _("6. 申报理由:必填。"),
        _("7. 同一项目的同一类型在一份文件中只能出现一次,本轮已申报的不能重复申报。"),
        _("8. 一份文件最多%(rows)d行、不超过2MB。任何一行有误时整份文件都不导入,请按提示的行号和列名修改后重新导入。")
        % {"rows": MAX_ROWS},
    ]
    for i, text in enumerate(lines, start=1):
        text_cell(help_ws.cell(row=i, column=1), text)
    help_ws["A1"].font = Font(bold=True, size=14)
    help_ws["A7"].font = Font(bold=True)
    help_ws.column_dimensions["A"].width = 110

    pws = wb.create_sheet(SHEET_PROJECTS)
    headers = [_("项目ID"), _("项目名称"), _("建设单位"), _("项目状态"), _("可申报类型"), _("估算总投资(万元)")]
    for j, header in enumerate(headers, start=1):
        cell = pws.cell(row=1, column=j, value=header)
        for name, style in header_style.items():
            setattr(cell, name, style)
    for i, project in enumerate(projects, start=2):
        pws.cell(row=i, column=1, value=project.pk)
        text_cell(pws.cell(row=i, column=2), project.name)
        text_cell(pws.cell(row=i, column=3), project.owner_unit.name)
        text_cell(pws.cell(row=i, column=4), project.get_status_display())
        text_cell(pws.cell(row=i, column=5), _eligible_types(project))
        wan = pws.cell(row=i, column=6, value=project.estimated_investment / 10000)
        wan.number_format = "#,##0.00"
    if not projects:
        text_cell(pws.cell(row=2, column=2), _("本单位暂无可申报的项目"))
    for j, width in enumerate((10, 44, 20, 16, 12, 18), start=1):
        pws.column_dimensions[get_column_letter(j)].width = width
    pws.freeze_panes = "A2"
    pws.protection.sheet = True  # the list is for reference; the declaration sheet is the one to fill

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def is_declarer(actor) -> bool:
    """A user who declares for a unit (art. 8): the owner role, with the right to see the rounds."""
    return perms.has_perm("planning.view_rounds", actor) and actor.has_role(Role.OWNER)


def require_declarer(actor) -> None:
    """403 citing art. 8 for a user who does not declare for a unit (a page or file nothing is attempted on,
    so nothing is audited; a refused import is)."""
    if not is_declarer(actor):
        rule = get_rule("art8.units_declare")
        raise Forbidden(_("%(message)s(%(article)s)") % {"message": rule.message, "article": rule.citation},
                        article=rule.citation)


def declaration_template_download(*, actor, rnd: DeclarationRound) -> tuple[bytes, str]:
    """The template for `actor`'s unit (bytes, file name); only a unit that declares gets one (art. 8). The
    download is audited."""
    require_declarer(actor)
    content = declaration_template(actor=actor, rnd=rnd)
    filename = _("%(year)d年度政务信息化项目申报模板") % {"year": rnd.year} + ".xlsx"
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=actor, obj=rnd, object_repr=filename,
                     reason=_("申报模板"))
    return content, filename


# --- the import -----------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("第%(row)d行 %(column)s:%(message)s") % {"row": self.row, "column": self.column,
                                                              "message": self.message}
        return _("第%(row)d行:%(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)


def _header_key(value) -> str | None:
    text = re.sub(r"\s+", "", str(value or ""))
    text = text.replace("(", "(").replace(")", ")")
    for column in COLUMNS:
        candidates = {re.sub(r"\s+", "", str(column.header)).replace("(", "(").replace(")", ")"),
                      str(column.label), column.key}
        if text in candidates:
            return column.key
    if text in ("申请年度资金", "申报金额(元)", "申请金额(元)"):
        return "requested_amount"
    return None


def _clean(value) -> Any:
    if isinstance(value, str):
        value = CONTROL_CHARS.sub("", value).strip()
        return value or None
    return value


def _parse_rows(data: bytes) -> list[ParsedRow]:
    wb = open_workbook(data)
    try:
        ws = wb[SHEET_LINES] if SHEET_LINES in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        try:
            header = next(rows)
        except StopIteration:
            raise file_error(_("文件中没有申报事项")) from None
        except Exception:
            raise file_error(_("不是有效的Excel(.xlsx)文件")) from None
        positions: dict[str, int] = {}
        for index, value in enumerate(header or ()):
            key = _header_key(value)
            if key and key not in positions:
                positions[key] = index
        missing = [str(c.header) for c in COLUMNS if c.key not in positions and c.key not in ("project_id",
                                                                                                "project_name")]
        if "project_id" not in positions and "project_name" not in positions:
            missing.insert(0, str(COLUMNS[1].header))
        if missing:
            raise file_error(_("第1行缺少列:%(columns)s(请使用申报模板)") % {"columns": "、".join(missing)})
        parsed: list[ParsedRow] = []
        try:
            for number, values in enumerate(rows, start=2):
                cells = {key: _clean(values[i]) if values is not None and i < len(values) else None
                         for key, i in positions.items()}
                if all(v is None for v in cells.values()):
                    continue
                if len(parsed) >= MAX_ROWS:
                    raise file_error(_("一份文件最多%(n)d行申报事项") % {"n": MAX_ROWS})
                parsed.append(ParsedRow(row=number, values=cells))
        except InvalidInput:
            raise
        except Exception:
            raise file_error(_("不是有效的Excel(.xlsx)文件")) from None
    finally:
        wb.close()
    if not parsed:
        raise file_error(_("文件中没有申报事项"))
    return parsed


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _amount_text(value) -> str:
    """An amount cell as the form reads it: numbers exactly as Excel shows them, text without separators."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        try:
            return str(Decimal(repr(value)).normalize()) if value == value else "x"
        except InvalidOperation:
            return "x"
    return str(value).replace(",", "").replace(",", "").replace("元", "").strip()


def _project_id(value) -> int | str | None:
    """The project id in a cell: an int, None when empty, or "bad"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "bad"
    if isinstance(value, float):
        return int(value) if value.is_integer() and 0 < value < 2**62 else "bad"
    text = str(value).strip()
    return int(text) if text.isdigit() and 0 < int(text) < 2**62 else "bad"


def _validate(actor, rnd: DeclarationRound, parsed: list[ParsedRow], projects_by_name: dict[str, list],
              visible_ids: dict[int, Any], declared: set[tuple[int, str]]):
    """Every row's errors (shape, project, duplicates, power, rules) and the lines of the valid rows."""
    labels = {c.key: str(c.label) for c in COLUMNS}
    field_labels = {k: str(v) for k, v in FIELD_LABELS.items()}
    line_types, classes = _line_type_names(), _class_names()
    checker = DeclarationChecks(actor, rnd)
    seen: dict[tuple[int, str], int] = {}
    lines: list[tuple[ParsedRow, DeclarationLine, list]] = []
    refusals: list[tuple[ParsedRow, RuleViolation]] = []
    for row in parsed:
        v = row.values
        # the project: by id, or by exact name among the projects the actor sees
        project = None
        pid = _project_id(v.get("project_id"))
        name = _as_text(v.get("project_name")).strip()
        if pid == "bad":
            row.errors.append(RowError(row.row, labels["project_id"], _("须为整数")))
        elif pid is not None:
            project = visible_ids.get(pid)
            if project is None:
                row.errors.append(RowError(row.row, labels["project_id"], _("项目不存在或无权查看")))
            elif name and name != project.name:
                row.errors.append(RowError(row.row, labels["project_name"], _("与项目ID %(id)d 的名称不一致") % {
                    "id": pid}))
                project = None
        elif name:
            matches = projects_by_name.get(name, [])
            if not matches:
                row.errors.append(RowError(row.row, labels["project_name"], _("项目不存在或无权查看")))
            elif len(matches) > 1:
                row.errors.append(RowError(row.row, labels["project_name"], _("有多个同名项目,请填写项目ID")))
            else:
                project = matches[0]
        else:
            row.errors.append(RowError(row.row, labels["project_name"], _("必填(填写项目名称或项目ID)")))

        line_type_raw = _as_text(v.get("line_type")).strip()
        line_type = line_types.get(line_type_raw)
        if line_type is None:
            row.errors.append(RowError(row.row, labels["line_type"],
                                       _("必填") if not line_type_raw else _("须为建设或运维")))
        class_raw = _as_text(v.get("proposed_class")).strip()
        proposed_class = classes.get(class_raw)
        if proposed_class is None:
            row.errors.append(RowError(row.row, labels["proposed_class"],
                                       _("必填") if not class_raw else _("须为A、B或C")))

        form = DeclarationLineForm(data={
            "project_id": project.pk if project is not None else "", "line_type": line_type or "",
            "requested_amount": _amount_text(v.get("requested_amount")), "proposed_class": proposed_class or "",
            "justification": _as_text(v.get("justification"))})
        form.is_valid()
        for name_, messages in form.errors.items():
            if name_ in ("project_id", "line_type", "proposed_class"):
                continue  # reported above, in the words of the sheet
            for message in messages:
                row.errors.append(RowError(row.row, field_labels.get(name_, ""), message))
        if row.errors or project is None:
            continue

        key = (project.pk, line_type)
        if key in seen:
            row.errors.append(RowError(row.row, labels["project_name"], _("与第%(n)d行重复(同一项目同一类型)") % {
                "n": seen[key]}))
            continue
        seen[key] = row.row
        if key in declared:
            row.errors.append(RowError(row.row, labels["project_name"], _("该项目本轮已申报同类计划")))
            continue
        line = DeclarationLine(round=rnd, unit=project.owner_unit, project=project, declared_by=actor,
                               **{k: form.cleaned_data[k] for k in ("line_type", "requested_amount",
                                                                    "proposed_class", "justification")})
        if not perms.has_perm("planning.declare", actor, line):
            row.errors.append(RowError(row.row, labels["project_name"],
                                       _("只有项目的建设单位可以申报本项目的年度计划(第八条)")))
            continue
        try:
            results, line.via_exception = checker.check(line)
        except RuleViolation as exc:
            refusals.append((row, exc))
            columns = [field_labels.get(k, labels.get(k, "")) for k in exc.fields] or [""]
            row.errors.append(RowError(row.row, "" if columns[0] == field_labels["round"] else columns[0],
                                       exc.message))
            continue
        lines.append((row, line, results))
    return lines, refusals


def declaration_import(*, actor, rnd: DeclarationRound, file) -> list[DeclarationLine]:
    """Import the lines of an uploaded template (art. 8): all rows or none.

    400 (`InvalidInput`, field "file") for a file that is not a readable .xlsx, too large, or with any row in
    error — every error named by row and column; 422 (`RuleViolation`) when the rows are well formed but a
    rule of the measures refuses them (the window of art. 8), citing the article; 403 for a user who does not
    declare for a unit."""
    from itgov.projects.selectors import projects_visible_to

    if not is_declarer(actor):
        raise permission_denied(actor=actor, obj=rnd, action="declaration.import", power_rule="art8.units_declare")
    data = read_upload(file, missing=_("请选择要导入的Excel文件"),
                       wrong_type=_("请上传.xlsx格式的Excel文件(可先下载申报模板)"))
    parsed = _parse_rows(data)

    visible = list(projects_visible_to(actor).select_related("owner_unit__jurisdiction"))
    visible_ids = {p.pk: p for p in visible}
    by_name: dict[str, list] = {}
    for project in visible:
        by_name.setdefault(project.name, []).append(project)
    declared = set(DeclarationLine.objects.filter(round=rnd, status=LineStatus.DECLARED)
                   .values_list("project_id", "line_type"))
    lines, refusals = _validate(actor, rnd, parsed, by_name, visible_ids, declared)

    messages = [str(e) for row in parsed for e in row.errors]
    if messages:
        # a refused row carries only its refusal (rows in error are not judged by the rules)
        refused_only = bool(refusals) and {r.row for r in parsed if r.errors} == {r.row for r, _exc in refusals}
        if refusals:  # the rules refused: recorded once for the file, as a refused declaration is
            audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=rnd, reason="declaration.import",
                             rule_results=[{"row": row.row, "rule": exc.rule, "article": exc.article,
                                            "project_id": row.values.get("project_id")} for row, exc in refusals])
        if refused_only:
            first = refusals[0][1]
            raise RuleViolation(rule=first.rule, article=first.article,
                                message=_("导入被拒绝:%(message)s") % {"message": first.message},
                                fields={"file": messages},
                                violations=list({v["rule"]: v for _row, exc in refusals
                                                 for v in exc.violations}.values()))
        raise InvalidInput(_("导入文件有%(n)d处错误,未导入任何申报事项") % {"n": len(messages)},
                           fields={"file": messages})

    saved: list[DeclarationLine] = []
    name = str(getattr(file, "name", "") or "")[:120]
    try:
        with transaction.atomic():
            for _row, line, results in lines:
                line.save()
                audit_record(event_type=events.DECLARATION_LINE_DECLARED, actor=actor, obj=line,
                             project_id=line.project_id,
                             after={"round": rnd.year, "line_type": line.line_type,
                                    "requested_amount": line.requested_amount,
                                    "proposed_class": line.proposed_class, "via_exception": line.via_exception_id,
                                    "imported_from": name},
                             rule_results=results)
                saved.append(line)
            total = sum((line.requested_amount for line in saved), Decimal("0"))
            audit_record(event_type=events.DECLARATION_IMPORTED, actor=actor, obj=rnd,
                         object_repr=str(rnd),
                         after={"round": rnd.year, "file": name, "lines": len(saved), "total": f"{total:.2f}",
                                "line_ids": [line.pk for line in saved]},
                         reason=_("导入%(n)d项申报,合计%(wan)s万元") % {"n": len(saved), "wan": format_wan(total)})
    except IntegrityError:
        raise Conflict(_("该项目本轮已申报同类计划(可能已由他人申报),请刷新后重试")) from None
    return saved
