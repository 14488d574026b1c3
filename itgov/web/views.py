"""Pages. Each view parses input, calls a service or selector of the domain apps and renders; permissions
and the rules of the measures are decided there, never here (the API calls the same functions).
A DomainError that escapes a view is rendered with its status by `errors.domain_errors`."""

from __future__ import annotations

from decimal import Decimal

import rules as perms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from itgov.access.scoping import unit_in_scope
from itgov.accounts.choices import Role
from itgov.audit import access as audit_access
from itgov.audit import events
from itgov.audit.export import csv_lines
from itgov.audit.models import AuditEvent
from itgov.audit.selectors import audit_events_search
from itgov.audit.services import audit_record_now
from itgov.catalogue import selectors as catalogue_selectors
from itgov.construction.models import RiskRating
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Jurisdiction, Unit
from itgov.planning import plan_selectors
from itgov.planning import selectors as planning_selectors
from itgov.planning import services as planning_services
from itgov.planning.choices import LineStatus, LineType, PlanClass
from itgov.planning.models import DeclarationLine
from itgov.projects import selectors, services
from itgov.projects.choices import MAIN_LINE, ON_LINE_AS, ProjectStatus
from itgov.projects.forms import ProjectForm
from itgov.projects.policies import can_list_projects
from itgov.projects.workflow import TRANSITIONS
from itgov.rules.parameters import PARAMETERS
from itgov.rules.profiles import parameters_in_force, profile_in_force
from itgov.rules.registry import all_rules, get_rule

from .errors import domain_errors, merge_errors
from .forms import (
    AuditFilterForm,
    DeclarationExceptionPageForm,
    DeclarationLinePageForm,
    ProjectFilterForm,
    RoundPageForm,
    TransitionForm,
    WithdrawLineForm,
    parse_version,
    project_data,
    shanghai_moment,
)
from .htmx import is_partial
from .templatetags.itgov_web import shanghai
from .views_application import approval_card
from .views_security import similar_panel

# A project's information system is registered from its approval on (art. 27: the data resources it produces).
SYSTEM_STATUSES = ("approved", "budgeted", "in_construction", "suspended", "trial_operation", "acceptance_applied",
                   "rectifying", "accepted", "in_operation")
PROJECTS_PER_PAGE = 20
AUDIT_PER_PAGE = 50
TODO_LIMIT = 20
ACTIVITY_LIMIT = 10
HISTORY_LIMIT = 100
# The form errors the project and transition pages show next to the form (the rest become error pages).
FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)


# --- sign-in ---------------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login with AuthenticationForm; django-axes locks a username after 5 failures (its middleware
    then answers with web/locked_out.html). Sign-ins are audited by itgov.accounts.receivers."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


login_view = LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()  # POST only (Django 5)


# --- workbench -------------------------------------------------------------------------------------------


def awaiting_action(user):
    """The first items of 我的待办, each with the forward actions the user may run on it now."""
    qs = selectors.projects_awaiting_action(user)
    total = qs.count()
    items = []
    for project in qs[:TODO_LIMIT]:
        actions = [t for t in selectors.available_transitions(user, project) if t.name != "withdraw"]
        step = (approval_step(user, project) or control_step(user, project) or acceptance_step(user, project)
                or operation_step(user, project))
        if actions or step:
            items.append({"project": project, "actions": actions, "step": step})
    return items, total


def approval_step(user, project) -> dict | None:
    """The page where the user takes a project's next approval step (art. 14–16, 28, 15), for 我的待办."""
    from itgov.accounts.choices import Role
    from itgov.projects.choices import ProjectStatus as S
    from itgov.projects.policies import is_project_owner

    if project.status == S.PLANNED:
        label = _("编制立项申请") if is_project_owner(user, project) else _("确认联合申请")
        return {"url": reverse("web:application_detail", args=[project.pk]), "label": label}
    if project.status in (S.INITIATION_SUBMITTED, S.UNDER_REVIEW) and user.has_role(Role.DRC):
        return {"url": reverse("web:approval_review", args=[project.pk]), "label": _("立项审查")}
    if project.status == S.UNDER_REVIEW and user.has_role(Role.EXPERT):
        return {"url": reverse("web:expert_opinion", args=[project.pk]), "label": _("提交评审意见")}
    if project.status == S.APPROVED and user.has_role(Role.FINANCE):
        return {"url": reverse("web:approval_budget", args=[project.pk]), "label": _("编列项目预算")}
    return None


def control_step(user, project) -> dict | None:
    """The construction step waiting for the user on this project (art. 19–21), from the marks the to-do query
    annotated (construction.selectors.with_control_marks)."""
    from itgov.accounts.choices import Role
    from itgov.projects.choices import ProjectStatus as S
    from itgov.projects.policies import is_project_owner

    owner, drc = is_project_owner(user, project), user.has_role(Role.DRC)
    bureau = drc or user.has_role(Role.FINANCE)
    url = reverse("web:construction_detail", args=[project.pk])
    for applies, label, anchor in (
        (owner and project.status == S.BUDGETED, _("开工建设"), ""),
        (owner and project.rectification_ordered, _("报送整改情况"), "#incidents"),
        (drc and project.change_waiting, _("审批变更申请"), "#changes"),
        (bureau and project.incident_open, _("处理重大问题"), "#incidents"),
        (bureau and project.rectification_submitted, _("审核整改情况"), "#incidents"),
    ):
        if applies:
            return {"url": url + anchor, "label": label}
    return None


def acceptance_step(user, project) -> dict | None:
    """The acceptance step waiting for the user on this project (art. 22, 23), from the marks the to-do query
    annotated (acceptance.selectors.with_acceptance_marks)."""
    from itgov.accounts.choices import Role
    from itgov.projects.choices import ProjectStatus as S
    from itgov.projects.policies import is_project_owner

    owner = is_project_owner(user, project)
    url = reverse("web:acceptance_detail", args=[project.pk])
    for applies, label in (
        (owner and project.status == S.TRIAL_OPERATION, _("申请竣工验收")),
        (owner and project.status == S.RECTIFYING, _("验收整改并重新申请")),
        (owner and project.status in (S.ACCEPTED, S.IN_OPERATION) and not project.acceptance_filed,
         _("验收结果报财政局备案")),
        (user.has_role(Role.DRC) and project.status == S.ACCEPTANCE_APPLIED,
         _("作出验收结论") if project.acceptance_open else _("安排竣工验收")),
        (user.has_role(Role.EXPERT) and project.status == S.ACCEPTANCE_APPLIED, _("提交验收意见")),
        (user.has_role(Role.FINANCE) and project.filing_unreceived, _("确认验收备案")),
    ):
        if applies:
            return {"url": url, "label": label}
    return None


def operation_step(user, project) -> dict | None:
    """The operation step waiting for the user on this project (art. 23, 24, 12): go live, report the
    self-evaluation, decide the O&M funds (the to-do query chose the projects; operation.selectors)."""
    from itgov.projects.choices import ProjectStatus as S
    from itgov.projects.policies import is_project_owner

    owner = is_project_owner(user, project)
    url = reverse("web:operation_detail", args=[project.pk])
    for applies, label in (
        (owner and project.status == S.ACCEPTED, _("投入正式运行")),
        (owner and project.status == S.IN_OPERATION, _("报送绩效自评价")),
        (user.has_role(Role.FINANCE) and project.funding_waiting, _("审核运维经费")),
    ):
        if applies:
            return {"url": url, "label": label}
    return None


def data_security_todo(user) -> list[dict]:
    """The catalogue's and security's work waiting for the user (art. 29, 30), beside the projects': the sharing
    requests its unit must answer (overdue ones apart), and the assessments and findings of the systems it may read
    (its own; every unit's for the Cyberspace Office and DRC) that are overdue, missing or due soon. Each with the
    page that lists them. A constant number of queries."""
    from django.db.models import Count, Q

    from itgov.catalogue.choices import RequestState
    from itgov.catalogue.selectors import requests_filtered
    from itgov.security.policies import reads_security_board
    from itgov.security.selectors import security_totals

    items = []
    today = local_today()
    if user.has_role(Role.OWNER):
        counts = (requests_filtered(user, direction="received", today=today).filter(status="pending")
                  .aggregate(n=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))))
        overdue, waiting = counts["overdue"], counts["n"] - counts["overdue"]
        sharing = reverse("web:sharing_list")
        if overdue:
            items.append({"label": _("共享申请逾期未答复"), "count": overdue, "badge": "text-bg-danger",
                          "url": f"{sharing}?direction=received&status={RequestState.OVERDUE}"})
        if waiting:
            items.append({"label": _("待答复的共享申请"), "count": waiting, "badge": "text-bg-primary",
                          "url": f"{sharing}?direction=received&status={RequestState.PENDING}"})
    if user.has_role(Role.OWNER) or reads_security_board(user):
        totals = security_totals(user, today)
        url = reverse("web:security_board") if reads_security_board(user) else reverse("web:catalogue_systems")
        for count, label, badge in (
                (totals.overdue + totals.missing, _("安全测评逾期或未测评的系统"), "text-bg-danger"),
                (totals.overdue_findings, _("逾期未整改的安全问题"), "text-bg-danger"),
                (totals.due_soon, _("安全测评即将到期的系统"), "text-bg-warning"),
                (totals.open_findings - totals.overdue_findings, _("待整改的安全问题"), "text-bg-primary")):
            if count:
                items.append({"label": label, "count": count, "badge": badge, "url": url})
    return items


def recent_activity(user):
    """The latest project events on projects the user may see: one query, whatever the numbers."""
    visible_ids = selectors.projects_visible_to(user).values("pk")
    return list(AuditEvent.objects.filter(project_id__in=visible_ids, event_type__startswith="project.")
                .order_by("-seq")[:ACTIVITY_LIMIT])


@require_safe
@domain_errors
def home(request):
    user = request.user
    todo, todo_total = awaiting_action(user)
    return render(request, "web/home.html", {
        "todo": todo, "todo_total": todo_total, "activity": recent_activity(user),
        "data_todo": data_security_todo(user),
        "can_add": perms.has_perm("projects.add_project", user), "can_list": can_list_projects(user),
    })


# --- projects --------------------------------------------------------------------------------------------


@require_safe
@domain_errors
def project_list(request):
    user = request.user
    if not can_list_projects(user):
        raise Forbidden()
    form = ProjectFilterForm(request.GET or None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    qs = form.apply(selectors.projects_visible_to(user)).order_by("-updated_at", "-id")
    page = Paginator(qs, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_add": perms.has_perm("projects.add_project", user)}
    template = "web/projects/_results.html" if is_partial(request) else "web/projects/list.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def stepper(project) -> list[dict]:
    """The main line of the life (choices.MAIN_LINE) with the project's place on it."""
    withdrawn = project.status == ProjectStatus.WITHDRAWN
    status = ON_LINE_AS.get(project.status, project.status)
    position = MAIN_LINE.index(status) if status in MAIN_LINE else -1
    steps = []
    for i, status in enumerate(MAIN_LINE):
        state = "muted" if withdrawn else ("done" if i < position else "current" if i == position else "todo")
        steps.append({"label": status.label, "state": state, "number": i + 1})
    return steps


@require_safe
@domain_errors
def project_detail(request, project_id):
    user = request.user
    project = selectors.access_project_by_id(user, project_id)
    history = list(selectors.project_history(project, user)[:HISTORY_LIMIT])
    return render(request, "web/projects/detail.html", {
        "project": project,
        "steps": stepper(project),
        "transitions": selectors.available_transitions(user, project),
        "can_edit": selectors.can_edit(user, project),
        "can_export_dossier": perms.has_perm("oversight.export_dossier", user, project),
        # Art. 5: a classified project shows minimal metadata only.
        "compliance": [] if project.classified else selectors.project_compliance(project, actor=user),
        "history": history,
        "history_truncated": len(history) == HISTORY_LIMIT,
        # Art. 8: no plan, no money — the issued lines of the annual investment plan that fund the project.
        "funding": [] if project.classified else plan_selectors.funding_history(project),
        "can_view_plans": perms.has_perm("planning.view_plans", user),
        # Art. 14–17: the initiation approval's card (code, application, baseline, budget).
        "approval": approval_card(user, project),
        # Art. 19–21: the risk rating of a project being built (the IT Dashboard's colours), with its flags.
        "risk": None if project.classified else RiskRating.objects.filter(project=project).first(),
        # Art. 27, 30: the information systems it built (their catalogue entries and security); art. 3, 18: for DRC,
        # the existing systems, projects and resources most like it (集约建设).
        "systems": list(catalogue_selectors.systems_visible_to(user).filter(project=project).order_by("seq")),
        "can_register_system": (project.status in SYSTEM_STATUSES
                                and perms.has_perm("catalogue.register_system", user)
                                and perms.has_perm("projects.change_project", user, project)),
        "similar": similar_panel(user, project),
    })


def _polish(form):
    """Display only: readable empty choices instead of Django's dashes."""
    for name in ("kind", "construction_type"):
        field = form.fields[name]
        field.choices = [("", _("请选择")), *[c for c in field.choices if c[0] != ""]]
    form.fields["plan_task"].empty_label = _("不关联规划任务")
    return form


def _project_form_page(request, form, *, project=None, error=None, status=200):
    _polish(form)
    if error is not None:
        merge_errors(form, error)
    return render(request, "web/projects/form.html", {
        "form": form, "project": project, "error": error,
        "version": form.data.get("version") if form.is_bound else (project.version if project else None),
    }, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def project_create(request):
    user = request.user
    if request.method == "POST":
        data = project_data(request.POST)
        try:
            project = services.project_create(actor=user, data=data)
        except FORM_ERRORS as exc:
            return _project_form_page(request, ProjectForm(data=data), error=exc, status=exc.status)
        messages.success(request, _("已创建项目草稿“%(name)s”") % {"name": project.name})
        return redirect("web:project_detail", project_id=project.pk)
    if not perms.has_perm("projects.add_project", user):
        raise Forbidden()
    return _project_form_page(request, ProjectForm())


@require_http_methods(["GET", "POST"])
@domain_errors
def project_edit(request, project_id):
    user = request.user
    project = selectors.access_project_by_id(user, project_id)
    if request.method == "POST":
        data = project_data(request.POST)
        form = ProjectForm(data={**data, "version": request.POST.get("version", "")}, instance=project)
        try:
            version = parse_version(request.POST.get("version"))
        except ValueError:
            return _project_form_page(request, form, project=project,
                                      error=InvalidInput(fields={"version": _("版本号无效,请刷新后重试")}),
                                      status=400)
        try:
            project = services.project_update(actor=user, project=project, data=data, expected_version=version)
        except FORM_ERRORS as exc:
            return _project_form_page(request, form, project=project, error=exc, status=exc.status)
        messages.success(request, _("已保存项目草稿“%(name)s”") % {"name": project.name})
        return redirect("web:project_detail", project_id=project.pk)
    if not perms.has_perm("projects.change_project", user, project):
        raise Forbidden()
    if not selectors.can_edit(user, project):
        raise Conflict(_("只有草稿状态的项目可以修改"))
    return _project_form_page(request, ProjectForm(instance=project), project=project)


def _transition_page(request, project, t, form, *, error=None, status=200):
    if error is not None:
        merge_errors(form, error)
    return render(request, "web/projects/action.html",
                  {"project": project, "transition": t, "form": form, "error": error}, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def project_action(request, project_id, name):
    user = request.user
    project = selectors.access_project_by_id(user, project_id)
    t = TRANSITIONS.get(name)
    if t is None:
        raise NotFound()
    if request.method == "POST":
        form = TransitionForm(request.POST, transition=t, project=project)
        if not form.is_valid():
            return _transition_page(request, project, t, form, status=400)
        try:
            fresh = services.project_transition(actor=user, project=project, name=t.name, data=form.action_data(),
                                                expected_version=form.cleaned_data.get("version"))
        except FORM_ERRORS as exc:
            return _transition_page(request, project, t, form, error=exc, status=exc.status)
        messages.success(request, _("已完成“%(action)s”:%(name)s") % {"action": t.label, "name": fresh.name})
        if perms.has_perm("projects.view_project", user, fresh):
            return redirect("web:project_detail", project_id=fresh.pk)
        return redirect("web:project_list")  # e.g. DRC returned it to a draft it no longer sees
    if t not in selectors.available_transitions(user, project):
        if not perms.has_perm(t.permission, user, project):
            raise Forbidden()
        raise Conflict(_("当前状态“%(s)s”不能执行“%(t)s”") % {"s": project.get_status_display(), "t": t.label})
    form = TransitionForm(transition=t, project=project, initial={"version": project.version})
    return _transition_page(request, project, t, form)


# --- rules -----------------------------------------------------------------------------------------------


@require_safe
@domain_errors
def rules_page(request):
    today = local_today()
    jurisdiction = Jurisdiction.objects.filter(code=settings.ITGOV_JURISDICTION_CODE).first()
    profile = profile_in_force(jurisdiction, today) if jurisdiction else None
    params = parameters_in_force(jurisdiction, today) if jurisdiction else {}

    def describe(name):
        spec = PARAMETERS.get(name)
        return {"name": name, "description": spec.description if spec else "",
                "article": spec.article if spec else None, "value": params.get(name), "set": name in params}

    rules = [{"rule": rule, "params": [describe(n) for n in rule.parameters]} for rule in all_rules()]
    profile_params = [describe(n) for n in (profile.parameters if profile else {})]
    return render(request, "web/rules.html", {"rules": rules, "profile": profile, "jurisdiction": jurisdiction,
                                              "profile_params": profile_params, "today": today,
                                              "jurisdiction_code": settings.ITGOV_JURISDICTION_CODE})


# --- the annual declaration (art. 8) ---------------------------------------------------------------------

LINE_FIELDS = ("project_id", "line_type", "requested_amount", "proposed_class", "justification")


def _no_power(rule_id: str) -> Forbidden:
    """A 403 citing the rule that gives the power (for a page the user may not open; nothing is attempted,
    so nothing is audited — the service audits a refused POST)."""
    rule = get_rule(rule_id)
    return Forbidden(_("%(message)s(%(article)s)") % {"message": rule.message, "article": rule.citation},
                     article=rule.citation)


def _declarable_projects(user) -> list:
    """The reserve projects the user may declare a line for: the visible ones the `planning.declare` permission
    allows (classified projects are not declared in this system, art. 5). One query."""
    if not user.has_role(Role.OWNER):
        return []
    qs = (selectors.projects_visible_to(user).filter(status__in=[ProjectStatus.IN_RESERVE, ProjectStatus.PLANNED], classified=False)
          .order_by("owner_unit__code", "name"))
    return [p for p in qs if perms.has_perm("planning.declare", user, DeclarationLine(project=p))]


def _exception_units(rnd) -> list:
    """The units DRC may grant an exception to on this page: the active departments and streets."""
    return list(Unit.objects.filter(jurisdiction=rnd.jurisdiction, is_active=True,
                                    kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET]).order_by("kind", "code"))


def _class_table(by_type_and_class: dict) -> dict:
    """The totals by line type (rows) and proposed class (columns), with each row's sum, in yuan."""
    classes = list(PlanClass)
    rows = []
    for line_type in LineType:
        cells = [by_type_and_class.get(f"{line_type.value}:{c.value}") for c in classes]
        rows.append({"label": line_type.label, "key": line_type.value, "cells": cells,
                     "total": sum((c for c in cells if c is not None), Decimal("0"))})
    return {"classes": classes, "rows": rows}


def _round_page(request, rnd, *, line_form=None, line_error=None, exception_form=None, exception_error=None,
                status=200):
    """The round's dashboard; a refused declaration or exception is shown next to its form."""
    user = request.user
    summary = planning_selectors.round_summary(user, rnd)
    lines = list(planning_selectors.lines_visible_to(user, rnd).select_related("project__owner_unit"))
    for line in lines:
        line.can_withdraw = (line.status == LineStatus.DECLARED
                             and perms.has_perm("planning.withdraw_line", user, line))
    if line_form is None and user.has_role(Role.OWNER):
        line_form = DeclarationLinePageForm(projects=_declarable_projects(user))
    if line_form is not None and line_error is not None:
        merge_errors(line_form, line_error)
    if exception_form is None and perms.has_perm("planning.grant_exception", user):
        exception_form = DeclarationExceptionPageForm(units=_exception_units(rnd))
    if exception_form is not None and exception_error is not None:
        merge_errors(exception_form, exception_error)
    now = timezone.now()
    # The exceptions still open for the user's own units, shown above the declaration form.
    own_exceptions = [row for row in summary["units"] if line_form is not None
                      and row["exception"] is not None and row["exception"].deadline >= now
                      and unit_in_scope(user, row["unit"])]
    declared = summary["declared_units"]
    return render(request, "web/declarations/detail.html", {
        "round": rnd, "window": planning_selectors.round_status(rnd), "summary": summary,
        "progress": round(declared * 100 / summary["all_units"]) if summary["all_units"] else 0,
        "classes": _class_table(summary["by_type_and_class"]), "lines": lines, "now": now,
        "declared_lines": sum(1 for line in lines if line.status == LineStatus.DECLARED),
        "line_form": line_form, "line_error": line_error, "own_exceptions": own_exceptions,
        "exception_form": exception_form, "exception_error": exception_error,
    }, status=status)


def _round_list_page(request, *, form=None, error=None, status=200):
    user = request.user
    if not perms.has_perm("planning.view_rounds", user):
        raise Forbidden()
    today = local_today()
    visible = list(planning_selectors.rounds_visible_to(user))
    windows = planning_selectors.round_statuses(visible, today=today)
    rounds = [{"round": rnd, "window": windows[rnd.pk]} for rnd in visible]
    if form is None and perms.has_perm("planning.open_round", user):
        form = RoundPageForm(initial={"year": today.year + 1})
    if form is not None and error is not None:
        merge_errors(form, error)
    return render(request, "web/declarations/list.html", {"rounds": rounds, "form": form, "error": error},
                  status=status)


@require_safe
@domain_errors
def declaration_list(request):
    return _round_list_page(request)


@require_http_methods(["POST"])
@domain_errors
def declaration_round_open(request):
    data = {name: request.POST.get(name, "") for name in ("year", "note")}
    try:
        rnd = planning_services.declaration_round_open(actor=request.user, data=data)
    except FORM_ERRORS as exc:
        return _round_list_page(request, form=RoundPageForm(data=data), error=exc, status=exc.status)
    messages.success(request, _("已发起%(year)d年度集中申报") % {"year": rnd.year})
    return redirect("web:declaration_detail", round_id=rnd.pk)


@require_safe
@domain_errors
def declaration_detail(request, round_id):
    return _round_page(request, planning_selectors.access_round_by_id(request.user, round_id))


@require_http_methods(["POST"])
@domain_errors
def declaration_line_declare(request, round_id):
    user = request.user
    rnd = planning_selectors.access_round_by_id(user, round_id)
    data = {name: request.POST.get(name, "") for name in LINE_FIELDS}
    try:
        line = planning_services.declaration_line_declare(actor=user, rnd=rnd, data=data)
    except FORM_ERRORS as exc:
        form = DeclarationLinePageForm(data=data, projects=_declarable_projects(user))
        return _round_page(request, rnd, line_form=form, line_error=exc, status=exc.status)
    messages.success(request, _("已申报“%(name)s”的%(type)s计划") % {"name": line.project.name,
                                                                   "type": line.get_line_type_display()})
    return redirect("web:declaration_detail", round_id=rnd.pk)


@require_http_methods(["POST"])
@domain_errors
def declaration_exception_grant(request, round_id):
    user = request.user
    rnd = planning_selectors.access_round_by_id(user, round_id)
    shown = {name: request.POST.get(name, "") for name in ("unit_id", "reason", "deadline")}
    try:
        exception = planning_services.declaration_exception_grant(
            actor=user, rnd=rnd, data={**shown, "deadline": shanghai_moment(shown["deadline"])})
    except FORM_ERRORS as exc:
        form = DeclarationExceptionPageForm(data=shown, units=_exception_units(rnd))
        return _round_page(request, rnd, exception_form=form, exception_error=exc, status=exc.status)
    messages.success(request, _("已批准%(unit)s在%(deadline)s前申报") % {
        "unit": exception.unit.name, "deadline": shanghai(exception.deadline)})
    return redirect("web:declaration_detail", round_id=rnd.pk)


def _withdraw_page(request, line, form, *, error=None, status=200):
    if error is not None:
        merge_errors(form, error)
    return render(request, "web/declarations/withdraw.html", {"line": line, "form": form, "error": error},
                  status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def declaration_line_withdraw(request, line_id):
    user = request.user
    line = planning_selectors.access_line_by_id(user, line_id)
    if request.method == "POST":
        form = WithdrawLineForm(request.POST)
        if not form.is_valid():
            return _withdraw_page(request, line, form, status=400)
        try:
            fresh = planning_services.declaration_line_withdraw(
                actor=user, line=line, reason=form.cleaned_data.get("reason") or "",
                expected_version=form.cleaned_data.get("version"))
        except FORM_ERRORS as exc:
            return _withdraw_page(request, line, form, error=exc, status=exc.status)
        messages.success(request, _("已撤回“%(name)s”的%(type)s计划申报") % {
            "name": fresh.project.name, "type": fresh.get_line_type_display()})
        return redirect("web:declaration_detail", round_id=fresh.round_id)
    if not perms.has_perm("planning.withdraw_line", user, line):
        raise _no_power("art8.units_declare")
    if line.status != LineStatus.DECLARED:
        raise Conflict(_("该申报已撤回"))
    return _withdraw_page(request, line, WithdrawLineForm(initial={"version": line.version}))


# --- audit -----------------------------------------------------------------------------------------------


@require_safe
@domain_errors
def audit_events(request):
    audit_access.require_audit(request.user, "audit.search")
    form = AuditFilterForm(request.GET or None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    qs = audit_events_search(**form.filters(), hidden_project_ids=selectors.classified_hidden_from(request.user))
    page = Paginator(qs, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = is_partial(request)
    layout = [("q", "col-md-6 col-lg-3"), ("event_type", "col-md-6 col-lg-3"), ("actor", "col-md-4 col-lg-2"),
              ("unit", "col-md-4 col-lg-2"), ("project_id", "col-md-4 col-lg-2"), ("since", "col-md-6 col-lg-3"),
              ("until", "col-md-6 col-lg-3")]
    context = {"form": form, "page": page, "export_query": query.urlencode(), "partial": partial,
               "form_layout": [(form[name], col) for name, col in layout]}
    template = "web/audit/_results.html" if partial else "web/audit/events.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@domain_errors
def audit_export(request):
    user = request.user
    audit_access.require_audit(user, "audit.export")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise InvalidInput(fields={k: list(v) for k, v in form.errors.items()})
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=user, object_repr="audit-events.csv",
                     reason=form.description())
    response = StreamingHttpResponse(csv_lines(audit_events_search(**form.filters(), hidden_project_ids=selectors.classified_hidden_from(request.user))),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response


# --- misc ------------------------------------------------------------------------------------------------


def healthz(request):
    return JsonResponse({"status": "ok"})
