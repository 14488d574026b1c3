"""Pages of construction control (art. 19–21): the sections of a project's construction page — risk ratings,
supervision, performance monitoring, milestones, changes, incidents, rectification and suspension — with their
forms and one POST each, and DRC's yearly pool of supervision firms.

Thin like views_construction: which forms a user is shown comes from `policies.control_actions` (display
only); each POST parses input, calls itgov.construction.services and redirects with a message (PRG). A refused POST
re-renders the construction page with its form's input kept and the domain error (400 on the fields, 409, 422
naming the rule's article); a 403 cites the rule that gives the power; a project the user may not see, or a
record not of that project, is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import rules as perms
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.approvals.choices import TargetCategory
from itgov.construction import policies, selectors, services
from itgov.construction.choices import (
    ChangeClass,
    ChangeStatus,
    IncidentKind,
    IncidentSource,
    IncidentStatus,
    RectificationStatus,
    RiskLevel,
)
from itgov.construction.forms import (
    AppointmentForm,
    ChangeForm,
    DecisionForm,
    IncidentForm,
    MilestoneForm,
    MonitoringForm,
    PoolEntryForm,
    ReasonForm,
    RectificationOrderForm,
    RectificationResponseForm,
    RectificationReviewForm,
    RiskAssessmentForm,
    SupervisionReportForm,
    SuspendForm,
)
from itgov.construction.models import (
    ChangeRequest,
    Contract,
    Incident,
    RectificationOrder,
    SupervisionPoolEntry,
)
from itgov.core.dates import local_today
from itgov.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from itgov.core.money import format_wan
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Jurisdiction, Unit
from itgov.projects import selectors as project_selectors
from itgov.projects.choices import ProjectStatus
from itgov.rules.profiles import parameters_in_force

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import REASON_LIMIT, bootstrap, parse_version
from .views_construction import FORM_ERRORS, _dates, _detail_page, _money, may_read_pool

LEVEL_BADGES = {RiskLevel.LOW: "text-bg-success", RiskLevel.MEDIUM: "text-bg-warning",
                RiskLevel.HIGH: "text-bg-danger"}
CLASS_BADGES = {ChangeClass.REAPPROVAL: "text-bg-danger", ChangeClass.PROCEDURE: "text-bg-warning",
                ChangeClass.SCHEDULE_ONLY: "text-bg-info"}
CHANGE_BADGES = {ChangeStatus.SUBMITTED: "text-bg-primary", ChangeStatus.APPROVED: "text-bg-success",
                 ChangeStatus.REFUSED: "text-bg-danger", ChangeStatus.RECORDED: "text-bg-secondary",
                 ChangeStatus.REAPPROVAL: "text-bg-warning"}
INCIDENT_BADGES = {IncidentStatus.OPEN: "text-bg-danger", IncidentStatus.RECTIFYING: "text-bg-warning",
                   IncidentStatus.CLOSED: "text-bg-success", IncidentStatus.DISMISSED: "text-bg-secondary"}
ORDER_BADGES = {RectificationStatus.ORDERED: "text-bg-warning",
                RectificationStatus.SUBMITTED: "text-bg-primary", RectificationStatus.CLOSED: "text-bg-success"}
MILESTONE_STATES = {"done": ("text-bg-success", gettext_lazy("已完成")),
                    "late": ("text-bg-danger", gettext_lazy("已逾期")),
                    "pending": ("text-bg-secondary", gettext_lazy("未到期"))}
ACHIEVED_CHOICES = [("", "—"), ("true", gettext_lazy("达到")), ("false", gettext_lazy("未达到"))]
ACHIEVED_VALUES = {"true": True, "false": False}
OPEN_INCIDENTS = (IncidentStatus.OPEN, IncidentStatus.RECTIFYING)


def pct(value) -> str:
    """A ratio as a percentage with two decimals ('0.0999' → '9.99%'); '—' when there is none."""
    return "—" if value is None else f"{Decimal(value) * 100:.2f}%"


def _rating(value) -> dict | None:
    """A 1–5 rating (5: least risk) with its IT-Dashboard colour."""
    if value is None:
        return None
    level = selectors.level_of(Decimal(value))
    return {"value": value, "level": level, "label": RiskLevel(level).label, "badge": LEVEL_BADGES[level]}


# --- forms: the construction forms with page widgets (the same fields, so the services' field errors land) ---


def _version() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)


def _texts(form, *names: str, rows: int = 3) -> None:
    for name in names:
        form.fields[name].widget.attrs.update(rows=str(rows), maxlength=str(form.fields[name].max_length))


def _select(form, name: str, empty, options) -> None:
    form.fields[name].widget = forms.Select(choices=[("", empty), *options])


def _incident_options(incidents) -> list[tuple]:
    return [(i.pk, f"{i.get_kind_display()} · {i.reported_at:%Y-%m-%d}") for i in incidents]


class AppointPageForm(AppointmentForm):
    """`pool`: this year's pool entries (a select of firms); `contracts`: the project's (the services check
    both)."""

    def __init__(self, *args, pool=(), contracts=(), fee_budget=None, **kwargs):
        kwargs.setdefault("auto_id", "appoint_%s")
        super().__init__(*args, **kwargs)
        _select(self, "firm_id", _("请选择当年备选监理单位"),
                [(e.firm_id, f"{e.firm.name}({e.qualification})") for e in pool])
        _select(self, "contract_id", _("不关联合同"), [(c.pk, f"{c.title}({c.supplier})") for c in contracts])
        _dates(self, "appointed_on")
        _money(self, "fee")
        self.fields["firm_id"].help_text = _("第十九条:从区发改委(大数据局)在委托当年确定的监理单位中选定")
        if fee_budget is not None:
            self.fields["fee"].help_text = _("第十九条:监理费纳入项目总预算,批复概算列支监理费 %(wan)s 万元") % {
                "wan": format_wan(fee_budget)}
        bootstrap(self)


class SupervisionReportPageForm(SupervisionReportForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "report_%s")
        super().__init__(*args, **kwargs)
        _dates(self, "period_start", "period_end")
        _texts(self, "progress", "quality", "issues_found", "recommendations", rows=2)
        bootstrap(self)


class MonitoringPageForm(MonitoringForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "monitoring_%s")
        super().__init__(*args, **kwargs)
        _dates(self, "period_end")
        _money(self, "forecast_cost")
        self.fields["completion"].widget.attrs.update(min="0", max="100", inputmode="numeric")
        self.fields["forecast_cost"].help_text = _("与核定概算比较,计算成本偏差")
        _texts(self, "summary")
        bootstrap(self)


class MonitoringRowForm(forms.Form):
    """One performance target of the baseline in the monitoring form (display and its errors; the service's
    MonitoringValueForm checks it)."""

    actual = forms.CharField(label=gettext_lazy("实际值"), required=False, max_length=60)
    achieved = forms.ChoiceField(label=gettext_lazy("是否达到目标"), required=False, choices=ACHIEVED_CHOICES)
    cause = forms.CharField(label=gettext_lazy("偏差原因"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}))

    def __init__(self, *args, target: dict, position: int, **kwargs):
        kwargs.setdefault("auto_id", "monitoring_%s")
        super().__init__(*args, prefix=f"v{position}", **kwargs)
        self.target, self.position = target, position
        self.category_label = _category(target.get("category"))
        bootstrap(self, small=True)


class MilestonePageForm(MilestoneForm):
    def __init__(self, *args, milestone_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"milestone{milestone_id}_%s")
        super().__init__(*args, **kwargs)
        _dates(self, "actual_date")
        self.fields["note"].widget.attrs.update(maxlength="200")
        bootstrap(self, small=True)


class RiskPageForm(RiskAssessmentForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "risk_%s")
        super().__init__(*args, **kwargs)
        options = [(n, f"{n} · {RiskLevel(selectors.level_of(Decimal(n))).label}") for n in (5, 4, 3, 2, 1)]
        _select(self, "score", _("请选择"), options)
        self.fields["score"].help_text = _("5 分风险最低,1 分风险最高;低于成本和进度评级时取本评估为综合评级")
        _texts(self, "comment")
        bootstrap(self)


class InlineCheckboxes(forms.CheckboxSelectMultiple):
    """Bootstrap's inline checks (the kinds of a change)."""

    template_name = "web/construction/_checkboxes.html"


class ChangePageForm(ChangeForm):
    def __init__(self, *args, ratio=None, **kwargs):
        kwargs.setdefault("auto_id", "change_%s")
        super().__init__(*args, **kwargs)
        self.fields["kinds"].widget = InlineCheckboxes(choices=self.fields["kinds"].choices)
        _dates(self, "proposed_end_date")
        _money(self, "proposed_estimate")
        _texts(self, "description", "reason")
        if ratio is not None:
            self.fields["proposed_estimate"].help_text = _(
                "第二十条:较核定概算增加%(r)s(含)以上的,须重新立项;以下的,报区发改委(大数据局)审批") % {"r": pct(ratio)}
        self.fields["proposed_end_date"].help_text = _("仅变更工期的,直接备案")
        bootstrap(self)


class DecisionPageForm(DecisionForm):
    """DRC's decision on a change: the reason and the change's version; 批准 / 不予批准 are the two buttons."""

    version = _version()

    def __init__(self, *args, change_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"decide{change_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.update(rows="2", maxlength=str(REASON_LIMIT))
        bootstrap(self, small=True)


class IncidentPageForm(IncidentForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "incident_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("请选择")), *IncidentKind.choices]
        _texts(self, "description")
        bootstrap(self)


class DismissPageForm(ReasonForm):
    def __init__(self, *args, incident_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"dismiss{incident_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("不予立案理由")
        _texts(self, "reason", rows=2)
        bootstrap(self, small=True)


class OrderPageForm(RectificationOrderForm):
    """`incidents`: the project's open incidents (a select; the service checks it)."""

    def __init__(self, *args, incidents=(), **kwargs):
        kwargs.setdefault("auto_id", "order_%s")
        super().__init__(*args, **kwargs)
        _select(self, "incident_id", _("不关联问题报告"), _incident_options(incidents))
        _dates(self, "deadline")
        self.fields["deadline"].widget.attrs["min"] = (local_today() + dt.timedelta(days=1)).isoformat()
        self.fields["deadline"].help_text = _("须晚于今天")
        _texts(self, "requirements")
        bootstrap(self)


class RespondPageForm(RectificationResponseForm):
    version = _version()

    def __init__(self, *args, order_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"respond{order_id}_%s")
        super().__init__(*args, **kwargs)
        _texts(self, "response", rows=2)
        bootstrap(self, small=True)


class ReviewPageForm(RectificationReviewForm):
    """The bureau's review of a rectification: the note and the version; the two buttons say accept or not."""

    version = _version()

    def __init__(self, *args, order_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"review{order_id}_%s")
        super().__init__(*args, **kwargs)
        _texts(self, "note", rows=2)
        bootstrap(self, small=True)


class SuspendPageForm(SuspendForm):
    version = _version()

    def __init__(self, *args, incidents=(), **kwargs):
        kwargs.setdefault("auto_id", "suspend_%s")
        super().__init__(*args, **kwargs)
        _select(self, "incident_id", _("不关联问题报告"), _incident_options(incidents))
        _texts(self, "reason", rows=2)
        bootstrap(self)


class ResumePageForm(ReasonForm):
    version = _version()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "resume_%s")
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("恢复理由")
        _texts(self, "reason", rows=2)
        bootstrap(self)


class PoolPageForm(PoolEntryForm):
    """`firms`: the district's supervision firms (a select; the service and art. 19's rules check it)."""

    def __init__(self, *args, firms=(), **kwargs):
        kwargs.setdefault("auto_id", "pool_%s")
        super().__init__(*args, **kwargs)
        _select(self, "firm_id", _("请选择监理单位"), [(f.pk, f.name) for f in firms])
        _dates(self, "valid_until")
        self.fields["year"].widget.attrs.update(min="2000", max="2100", inputmode="numeric")
        self.fields["qualification"].widget.attrs.update(placeholder=_("例如:信息系统工程监理甲级"), maxlength="100")
        self.fields["certificate_number"].widget.attrs.update(maxlength="60")
        self.fields["valid_until"].help_text = _("第十九条:资质须覆盖该年度")
        bootstrap(self)


def _category(value) -> str:
    return str(dict(TargetCategory.choices).get(value, value or ""))


def _post(request, form_class) -> dict:
    """The service form's fields from the POST, as text (`version` is not the service's input)."""
    data = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.MultipleChoiceField):
            data[name] = request.POST.getlist(name)
        elif name != "version":
            data[name] = request.POST.get(name, "")
    return data


def _version_of(request) -> int | None:
    try:
        return parse_version(request.POST.get("version"))
    except ValueError:
        raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]}) from None


def _only(exc: DomainError, keep) -> DomainError:
    """A copy of `exc` with the field errors whose key `keep(key)` accepts."""
    copy = type(exc).__new__(type(exc))
    copy.__dict__.update(exc.__dict__)
    copy.fields = {k: v for k, v in exc.fields.items() if keep(k)}
    return copy


# --- the sections of the construction page ------------------------------------------------------------------


class _Forms:
    """Builds the page's forms: the bound one of a refused POST (`forms_in`) or a fresh one, with its error
    merged; remembers which errors found their form (the rest are shown at the top of the page)."""

    def __init__(self, forms_in: dict, errors: dict):
        self.forms_in, self.errors, self.used = forms_in, errors, set()

    def get(self, key: str, make, *, merge=True):
        form = self.forms_in.get(key) or make()
        error = self.errors.get(key)
        form.domain_error = error
        if error is not None:
            self.used.add(key)
            if merge:
                merge_errors(form, error)
                _hidden_errors_on_top(form)
        return form


def _hidden_errors_on_top(form) -> None:
    """The errors of a hidden field (the version) are shown with the form's own errors."""
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput) and name in form.errors:
            for message in list(form.errors[name]):
                if message not in form.non_field_errors():
                    form.add_error(None, message)


def _monitoring_rows(targets, post=None, error: DomainError | None = None) -> list[MonitoringRowForm]:
    """One row per baseline target; the service's errors 'values.<i>.<field>' go on row i (every row is sent,
    in the baseline's order, so i is the target's position)."""
    rows = []
    for i, target in enumerate(targets):
        data = {f"v{i}-{name}": post.get(f"v{i}-{name}", "") for name in MonitoringRowForm.base_fields} \
            if post is not None else None
        rows.append(MonitoringRowForm(data=data, target=target, position=i))
    if error is not None:
        for key, values in error.fields.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "values" and parts[1].isdigit() and int(parts[1]) < len(rows):
                row = rows[int(parts[1])]
                row.errors  # noqa: B018 — the row's own (display) validation once
                for value in values:
                    row.add_error(parts[2] if parts[2] in row.fields else None, value)
    return rows


def _is_row_key(key: str) -> bool:
    parts = key.split(".")
    return len(parts) == 3 and parts[0] == "values"


def monitoring_values(post, count: int) -> list[dict]:
    """The rows of the monitoring form as the service takes them: every target, by its position."""
    return [{"position": i, "actual": post.get(f"v{i}-actual", ""),
             "achieved": ACHIEVED_VALUES.get(post.get(f"v{i}-achieved", "")),
             "cause": post.get(f"v{i}-cause", "")} for i in range(count)]


def control_context(user, project, *, forms_in: dict, errors: dict, contracts) -> tuple[dict, set]:
    """The control sections of the construction page (a project with a baseline) and the forms `user` is
    offered now. Returns the context and the error keys that found their form."""
    today = local_today()
    jurisdiction = project.owner_unit.jurisdiction
    params = parameters_in_force(jurisdiction, today)
    c = selectors.control_of(project, params, today)
    actions = set(policies.control_actions(user, project))
    f = _Forms(forms_in, errors)
    baseline = c["baseline"]
    open_incidents = [i for i in c["incidents"] if i.status in OPEN_INCIDENTS]
    tolerance = params.get("performance_tolerance")

    assessment = c["drc_assessment"]
    ratings = [
        {"key": "cost", "title": _("成本"), "rating": _rating(c["cost_rating"]),
         "detail": _("成本偏差 %(v)s") % {"v": pct(c["cost_variance"])}},
        {"key": "schedule", "title": _("进度"), "rating": _rating(c["schedule_rating"]),
         "detail": _("进度偏差 %(v)s") % {"v": pct(c["schedule_variance"])}},
        {"key": "drc", "title": _("区发改委评估"), "rating": _rating(c["drc_rating"]),
         "detail": assessment.assessed_at.strftime("%Y-%m-%d") if assessment else _("尚未评估")},
        {"key": "overall", "title": _("综合评级"), "rating": _rating(c["overall"]), "detail": ""},
    ]

    supervision = c["supervision"]
    threshold = params.get("supervision_threshold")
    fee_budget = (Decimal(str(baseline.investment_breakdown.get("supervision_fee") or "0"))
                  if baseline else None)
    appoint_form = report_form = None
    if "appoint_supervisor" in actions and supervision is None:
        pool = list(selectors.pool_of(jurisdiction, today.year))
        appoint_form = f.get("appoint", lambda: AppointPageForm(
            pool=pool, contracts=contracts, fee_budget=fee_budget, initial={"appointed_on": today}))
    if "report_supervision" in actions:
        report_form = f.get("supervision_report", SupervisionReportPageForm)

    for report in c["monitoring_reports"]:
        for value in report.values.all():
            value.deviation_pct, value.category_label = pct(value.deviation), _category(value.category)
    monitoring_form = monitoring_rows = None
    targets = baseline.performance_targets if baseline else []
    if "submit_monitoring" in actions:
        monitoring_form = f.get("monitoring", lambda: MonitoringPageForm(initial={"period_end": today}),
                                merge=False)
        error = errors.get("monitoring")
        if error is not None:
            merge_errors(monitoring_form, _only(error, lambda k: not _is_row_key(k)))
        monitoring_rows = _monitoring_rows(targets, forms_in.get("monitoring_post"), error)

    for row in c["milestones"]:
        row["badge"], row["label"] = MILESTONE_STATES[row["state"]]
        if row["state"] != "done" and "record_milestone" in actions:
            pk = row["milestone"].pk
            row["form"] = f.get(f"milestone-{pk}", lambda pk=pk: MilestonePageForm(milestone_id=pk))

    for change in c["changes"]:
        change.ratio_pct = pct(change.increase_ratio) if change.increase else "—"
        change.class_badge = CLASS_BADGES.get(change.classification, "text-bg-secondary")
        change.status_badge = CHANGE_BADGES.get(change.status, "text-bg-secondary")
        if change.status == ChangeStatus.SUBMITTED and "decide_change" in actions:
            change.decide_form = f.get(f"decide-{change.pk}", lambda ch=change: DecisionPageForm(
                change_id=ch.pk, initial={"version": ch.version}))
    change_form = None
    if "submit_change" in actions:
        change_form = f.get("change", lambda: ChangePageForm(ratio=params.get("reapproval_overrun_ratio")))

    can_handle = "order_rectification" in actions
    for incident in c["incidents"]:
        incident.badge = INCIDENT_BADGES.get(incident.status, "text-bg-secondary")
        incident.proposed = incident.source == IncidentSource.SYSTEM
        if incident.status == IncidentStatus.OPEN and can_handle:
            incident.dismiss_form = f.get(f"dismiss-{incident.pk}",
                                          lambda i=incident: DismissPageForm(incident_id=i.pk))
    for order in c["rectifications"]:
        order.badge = ORDER_BADGES.get(order.status, "text-bg-secondary")
        if order.status == RectificationStatus.ORDERED and "respond_rectification" in actions:
            order.respond_form = f.get(f"respond-{order.pk}", lambda o=order: RespondPageForm(
                order_id=o.pk, initial={"version": o.version}))
        if order.status == RectificationStatus.SUBMITTED and can_handle:
            order.review_form = f.get(f"review-{order.pk}", lambda o=order: ReviewPageForm(
                order_id=o.pk, initial={"version": o.version}))
    incident_form = f.get("incident", IncidentPageForm) if "report_incident" in actions else None
    order_form = f.get("order", lambda: OrderPageForm(incidents=open_incidents)) if can_handle else None
    suspend_form = resume_form = None
    if "suspend" in actions:
        suspend_form = f.get("suspend", lambda: SuspendPageForm(incidents=open_incidents,
                                                                initial={"version": project.version}))
    if "resume" in actions:
        resume_form = f.get("resume", lambda: ResumePageForm(initial={"version": project.version}))
    risk_form = f.get("risk", RiskPageForm) if "assess_risk" in actions else None

    context = {
        **c, "ratings": ratings, "overall_rating": ratings[-1]["rating"],
        "flag_rows": [{"code": code, "label": selectors.FLAG_LABELS.get(code, code)} for code in c["flags"]],
        "estimate_wan": format_wan(c["estimate"]) if c["estimate"] is not None else "—",
        "supervision_needed": supervision is None and threshold is not None and baseline is not None
        and baseline.approved_estimate >= Decimal(str(threshold)),
        "supervision_threshold_wan": format_wan(Decimal(str(threshold))) if threshold is not None else "",
        "appoint_form": appoint_form, "report_form": report_form,
        "monitoring_form": monitoring_form, "monitoring_rows": monitoring_rows,
        "change_form": change_form, "open_change": next((ch for ch in c["changes"] if ch.status in (
            ChangeStatus.SUBMITTED, ChangeStatus.REAPPROVAL)), None),
        "incident_form": incident_form, "order_form": order_form, "suspend_form": suspend_form,
        "resume_form": resume_form, "risk_form": risk_form,
        "active_suspension": next((s for s in c["suspensions"] if s.resumed_at is None), None)
        if project.status == ProjectStatus.SUSPENDED else None,
        "tolerance_pct": pct(tolerance) if tolerance is not None else None,
        "reapproval_pct": pct(params.get("reapproval_overrun_ratio")),
    }
    return context, f.used


# --- the POSTs ----------------------------------------------------------------------------------------------


def _done(request, project, message: str, anchor: str):
    messages.success(request, message)
    return redirect(reverse("web:construction_detail", args=[project.pk]) + f"#{anchor}")


def _refused(request, project, key: str, form, exc: DomainError, **extra):
    return _detail_page(request, project, forms_in={key: form, **extra}, errors={key: exc}, status=exc.status)


def _record_of(model, project, pk):
    """A record of `project` by id; NotFound (404) when it is not this project's."""
    found = model.objects.filter(pk=pk, project=project).first()
    if found is None:
        raise NotFound()
    return found


def _open_incidents(project) -> list[Incident]:
    return list(Incident.objects.filter(project=project, status__in=OPEN_INCIDENTS))


@require_http_methods(["POST"])
@domain_errors
def construction_appoint(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, AppointmentForm)
    try:
        appointment = services.supervisor_appoint(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        pool = list(selectors.pool_of(project.owner_unit.jurisdiction, local_today().year))
        form = AppointPageForm(data=data, pool=pool, contracts=list(Contract.objects.filter(project=project)))
        return _refused(request, project, "appoint", form, exc)
    return _done(request, project, _("已委托监理单位“%(firm)s”") % {"firm": appointment.firm.name}, "supervision")


@require_http_methods(["POST"])
@domain_errors
def construction_supervision_report(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, SupervisionReportForm)
    try:
        report = services.supervision_report_file(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _refused(request, project, "supervision_report", SupervisionReportPageForm(data=data), exc)
    return _done(request, project, _("已报送监理报告(%(start)s 至 %(end)s)") % {
        "start": report.period_start, "end": report.period_end}, "supervision")


@require_http_methods(["POST"])
@domain_errors
def construction_monitoring(request, project_id):
    from itgov.approvals.selectors import current_baseline

    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    baseline = current_baseline(project)
    data = _post(request, MonitoringForm)
    data["values"] = monitoring_values(request.POST, len(baseline.performance_targets) if baseline else 0)
    try:
        report = services.monitoring_submit(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        form = MonitoringPageForm(data={k: v for k, v in data.items() if k != "values"})
        return _refused(request, project, "monitoring", form, exc, monitoring_post=request.POST)
    return _done(request, project, _("已报送绩效监控报告(截至 %(d)s)") % {"d": report.period_end}, "monitoring")


@require_http_methods(["POST"])
@domain_errors
def construction_milestone(request, project_id, milestone_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, MilestoneForm)
    try:
        actual = services.milestone_record(actor=user, project=project, milestone_id=milestone_id, data=data)
    except FORM_ERRORS as exc:
        form = MilestonePageForm(data=data, milestone_id=milestone_id)
        return _refused(request, project, f"milestone-{milestone_id}", form, exc)
    return _done(request, project, _("已登记里程碑“%(name)s”的实际完成日期") % {"name": actual.milestone.name},
                 "milestones")


@require_http_methods(["POST"])
@domain_errors
def construction_risk(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, RiskAssessmentForm)
    try:
        assessment = services.risk_assess(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _refused(request, project, "risk", RiskPageForm(data=data), exc)
    return _done(request, project, _("已提交风险评估:%(n)d 分") % {"n": assessment.score}, "risk")


@require_http_methods(["POST"])
@domain_errors
def construction_change(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, ChangeForm)
    try:
        change = services.change_submit(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        params = parameters_in_force(project.owner_unit.jurisdiction, local_today())
        return _refused(request, project, "change", ChangePageForm(
            data=data, ratio=params.get("reapproval_overrun_ratio")), exc)
    values = {"n": change.number, "r": pct(change.increase_ratio)}
    message = {
        ChangeClass.REAPPROVAL: _("第%(n)d号变更较核定概算增加%(r)s,须重新立项:项目已转入立项阶段,请重新提交立项申请"),
        ChangeClass.SCHEDULE_ONLY: _("第%(n)d号变更(工期调整)已备案"),
    }.get(change.classification, _("已提交第%(n)d号变更申请,待区发改委(大数据局)审批"))
    return _done(request, project, message % values, "changes")


@require_http_methods(["POST"])
@domain_errors
def construction_change_decide(request, project_id, change_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    change = _record_of(ChangeRequest, project, change_id)
    data = _post(request, DecisionForm)
    try:
        fresh = services.change_decide(actor=user, project=project, change=change, data=data,
                                       expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = DecisionPageForm(data={**data, "version": request.POST.get("version", "")},
                                change_id=change.pk)
        return _refused(request, project, f"decide-{change.pk}", form, exc)
    message = _("已批准第%(n)d号变更申请") if fresh.status == ChangeStatus.APPROVED else _("已对第%(n)d号变更申请不予批准")
    return _done(request, project, message % {"n": fresh.number}, "changes")


@require_http_methods(["POST"])
@domain_errors
def construction_incident(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, IncidentForm)
    try:
        incident = services.incident_report(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _refused(request, project, "incident", IncidentPageForm(data=data), exc)
    return _done(request, project, _("已报告:%(kind)s") % {"kind": incident.get_kind_display()}, "incidents")


@require_http_methods(["POST"])
@domain_errors
def construction_incident_dismiss(request, project_id, incident_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    incident = _record_of(Incident, project, incident_id)
    data = _post(request, ReasonForm)
    try:
        services.incident_dismiss(actor=user, project=project, incident=incident, data=data)
    except FORM_ERRORS as exc:
        form = DismissPageForm(data=data, incident_id=incident.pk)
        return _refused(request, project, f"dismiss-{incident.pk}", form, exc)
    return _done(request, project, _("已对“%(kind)s”不予立案") % {"kind": incident.get_kind_display()}, "incidents")


@require_http_methods(["POST"])
@domain_errors
def construction_rectification_order(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, RectificationOrderForm)
    try:
        order = services.rectification_order(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        form = OrderPageForm(data=data, incidents=_open_incidents(project))
        return _refused(request, project, "order", form, exc)
    return _done(request, project, _("已下达整改通知,整改期限 %(d)s") % {"d": order.deadline}, "rectifications")


@require_http_methods(["POST"])
@domain_errors
def construction_rectification_respond(request, project_id, order_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    order = _record_of(RectificationOrder, project, order_id)
    data = _post(request, RectificationResponseForm)
    try:
        services.rectification_respond(actor=user, project=project, order=order, data=data,
                                       expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = RespondPageForm(data={**data, "version": request.POST.get("version", "")}, order_id=order.pk)
        return _refused(request, project, f"respond-{order.pk}", form, exc)
    return _done(request, project, _("已报送整改情况"), "rectifications")


@require_http_methods(["POST"])
@domain_errors
def construction_rectification_review(request, project_id, order_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    order = _record_of(RectificationOrder, project, order_id)
    data = _post(request, RectificationReviewForm)
    try:
        fresh = services.rectification_review(actor=user, project=project, order=order, data=data,
                                              expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = ReviewPageForm(data={**data, "version": request.POST.get("version", "")}, order_id=order.pk)
        return _refused(request, project, f"review-{order.pk}", form, exc)
    message = _("整改已完成,予以办结") if fresh.status == RectificationStatus.CLOSED else _("已退回继续整改")
    return _done(request, project, message, "rectifications")


@require_http_methods(["POST"])
@domain_errors
def construction_suspend(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, SuspendForm)
    try:
        fresh = services.construction_suspend(actor=user, project=project, data=data,
                                              expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = SuspendPageForm(data={**data, "version": request.POST.get("version", "")},
                               incidents=_open_incidents(project))
        return _refused(request, project, "suspend", form, exc)
    return _done(request, fresh, _("已暂停“%(name)s”的建设:恢复前只能整改") % {"name": fresh.name}, "top")


@require_http_methods(["POST"])
@domain_errors
def construction_resume(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, ReasonForm)
    try:
        fresh = services.construction_resume(actor=user, project=project, data=data,
                                             expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = ResumePageForm(data={**data, "version": request.POST.get("version", "")})
        return _refused(request, project, "resume", form, exc)
    return _done(request, fresh, _("已恢复“%(name)s”的建设") % {"name": fresh.name}, "top")


# --- DRC's yearly pool of supervision firms (art. 19) -------------------------------------------------------


def _jurisdiction() -> Jurisdiction:
    jurisdiction = Jurisdiction.objects.filter(code=settings.ITGOV_JURISDICTION_CODE).first()
    if jurisdiction is None:
        raise NotFound()
    return jurisdiction


def _year(value, default: int) -> int:
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def _firms(jurisdiction) -> list[Unit]:
    return list(Unit.objects.filter(jurisdiction=jurisdiction, kind=UnitKind.SUPERVISION_FIRM, is_active=True)
                .order_by("name"))


def _pool_page(request, year: int, *, form=None, error=None, remove_error=None, status=200):
    user = request.user
    if not may_read_pool(user):
        raise Forbidden(_("只有各职能部门和建设单位可以查看年度监理单位名录"))
    today = local_today()
    jurisdiction = _jurisdiction()
    params = parameters_in_force(jurisdiction, today)
    size = params.get("supervision_pool_size") or {}
    entries = list(selectors.pool_of(jurisdiction, year).select_related("recorded_by")
                   .annotate(appointed=Count("appointments")))
    for entry in entries:
        entry.expired = entry.valid_until < max(today, dt.date(year, 1, 1))
    can_manage = perms.has_perm("construction.manage_pool", user)
    if can_manage:
        form = form or PoolPageForm(firms=_firms(jurisdiction), initial={"year": year})
        if error is not None:
            merge_errors(form, error)
        form.domain_error = error
    low, high = size.get("min"), size.get("max")
    return render(request, "web/construction/pool.html", {
        "year": year, "entries": entries, "count": len(entries), "min": low, "max": high,
        "below": low is not None and len(entries) < low, "full": high is not None and len(entries) >= high,
        "can_manage": can_manage, "form": form, "remove_error": remove_error, "years": (year - 1, year + 1),
        "this_year": today.year,
    }, status=status)


@require_safe
@domain_errors
def supervision_pool(request):
    return _pool_page(request, _year(request.GET.get("year"), local_today().year))


@require_http_methods(["POST"])
@domain_errors
def supervision_pool_add(request):
    user = request.user
    jurisdiction = _jurisdiction()
    data = _post(request, PoolEntryForm)
    try:
        entry = services.pool_add(actor=user, jurisdiction=jurisdiction, data=data)
    except FORM_ERRORS as exc:
        form = PoolPageForm(data=data, firms=_firms(jurisdiction))
        year = _year(data["year"], local_today().year)
        return _pool_page(request, year, form=form, error=exc, status=exc.status)
    messages.success(request, _("已将“%(firm)s”列入%(y)d年监理单位名录") % {"firm": entry.firm.name, "y": entry.year})
    return redirect(reverse("web:supervision_pool") + f"?year={entry.year}")


@require_http_methods(["POST"])
@domain_errors
def supervision_pool_remove(request, entry_id):
    user = request.user
    entry = SupervisionPoolEntry.objects.filter(pk=entry_id, jurisdiction=_jurisdiction()).select_related(
        "firm").first()
    if entry is None:
        raise NotFound()
    year, name = entry.year, entry.firm.name
    try:
        services.pool_remove(actor=user, entry=entry)
    except FORM_ERRORS as exc:
        return _pool_page(request, year, remove_error=exc, status=exc.status)
    messages.success(request, _("已将“%(firm)s”移出%(y)d年监理单位名录") % {"firm": name, "y": year})
    return redirect(reverse("web:supervision_pool") + f"?year={year}")


# --- wiring -------------------------------------------------------------------------------------------------

urlpatterns: list = [
    route("construction/pool/", supervision_pool, "supervision_pool"),
    route("construction/pool/add/", supervision_pool_add, "supervision_pool_add"),
    route("construction/pool/<entry>/remove/", supervision_pool_remove, "supervision_pool_remove"),
    route("projects/<project>/construction/supervision/", construction_appoint, "construction_appoint"),
    route("projects/<project>/construction/supervision/reports/", construction_supervision_report,
          "construction_supervision_report"),
    route("projects/<project>/construction/monitoring/", construction_monitoring, "construction_monitoring"),
    route("projects/<project>/construction/milestones/<milestone>/", construction_milestone,
          "construction_milestone"),
    route("projects/<project>/construction/risk/", construction_risk, "construction_risk"),
    route("projects/<project>/construction/changes/", construction_change, "construction_change"),
    route("projects/<project>/construction/changes/<change>/decide/", construction_change_decide,
          "construction_change_decide"),
    route("projects/<project>/construction/incidents/", construction_incident, "construction_incident"),
    route("projects/<project>/construction/incidents/<incident>/dismiss/", construction_incident_dismiss,
          "construction_incident_dismiss"),
    route("projects/<project>/construction/rectifications/", construction_rectification_order,
          "construction_rectification_order"),
    route("projects/<project>/construction/rectifications/<order>/respond/",
          construction_rectification_respond, "construction_rectification_respond"),
    route("projects/<project>/construction/rectifications/<order>/review/", construction_rectification_review,
          "construction_rectification_review"),
    route("projects/<project>/construction/suspend/", construction_suspend, "construction_suspend"),
    route("projects/<project>/construction/resume/", construction_resume, "construction_resume"),
]
# Every page here belongs to the construction entry of the navigation (the list's head links the pool).
SECTIONS: dict[str, str] = {p.name: "construction" for p in urlpatterns}


def nav_items(user) -> list[dict]:
    return []
