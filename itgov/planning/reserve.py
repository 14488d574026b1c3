"""The reserve library (项目储备库, art. 7): the projects DRC admitted, not yet withdrawn — those waiting for an
annual plan (in_reserve) and those in one (planned) — filtered by unit (its sub-units included), kind, the plan
task they serve, estimated investment in 万元 and the year they were proposed (submitted); and its Excel export.

Each user sees the reserve projects `visible_projects_q` lets them see (a unit its own, the bureaus all).
Classified projects (art. 5) follow separate rules and are not listed here, nor exported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import rules as perms
from django import forms
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources
from import_export.formats.base_formats import XLSX

from itgov.audit import events
from itgov.audit.services import audit_record_now
from itgov.core.dates import SHANGHAI
from itgov.core.errors import Forbidden, InvalidInput
from itgov.core.money import WAN
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Unit
from itgov.projects.choices import ProjectKind, ProjectStatus
from itgov.projects.models import Project
from itgov.projects.policies import visible_projects_q

from .devplan_selectors import offered_tasks, task_with_earlier_versions
from .models import PlanTask

RESERVE_STATUSES = (ProjectStatus.IN_RESERVE, ProjectStatus.PLANNED)
MAX_WAN = Decimal("1000000")  # 100亿元, the ceiling of a project's estimate, in 万元
WAN_ERRORS = {"invalid": gettext_lazy("请输入金额(万元)"), "min_value": gettext_lazy("不得为负数"),
              "max_value": gettext_lazy("不得超过100亿元"), "max_decimal_places": gettext_lazy("最多六位小数"),
              "max_digits": gettext_lazy("金额过大")}


class ReserveFilterForm(forms.Form):
    """The filters, for the page (GET) and the API alike. Amounts are entered in 万元."""

    unit = forms.ModelChoiceField(label=gettext_lazy("建设单位"), required=False,
                                  empty_label=gettext_lazy("全部单位(含下级)"), queryset=Unit.objects.none(),
                                  error_messages={"invalid_choice": gettext_lazy("单位不存在")})
    kind = forms.ChoiceField(label=gettext_lazy("项目类别"), required=False,
                             choices=[("", gettext_lazy("全部类别")), *ProjectKind.choices],
                             error_messages={"invalid_choice": gettext_lazy("项目类别不正确")})
    task = forms.ModelChoiceField(label=gettext_lazy("规划任务"), required=False,
                                  empty_label=gettext_lazy("全部规划任务"), queryset=PlanTask.objects.none(),
                                  error_messages={"invalid_choice": gettext_lazy("不是现行发展规划的任务")})
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False,
                               choices=[("", gettext_lazy("储备中及已列入计划")),
                                        *[(s.value, s.label) for s in RESERVE_STATUSES]],
                               error_messages={"invalid_choice": gettext_lazy("状态不正确")})
    min_wan = forms.DecimalField(label=gettext_lazy("最低金额(万元)"), required=False, min_value=0,
                                 max_value=MAX_WAN, max_digits=13, decimal_places=6, error_messages=WAN_ERRORS)
    max_wan = forms.DecimalField(label=gettext_lazy("最高金额(万元)"), required=False, min_value=0,
                                 max_value=MAX_WAN, max_digits=13, decimal_places=6, error_messages=WAN_ERRORS)
    year = forms.IntegerField(label=gettext_lazy("申报年度"), required=False, min_value=2000, max_value=2100,
                              error_messages={"invalid": gettext_lazy("须为整数"), "min_value": gettext_lazy("年度不合理"),
                                              "max_value": gettext_lazy("年度不合理")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (Unit.objects.exclude(kind=UnitKind.SUPERVISION_FIRM).filter(is_active=True)
                                        .order_by("kind", "code"))
        self.fields["task"].queryset = offered_tasks()
        self.fields["task"].label_from_instance = lambda t: f"{t.number}. {t.title}"

    def clean(self):
        data = super().clean()
        low, high = data.get("min_wan"), data.get("max_wan")
        if low is not None and high is not None and low > high:
            self.add_error("max_wan", _("最高金额不得低于最低金额"))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty filters (after is_valid())."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def description(self) -> str:
        """The filters as text, for the audit event of an export."""
        parts = []
        for key, value in sorted(self.filters().items()):
            parts.append(f"{key}={getattr(value, 'pk', value)}")
        return "&".join(parts) or "*"


def parse_filters(data) -> dict[str, Any]:
    """The filters from `data` (a QueryDict or dict); InvalidInput naming each bad field."""
    form = ReserveFilterForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields={k: [str(e) for e in v] for k, v in form.errors.items()})
    return form.filters()


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of `year` and of the next one, in Asia/Shanghai."""
    return dt.datetime(year, 1, 1, tzinfo=SHANGHAI), dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def reserve_projects(user, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """The reserve projects `user` may see, narrowed by `filters` (see ReserveFilterForm), newest entry first.
    `reserve_at` is when the project entered the reserve (its admission; its submission where no admission
    time was recorded)."""
    if not perms.has_perm("planning.view_reserve", user):  # the bureaus and the units (art. 7), not an expert
        raise Forbidden()
    f = filters or {}
    qs = (Project.objects.filter(visible_projects_q(user), classified=False,
                                 status__in=[f["status"]] if f.get("status") else list(RESERVE_STATUSES))
          .select_related("owner_unit", "plan_task__plan")
          .annotate(reserve_at=Coalesce("admitted_at", "submitted_at")))
    if f.get("unit") is not None:
        qs = qs.filter(owner_unit__path__startswith=f["unit"].path)
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("task") is not None:
        qs = qs.filter(plan_task_id__in=task_with_earlier_versions(f["task"].pk))
    if f.get("min_wan") is not None:
        qs = qs.filter(estimated_investment__gte=f["min_wan"] * WAN)
    if f.get("max_wan") is not None:
        qs = qs.filter(estimated_investment__lte=f["max_wan"] * WAN)
    if f.get("year") is not None:
        start, end = year_bounds(f["year"])
        qs = qs.filter(submitted_at__gte=start, submitted_at__lt=end)  # the year proposed (art. 7)
    return qs.order_by("-reserve_at", "-id")


# --- the Excel export ------------------------------------------------------------------------------------


def _text(value) -> str:
    """User text for a cell: characters a spreadsheet cannot hold (control characters) are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))


def _wan(amount: Decimal | None) -> Decimal | None:
    """Yuan → 万元, exact (a number in the sheet, not text)."""
    return None if amount is None else (amount / WAN).quantize(Decimal("0.000001"))


class ReserveResource(resources.Resource):
    """One row per reserve project; amounts in 万元 as numbers; dates in Asia/Shanghai."""

    name = fields.Field(column_name=gettext_lazy("项目名称"))
    owner_unit = fields.Field(column_name=gettext_lazy("建设单位"))
    kind = fields.Field(column_name=gettext_lazy("项目类别"))
    construction_type = fields.Field(column_name=gettext_lazy("建设性质"))
    estimated_investment_wan = fields.Field(column_name=gettext_lazy("估算总投资(万元)"))
    plan_task = fields.Field(column_name=gettext_lazy("规划任务"))
    status = fields.Field(column_name=gettext_lazy("状态"))
    reserve_year = fields.Field(column_name=gettext_lazy("申报年度"))
    reserve_date = fields.Field(column_name=gettext_lazy("入库日期"))
    responsible_person = fields.Field(column_name=gettext_lazy("项目责任人"))

    class Meta:
        export_order = ("name", "owner_unit", "kind", "construction_type", "estimated_investment_wan", "plan_task",
                        "status", "reserve_year", "reserve_date", "responsible_person")

    def dehydrate_name(self, p):
        return _text(p.name)

    def dehydrate_owner_unit(self, p):
        return _text(p.owner_unit.name)

    def dehydrate_kind(self, p):
        return _text(p.get_kind_display())

    def dehydrate_construction_type(self, p):
        return _text(p.get_construction_type_display())

    def dehydrate_estimated_investment_wan(self, p):
        return _wan(p.estimated_investment)

    def dehydrate_plan_task(self, p):
        return _text(f"{p.plan_task.number}. {p.plan_task.title}") if p.plan_task_id else ""

    def dehydrate_status(self, p):
        return _text(p.get_status_display())

    def dehydrate_reserve_year(self, p):
        return p.submitted_at.astimezone(SHANGHAI).year if p.submitted_at else None

    def dehydrate_reserve_date(self, p):
        return p.reserve_at.astimezone(SHANGHAI).date() if p.reserve_at else None

    def dehydrate_responsible_person(self, p):
        return _text(p.responsible_person)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def reserve_export(user, filters: dict[str, Any], *, description: str = "*") -> bytes:
    """The filtered reserve as an .xlsx workbook; the download is audited. Formulae are escaped (a cell that
    would start with '=' is written as text without it) and numbers stay numbers."""
    qs = reserve_projects(user, filters)
    dataset = ReserveResource().export(queryset=qs, force_native_type=True)
    dataset.title = _("项目储备库")
    content = XLSX().export_data(dataset, escape=True)
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=user, object_repr="reserve.xlsx",
                     reason=description, after={"rows": len(dataset)})
    return content
