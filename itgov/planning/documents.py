"""The annual investment plan as documents (art. 8–9): the usual table in Excel and the issued plan in PDF.

Both show the lines the reader may see (an owner unit only its own, `plan_selectors.lines_of`), grouped by
class A/B/C with subtotals and a total, in 万元. Text from users is neutralised for spreadsheets (a leading
"=" is dropped so no cell is a formula; control characters are replaced). Every download is audited
(`file.downloaded`), as the audit export is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.formats.base_formats import XLSX
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from itgov.access.scoping import is_bureau_user
from itgov.audit import events
from itgov.audit.services import audit_record_now
from itgov.core.money import WAN, format_wan

from . import plan_selectors
from .choices import PlanClass, PlanStatus
from .models import AnnualPlan, PlanLine

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
CHINESE_NUMERALS = "一二三四五六七八九十"
ZERO = Decimal("0")


def safe_text(value) -> str:
    """User text fit for a spreadsheet cell: control characters openpyxl refuses become U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", "" if value is None else str(value))


def wan(amount: Decimal | None) -> Decimal:
    """Yuan → 万元, exact (a cell keeps every fen; the sheet shows two decimals)."""
    return ZERO if amount is None else (amount / WAN).quantize(Decimal("0.000001"))


class PlanLineResource(resources.Resource):
    """One row per plan line, in the columns of the usual plan table. Amounts are numbers (万元), not text."""

    seq = Field(column_name=gettext_lazy("序号"))
    project = Field(column_name=gettext_lazy("项目名称"))
    unit = Field(column_name=gettext_lazy("建设单位"))
    line_type = Field(column_name=gettext_lazy("类型"))
    plan_class = Field(column_name=gettext_lazy("类别"))
    total_investment = Field(column_name=gettext_lazy("总投资(万元)"))
    requested = Field(column_name=gettext_lazy("申报金额(万元)"))
    amount = Field(column_name=gettext_lazy("年度安排资金(万元)"))
    prework = Field(column_name=gettext_lazy("其中前期工作经费(万元)"))
    note = Field(column_name=gettext_lazy("备注"))

    class Meta:
        model = PlanLine
        fields = ("seq", "project", "unit", "line_type", "plan_class", "total_investment", "requested", "amount",
                  "prework", "note")
        export_order = fields

    def __init__(self):
        super().__init__()
        self._seq: dict[str, int] = {}

    def get_export_headers(self, selected_fields=None):  # the headers in the active language, at export time
        labels = {"seq": _("序号"), "project": _("项目名称"), "unit": _("建设单位"), "line_type": _("类型"),
                  "plan_class": _("类别"), "total_investment": _("总投资(万元)"), "requested": _("申报金额(万元)"),
                  "amount": _("年度安排资金(万元)"), "prework": _("其中前期工作经费(万元)"), "note": _("备注")}
        return [labels[name] for name in self._meta.fields]

    def dehydrate_seq(self, line):  # numbered within its class, as the plan table is
        self._seq[line.plan_class] = self._seq.get(line.plan_class, 0) + 1
        return self._seq[line.plan_class]

    def dehydrate_project(self, line):
        return safe_text(line.project.name)

    def dehydrate_unit(self, line):
        return safe_text(line.unit.name)

    def dehydrate_line_type(self, line):
        return line.get_line_type_display()

    def dehydrate_plan_class(self, line):
        return line.plan_class

    def dehydrate_total_investment(self, line):
        return wan(line.project.estimated_investment)

    def dehydrate_requested(self, line):
        return wan(line.requested_amount)

    def dehydrate_amount(self, line):
        return wan(line.amount)

    def dehydrate_prework(self, line):
        return wan(line.prework_amount)

    def dehydrate_note(self, line):
        return safe_text(line.note)


@dataclass
class ClassGroup:
    plan_class: str
    label: str
    heading: str
    lines: list
    count: int
    requested: Decimal
    amount: Decimal
    prework: Decimal
    investment: Decimal


def plan_table(user, plan: AnnualPlan) -> dict:
    """The lines `user` may see, grouped by class A/B/C (a class with no line is left out), with subtotals
    and totals, in yuan. One query."""
    lines = list(plan_selectors.lines_of(user, plan))
    groups = []
    for value, label in PlanClass.choices:
        mine = [line for line in lines if line.plan_class == value]
        if not mine:
            continue
        groups.append(ClassGroup(
            plan_class=value, label=str(label), heading=f"{CHINESE_NUMERALS[len(groups)]}、{label}", lines=mine,
            count=len(mine), requested=sum((x.requested_amount for x in mine), ZERO),
            amount=sum((x.amount for x in mine), ZERO), prework=sum((x.prework_amount for x in mine), ZERO),
            investment=sum((x.project.estimated_investment or ZERO for x in mine), ZERO)))
    totals = {"count": len(lines), "requested": sum((g.requested for g in groups), ZERO),
              "amount": sum((g.amount for g in groups), ZERO), "prework": sum((g.prework for g in groups), ZERO),
              "investment": sum((g.investment for g in groups), ZERO)}
    return {"plan": plan, "groups": groups, "lines": lines, "totals": totals,
            "partial": not is_bureau_user(user)}  # an owner unit reads its own lines only


def plan_title(plan: AnnualPlan) -> str:
    return _("%(year)d年度政务信息化项目投资计划(第%(n)d版)") % {"year": plan.year, "n": plan.edition}


def _subtitle(plan: AnnualPlan, user, partial: bool) -> str:
    parts = []
    if plan.document_number:
        parts.append(_("文号:%(n)s") % {"n": plan.document_number})
    if plan.issued_at:
        parts.append(_("下达日期:%(d)s") % {"d": timezone.localtime(plan.issued_at).strftime("%Y-%m-%d")})
    parts.append(_("状态:%(s)s") % {"s": plan.get_status_display()})
    if partial and user.unit_id:
        parts.append(_("仅列本单位(%(u)s)项目") % {"u": user.unit.name})
    parts.append(_("金额单位:万元"))
    return safe_text(";".join(parts))


def _file_stem(plan: AnnualPlan) -> str:
    return _("%(year)d年度政务信息化项目投资计划-第%(n)d版") % {"year": plan.year, "n": plan.edition}


def _audit_download(user, plan: AnnualPlan, filename: str, table: dict) -> None:
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=user, obj=plan, object_repr=filename,
                     reason=_("%(title)s:%(n)d项,年度安排资金%(wan)s万元") % {
                         "title": plan_title(plan), "n": table["totals"]["count"],
                         "wan": format_wan(table["totals"]["amount"])})


def plan_xlsx(*, user, plan: AnnualPlan) -> tuple[bytes, str]:
    """The plan table as .xlsx (bytes, file name): title row, header, per class a heading, its lines and a
    subtotal, then the total. Audited as a download."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    table = plan_table(user, plan)
    resource = PlanLineResource()
    dataset = resource.export(queryset=[], force_native_type=True)  # the headers
    kinds: list[str] = []  # what each data row of the sheet is: group, line, subtotal, total
    width = len(dataset.headers)
    for group in table["groups"]:
        dataset.append([group.heading] + [""] * (width - 1))
        kinds.append("group")
        for line in group.lines:
            dataset.append(resource.export_resource(line, force_native_type=True))
            kinds.append("line")
        dataset.append(["", _("%(c)s类小计(%(n)d项)") % {"c": group.plan_class, "n": group.count}, "", "", "",
                        wan(group.investment), wan(group.requested), wan(group.amount), wan(group.prework), ""])
        kinds.append("subtotal")
    totals = table["totals"]
    dataset.append(["", _("合计(%(n)d项)") % {"n": totals["count"]}, "", "", "", wan(totals["investment"]),
                    wan(totals["requested"]), wan(totals["amount"]), wan(totals["prework"]), ""])
    kinds.append("total")
    dataset.title = _("投资计划")
    raw = XLSX().export_data(dataset, escape=True)  # escape: no formula survives in a cell

    # The plan's usual form around the table: a title row, a line of particulars, styles, print setup.
    wb = load_workbook(io.BytesIO(raw))
    ws = wb.active
    ws.insert_rows(1, amount=2)
    ws.freeze_panes = "A4"
    last_col = get_column_letter(width)
    ws["A1"] = plan_title(plan)
    ws["A1"].font = Font(name="宋体", bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 32
    ws["A2"] = _subtitle(plan, user, table["partial"])
    ws["A2"].alignment = Alignment(horizontal="right")
    ws.merge_cells(f"A2:{last_col}2")
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for j in range(1, width + 1):
        cell = ws.cell(row=3, column=j)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    ws.row_dimensions[3].height = 30
    for i, kind in enumerate(kinds, start=4):
        if kind == "group":
            ws.merge_cells(f"A{i}:{last_col}{i}")
        for j in range(1, width + 1):
            cell = ws.cell(row=i, column=j)
            cell.border = border
            if 6 <= j <= 9:
                cell.number_format = "#,##0.00"
                cell.alignment = Alignment(horizontal="right")
            elif j in (1, 4, 5):
                cell.alignment = Alignment(horizontal="center")
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            if kind != "line":
                cell.font = Font(bold=True)
            if kind == "total":
                cell.fill = PatternFill("solid", fgColor="F2F2F2")
    for j, w in enumerate((6, 40, 20, 8, 6, 14, 14, 16, 18, 24), start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    out = io.BytesIO()
    wb.save(out)
    filename = f"{_file_stem(plan)}.xlsx"
    _audit_download(user, plan, filename, table)
    return out.getvalue(), filename


def plan_pdf(*, user, plan: AnnualPlan) -> tuple[bytes, str]:
    """The plan as PDF (bytes, file name): title (serif), 文号 and issue date, the table and the totals by
    class, set in Noto CJK. Audited as a download."""
    from weasyprint import HTML

    table = plan_table(user, plan)
    context = {**table, "title": plan_title(plan), "subtitle": _subtitle(plan, user, table["partial"]),
               "issued": plan.status in (PlanStatus.ISSUED, PlanStatus.SUPERSEDED),
               "generated_at": timezone.localtime(timezone.now()), "reader": user}
    html = render_to_string("web/documents/plan_pdf.html", context)
    pdf = HTML(string=html).write_pdf()
    filename = f"{_file_stem(plan)}.pdf"
    _audit_download(user, plan, filename, table)
    return pdf, filename
