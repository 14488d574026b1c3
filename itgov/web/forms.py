"""Parsing page input: list filters, the transition form, the audit search, the declaration forms. Shape
only (types, lengths, ranges): whether an action is allowed is decided by the services and the rules, never
here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from itgov.audit.events import EVENT_TYPE_CHOICES
from itgov.core.money import WAN
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Unit
from itgov.planning.forms import DeclarationExceptionForm, DeclarationLineForm, RoundForm
from itgov.projects.choices import ConstructionType, ProjectKind, ProjectStatus
from itgov.projects.forms import EDITABLE_FIELDS

REASON_LIMIT = 2000
MAX_WAN = Decimal("1000000")  # 100亿元: the ProjectForm's ceiling, in 万元
TRUE_VALUES = {"on", "true", "1", "yes"}


def project_data(post) -> dict[str, Any]:
    """The ProjectForm fields from a POSTed page form. Every editable field is given (an absent checkbox is
    False, an empty select clears the plan task), so an edit replaces the whole draft, as the page shows it."""
    data: dict[str, Any] = {name: post.get(name, "") for name in EDITABLE_FIELDS if name != "classified"}
    data["classified"] = str(post.get("classified", "")).lower() in TRUE_VALUES
    return data


def parse_version(value) -> int | None:
    """The optimistic-lock version from a hidden field; None when absent, ValueError when malformed."""
    if value in (None, ""):
        return None
    version = int(str(value))
    if not 1 <= version <= 2**31:
        raise ValueError(value)
    return version


class ProjectFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *ProjectStatus.choices])
    owner_unit = forms.ModelChoiceField(label=_("建设单位"), required=False, empty_label=_("全部建设单位"),
                                        queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("项目类别"), required=False, choices=[("", _("全部类别")), *ProjectKind.choices])
    construction_type = forms.ChoiceField(label=_("建设性质"), required=False,
                                          choices=[("", _("全部")), *ConstructionType.choices])
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    min_wan = forms.DecimalField(label=_("最低金额(万元)"), required=False, min_value=0, max_value=MAX_WAN,
                                 max_digits=10, decimal_places=2)
    max_wan = forms.DecimalField(label=_("最高金额(万元)"), required=False, min_value=0, max_value=MAX_WAN,
                                 max_digits=10, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Owner units: departments, streets and the bureaus (a bureau builds its own systems too).
        self.fields["owner_unit"].queryset = (Unit.objects.exclude(kind=UnitKind.SUPERVISION_FIRM)
                                              .filter(is_active=True).order_by("kind", "name"))
        self.fields["q"].widget.attrs.update(placeholder=_("项目名称或建设单位"), autocomplete="off")
        for name in ("min_wan", "max_wan"):
            self.fields[name].widget.attrs.update(step="0.01", min="0", inputmode="decimal")
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_wan"), data.get("max_wan")
        if low is not None and high is not None and low > high:
            self.add_error("max_wan", _("最高金额不得低于最低金额"))
        return data

    def apply(self, qs):
        """Narrow a queryset of visible projects by the valid filters (amounts are entered in 万元)."""
        from itgov.projects.selectors import filter_projects

        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return filter_projects(
            qs, statuses=[data["status"]] if data.get("status") else None, owner_unit=data.get("owner_unit"),
            kind=data.get("kind", ""), construction_type=data.get("construction_type", ""), q=data.get("q", ""),
            min_yuan=data["min_wan"] * WAN if data.get("min_wan") is not None else None,
            max_yuan=data["max_wan"] * WAN if data.get("max_wan") is not None else None)


class TransitionForm(forms.Form):
    """The input of one transition: the reason fields it asks for and the version shown on the page.
    Whether a reason is required is a rule (art. 6, 7), so the service decides and cites the article."""

    version = forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)

    def __init__(self, *args, transition, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.needs_reason:
            self.fields["reason"] = forms.CharField(
                label=_("理由"), required=False, max_length=REASON_LIMIT,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control", "maxlength": REASON_LIMIT,
                                             "required": True}))
        if "no_task_reason" in transition.extra_fields and project.plan_task_id is None:
            self.fields["no_task_reason"] = forms.CharField(
                label=_("未关联规划任务的入库理由"), required=False, max_length=REASON_LIMIT,
                help_text=_("第六条:项目未关联发展规划任务的,须记录入库理由"),
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "maxlength": REASON_LIMIT,
                                             "required": True}))

    def action_data(self) -> dict[str, str]:
        return {name: (self.cleaned_data.get(name) or "").strip() for name in ("reason", "no_task_reason")}


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    event_type = forms.ChoiceField(label=_("事件类型"), required=False,
                                   choices=[("", _("全部事件")), *EVENT_TYPE_CHOICES])
    actor = forms.CharField(label=_("操作人"), required=False, max_length=100)
    unit = forms.CharField(label=_("单位"), required=False, max_length=100)
    project_id = forms.IntegerField(label=_("项目ID"), required=False, min_value=1, max_value=2**62)
    since = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("截止日期不得早于起始日期"))
        return data

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for audit_events_search (only valid, non-empty values)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def description(self) -> str:
        """The filters as text, for the audit event of an export."""
        return "&".join(f"{k}={v}" for k, v in sorted(self.filters().items())) or "*"


# --- the annual declaration (art. 8) ----------------------------------------------------------------------
# The planning forms with page widgets: the same fields and checks, so the errors a service raises land on
# the field the page shows. Which projects and units are offered is display only; the services decide.


def bootstrap(form, small: bool = False) -> None:
    """Bootstrap's classes on a form's widgets (hidden inputs left alone; `small` for table rows)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", f"{css} {css}-sm" if small else css)


class RoundPageForm(RoundForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update(min="2000", max="2100", inputmode="numeric")
        self.fields["note"].widget.attrs.update(maxlength="200", placeholder=_("例如:申报通知文号"))
        bootstrap(self)


class DeclarationLinePageForm(DeclarationLineForm):
    """`projects`: the reserve projects the user's unit may declare (a select instead of an id box)."""

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_id"].widget = forms.Select(
            choices=[("", _("请选择本单位储备库项目")), *[(p.pk, p.name) for p in projects]])
        for name in ("line_type", "proposed_class"):
            self.fields[name].choices = [("", _("请选择")), *self.fields[name].choices]
        self.fields["requested_amount"].widget.attrs.update(step="0.01", min="0.01", inputmode="decimal")
        self.fields["justification"].widget.attrs.update(maxlength=str(REASON_LIMIT))
        bootstrap(self)


class DeclarationExceptionPageForm(DeclarationExceptionForm):
    """`units`: the departments and streets; the deadline is a wall-clock time in Asia/Shanghai."""

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].widget = forms.Select(choices=[("", _("请选择单位")), *[(u.pk, u.name) for u in units]])
        self.fields["deadline"].widget = forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format="%Y-%m-%dT%H:%M")
        self.fields["deadline"].help_text = _("北京时间")
        self.fields["reason"].widget.attrs.update(maxlength=str(REASON_LIMIT))
        bootstrap(self)


def shanghai_moment(value: str) -> str:
    """A datetime-local value ('2026-10-15T18:00') read as Asia/Shanghai wall-clock time, as ISO 8601 with
    its offset, so the service does not depend on the active time zone. Anything else is passed on as is
    (the service's form reports it)."""
    from django.utils.dateparse import parse_datetime

    from itgov.core.dates import SHANGHAI

    text = (value or "").strip()
    try:
        moment = parse_datetime(text)
    except ValueError:
        return text
    if moment is None:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.isoformat()


class WithdrawLineForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("撤回理由"), required=False, max_length=REASON_LIMIT,
                             widget=forms.Textarea(attrs={"rows": 4, "class": "form-control",
                                                          "maxlength": REASON_LIMIT, "required": True}))
