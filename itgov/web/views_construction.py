"""Pages of construction control (art. 13, 19, 8, 15, 20, 21): the list of the projects ready to build,
building or suspended, with the approved estimate, the contracts, the payments, the risk rating and its flags (sortable
by risk); and a project's construction page — the money against the approval, budget and plan, the
procurements, contracts and payments, the start of construction and the three forms that record them, followed
by the control sections of views_control (risk, supervision, monitoring, milestones, changes, incidents).

Thin like views_approvals: each view parses input, calls itgov.construction.services (every write) or
selectors and renders; the power, the state, the version and the rules are decided there. A refused POST
re-renders the page with its form's input kept and the domain error (400 on the fields, 409, 422 with the
rule's article); a 403 cites the rule that gives the power; a project the user may not see is a 404."""

from __future__ import annotations

import rules as perms
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.access.scoping import is_bureau_user
from itgov.accounts.choices import Role
from itgov.construction import selectors, services
from itgov.construction.choices import ProcurementMethod, RiskLevel
from itgov.construction.forms import ContractForm, PaymentForm, ProcurementForm
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.projects import selectors as project_selectors
from itgov.projects.choices import ProjectStatus

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import bootstrap, parse_version
from .htmx import is_partial

FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
PER_PAGE = 20
S = ProjectStatus
STATUSES = (S.BUDGETED, S.IN_CONSTRUCTION, S.SUSPENDED, S.TRIAL_OPERATION, S.ACCEPTANCE_APPLIED)
STATUS_BADGES = {S.BUDGETED: "text-bg-success", S.IN_CONSTRUCTION: "text-bg-primary",
                 S.SUSPENDED: "text-bg-danger", S.TRIAL_OPERATION: "text-bg-info",
                 S.ACCEPTANCE_APPLIED: "text-bg-primary"}
# `sort=risk`: the riskiest first (the overall rating ascending, 1 = high risk); `-risk`: the least risky
# first. Projects not rated yet come last either way.
SORTS = {"risk": (F("risk_overall").asc(nulls_last=True), "-updated_at", "-id"),
         "-risk": (F("risk_overall").desc(nulls_last=True), "-updated_at", "-id")}
LEVEL_BADGES = {"low": "text-bg-success", "medium": "text-bg-warning", "high": "text-bg-danger"}
# The three records of the page: (key, page form, service, success message).
RECORDS = ("procurement", "contract", "payment")
PERMS = {"procurement": "construction.record_procurement", "contract": "construction.record_contract",
         "payment": "construction.record_payment"}


# --- forms: the construction forms with page widgets (same fields, so a service's field errors land on them) ---


def _dates(form, *names) -> None:
    for name in names:
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money(form, *names) -> None:
    for name in names:
        form.fields[name].widget.attrs.update(step="0.01", min="0.01", inputmode="decimal")


class ProcurementPageForm(ProcurementForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "procurement_%s")
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [("", _("请选择")), *ProcurementMethod.choices]
        _dates(self, "announced_on", "awarded_on")
        _money(self, "amount")
        self.fields["awarded_on"].help_text = _("已成交的,填写成交日期、成交供应商和成交金额")
        bootstrap(self)


class ContractPageForm(ContractForm):
    """`procurements`: the project's procurements (a select instead of an id box; the service checks it)."""

    def __init__(self, *args, procurements=(), **kwargs):
        kwargs.setdefault("auto_id", "contract_%s")
        super().__init__(*args, **kwargs)
        self.fields["procurement_id"].widget = forms.Select(
            choices=[("", _("不关联采购")), *[(p.pk, p.title) for p in procurements]])
        self.fields["deliverables"].widget.attrs.update(rows="2")
        _dates(self, "signed_on", "warranty_ends_on")
        _money(self, "amount")
        self.fields["warranty_ends_on"].help_text = _("第十二条:质保期满后方可申请运行维护经费")
        self.fields["amount"].help_text = _("第二十条:合同金额合计不得超过核定的总投资概算")
        bootstrap(self)


class PaymentPageForm(PaymentForm):
    """`contracts`: the project's contracts (a select; the service checks it)."""

    def __init__(self, *args, contracts=(), **kwargs):
        kwargs.setdefault("auto_id", "payment_%s")
        super().__init__(*args, **kwargs)
        self.fields["contract_id"].widget = forms.Select(
            choices=[("", _("不关联合同")), *[(c.pk, f"{c.title}({c.supplier})") for c in contracts]])
        _dates(self, "paid_on")
        _money(self, "amount")
        self.fields["amount"].help_text = _("第十五条:支付不得超过当年预算,累计不得超过核定的总投资概算")
        self.fields["prework"].help_text = _("第十三条:项目论证等前期工作费用可在立项批复前支付")
        bootstrap(self)


class StartForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)


PAGE_FORMS = {"procurement": ProcurementPageForm, "contract": ContractPageForm, "payment": PaymentPageForm}


def _post_data(request, key: str) -> dict[str, str]:
    """The fields of `key`'s form from the POST, as text (an absent checkbox is empty: False)."""
    return {name: request.POST.get(name, "") for name in PAGE_FORMS[key].base_fields}


# --- 1. the list ------------------------------------------------------------------------------------------------


def _may_list(user) -> bool:
    """The bureaus, the owner units and the supervision firms (these see the projects they supervise only)."""
    return is_bureau_user(user) or user.has_role(Role.OWNER) or user.has_role(Role.SUPERVISOR)


def may_read_pool(user) -> bool:
    """The yearly pool of supervision firms (art. 19) is read by the bureaus and the owner units (they appoint
    from it); DRC keeps it."""
    return is_bureau_user(user) or user.has_role(Role.OWNER)


def _annotate(qs):
    """The estimate in force, the contracts and the payments (construction.selectors.with_money_in_force) and the
    risk rating kept for lists (one join): the page's queries do not grow with the projects or their records."""
    return selectors.with_money_in_force(qs).annotate(risk_overall=F("risk__overall"), risk_level=F("risk__level"),
                                                     risk_flags=F("risk__flags"))


@require_safe
@domain_errors
def construction_list(request):
    user = request.user
    if not _may_list(user):
        raise Forbidden()
    base = project_selectors.projects_visible_to(user).filter(status__in=STATUSES)
    counts = {row["status"]: row["n"] for row in base.order_by().values("status").annotate(n=Count("pk"))}
    status = request.GET.get("status", "")
    if status not in STATUSES:
        status = ""
    qs = base.filter(status=status) if status else base
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = ""
    ordering = SORTS.get(sort, ("-updated_at", "-id"))
    page = Paginator(_annotate(qs).order_by(*ordering), PER_PAGE).get_page(request.GET.get("page"))
    for project in page.object_list:
        project.badge = STATUS_BADGES.get(project.status, "text-bg-secondary")
        project.level_badge = LEVEL_BADGES.get(project.risk_level or "", "")
        project.level_label = RiskLevel(project.risk_level).label if project.risk_level else ""
        project.flag_rows = [{"code": code, "label": selectors.FLAG_LABELS.get(code, code)}
                             for code in project.risk_flags or []]
    tabs = [{"value": "", "label": _("全部"), "count": sum(counts.values())}]
    tabs += [{"value": s, "label": S(s).label, "count": counts.get(s, 0)} for s in STATUSES]
    context = {"page": page, "tabs": tabs, "status": status, "sort": sort,
               "next_sort": "-risk" if sort == "risk" else "risk",
               "can_read_pool": may_read_pool(user)}
    template = "web/construction/_list_results.html" if is_partial(request) else "web/construction/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- 2. a project's construction page ------------------------------------------------------------------------------


def _detail_page(request, project, *, forms_in=None, errors=None, status=200):
    """`forms_in`: the bound form of a refused POST (key → form); `errors`: key → its DomainError. An error
    whose form is not on the page (the record moved on meanwhile) is shown at the top."""
    from .views_acceptance import acceptance_context  # so does trial operation and acceptance (art. 22)
    from .views_control import control_context  # the control sections build on this page

    user = request.user
    forms_in, errors = forms_in or {}, errors or {}
    records = selectors.records_of(project)
    spending = selectors.spending(project)
    estimate = spending["estimate"]
    for row in spending["years"]:
        row["over"], row["left"] = row["paid"] > row["budget"], row["budget"] - row["paid"]
    # A suspended project can do nothing but rectify (art. 21): its record forms are not offered.
    may = {key: project.status != S.SUSPENDED and perms.has_perm(PERMS[key], user, project)
           for key in RECORDS}
    choices = {"contract": {"procurements": records["procurements"]}, "payment": {"contracts": records["contracts"]},
               "procurement": {}}
    page_forms = {}
    for key in RECORDS:
        if not may[key]:
            continue
        form = forms_in.get(key) or PAGE_FORMS[key](**choices[key])
        if key in errors:
            merge_errors(form, errors[key])
        page_forms[key] = form
    can_start = project.status == S.BUDGETED and perms.has_perm("construction.start", user, project)
    used = {key for key in RECORDS if key in page_forms and key in errors} | {"start"}
    control = None
    if estimate is not None:  # approved: a baseline to control against
        control, found = control_context(user, project, forms_in=forms_in, errors=errors,
                                         contracts=records["contracts"])
        used |= found
    acceptance, found = acceptance_context(user, project, forms_in=forms_in, errors=errors)
    used |= found
    return render(request, "web/construction/detail.html", {
        "project": project, "spending": spending, **records, "control": control, "acceptance": acceptance,
        "other_errors": [exc for key, exc in errors.items() if key not in used],
        "status_badge": STATUS_BADGES.get(project.status, "text-bg-secondary"),
        "contract_headroom": estimate - spending["contracted"] if estimate is not None else None,
        "paid_headroom": estimate - spending["paid"] if estimate is not None else None,
        "can_start": can_start, "start_form": StartForm(initial={"version": project.version}) if can_start else None,
        "forms": page_forms, "errors": errors, "today": local_today(),
    }, status=status)


@require_safe
@domain_errors
def construction_detail(request, project_id):
    project = project_selectors.access_project_by_id(request.user, project_id)
    return _detail_page(request, project)


@require_http_methods(["POST"])
@domain_errors
def construction_start(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    try:
        try:
            version = parse_version(request.POST.get("version"))
        except ValueError:
            raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]}) from None
        services.construction_start(actor=user, project=project, expected_version=version)
    except FORM_ERRORS as exc:
        return _detail_page(request, project, errors={"start": exc}, status=exc.status)
    messages.success(request, _("“%(name)s”已开工建设") % {"name": project.name})
    return redirect("web:construction_detail", project_id=project.pk)


def _record_post(request, project_id, key: str):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post_data(request, key)
    record = {"procurement": services.procurement_record, "contract": services.contract_record,
              "payment": services.payment_record}[key]
    try:
        made = record(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        records = selectors.records_of(project)
        extra = {"contract": {"procurements": records["procurements"]},
                 "payment": {"contracts": records["contracts"]}}.get(key, {})
        form = PAGE_FORMS[key](data=data, **extra)
        return _detail_page(request, project, forms_in={key: form}, errors={key: exc}, status=exc.status)
    message = {
        "procurement": _("已登记采购“%(title)s”"),
        "contract": _("已登记合同“%(title)s”,%(wan)s万元"),
        "payment": _("已登记支付%(wan)s万元"),
    }[key]
    messages.success(request, message % {"title": getattr(made, "title", ""),
                                         "wan": getattr(made, "amount_wan", "")})
    return redirect(reverse("web:construction_detail", args=[project.pk]) + f"#{key}s")


@require_http_methods(["POST"])
@domain_errors
def construction_procurement(request, project_id):
    return _record_post(request, project_id, "procurement")


@require_http_methods(["POST"])
@domain_errors
def construction_contract(request, project_id):
    return _record_post(request, project_id, "contract")


@require_http_methods(["POST"])
@domain_errors
def construction_payment(request, project_id):
    return _record_post(request, project_id, "payment")


# --- wiring --------------------------------------------------------------------------------------------------

urlpatterns: list = [
    route("construction/", construction_list, "construction_list"),
    route("projects/<project>/construction/", construction_detail, "construction_detail"),
    route("projects/<project>/construction/start/", construction_start, "construction_start"),
    route("projects/<project>/construction/procurements/", construction_procurement, "construction_procurement"),
    route("projects/<project>/construction/contracts/", construction_contract, "construction_contract"),
    route("projects/<project>/construction/payments/", construction_payment, "construction_payment"),
]
SECTIONS: dict[str, str] = {p.name: "construction" for p in urlpatterns}


def nav_items(user) -> list[dict]:
    if not _may_list(user):
        return []
    return [{"url": reverse("web:construction_list"), "label": gettext_lazy("建设管理"), "icon": "building-gear",
             "key": "construction"}]
