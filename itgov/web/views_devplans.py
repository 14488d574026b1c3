"""Pages of the development plan (art. 6) and the reserve library (art. 7). Each view parses input and calls a
service or selector of itgov.planning; powers and rules are decided there (the API calls the same functions)."""

from __future__ import annotations

import rules as perms
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Unit
from itgov.planning import devplan_selectors as selectors
from itgov.planning import devplan_services as services
from itgov.planning import reserve
from itgov.planning.choices import DevelopmentPlanStatus
from itgov.planning.devplan_forms import DevelopmentPlanForm, PlanTaskForm
from itgov.rules.registry import Case, enforce_rule, get_rule

from .errors import domain_errors, merge_errors
from .forms import bootstrap

RESERVE_PER_PAGE = 20
FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
PLAN_FIELDS = ("name", "start_year", "end_year")
TASK_FIELDS = ("number", "title", "description", "lead_unit_id")


# --- page forms: the service's forms with page widgets, so its errors land on the fields shown -------------


class PlanPageForm(DevelopmentPlanForm):
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update(min="2000", max="2100", inputmode="numeric")
        self.fields["name"].widget.attrs.update(maxlength="120", placeholder=_("例如:鼓楼区“十五五”政务信息化发展规划"))
        bootstrap(self)


def _lead_units():
    return list(Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SUPERVISION_FIRM).order_by("kind", "code"))


class TaskPageForm(PlanTaskForm):
    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit_id"].widget = forms.Select(
            choices=[("", _("不设牵头单位")), *[(u.pk, u.name) for u in units]])
        self.fields["number"].widget.attrs.update(maxlength="10", placeholder=_("如:1 或 2.3"))
        self.fields["title"].widget.attrs.update(maxlength="120")
        bootstrap(self)


class VersionForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31)


def _version(request) -> int | None:
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]})
    return form.cleaned_data.get("version")


def _no_power() -> Forbidden:
    """A 403 citing art. 6 for a page only DRC may open (nothing is attempted, so nothing is audited; the
    service audits a refused POST)."""
    rule = get_rule(services.POWER_RULE)
    return Forbidden(_("%(message)s(%(article)s)") % {"message": rule.message, "article": rule.citation},
                     article=rule.citation)


def _read_only(plan) -> None:
    """A 422 citing art. 6 for an edit page of a published (or superseded) edition."""
    enforce_rule("art6.published_plan_read_only", Case(subject=plan, action="devplan.update"))


# --- the development plan ------------------------------------------------------------------------------------


def _list_page(request, *, form=None, error=None, status=200):
    user = request.user
    if not perms.has_perm("planning.view_devplans", user):
        raise Forbidden()
    plans = list(selectors.plans_visible_to(user).annotate(task_count=Count("tasks")))
    can_compile = perms.has_perm("planning.compile_devplan", user)
    if form is None and can_compile:
        form = PlanPageForm()
    if form is not None and error is not None:
        merge_errors(form, error)
    current = selectors.current_plan()
    return render(request, "web/devplans/list.html", {"plans": plans, "form": form if can_compile else None,
                                                     "error": error, "current": current}, status=status)


@require_safe
@domain_errors
def devplan_list(request):
    return _list_page(request)


@require_http_methods(["POST"])
@domain_errors
def devplan_create(request):
    data = {name: request.POST.get(name, "") for name in PLAN_FIELDS}
    try:
        plan = services.devplan_create(actor=request.user, data=data)
    except FORM_ERRORS as exc:
        return _list_page(request, form=PlanPageForm(data=data), error=exc, status=exc.status)
    messages.success(request, _("已起草发展规划“%(name)s”,请添加重点任务后发布") % {"name": plan.name})
    return redirect("web:devplan_detail", plan_id=plan.pk)


def _detail_page(request, plan, *, plan_form=None, task_form=None, error=None, status=200):
    user = request.user
    can_edit = perms.has_perm("planning.compile_devplan", user) and plan.status == DevelopmentPlanStatus.DRAFT
    can_revise = (perms.has_perm("planning.compile_devplan", user) and plan.status == DevelopmentPlanStatus.PUBLISHED
                  and not hasattr(plan, "revision"))
    units = _lead_units() if can_edit else []
    if can_edit and plan_form is None:
        plan_form = PlanPageForm(initial={**{n: getattr(plan, n) for n in PLAN_FIELDS}, "version": plan.version})
    if can_edit and task_form is None:
        task_form = TaskPageForm(units=units)
    for form in (plan_form, task_form):
        if form is not None and error is not None and form.is_bound:
            merge_errors(form, error)
    cov = selectors.coverage(user, plan)
    return render(request, "web/devplans/detail.html", {
        "plan": plan, "coverage": cov, "editions": selectors.editions(plan), "can_edit": can_edit,
        "can_revise": can_revise, "plan_form": plan_form if can_edit else None,
        "task_form": task_form if can_edit else None, "error": error,
        "revision": getattr(plan, "revision", None) if plan.status == DevelopmentPlanStatus.PUBLISHED else None,
    }, status=status)


@require_safe
@domain_errors
def devplan_detail(request, plan_id):
    return _detail_page(request, selectors.access_plan_by_id(request.user, plan_id))


@require_http_methods(["POST"])
@domain_errors
def devplan_update(request, plan_id):
    user = request.user
    plan = selectors.access_plan_by_id(user, plan_id)
    data = {name: request.POST.get(name, "") for name in PLAN_FIELDS}
    form = PlanPageForm(data={**data, "version": request.POST.get("version", "")})
    try:
        fresh = services.devplan_update(actor=user, plan=plan, data=data, expected_version=_version(request))
    except FORM_ERRORS as exc:
        return _detail_page(request, plan, plan_form=form, error=exc, status=exc.status)
    messages.success(request, _("已保存发展规划“%(name)s”") % {"name": fresh.name})
    return redirect("web:devplan_detail", plan_id=plan.pk)


@require_http_methods(["POST"])
@domain_errors
def devplan_publish(request, plan_id):
    user = request.user
    plan = selectors.access_plan_by_id(user, plan_id)
    try:
        fresh = services.devplan_publish(actor=user, plan=plan, expected_version=_version(request))
    except FORM_ERRORS as exc:
        return _detail_page(request, plan, error=exc, status=exc.status)
    if fresh.supersedes_id:
        messages.success(request, _("已发布第%(n)d版,原版本已被替代") % {"n": fresh.edition})
    else:
        messages.success(request, _("已发布发展规划“%(name)s”") % {"name": fresh.name})
    return redirect("web:devplan_detail", plan_id=plan.pk)


@require_http_methods(["POST"])
@domain_errors
def devplan_revise(request, plan_id):
    user = request.user
    plan = selectors.access_plan_by_id(user, plan_id)
    try:
        draft = services.devplan_revise(actor=user, plan=plan, expected_version=_version(request))
    except FORM_ERRORS as exc:
        return _detail_page(request, plan, error=exc, status=exc.status)
    messages.success(request, _("已生成第%(n)d版修订稿;发布后替代现行版本") % {"n": draft.edition})
    return redirect("web:devplan_detail", plan_id=draft.pk)


@require_http_methods(["POST"])
@domain_errors
def devplan_task_add(request, plan_id):
    user = request.user
    plan = selectors.access_plan_by_id(user, plan_id)
    data = {name: request.POST.get(name, "") for name in TASK_FIELDS}
    try:
        task = services.task_add(actor=user, plan=plan, data=data)
    except FORM_ERRORS as exc:
        form = TaskPageForm(data=data, units=_lead_units())
        return _detail_page(request, plan, task_form=form, error=exc, status=exc.status)
    messages.success(request, _("已新增任务“%(n)s. %(t)s”") % {"n": task.number, "t": task.title})
    return redirect("web:devplan_detail", plan_id=plan.pk)


def _task_page(request, task, form, *, error=None, status=200):
    if error is not None:
        merge_errors(form, error)
    return render(request, "web/devplans/task_edit.html", {"task": task, "plan": task.plan, "form": form,
                                                           "error": error}, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def devplan_task_edit(request, task_id):
    user = request.user
    task = selectors.access_task_by_id(user, task_id)
    if request.method == "POST":
        data = {name: request.POST.get(name, "") for name in TASK_FIELDS}
        form = TaskPageForm(data=data, units=_lead_units())
        try:
            fresh = services.task_update(actor=user, task=task, data=data)
        except FORM_ERRORS as exc:
            return _task_page(request, task, form, error=exc, status=exc.status)
        messages.success(request, _("已保存任务“%(n)s. %(t)s”") % {"n": fresh.number, "t": fresh.title})
        return redirect("web:devplan_detail", plan_id=task.plan_id)
    if not perms.has_perm("planning.compile_devplan", user):
        raise _no_power()
    _read_only(task.plan)
    initial = {name: getattr(task, name) for name in TASK_FIELDS}
    return _task_page(request, task, TaskPageForm(initial=initial, units=_lead_units()))


@require_http_methods(["POST"])
@domain_errors
def devplan_task_remove(request, task_id):
    user = request.user
    task = selectors.access_task_by_id(user, task_id)
    try:
        services.task_remove(actor=user, task=task)
    except FORM_ERRORS as exc:
        return _detail_page(request, task.plan, error=exc, status=exc.status)
    messages.success(request, _("已删除任务“%(n)s. %(t)s”") % {"n": task.number, "t": task.title})
    return redirect("web:devplan_detail", plan_id=task.plan_id)


# --- the reserve library -------------------------------------------------------------------------------------


class ReservePageForm(reserve.ReserveFilterForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("min_wan", "max_wan"):
            self.fields[name].widget.attrs.update(step="any", min="0", inputmode="decimal")
        self.fields["year"].widget.attrs.update(min="2000", max="2100", inputmode="numeric",
                                                placeholder=gettext_lazy("如:2026"))
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)


@require_safe
@domain_errors
def reserve_list(request):
    user = request.user
    if not perms.has_perm("planning.view_reserve", user):
        raise Forbidden()
    form = ReservePageForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters() if form.is_bound and valid else {}
    qs = reserve.reserve_projects(user, filters)
    page = Paginator(qs, RESERVE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"
    response = render(request, "web/reserve/_results.html" if partial else "web/reserve/list.html", {
        "form": form, "page": page, "export_query": query.urlencode(),
    }, status=200 if valid else 400)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@domain_errors
def reserve_export(request):
    user = request.user
    if not perms.has_perm("planning.view_reserve", user):
        raise Forbidden()
    form = reserve.ReserveFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise InvalidInput(fields={k: [str(e) for e in v] for k, v in form.errors.items()})
    filters = form.filters() if form.is_bound else {}
    content = reserve.reserve_export(user, filters, description=form.description() if form.is_bound else "*")
    response = HttpResponse(content, content_type=reserve.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="reserve.xlsx"'
    return response


# URL patterns of these pages (in the `web` namespace), the navigation section each belongs to, and the
# navigation entries they add (see context_processors.navigation).
urlpatterns: list = [
    path("development-plans/", devplan_list, name="devplan_list"),
    path("development-plans/new/", devplan_create, name="devplan_create"),
    re_path(r"^development-plans/(?P<plan_id>[0-9]{1,18})/$", devplan_detail, name="devplan_detail"),
    re_path(r"^development-plans/(?P<plan_id>[0-9]{1,18})/edit/$", devplan_update, name="devplan_update"),
    re_path(r"^development-plans/(?P<plan_id>[0-9]{1,18})/publish/$", devplan_publish, name="devplan_publish"),
    re_path(r"^development-plans/(?P<plan_id>[0-9]{1,18})/revise/$", devplan_revise, name="devplan_revise"),
    re_path(r"^development-plans/(?P<plan_id>[0-9]{1,18})/tasks/new/$", devplan_task_add, name="devplan_task_add"),
    re_path(r"^plan-tasks/(?P<task_id>[0-9]{1,18})/edit/$", devplan_task_edit, name="devplan_task_edit"),
    re_path(r"^plan-tasks/(?P<task_id>[0-9]{1,18})/remove/$", devplan_task_remove, name="devplan_task_remove"),
    path("reserve/", reserve_list, name="reserve_list"),
    path("reserve/export.xlsx", reserve_export, name="reserve_export"),
]
SECTIONS: dict[str, str] = {
    **dict.fromkeys(("devplan_list", "devplan_create", "devplan_detail", "devplan_update", "devplan_publish",
                     "devplan_revise", "devplan_task_add", "devplan_task_edit", "devplan_task_remove"), "devplans"),
    "reserve_list": "reserve", "reserve_export": "reserve",
}


def nav_items(user) -> list[dict]:
    items = []
    if perms.has_perm("planning.view_devplans", user):
        items.append({"url": reverse("web:devplan_list"), "label": _("发展规划"), "icon": "signpost-split",
                      "key": "devplans"})
    if perms.has_perm("planning.view_reserve", user):
        items.append({"url": reverse("web:reserve_list"), "label": _("储备库"), "icon": "archive", "key": "reserve"})
    return items
