"""Pages of the annual investment plan (art. 8–10): plans, lines, allocation, adjustments, diff.

Thin like views.py: each view parses input, calls a service or selector of itgov.planning and renders; the
power, the state, the version and the rules are decided there (a DomainError is shown with its status)."""

from __future__ import annotations

import rules as perms
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.access.scoping import is_bureau_user
from itgov.accounts.choices import Role
from itgov.audit.models import AuditEvent
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, RuleViolation
from itgov.planning import plan_selectors, plan_services
from itgov.planning.choices import AdjustmentKind, AdjustmentStatus, LineType, PlanClass, PlanStatus
from itgov.planning.forms import (
    AdjustmentForm,
    AnnualPlanForm,
    AnnualPlanUpdateForm,
    PlanLineAddForm,
    PlanLineForm,
)
from itgov.planning.models import AnnualPlan, PlanAdjustment, PlanLine
from itgov.planning.plan_workflow import ADJUSTMENT_TRANSITIONS, PLAN_TRANSITIONS
from itgov.projects import selectors as project_selectors
from itgov.projects.choices import CONSTRUCTION_DECLARABLE
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, compliance, enforce_rule

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import REASON_LIMIT, bootstrap, parse_version
from .htmx import is_partial

FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
ADJUSTMENTS_PER_PAGE = 50
ITEM_ROWS = 5  # rows of the adjustment form (a fixed number: no script needed)
ITEM_FIELDS = ("project_id", "line_type", "remove", "plan_class", "amount", "prework_amount", "skip_reason",
               "must_start_reason")
LINE_EDIT_FIELDS = ("plan_class", "amount", "prework_amount", "priority", "must_start_reason", "skip_reason", "note")
LINE_ADD_FIELDS = ("project_id", "line_type", *LINE_EDIT_FIELDS, "requested_amount")
PLANNABLE = CONSTRUCTION_DECLARABLE  # reserve projects and those continuing towards construction (art. 9)
TRUE_VALUES = {"on", "true", "1", "yes"}


# --- forms: the planning forms with page widgets (same fields, so a service's field errors land on them) ----


def _money_widgets(form, *names) -> None:
    for name in names:
        form.fields[name].widget.attrs.update(step="0.01", min="0", inputmode="decimal")


class VersionField(forms.IntegerField):
    def __init__(self):
        super().__init__(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)


class PlanCreatePageForm(AnnualPlanForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update(min="2000", max="2100", inputmode="numeric")
        self.fields["note"].widget.attrs.update(maxlength=str(REASON_LIMIT))
        _money_widgets(self, "capacity")
        bootstrap(self)


class PlanSettingsPageForm(AnnualPlanUpdateForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_widgets(self, "capacity")
        bootstrap(self)


def _with_empty(field, label) -> None:
    field.choices = [("", label), *[c for c in field.choices if c[0] != ""]]


class PlanLineAddPageForm(PlanLineAddForm):
    """`projects`: the reserve and planned projects offered (display only; the service decides)."""

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_id"].widget = forms.Select(
            choices=[("", _("请选择储备库项目")),
                     *[(p.pk, f"{p.name}({p.owner_unit.name})") for p in projects]])
        for name in ("line_type", "plan_class"):
            _with_empty(self.fields[name], _("请选择"))
        _money_widgets(self, "amount", "prework_amount", "requested_amount")
        self.fields["priority"].widget.attrs.update(min="0", max="100", placeholder="50")
        bootstrap(self)


class PlanLineEditForm(PlanLineForm):
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _money_widgets(self, "amount", "prework_amount")
        self.fields["priority"].widget.attrs.update(min="0", max="100")
        for name in ("must_start_reason", "skip_reason"):
            self.fields[name].widget.attrs.update(rows="2")
        bootstrap(self, small=True)


class ActionForm(forms.Form):
    """A transition's input: the version shown, the reason it asks for, the document number of an issue."""

    version = VersionField()

    def __init__(self, *args, transition, reason_optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if transition.needs_reason or reason_optional:
            label = _("理由") if transition.needs_reason else _("审核意见")
            self.fields["reason"] = forms.CharField(
                label=label, required=False, max_length=REASON_LIMIT,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control", "maxlength": REASON_LIMIT,
                                             **({"required": True} if transition.needs_reason else {})}))
        if "document_number" in transition.extra_fields:
            self.fields["document_number"] = forms.CharField(
                label=_("文号"), required=False, max_length=60,
                widget=forms.TextInput(attrs={"class": "form-control", "maxlength": 60,
                                              "placeholder": _("例如:鼓政发〔2027〕1号")}))

    def action_data(self) -> dict[str, str]:
        return {name: (self.cleaned_data.get(name) or "").strip() for name in ("reason", "document_number")
                if name in self.fields}


class AdjustmentPageForm(AdjustmentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.HiddenInput()
        _money_widgets(self, "new_capacity")
        self.fields["reason"].widget.attrs.update(maxlength=str(REASON_LIMIT))
        bootstrap(self)


class AdjustmentItemRow(forms.Form):
    """One row of the adjustment form, for display and its errors; the service's AdjustmentItemForm checks it."""

    project_id = forms.ChoiceField(label=gettext_lazy("项目"), required=False)
    line_type = forms.ChoiceField(label=gettext_lazy("类型"), required=False, choices=LineType.choices)
    remove = forms.BooleanField(label=gettext_lazy("调出计划"), required=False)
    plan_class = forms.ChoiceField(label=gettext_lazy("类别"), required=False)
    amount = forms.CharField(label=gettext_lazy("年度安排资金(元)"), required=False)
    prework_amount = forms.CharField(label=gettext_lazy("其中前期工作经费(元)"), required=False)
    skip_reason = forms.CharField(label=gettext_lazy("跨类别安排的理由"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 1}))
    must_start_reason = forms.CharField(label=gettext_lazy("必须开工的理由"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 1}))

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_id"].choices = [("", _("请选择项目")),
                                             *[(str(p.pk), f"{p.name}({p.owner_unit.name})") for p in projects]]
        self.fields["plan_class"].choices = [("", _("请选择")), *PlanClass.choices]
        _money_widgets(self, "amount", "prework_amount")
        bootstrap(self, small=True)


# --- helpers -------------------------------------------------------------------------------------------------


def _field_of(key: str) -> str:
    """A service's field key for a line ('lines.12.amount', 'items.7.amount') → the form field ('amount')."""
    return key.rsplit(".", 1)[-1]


def _merge_line_errors(form, exc: DomainError) -> None:
    """Like merge_errors, with a line's keyed fields put on the form's field of the same name."""
    renamed = type(exc).__new__(type(exc))
    renamed.__dict__.update(exc.__dict__)
    fields: dict[str, list[str]] = {}
    for key, values in exc.fields.items():
        name = _field_of(key)
        target = name if name in form.fields else key
        fields.setdefault(target, [])
        fields[target] += [v for v in values if v not in fields[target]]
    renamed.fields = fields
    merge_errors(form, renamed)


def _plannable_projects(user) -> list:
    """The reserve and continuing projects (not classified, art. 5) the user sees: the picker of a new line."""
    return list(project_selectors.projects_visible_to(user).filter(status__in=PLANNABLE, classified=False)
                .select_related("owner_unit").order_by("owner_unit__code", "name"))


def _export_links(plan) -> list[dict]:
    """The export links, when the documents pages provide them."""
    links = []
    for name, label, icon in (("web:plan_export_xlsx", _("导出Excel"), "file-earmark-spreadsheet"),
                              ("web:plan_export_pdf", _("导出PDF"), "file-earmark-pdf")):
        try:
            links.append({"url": reverse(name, args=[plan.pk]), "label": label, "icon": icon,
                          "key": name.rsplit("_", 1)[-1]})
        except NoReverseMatch:
            continue
    return links


def _available(transitions, user, obj) -> list:
    return [t for t in transitions.values() if obj.status in t.sources and perms.has_perm(t.permission, user, obj)]


def _visible_editions(user, plan) -> list[AnnualPlan]:
    editions = plan_selectors.editions(plan)
    if is_bureau_user(user):
        return editions
    return [e for e in editions if e.status in plan_selectors.WAS_ISSUED]


def _may_apply(user, plan, kind: str) -> bool:
    if plan.status != PlanStatus.ISSUED:
        return False
    unit = None if kind == AdjustmentKind.RELEASE else getattr(user, "unit", None)
    if kind == AdjustmentKind.CHANGE and not user.has_role(Role.OWNER):
        return False
    return perms.has_perm("planning.apply_adjustment", user, PlanAdjustment(plan=plan, kind=kind, unit=unit))


def _version_or_400(value):
    try:
        return parse_version(value)
    except ValueError:
        raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]}) from None


# --- the plan list -------------------------------------------------------------------------------------------


def _plan_list_page(request, *, form=None, error=None, status=200):
    user = request.user
    if not perms.has_perm("planning.view_plans", user):
        raise Forbidden()
    lines_q = plan_selectors.plan_lines_q(user)
    mine = Q(lines__in=PlanLine.objects.filter(lines_q)) if not is_bureau_user(user) else Q()
    plans = list(plan_selectors.plans_visible_to(user).annotate(
        line_count=Count("lines", filter=mine, distinct=True),
        total=Sum("lines__amount", filter=mine),
        a_count=Count("lines", filter=mine & Q(lines__plan_class="A"), distinct=True),
        b_count=Count("lines", filter=mine & Q(lines__plan_class="B"), distinct=True),
        c_count=Count("lines", filter=mine & Q(lines__plan_class="C"), distinct=True),
    ).order_by("-year", "-edition"))
    can_create = perms.has_perm("planning.compile_plan", user)
    if form is None and can_create:
        form = PlanCreatePageForm(initial={"year": local_today().year + 1})
    if form is not None and error is not None:
        merge_errors(form, error)
    return render(request, "web/plans/list.html", {"plans": plans, "form": form, "error": error,
                                                   "bureau": is_bureau_user(user)}, status=status)


@require_safe
@domain_errors
def plan_list(request):
    return _plan_list_page(request)


@require_http_methods(["POST"])
@domain_errors
def plan_create(request):
    data = {name: request.POST.get(name, "") for name in ("year", "capacity", "note")}
    try:
        plan = plan_services.annual_plan_create(actor=request.user, data=data)
    except FORM_ERRORS as exc:
        return _plan_list_page(request, form=PlanCreatePageForm(data=data), error=exc, status=exc.status)
    messages.success(request, _("已新建%(year)d年度投资计划(第%(n)d版)") % {"year": plan.year, "n": plan.edition})
    return redirect("web:plan_detail", plan_id=plan.pk)


# --- the workspace -------------------------------------------------------------------------------------------


def _plan_compliance(plan, lines, user) -> list[dict]:
    """The plan-scope rules on the whole edition (the bureaus' view), with the rows they name."""
    today = local_today()
    params = parameters_in_force(plan.jurisdiction, today)
    rows = compliance(Case(subject=plan, actor=user, action="plan.compliance", data={"lines": lines}, on=today),
                      params, scope="plan")
    return rows


def _flagged_lines(rows) -> dict[int, list[str]]:
    """line id → the articles of the violated rules naming it (from fields 'lines.<id>.<field>')."""
    flagged: dict[int, list[str]] = {}
    for row in rows:
        if row["status"] != "violated":
            continue
        for key in row.get("fields") or {}:
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
                articles = flagged.setdefault(int(parts[1]), [])
                if row["article"] not in articles:
                    articles.append(row["article"])
    return flagged


def _filters(request, lines) -> tuple[dict, list]:
    """The class and unit filters of the lines table (on the lines already read)."""
    plan_class = request.GET.get("plan_class", "")
    unit = request.GET.get("unit", "")
    units = sorted({(line.unit_id, line.unit.name) for line in lines}, key=lambda u: u[1])
    shown = [line for line in lines
             if (plan_class not in PlanClass.values or line.plan_class == plan_class)
             and (not unit.isdigit() or line.unit_id == int(unit))]
    return {"plan_class": plan_class if plan_class in PlanClass.values else "",
            "unit": int(unit) if unit.isdigit() else "", "units": units, "classes": PlanClass.choices}, shown


def _workspace_context(request, plan, *, add_form=None, add_error=None, settings_form=None, settings_error=None,
                       error=None) -> dict:
    user = request.user
    bureau = is_bureau_user(user)
    lines = list(plan_selectors.lines_of(user, plan))
    totals = plan_selectors.totals(plan, lines)
    rows = _plan_compliance(plan, lines, user) if bureau else []
    flagged = _flagged_lines(rows)
    for n, line in enumerate(lines, start=1):
        line.seq = n
        line.flags = flagged.get(line.pk, [])
    filters, shown = _filters(request, lines)
    can_compile = plan.status == PlanStatus.DRAFT and perms.has_perm("planning.compile_plan", user, plan)
    if can_compile and add_form is None:
        add_form = PlanLineAddPageForm(projects=_plannable_projects(user))
    if add_form is not None and add_error is not None:
        _merge_line_errors(add_form, add_error)
    if can_compile and settings_form is None:
        settings_form = PlanSettingsPageForm(initial={"capacity": plan.capacity, "note": plan.note,
                                                      "version": plan.version})
    if settings_form is not None and settings_error is not None:
        merge_errors(settings_form, settings_error)
    transitions = _available(PLAN_TRANSITIONS, user, plan)
    editions = _visible_editions(user, plan)
    current = next((e for e in editions if e.status == PlanStatus.ISSUED), None)
    pending = (list(plan_selectors.pending_adjustments(plan).filter(
        pk__in=plan_selectors.adjustments_visible_to(user).values("pk")).select_related("unit"))
        if plan.status == PlanStatus.ISSUED else [])
    return {
        "plan": plan, "lines": shown, "all_count": len(lines), "totals": totals, "bureau": bureau,
        "compliance": rows, "violations": sum(1 for r in rows if r["status"] == "violated"),
        "filters": filters, "can_compile": can_compile, "add_form": add_form, "add_error": add_error,
        "settings_form": settings_form, "settings_error": settings_error, "error": error,
        "transitions": [{"t": t, "direct": not t.needs_reason and not t.extra_fields} for t in transitions],
        "editions": editions, "current": current, "pending": pending,
        "can_apply": _may_apply(user, plan, AdjustmentKind.CHANGE),
        "can_release": _may_apply(user, plan, AdjustmentKind.RELEASE),
        "exports": _export_links(plan),
        "overrun": -totals["remaining"] if totals["remaining"] is not None and totals["remaining"] < 0 else None,
    }


def _plan_page(request, plan, *, status=200, **kwargs):
    return render(request, "web/plans/detail.html", _workspace_context(request, plan, **kwargs), status=status)


@require_safe
@domain_errors
def plan_detail(request, plan_id):
    plan = plan_selectors.access_plan_by_id(request.user, plan_id)
    if is_partial(request) and request.GET.get("part") == "summary":
        return render(request, "web/plans/_summary.html", _workspace_context(request, plan))
    return _plan_page(request, plan)


@require_http_methods(["POST"])
@domain_errors
def plan_update(request, plan_id):
    user = request.user
    plan = plan_selectors.access_plan_by_id(user, plan_id)
    data = {name: request.POST.get(name, "") for name in ("capacity", "note")}
    form = PlanSettingsPageForm(data={**data, "version": request.POST.get("version", "")})
    try:
        version = _version_or_400(request.POST.get("version"))
        plan_services.annual_plan_update(actor=user, plan=plan, data=data, expected_version=version)
    except FORM_ERRORS as exc:
        return _plan_page(request, plan, settings_form=form, settings_error=exc, status=exc.status)
    messages.success(request, _("已保存财政承受能力和说明"))
    return redirect("web:plan_detail", plan_id=plan.pk)


@require_http_methods(["POST"])
@domain_errors
def plan_compile(request, plan_id):
    user = request.user
    plan = plan_selectors.access_plan_by_id(user, plan_id)
    try:
        added = plan_services.annual_plan_compile(actor=user, plan=plan)
    except FORM_ERRORS as exc:
        return _plan_page(request, plan, error=exc, status=exc.status)
    messages.success(request, _("已汇总申报,新增%(n)d项计划事项") % {"n": added})
    return redirect("web:plan_detail", plan_id=plan.pk)


@require_http_methods(["POST"])
@domain_errors
def plan_line_add(request, plan_id):
    user = request.user
    plan = plan_selectors.access_plan_by_id(user, plan_id)
    data = {name: request.POST.get(name, "") for name in LINE_ADD_FIELDS}
    service_data = {k: v for k, v in data.items() if v != "" or k in ("project_id", "line_type", "plan_class",
                                                                       "amount")}
    try:
        line = plan_services.plan_line_add(actor=user, plan=plan, data=service_data)
    except FORM_ERRORS as exc:
        form = PlanLineAddPageForm(data=data, projects=_plannable_projects(user))
        return _plan_page(request, plan, add_form=form, add_error=exc, status=exc.status)
    messages.success(request, _("已将“%(name)s”列入计划") % {"name": line.project.name})
    return redirect("web:plan_detail", plan_id=plan.pk)


def _line_url(line) -> str:
    return reverse("web:plan_detail", args=[line.plan_id]) + f"#line-{line.pk}"


def _seq(request) -> str:
    value = request.GET.get("n") or request.POST.get("n") or ""
    return value if value.isdigit() and len(value) < 7 else ""


def _line_fragment(request, line, *, status=200, form=None, error=None):
    """The line's row of the table: its display, or its edit form (htmx); or the whole edit page."""
    user = request.user
    can_edit = line.plan.status == PlanStatus.DRAFT and perms.has_perm("planning.compile_plan", user, line.plan)
    line.seq = _seq(request)
    context = {"line": line, "plan": line.plan, "can_compile": can_edit, "form": form, "error": error,
               "seq": line.seq}
    if form is None:
        return render(request, "web/plans/_line_row.html", context, status=status)
    if error is not None:
        _merge_line_errors(form, error)
    template = "web/plans/_line_edit_row.html" if is_partial(request) else "web/plans/line_edit.html"
    return render(request, template, context, status=status)


@require_safe
@domain_errors
def plan_line_row(request, line_id):
    line = plan_selectors.access_plan_line_by_id(request.user, line_id)
    if not is_partial(request):
        return redirect(_line_url(line))
    return _line_fragment(request, line)


@require_http_methods(["GET", "POST"])
@domain_errors
def plan_line_edit(request, line_id):
    user = request.user
    line = plan_selectors.access_plan_line_by_id(user, line_id)
    plan = line.plan
    if request.method == "POST":
        data = {name: request.POST.get(name, "") for name in LINE_EDIT_FIELDS}
        form = PlanLineEditForm(data={**data, "version": request.POST.get("version", "")})
        try:
            version = _version_or_400(request.POST.get("version"))
            fresh = plan_services.plan_line_update(actor=user, line=line, data=data, expected_version=version)
        except FORM_ERRORS as exc:
            return _line_fragment(request, line, form=form, error=exc, status=exc.status)
        if is_partial(request):
            response = _line_fragment(request, fresh)
            response["HX-Trigger"] = "plan-changed"
            return response
        messages.success(request, _("已保存“%(name)s”的计划事项") % {"name": fresh.project.name})
        return redirect(_line_url(fresh))
    if not perms.has_perm("planning.compile_plan", user, plan):
        raise Forbidden()
    enforce_rule("art10.issued_plan_unchanged", Case(subject=plan, action="plan.line.update"))
    form = PlanLineEditForm(initial={**{name: getattr(line, name) for name in LINE_EDIT_FIELDS},
                                     "version": line.version})
    return _line_fragment(request, line, form=form)


@require_http_methods(["POST"])
@domain_errors
def plan_line_delete(request, line_id):
    user = request.user
    line = plan_selectors.access_plan_line_by_id(user, line_id)
    plan = line.plan
    try:
        version = _version_or_400(request.POST.get("version"))
        plan_services.plan_line_delete(actor=user, line=line, expected_version=version)
    except FORM_ERRORS as exc:
        return _plan_page(request, plan, error=exc, status=exc.status)
    messages.success(request, _("已将“%(name)s”移出计划") % {"name": line.project.name})
    return redirect("web:plan_detail", plan_id=plan.pk)


# --- status ------------------------------------------------------------------------------------------------------


def _plan_action_page(request, plan, t, form, *, error=None, status=200):
    if error is not None:
        merge_errors(form, error)
    return render(request, "web/plans/action.html", {"plan": plan, "transition": t, "form": form, "error": error},
                  status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def plan_action(request, plan_id, name):
    user = request.user
    plan = plan_selectors.access_plan_by_id(user, plan_id)
    t = PLAN_TRANSITIONS.get(name)
    if t is None:
        raise NotFound()
    if request.method == "POST":
        form = ActionForm(request.POST, transition=t)
        if not form.is_valid():
            return _plan_action_page(request, plan, t, form, status=400)
        try:
            fresh = plan_services.plan_transition(actor=user, plan=plan, name=t.name, data=form.action_data(),
                                                  expected_version=form.cleaned_data.get("version"))
        except FORM_ERRORS as exc:
            return _plan_action_page(request, plan, t, form, error=exc, status=exc.status)
        messages.success(request, _("已完成“%(action)s”:%(plan)s") % {"action": t.label, "plan": fresh})
        return redirect("web:plan_detail", plan_id=fresh.pk)
    if not perms.has_perm(t.permission, user, plan):
        raise Forbidden()
    if plan.status not in t.sources:
        raise Conflict(_("当前状态“%(s)s”不能执行“%(t)s”") % {"s": plan.get_status_display(), "t": t.label})
    return _plan_action_page(request, plan, t, ActionForm(transition=t, initial={"version": plan.version}))


# --- the allocation helper -----------------------------------------------------------------------------------


def _allocation_page(request, plan, *, error=None, status=200):
    user = request.user
    notice = None
    try:
        allocation = plan_services.plan_allocation(actor=user, plan=plan)
    except InvalidInput as exc:  # no capacity yet: nothing to share
        allocation, notice = None, exc
    lines = {line.pk: line for line in plan_selectors.lines_of(user, plan)}
    decisions = [{"d": d, "line": lines.get(d.line_id)} for d in allocation.decisions] if allocation else []
    can_allocate = (allocation is not None and plan.status == PlanStatus.DRAFT
                    and perms.has_perm("planning.compile_plan", user, plan))
    return render(request, "web/plans/allocation.html", {
        "plan": plan, "allocation": allocation, "decisions": decisions, "notice": notice, "error": error,
        "can_allocate": can_allocate,
        "changed": sum(1 for row in decisions if row["line"] is not None and row["line"].amount != row["d"].proposed),
    }, status=status)


@require_safe
@domain_errors
def plan_allocation(request, plan_id):
    return _allocation_page(request, plan_selectors.access_plan_by_id(request.user, plan_id))


@require_http_methods(["POST"])
@domain_errors
def plan_allocate(request, plan_id):
    user = request.user
    plan = plan_selectors.access_plan_by_id(user, plan_id)
    try:
        version = _version_or_400(request.POST.get("version"))
        allocation = plan_services.plan_allocate(actor=user, plan=plan, expected_version=version)
    except FORM_ERRORS as exc:
        return _allocation_page(request, plan, error=exc, status=exc.status)
    funded = sum(1 for d in allocation.decisions if d.funded)
    messages.success(request, _("已按建议安排B类项目:%(funded)d项安排资金,%(waiting)d项待年中结余安排") % {
        "funded": funded, "waiting": len(allocation.decisions) - funded})
    return redirect("web:plan_detail", plan_id=plan.pk)


# --- the difference between two editions ---------------------------------------------------------------------


@require_safe
@domain_errors
def plan_diff(request, plan_id):
    user = request.user
    plan = plan_selectors.access_plan_by_id(user, plan_id)
    editions = _visible_editions(user, plan)
    others = [e for e in editions if e.pk != plan.pk]
    raw = request.GET.get("other", "")
    error, other, status = None, None, 200
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            error = InvalidInput(fields={"other": [_("请选择要对比的版本")]})
        else:
            other = next((e for e in others if e.pk == int(raw)), None)
            if other is None:
                error = InvalidInput(fields={"other": [_("只能对比同一年度的其他版本")]})
        status = 400 if error else 200
    elif plan.based_on_id:
        other = next((e for e in others if e.pk == plan.based_on_id), None)
    elif others:
        other = others[0]
    result = None
    if other is not None:
        old, new = (other, plan) if other.edition < plan.edition else (plan, other)
        lines_q = None if is_bureau_user(user) else plan_selectors.plan_lines_q(user)
        result = plan_selectors.diff(old, new, lines_q=lines_q)
        counts = {k: sum(1 for r in result["rows"] if r["change"] == k) for k in ("added", "removed", "changed")}
        result["counts"] = counts
        result["delta"] = result["new_total"] - result["old_total"]
    return render(request, "web/plans/diff.html", {
        "plan": plan, "other": other, "others": others, "diff": result, "error": error,
        "bureau": is_bureau_user(user)}, status=status)


# --- adjustments (art. 10) -----------------------------------------------------------------------------------


def _adjustment_projects(user, plan, kind) -> list:
    """The projects the apply form offers: a unit's own projects in the edition or in the reserve; for DRC's
    mid-year release, the edition's projects."""
    from itgov.projects.models import Project

    in_plan = plan.lines.values("project_id")
    if kind == AdjustmentKind.RELEASE:
        qs = Project.objects.filter(pk__in=in_plan)
    else:
        qs = project_selectors.projects_visible_to(user).filter(
            Q(pk__in=in_plan) | Q(status__in=PLANNABLE)).filter(classified=False)
    return list(qs.select_related("owner_unit").order_by("owner_unit__code", "name"))


def _item_rows(post=None, *, projects=(), error=None) -> tuple[list[AdjustmentItemRow], set[str]]:
    """The form's item rows, with a service's item errors put on their row; also the error keys placed.
    Shape errors name a row by its index (items.<i>.<field>); eligibility and rule errors by the project
    (items.<project id>.<field>)."""
    rows, placed = [], set()
    for i in range(ITEM_ROWS):
        data = None if post is None else {f"items-{i}-{name}": post.get(f"items-{i}-{name}", "")
                                          for name in ITEM_FIELDS}
        rows.append(AdjustmentItemRow(data=data, projects=projects, prefix=f"items-{i}"))
    if error is None:
        return rows, placed
    by_project = isinstance(error, RuleViolation) or error.message != str(InvalidInput.default_message)
    filled = [i for i in range(ITEM_ROWS) if post is not None and str(post.get(f"items-{i}-project_id", "")).strip()]
    for n, i in enumerate(filled):
        row = rows[i]
        key = str(post.get(f"items-{i}-project_id", "")).strip() if by_project else str(n)
        prefix = f"items.{key}."
        row.errors  # noqa: B018 — run the row's own (display) validation once
        for name, values in error.fields.items():
            if name.startswith(prefix) and _field_of(name) in row.fields:
                placed.add(name)
                for value in values:
                    if value not in row.errors.get(_field_of(name), []):
                        row.add_error(_field_of(name), value)
    return rows, placed


def _post_items(post) -> list[dict]:
    items = []
    for i in range(ITEM_ROWS):
        row = {name: str(post.get(f"items-{i}-{name}", "")).strip() for name in ITEM_FIELDS}
        if not row["project_id"]:
            continue
        row["remove"] = row["remove"].lower() in TRUE_VALUES
        items.append({k: v for k, v in row.items() if v != ""})
    return items


def _apply_page(request, plan, kind, *, form=None, rows=None, placed=frozenset(), error=None, status=200):
    user = request.user
    if form is None:
        form = AdjustmentPageForm(initial={"kind": kind})
    if error is not None:  # the items' errors are on their rows; the top of the form shows the rest
        rest = type(error).__new__(type(error))
        rest.__dict__.update(error.__dict__)
        rest.fields = {k: v for k, v in error.fields.items() if k not in placed}
        merge_errors(form, rest)
    if rows is None:
        rows, _placed = _item_rows(projects=_adjustment_projects(user, plan, kind))
    return render(request, "web/adjustments/apply.html", {
        "plan": plan, "kind": kind, "form": form, "rows": rows, "error": error,
        "base": list(plan_selectors.lines_of(user, plan)), "release": kind == AdjustmentKind.RELEASE,
    }, status=status)


def _kind(value) -> str:
    return AdjustmentKind.RELEASE if value == AdjustmentKind.RELEASE else AdjustmentKind.CHANGE


@require_http_methods(["GET", "POST"])
@domain_errors
def adjustment_apply(request, plan_id):
    user = request.user
    plan = plan_selectors.access_plan_by_id(user, plan_id)
    if request.method == "POST":
        kind = _kind(request.POST.get("kind"))
        data = {"kind": kind, "reason": request.POST.get("reason", ""),
                "new_capacity": request.POST.get("new_capacity", "") or None, "items": _post_items(request.POST)}
        try:
            adjustment = plan_services.adjustment_apply(actor=user, plan=plan, data=data)
        except FORM_ERRORS as exc:
            projects = _adjustment_projects(user, plan, kind)
            form = AdjustmentPageForm(data={"kind": kind, "reason": data["reason"],
                                            "new_capacity": request.POST.get("new_capacity", "")})
            rows, placed = _item_rows(request.POST, projects=projects, error=exc)
            return _apply_page(request, plan, kind, form=form, rows=rows, placed=placed, error=exc,
                               status=exc.status)
        messages.success(request, _("已提交调整申请 #%(id)d,待区发改委(大数据局)审核") % {"id": adjustment.pk})
        return redirect("web:adjustment_detail", adjustment_id=adjustment.pk)
    kind = _kind(request.GET.get("kind"))
    if not _may_apply(user, plan, kind):
        probe = PlanAdjustment(plan=plan, kind=kind, unit=getattr(user, "unit", None))
        if plan.status != PlanStatus.ISSUED and perms.has_perm("planning.apply_adjustment", user, probe):
            enforce_rule("art10.adjustment_on_current_edition", Case(subject=probe, action="adjustment.apply"))
        raise Forbidden()
    return _apply_page(request, plan, kind)


@require_safe
@domain_errors
def adjustment_list(request):
    user = request.user
    if not perms.has_perm("planning.view_plans", user):
        raise Forbidden()
    qs = (plan_selectors.adjustments_visible_to(user).select_related("applied_by")
          .annotate(item_count=Count("items")).order_by("-created_at", "-id"))
    status = request.GET.get("status", "")
    if status in AdjustmentStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, ADJUSTMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "web/adjustments/list.html", {
        "page": page, "status": status if status in AdjustmentStatus.values else "",
        "statuses": AdjustmentStatus.choices})


ADJ_STEPS = (
    ("applied", gettext_lazy("单位申请"), "planning.adjustment.applied", "created_at"),
    ("drc", gettext_lazy("发改审核"), "planning.adjustment.reviewed", "drc_reviewed_at"),
    ("finance", gettext_lazy("财政审核"), "planning.adjustment.finance_reviewed", "finance_reviewed_at"),
    ("government", gettext_lazy("区政府同意"), "planning.adjustment.consented", "consented_at"),
)
ADJ_POSITION = {"applied": 1, "drc_reviewed": 2, "reviewed": 3, "consented": 4}


def _adjustment_steps(adjustment, events) -> list[dict]:
    """applied → DRC → Finance → government, each with who and when; a rejection or withdrawal stops it."""
    by_type = {}
    for event in events:
        by_type.setdefault(event.event_type, event)
    ended = adjustment.status in (AdjustmentStatus.REJECTED, AdjustmentStatus.WITHDRAWN)
    done = ADJ_POSITION.get(adjustment.status, 0)
    if ended:
        done = sum(1 for _k, _l, _e, attr in ADJ_STEPS if getattr(adjustment, attr))
    steps = []
    for i, (key, label, event_type, attr) in enumerate(ADJ_STEPS, start=1):
        event = by_type.get(event_type)
        if i <= done:
            state = "done"
        elif i == done + 1 and not ended:
            state = "current"
        else:
            state = "muted" if ended else "todo"
        steps.append({"key": key, "label": label, "state": state, "number": i, "event": event,
                      "at": getattr(adjustment, attr) if i <= done else None})
    return steps


def _adjustment_context(request, adjustment) -> dict:
    user = request.user
    items = list(adjustment.items.select_related("project__owner_unit").order_by("id"))
    base = {(line.project_id, line.line_type): line for line in PlanLine.objects.filter(
        plan_id=adjustment.plan_id, project_id__in=[i.project_id for i in items])}
    rows = [{"item": i, "base": base.get((i.project_id, i.line_type))} for i in items]
    events = list(AuditEvent.objects.filter(object_type=PlanAdjustment._meta.label_lower,
                                            object_id=str(adjustment.pk)).order_by("seq"))
    ended_event = next((e for e in reversed(events) if e.event_type in (
        "planning.adjustment.rejected", "planning.adjustment.withdrawn")), None)
    return {"adjustment": adjustment, "rows": rows, "events": events, "ended_event": ended_event,
            "steps": _adjustment_steps(adjustment, events),
            "transitions": _available(ADJUSTMENT_TRANSITIONS, user, adjustment),
            "result": adjustment.result}


@require_safe
@domain_errors
def adjustment_detail(request, adjustment_id):
    adjustment = plan_selectors.access_adjustment_by_id(request.user, adjustment_id)
    return render(request, "web/adjustments/detail.html", _adjustment_context(request, adjustment))


def _adjustment_action_page(request, adjustment, t, form, *, error=None, status=200):
    if error is not None:
        merge_errors(form, error)
    return render(request, "web/adjustments/action.html", {
        **_adjustment_context(request, adjustment), "transition": t, "form": form, "error": error}, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def adjustment_action(request, adjustment_id, name):
    user = request.user
    adjustment = plan_selectors.access_adjustment_by_id(user, adjustment_id)
    t = ADJUSTMENT_TRANSITIONS.get(name)
    if t is None:
        raise NotFound()
    optional = t.name in ("review", "finance_review", "consent")
    if request.method == "POST":
        form = ActionForm(request.POST, transition=t, reason_optional=optional)
        if not form.is_valid():
            return _adjustment_action_page(request, adjustment, t, form, status=400)
        try:
            fresh = plan_services.adjustment_transition(actor=user, adjustment=adjustment, name=t.name,
                                                        data=form.action_data(),
                                                        expected_version=form.cleaned_data.get("version"))
        except FORM_ERRORS as exc:
            return _adjustment_action_page(request, adjustment, t, form, error=exc, status=exc.status)
        messages.success(request, _("已完成“%(action)s”:调整申请 #%(id)d") % {"action": t.label, "id": fresh.pk})
        return redirect("web:adjustment_detail", adjustment_id=fresh.pk)
    if not perms.has_perm(t.permission, user, adjustment):
        raise Forbidden()
    if adjustment.status not in t.sources:
        raise Conflict(_("当前状态“%(s)s”不能执行“%(t)s”") % {"s": adjustment.get_status_display(), "t": t.label})
    form = ActionForm(transition=t, reason_optional=optional, initial={"version": adjustment.version})
    return _adjustment_action_page(request, adjustment, t, form)


# --- wiring --------------------------------------------------------------------------------------------------

ACTION_NAME = r"[-a-zA-Z0-9_]+"
urlpatterns: list = [
    route("plans/", plan_list, "plan_list"),
    route("plans/new/", plan_create, "plan_create"),
    route("plans/<plan>/", plan_detail, "plan_detail"),
    route("plans/<plan>/edit/", plan_update, "plan_update"),
    route("plans/<plan>/compile/", plan_compile, "plan_compile"),
    route("plans/<plan>/lines/new/", plan_line_add, "plan_line_add"),
    route("plans/<plan>/actions/<name>/", plan_action, "plan_action", name=ACTION_NAME),
    route("plans/<plan>/allocation/", plan_allocation, "plan_allocation"),
    route("plans/<plan>/allocate/", plan_allocate, "plan_allocate"),
    route("plans/<plan>/diff/", plan_diff, "plan_diff"),
    route("plans/<plan>/adjustments/new/", adjustment_apply, "adjustment_apply"),
    route("plan-lines/<line>/", plan_line_row, "plan_line_row"),
    route("plan-lines/<line>/edit/", plan_line_edit, "plan_line_edit"),
    route("plan-lines/<line>/delete/", plan_line_delete, "plan_line_delete"),
    route("adjustments/", adjustment_list, "adjustment_list"),
    route("adjustments/<adjustment>/", adjustment_detail, "adjustment_detail"),
    route("adjustments/<adjustment>/actions/<name>/", adjustment_action, "adjustment_action", name=ACTION_NAME),
]
SECTIONS: dict[str, str] = {p.name: "plans" for p in urlpatterns}


def nav_items(user) -> list[dict]:
    if not perms.has_perm("planning.view_plans", user):
        return []
    return [{"url": reverse("web:plan_list"), "label": gettext_lazy("年度投资计划"), "icon": "cash-stack",
             "key": "plans"}]

