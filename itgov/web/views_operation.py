"""Pages of operation (art. 12, 23, 24): the list 运行管理 of the accepted and operating projects, with tabs (accepted,
in operation, self-evaluation due, self-evaluation overdue, O&M funds awaiting Finance); and a project's page —
day G and the go-live form (owner unit), the self-evaluation window and the report form (each performance target a
row) with the report's PDF, the O&M arrangements and their form, the O&M funding requests with their form and
Finance's decision forms.

Thin like views_acceptance: which forms a user is shown comes from the policies (display only); each POST parses
input, calls itgov.operation.services and redirects with a message (PRG). A refused POST re-renders the page with the
form's input kept and the domain error (400 on the fields, 409, 422 naming the rule's article); a 403 cites the rule
that gives the power; a project the user may not see is a 404."""

from __future__ import annotations

import rules as perms
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.access.scoping import is_bureau_user
from itgov.accounts.choices import Role
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from itgov.operation import report, selectors, services
from itgov.operation.choices import ArrangementMode, Decision, EvaluationState, FundingStatus
from itgov.operation.forms import (
    ArrangementForm,
    EvaluationForm,
    FundingDecisionForm,
    FundingRequestForm,
    GoLiveForm,
)
from itgov.operation.workflow import GO_LIVE
from itgov.projects import selectors as project_selectors
from itgov.projects.choices import ProjectStatus
from itgov.rules.profiles import parameters_in_force

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import bootstrap, parse_version
from .htmx import is_partial

S = ProjectStatus
FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
PER_PAGE = 20
STATE_BADGES = {EvaluationState.NOT_IN_OPERATION: "text-bg-secondary", EvaluationState.NOT_YET: "text-bg-light border",
                EvaluationState.OPEN: "text-bg-primary", EvaluationState.OVERDUE: "text-bg-danger",
                EvaluationState.SUBMITTED: "text-bg-success", EvaluationState.SUBMITTED_LATE: "text-bg-warning"}
FUNDING_BADGES = {FundingStatus.SUBMITTED: "text-bg-primary", FundingStatus.APPROVED: "text-bg-success",
                  FundingStatus.REJECTED: "text-bg-secondary"}
TABS = (("accepted", gettext_lazy("已通过验收")), ("in_operation", gettext_lazy("运行中")),
        ("evaluation_open", gettext_lazy("自评价待报送")), ("evaluation_overdue", gettext_lazy("自评价逾期")),
        ("funding_pending", gettext_lazy("运维经费待审核")))
ACHIEVED_CHOICES = [("", gettext_lazy("请选择")), ("true", gettext_lazy("达到")), ("false", gettext_lazy("未达到"))]
ACHIEVED_VALUES = {"true": True, "false": False}


def _version() -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)


def _date(form, name: str) -> None:
    form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _rows(form, *names: str, rows: int = 2) -> None:
    for name in names:
        form.fields[name].widget.attrs.update(rows=str(rows), maxlength=str(form.fields[name].max_length))


# --- forms: the operation forms with page widgets (the same fields, so the services' field errors land) -------


class GoLivePageForm(GoLiveForm):
    version = _version()

    def __init__(self, *args, accepted_on=None, **kwargs):
        kwargs.setdefault("auto_id", "golive_%s")
        super().__init__(*args, **kwargs)
        _date(self, "operation_started_on")
        attrs = self.fields["operation_started_on"].widget.attrs
        attrs["max"] = local_today().isoformat()
        if accepted_on is not None:
            attrs["min"] = accepted_on.isoformat()
        self.fields["operation_started_on"].help_text = _("第二十三条:通过竣工验收后方可投入运行;不早于验收通过日期,不晚于今天")
        bootstrap(self)


class EvaluationPageForm(EvaluationForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "evaluation_%s")
        super().__init__(*args, **kwargs)
        self.fields["score"].widget.attrs.update(min="0", max="100", step="0.1", inputmode="decimal")
        self.fields["score"].help_text = _("0–100 分,最多一位小数")
        _rows(self, "summary", "problems", "improvements")
        bootstrap(self)


class EvaluationRowForm(forms.Form):
    """One performance target of the approval in the evaluation form (display and its errors; the service's
    EvaluationValueForm checks it)."""

    actual = forms.CharField(label=gettext_lazy("实际值"), required=False, max_length=60)
    achieved = forms.ChoiceField(label=gettext_lazy("是否达到目标"), required=False, choices=ACHIEVED_CHOICES)

    def __init__(self, *args, target, position: int, **kwargs):
        kwargs.setdefault("auto_id", "evaluation_%s")
        super().__init__(*args, prefix=f"v{position}", **kwargs)
        self.target, self.position = target, position
        bootstrap(self, small=True)


class ArrangementPageForm(ArrangementForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "arrangement_%s")
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = [("", _("请选择")), *ArrangementMode.choices]
        _date(self, "period_start")
        _date(self, "period_end")
        _rows(self, "security_measures")
        self.fields["security_measures"].help_text = _("第二十四条:落实信息安全保密措施")
        bootstrap(self)


class FundingPageForm(FundingRequestForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "funding_%s")
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update(min="2000", max="2100", inputmode="numeric")
        self.fields["requested_amount"].widget.attrs.update(step="0.01", min="0.01", inputmode="decimal")
        self.fields["justification"].help_text = _("第十二条:竣工验收后、质保期满后方可申请")
        _rows(self, "justification")
        bootstrap(self)


class DecisionPageForm(FundingDecisionForm):
    version = _version()

    def __init__(self, *args, request_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"decision{request_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("", _("请选择")), *Decision.choices]
        self.fields["amount"].widget.attrs.update(step="0.01", min="0.01", inputmode="decimal")
        self.fields["amount"].help_text = _("核定安排的必填")
        self.fields["reason"].help_text = _("不予安排的须说明理由")
        _rows(self, "reason")
        bootstrap(self, small=True)


def _post(request, form_class) -> dict:
    return {name: request.POST.get(name, "") for name in form_class.base_fields if name != "version"}


def _version_of(request) -> int | None:
    try:
        return parse_version(request.POST.get("version"))
    except ValueError:
        raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]}) from None


# --- 1. the list ------------------------------------------------------------------------------------------------


def _may_list(user) -> bool:
    """The owner units and the bureaus (audit among them)."""
    return is_bureau_user(user) or user.has_role(Role.OWNER)


@require_safe
@domain_errors
def operation_list(request):
    user = request.user
    if not _may_list(user):
        raise Forbidden()
    projects = selectors.portfolio(user, local_today())
    counts = {key: sum(1 for p in projects if selectors.matches(p, key)) for key, _label in TABS}
    tab = request.GET.get("status", "")
    if tab not in counts:
        tab = ""
    shown = [p for p in projects if selectors.matches(p, tab)] if tab else projects
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    for project in page.object_list:
        project.state_badge = STATE_BADGES.get(project.evaluation["state"], "text-bg-secondary")
    tabs = [{"value": "", "label": _("全部"), "count": len(projects)}]
    tabs += [{"value": key, "label": label, "count": counts[key]} for key, label in TABS]
    context = {"page": page, "tabs": tabs, "status": tab, "target": "operation-results"}
    template = "web/operation/_results.html" if is_partial(request) else "web/operation/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- 2. a project's operation page --------------------------------------------------------------------------------


def _form(forms_in: dict, errors: dict, used: set, key: str, make):
    form = forms_in.get(key) or make()
    error = errors.get(key)
    form.domain_error = error
    if error is not None:
        used.add(key)
        merge_errors(form, error)
        for name, field in form.fields.items():  # the version's errors with the form's own
            if isinstance(field.widget, forms.HiddenInput) and name in form.errors:
                for message in form.errors.pop(name):
                    form.add_error(None, message)
    return form


def _row_forms(targets, data=None, error=None) -> list[EvaluationRowForm]:
    rows = [EvaluationRowForm(data=data, target=t, position=i) for i, t in enumerate(targets)]
    for row in rows:
        if data is not None:
            row.is_valid()
        for name in ("actual", "achieved", "target_id"):
            for message in (error.fields.get(f"values.{row.position}.{name}", []) if error else []):
                row.add_error("actual" if name == "target_id" else name, message)
    return rows


def _detail(request, project, *, forms_in=None, errors=None, rows=None, status=200):
    user = request.user
    forms_in, errors, used = forms_in or {}, errors or {}, set()
    today = local_today()
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    evaluation = selectors.evaluation_of(project)
    evaluation_status = selectors.evaluation_status(project, params, today, evaluation)
    funding = selectors.funding_requests_of(project)
    targets = selectors.evaluation_targets(project)
    context = {"project": project, "evaluation": evaluation, "evaluation_status": evaluation_status,
               "state_badge": STATE_BADGES.get(evaluation_status["state"], "text-bg-secondary"),
               "window": params.get("self_evaluation_window"), "targets": targets,
               "arrangements": selectors.arrangements_of(project), "warranty_ends_on":
               selectors.warranty_ends_on(project), "om_rate": params.get("om_funding_rate"), "today": today}
    if project.status in GO_LIVE.sources and perms.has_perm(GO_LIVE.permission, user, project):
        context["golive_form"] = _form(forms_in, errors, used, "golive", lambda: GoLivePageForm(
            accepted_on=project.accepted_on, initial={"version": project.version,
                                                      "operation_started_on": today.isoformat()}))
    if (project.status == S.IN_OPERATION and evaluation is None
            and perms.has_perm("operation.self_evaluate", user, project)):
        context["evaluation_form"] = _form(forms_in, errors, used, "evaluation", EvaluationPageForm)
        context["evaluation_rows"] = rows or _row_forms(targets)
        if "evaluation" in errors and "values" in errors["evaluation"].fields:
            context["values_errors"] = errors["evaluation"].fields["values"]
    arrangeable = project.status in services.ARRANGEABLE
    if arrangeable and perms.has_perm("operation.arrange", user, project):
        context["arrangement_form"] = _form(forms_in, errors, used, "arrangement", ArrangementPageForm)
    if arrangeable and perms.has_perm("operation.request_funding", user, project):
        context["funding_form"] = _form(forms_in, errors, used, "funding", lambda: FundingPageForm(
            initial={"year": today.year + 1}))
    may_decide = perms.has_perm("operation.decide_funding", user, project)
    for item in funding:
        item.badge = FUNDING_BADGES.get(item.status, "text-bg-secondary")
        if may_decide and item.status == FundingStatus.SUBMITTED:
            key = f"decision{item.pk}"
            item.decision_form = _form(forms_in, errors, used, key, lambda item=item: DecisionPageForm(
                request_id=item.pk, initial={"version": item.version, "amount": item.suggested_amount}))
    context["funding_requests"] = funding
    context["other_errors"] = [exc for key, exc in errors.items() if key not in used]
    return render(request, "web/operation/detail.html", context, status=status)


def _project(request, project_id):
    return project_selectors.access_project_by_id(request.user, project_id)


@require_safe
@domain_errors
def operation_detail(request, project_id):
    return _detail(request, _project(request, project_id))


def _done(request, project, message: str, anchor: str):
    messages.success(request, message)
    return redirect(reverse("web:operation_detail", args=[project.pk]) + f"#{anchor}")


@require_http_methods(["POST"])
@domain_errors
def operation_go_live(request, project_id):
    user = request.user
    project = _project(request, project_id)
    data = _post(request, GoLiveForm)
    try:
        fresh = services.go_live(actor=user, project=project, data=data, expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = GoLivePageForm(data={**data, "version": request.POST.get("version", "")}, accepted_on=project.accepted_on)
        return _detail(request, project, forms_in={"golive": form}, errors={"golive": exc}, status=exc.status)
    return _done(request, fresh, _("“%(name)s”已于 %(d)s 投入运行") % {"name": fresh.name,
                                                                  "d": fresh.operation_started_on}, "golive")


@require_http_methods(["POST"])
@domain_errors
def operation_evaluate(request, project_id):
    user = request.user
    project = _project(request, project_id)
    targets = selectors.evaluation_targets(project)
    data = _post(request, EvaluationForm)
    data["values"] = [{"target_id": t.pk, "actual": request.POST.get(f"v{i}-actual", ""),
                       "achieved": ACHIEVED_VALUES.get(request.POST.get(f"v{i}-achieved", ""))}
                      for i, t in enumerate(targets)]
    try:
        services.self_evaluation_submit(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        form = EvaluationPageForm(data={k: v for k, v in data.items() if k != "values"})
        return _detail(request, project, forms_in={"evaluation": form}, errors={"evaluation": exc},
                       rows=_row_forms(targets, request.POST, exc), status=exc.status)
    return _done(request, project, _("已报送绩效自评价报告(区财政局、区发改委(大数据局))"), "evaluation")


@require_safe
@domain_errors
def operation_report(request, project_id):
    project = _project(request, project_id)
    evaluation = selectors.evaluation_of(project)
    if evaluation is None:
        raise NotFound()
    from django.http import HttpResponse

    content = report.render_report(evaluation)
    report.report_downloaded(actor=request.user, evaluation=evaluation)
    response = HttpResponse(content, content_type=report.PDF_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, report.report_filename(evaluation))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["POST"])
@domain_errors
def operation_arrange(request, project_id):
    project = _project(request, project_id)
    data = _post(request, ArrangementForm)
    try:
        made = services.arrangement_record(actor=request.user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _detail(request, project, forms_in={"arrangement": ArrangementPageForm(data=data)},
                       errors={"arrangement": exc}, status=exc.status)
    return _done(request, project, _("已登记运行维护安排:%(p)s") % {"p": made.provider}, "arrangements")


@require_http_methods(["POST"])
@domain_errors
def operation_funding(request, project_id):
    project = _project(request, project_id)
    data = _post(request, FundingRequestForm)
    try:
        made = services.funding_request(actor=request.user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _detail(request, project, forms_in={"funding": FundingPageForm(data=data)}, errors={"funding": exc},
                       status=exc.status)
    return _done(request, project, _("已申请%(y)d年度运行维护经费%(wan)s万元,待区财政局审核") % {
        "y": made.year, "wan": made.requested_wan}, "funding")


@require_http_methods(["POST"])
@domain_errors
def operation_decide(request, project_id, request_id):
    project = _project(request, project_id)
    found = services.get_request(project, request_id)
    data = _post(request, FundingDecisionForm)
    if not data.get("amount"):
        data.pop("amount", None)
    key = f"decision{found.pk}"
    try:
        decided = services.funding_decide(actor=request.user, project=project, request=found, data=data,
                                          expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = DecisionPageForm(data={**data, "version": request.POST.get("version", "")}, request_id=found.pk)
        return _detail(request, project, forms_in={key: form}, errors={key: exc}, status=exc.status)
    return _done(request, project, _("已审核%(y)d年度运行维护经费:%(s)s") % {
        "y": decided.year, "s": decided.get_status_display()}, "funding")


# --- wiring -------------------------------------------------------------------------------------------------

urlpatterns: list = [
    route("operation/", operation_list, "operation_list"),
    route("projects/<project>/operation/", operation_detail, "operation_detail"),
    route("projects/<project>/operation/go-live/", operation_go_live, "operation_go_live"),
    route("projects/<project>/operation/self-evaluation/", operation_evaluate, "operation_evaluate"),
    route(r"projects/<project>/operation/self-evaluation\.pdf", operation_report, "operation_report"),
    route("projects/<project>/operation/arrangements/", operation_arrange, "operation_arrange"),
    route("projects/<project>/operation/funding/", operation_funding, "operation_funding"),
    route("projects/<project>/operation/funding/<request>/decision/", operation_decide, "operation_decide"),
]
SECTIONS: dict[str, str] = {p.name: "operation" for p in urlpatterns}


def nav_items(user) -> list[dict]:
    if not _may_list(user):
        return []
    return [{"url": reverse("web:operation_list"), "label": gettext_lazy("运行管理"), "icon": "activity",
             "key": "operation"}]
