"""Pages of the initiation approval (art. 13–17, 23, 28) on the side of DRC, the other bureaus, the experts and
Finance: the approval list, DRC's review workspace (acceptance, checklist, data-sharing assessment, expert
panel, decision with the letter preview), the baselines and the approval letter, the expert's seats and
opinion form, Finance's budget, the approval suspensions (art. 23) and the exchange of project codes with the
provincial platform (art. 17). The owner unit's application pages are views_application.

Thin like views.py: each view parses input, calls itgov.approvals.services (every write) or selectors and
renders; the power, the state, the version and the rules are decided there. A refused POST re-renders its
form with the domain error (400/409/422, the rule's article) and the input kept; a 403 cites the rule that
gives the power; what the user may not see is a 404.

A unit (an owner or participating unit, without a bureau role) that opens the review workspace is sent to its
application page: DRC's checklist, notes and the experts' opinions are internal to the review. An expert is
sent to its opinion form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import rules as perms
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_safe

from itgov.access.scoping import is_bureau_user, scope_q
from itgov.accounts.choices import Role
from itgov.approvals import selectors, services
from itgov.approvals.choices import (
    CHECKLIST_ITEMS,
    ChecklistItem,
    Decision,
    ExpertOpinion,
    FundSource,
    InvestmentItem,
    SharedPlatform,
    TargetCategory,
)
from itgov.approvals.forms import ApproveForm, OpinionForm, ReasonForm, ReviewForm, SuspensionForm
from itgov.approvals.models import INVESTMENT_FIELDS, ApprovalLetter, InitiationApplication, PanelMember
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, RuleViolation
from itgov.core.money import format_wan
from itgov.organizations.models import Unit
from itgov.projects import selectors as project_selectors
from itgov.projects.choices import ProjectStatus
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, compliance, evaluate, get_rule

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import REASON_LIMIT, TRUE_VALUES, bootstrap, parse_version
from .htmx import is_partial

FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
PER_PAGE = 20
SUSPENSIONS_PER_PAGE = 50
BUDGET_ROWS = 5  # rows of the budget form (a fixed number, more when the budget in force has more lines)
MAX_BUDGET_ROWS = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = ProjectStatus
# The statuses of the approval stage: DRC's and the other bureaus' list; `planned` is the unit's own (to apply).
REVIEW_STATUSES = (S.INITIATION_SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.BUDGETED, S.INITIATION_REJECTED)
LIST_STATUSES = (S.PLANNED, *REVIEW_STATUSES)
STATUS_BADGES = {
    S.PLANNED: "text-bg-info",
    S.INITIATION_SUBMITTED: "text-bg-primary",
    S.UNDER_REVIEW: "text-bg-warning",
    S.APPROVED: "text-bg-success",
    S.BUDGETED: "text-bg-success",
    S.INITIATION_REJECTED: "text-bg-danger",
}
OPINION_BADGES = {"agree": "text-bg-success", "agree_with_changes": "text-bg-warning", "disagree": "text-bg-danger"}


# --- forms: the approval forms with page widgets (same fields, so a service's field errors land on them) -----


class VersionField(forms.IntegerField):
    def __init__(self):
        super().__init__(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)


OK_VALUES = {"true": True, "false": False, "": None}
CHECK_CHOICES = [("", gettext_lazy("未审查")), ("true", gettext_lazy("符合")), ("false", gettext_lazy("不符合"))]


class ReviewPageForm(ReviewForm):
    """DRC's review: notes, the data-sharing assessment (art. 28), the expert-panel mark and the checklist, one
    select (符合 / 不符合 / 未审查) and one note per item."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, label in ChecklistItem.choices:
            self.fields[f"ck_{item}_ok"] = forms.ChoiceField(
                label=label, required=False, choices=CHECK_CHOICES,
                error_messages={"invalid_choice": _("须为符合、不符合或未审查")})
            self.fields[f"ck_{item}_note"] = forms.CharField(
                label=_("说明"), required=False, max_length=2000,
                widget=forms.TextInput(attrs={"maxlength": 2000, "placeholder": _("说明(可选)")}),
                error_messages={"max_length": _("过长,最多%(limit_value)d个字符")})
        self.fields["sharing_conclusion"].help_text = _("第二十八条:数据资源共享是立项审批的必备条件,批复前须完成评估")
        self.fields["expert_panel_required"].help_text = _("标记后,须专家组全部专家提交意见方可批复")
        bootstrap(self)

    def checklist(self) -> list[dict]:
        return [{"item": item, "label": label, "ok": self[f"ck_{item}_ok"], "note": self[f"ck_{item}_note"]}
                for item, label in ChecklistItem.choices]

    @staticmethod
    def initial_for(review) -> dict:
        initial = {"review_notes": review.review_notes, "sharing_conclusion": review.sharing_conclusion,
                   "sharing_opinion": review.sharing_opinion,
                   "expert_panel_required": review.expert_panel_required, "version": review.version}
        for row in review.checklist_rows():
            initial[f"ck_{row['item']}_ok"] = {True: "true", False: "false"}.get(row["ok"], "")
            initial[f"ck_{row['item']}_note"] = row.get("note", "")
        return initial


def _review_data(post) -> dict:
    # An unknown choice is passed on as it is, so the service refuses it on its field.
    checklist = {item: {"ok": OK_VALUES.get(post.get(f"ck_{item}_ok", ""), post.get(f"ck_{item}_ok")),
                        "note": post.get(f"ck_{item}_note", "")} for item in CHECKLIST_ITEMS}
    return {"review_notes": post.get("review_notes", ""), "sharing_conclusion": post.get("sharing_conclusion", ""),
            "sharing_opinion": post.get("sharing_opinion", ""),
            "expert_panel_required": str(post.get("expert_panel_required", "")).lower() in TRUE_VALUES,
            "checklist": checklist}


class ApprovePageForm(ApproveForm):
    """The figures the approval fixes (art. 15), prefilled from the application."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_estimate"].widget.attrs.update(step="0.01", min="0.01", inputmode="decimal")
        for name in ("construction_content", "scale", "standards"):
            self.fields[name].help_text = _("留空则采用立项申请的内容")
        self.fields["control_indicators"].widget.attrs.update(placeholder=_("例如:建设工期、等级保护级别、运维期限"))
        self.fields["copy_to"].widget.attrs.update(placeholder=_("例如:区财政局,区审计局"))
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.widget.attrs.setdefault("maxlength", str(field.max_length))
        bootstrap(self)

    @staticmethod
    def initial_for(application, project) -> dict:
        return {"approved_estimate": application.total if application is not None else None,
                "construction_content": getattr(application, "construction_content", ""),
                "scale": getattr(application, "scale", ""), "standards": getattr(application, "standards", ""),
                "version": project.version}


APPROVE_FIELDS = tuple(ApproveForm.base_fields)


class ReasonPageForm(ReasonForm):
    """The reason of a return or a rejection: required by art. 15, so the service (the rule) decides and cites it."""

    version = VersionField()

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        if label:
            reason.label = label
        reason.widget.attrs.update(rows="3", maxlength=str(REASON_LIMIT), required=True)
        bootstrap(self)


class OpinionPageForm(OpinionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].choices = [("", _("请选择")), *self.fields["opinion"].choices]
        self.fields["opinion_text"].widget.attrs.update(rows="6", maxlength="5000")
        self.fields["opinion_text"].help_text = _("修改后同意或不同意的,须写明意见")
        bootstrap(self)


class BudgetRow(forms.Form):
    """One row of the budget form, for display and its errors; the service's BudgetLineForm checks it."""

    year = forms.CharField(label=gettext_lazy("年度"), required=False)
    fund_source = forms.ChoiceField(label=gettext_lazy("资金来源"), required=False)
    amount = forms.CharField(label=gettext_lazy("金额(元)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_source"].choices = [("", _("请选择")), *FundSource.choices]
        self.fields["year"].widget.attrs.update(inputmode="numeric", maxlength="4", placeholder="2027")
        self.fields["amount"].widget.attrs.update(inputmode="decimal", maxlength="16")
        bootstrap(self, small=True)


class BudgetNoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}))
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class SuspensionPageForm(SuspensionForm):
    """`units`: the departments and streets; `projects`: the approved projects (a suspension follows a failed
    acceptance, art. 23). Display only: the service checks both."""

    def __init__(self, *args, units=(), projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].widget = forms.Select(choices=[("", _("请选择单位")), *[(u.pk, u.name) for u in units]])
        self.fields["project_id"].widget = forms.Select(
            choices=[("", _("不指定项目")), *[(p.pk, f"{p.name}({p.owner_unit.name})") for p in projects]])
        self.fields["project_id"].help_text = _("须为该单位的项目")
        self.fields["reason"].widget.attrs.update(rows="3", maxlength=str(REASON_LIMIT))
        bootstrap(self)


class LiftForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("解除理由"), required=False, max_length=REASON_LIMIT,
                             widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_LIMIT, "required": True}))
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self, small=True)


# --- helpers -------------------------------------------------------------------------------------------------


def _no_power(rule_id: str) -> Forbidden:
    """A 403 citing the rule that gives the power (a page the user may not open: nothing is attempted, so
    nothing is audited — the service audits a refused POST)."""
    rule = get_rule(rule_id)
    return Forbidden(_("%(message)s(%(article)s)") % {"message": rule.message, "article": rule.citation},
                     article=rule.citation)


def _no_decision_view() -> Forbidden:
    return Forbidden(_("评审专家只能查看其评审的立项申请,不能查看批复文件和预算"))


def _version_or_400(value):
    try:
        return parse_version(value)
    except ValueError:
        raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]}) from None


def _renamed(exc: DomainError, mapping) -> DomainError:
    """A copy of `exc` whose field keys went through `mapping` (key → form field name or None to keep)."""
    renamed = type(exc).__new__(type(exc))
    renamed.__dict__.update(exc.__dict__)
    fields: dict[str, list[str]] = {}
    for key, values in exc.fields.items():
        target = mapping(key) or key
        fields.setdefault(target, [])
        fields[target] += [v for v in values if v not in fields[target]]
    renamed.fields = fields
    return renamed


def _can_see_decision(user, project) -> bool:
    return perms.has_perm("approvals.view_decision", user, project)


def _application_page_url(project) -> str:
    """The owner unit's application page (views_application), or the project page."""
    try:
        return reverse("web:application_detail", kwargs={"project_id": project.pk})
    except NoReverseMatch:
        return reverse("web:project_detail", args=[project.pk])


def _document_url(project, document) -> str:
    try:
        return reverse("web:application_document", kwargs={"project_id": project.pk, "document_id": document.pk})
    except NoReverseMatch:
        return ""


def _params(project) -> dict:
    return parameters_in_force(project.owner_unit.jurisdiction, local_today())


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _wan(value) -> str:
    try:
        return format_wan(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return "—"


def _category_order(category) -> int:
    """Art. 11's order of the target categories: outputs, benefits, satisfaction."""
    values = list(TargetCategory.values)
    return values.index(category) if category in values else len(values)


def _application_view(project, application) -> dict | None:
    """What the pages show of an application: its fields, the breakdown in 万元, targets, resources, documents."""
    if application is None:
        return None
    labels = dict(InvestmentItem.choices)
    breakdown = [{"key": name, "label": labels[name], "amount": getattr(application, name)}
                 for name in INVESTMENT_FIELDS]
    documents = [{"doc": d, "url": _document_url(project, d)} for d in application.documents.all()]
    platforms = [str(SharedPlatform(p).label) if p in SharedPlatform.values else p
                 for p in (application.shared_platforms or [])]
    return {"a": application, "breakdown": breakdown, "documents": documents, "platforms": platforms,
            "milestones": list(application.milestones.all()),
            "targets": sorted(application.performance_targets.all(), key=lambda t: _category_order(t.category)),
            "resources": list(application.data_resources.all()),
            "joint": any((application.joint_framework, application.business_flow, application.data_flow,
                          application.system_interfaces))}


# --- 1. the approval list ------------------------------------------------------------------------------------


def _may_list(user) -> bool:
    return is_bureau_user(user) or user.has_role(Role.OWNER)


def _list_queryset(user):
    """The approval stage of the projects the user sees; `planned` ones only for their own unit (to apply)."""
    stage = Q(status__in=REVIEW_STATUSES)
    own = scope_q(user, "owner_unit")
    if own is not None:
        stage |= Q(status=S.PLANNED) & own
    return project_selectors.projects_visible_to(user).filter(stage)


def _annotate(qs):
    latest = InitiationApplication.objects.filter(project=OuterRef("pk")).order_by("-number")
    money = DecimalField(max_digits=16, decimal_places=2)
    total = sum((F(name) for name in INVESTMENT_FIELDS[1:]), F(INVESTMENT_FIELDS[0]))
    waiting = (PanelMember.objects.filter(review__application__project=OuterRef("pk"), opinion="")
               .values("review__application__project").annotate(n=Count("pk")).values("n"))
    return qs.annotate(
        application_total=Subquery(latest.annotate(t=total).values("t")[:1], output_field=money),
        application_decision=Subquery(latest.values("decision")[:1]),
        opinions_waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), 0),
    )


def waiting_for(project) -> str:
    """Who the project waits for in the approval stage (display)."""
    status = project.status
    if status == S.PLANNED:
        if getattr(project, "application_decision", "") == Decision.RETURNED:
            return _("建设单位修改后重新提交(已退回)")
        if getattr(project, "application_total", None) is None:
            return _("建设单位编制立项申请")
        return _("建设单位提交立项申请")
    if status == S.INITIATION_SUBMITTED:
        return _("区发改委(大数据局)受理")
    if status == S.UNDER_REVIEW:
        n = getattr(project, "opinions_waiting", 0) or 0
        if n:
            return _("评审专家提交意见(%(n)d位)") % {"n": n}
        return _("区发改委(大数据局)审查批复")
    if status == S.APPROVED:
        return _("区财政局编列预算")
    return "—"


@require_safe
@domain_errors
def approval_list(request):
    user = request.user
    if not _may_list(user):
        raise Forbidden()
    base = _list_queryset(user)
    counts = {row["status"]: row["n"] for row in base.order_by().values("status").annotate(n=Count("pk"))}
    statuses = [s for s in LIST_STATUSES if s != S.PLANNED or scope_q(user, "owner_unit") is not None]
    status = request.GET.get("status", "")
    if status not in statuses:
        status = ""
    qs = base.filter(status=status) if status else base
    page = Paginator(_annotate(qs).order_by("-updated_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    bureau = is_bureau_user(user)
    for project in page.object_list:
        project.badge = STATUS_BADGES.get(project.status, "text-bg-secondary")
        project.waiting = waiting_for(project)
        project.url = (reverse("web:approval_review", args=[project.pk]) if bureau
                       else _application_page_url(project))
    tabs = [{"value": "", "label": _("全部"), "count": sum(counts.get(s, 0) for s in statuses)}]
    tabs += [{"value": s, "label": S(s).label, "count": counts.get(s, 0)} for s in statuses]
    context = {"page": page, "tabs": tabs, "status": status,
               "can_exchange": perms.has_perm("approvals.exchange_codes", user),
               "can_suspend": perms.has_perm("approvals.manage_suspensions", user)}
    response = render(request, "web/approvals/_list_results.html" if is_partial(request) else "web/approvals/list.html",
                      context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- 2. DRC's review workspace ------------------------------------------------------------------------------


def _pool(user, project, panel, params) -> list[dict]:
    """The experts who can be asked, each with art. 15's independence check (a conflict of interest marked)."""
    rule = get_rule("art15.expert_independent")
    seated = {m.expert_id for m in panel}
    rows = []
    for expert in selectors.expert_pool(project):
        outcome = evaluate(rule, Case(subject=project, actor=user, action="panel.add", data={"expert": expert},
                                      on=local_today()), params)
        rows.append({"expert": expert, "seated": expert.pk in seated, "conflict": outcome.status == "violated",
                     "reason": outcome.reason, "article": rule.citation})
    return rows


def _review_context(request, project, *, review_form=None, approve_form=None, return_form=None,
                    reject_form=None, errors=None) -> dict:
    user = request.user
    errors = errors or {}
    application = selectors.current_application(project)
    review = selectors.review_of(application)
    panel = selectors.panel_of(review)
    status = project.status
    params = _params(project)
    in_hands = status in (S.INITIATION_SUBMITTED, S.UNDER_REVIEW)
    may_review = perms.has_perm("approvals.review", user, project)
    may_decide = perms.has_perm("approvals.decide", user, project)
    can_start = may_review and status == S.INITIATION_SUBMITTED
    can_edit = may_review and status == S.UNDER_REVIEW and review is not None
    can_return = may_decide and in_hands
    can_approve = may_decide and status == S.UNDER_REVIEW
    submitted = application is not None and application.submitted_at is not None
    rows = []
    if submitted:
        case = Case(subject=project, actor=user, action="initiation.compliance",
                    data={"application": application, "review": review, "panel": panel}, on=local_today())
        rows = compliance(case, params, scope="approval")
    if can_edit and review_form is None:
        review_form = ReviewPageForm(initial=ReviewPageForm.initial_for(review))
    if review_form is not None and "review" in errors:
        merge_errors(review_form, errors["review"])
    if can_approve and approve_form is None:
        approve_form = ApprovePageForm(initial=ApprovePageForm.initial_for(application, project))
    if approve_form is not None and "approve" in errors:
        merge_errors(approve_form, errors["approve"])
    if can_return:
        return_form = return_form or ReasonPageForm(initial={"version": project.version}, label=_("退回修改理由"),
                                                    auto_id="return_%s")
        reject_form = reject_form or ReasonPageForm(initial={"version": project.version}, label=_("不予批复理由"),
                                                    auto_id="reject_%s")
        for name, form in (("return", return_form), ("reject", reject_form)):
            if name in errors:
                merge_errors(form, errors[name])
    for member in panel:
        member.badge = OPINION_BADGES.get(member.opinion, "text-bg-light border")
    decision_visible = _can_see_decision(user, project)
    return {
        "project": project, "application": application, "app": _application_view(project, application) if submitted
        else None, "review": review, "panel": panel, "status_badge": STATUS_BADGES.get(status, "text-bg-secondary"),
        "compliance": rows, "violations": sum(1 for r in rows if r["status"] == "violated"),
        "pending": sum(1 for r in rows if r["status"] == "pending"),
        "can_start": can_start, "can_edit": can_edit, "can_return": can_return, "can_approve": can_approve,
        "review_form": review_form, "approve_form": approve_form, "return_form": return_form,
        "reject_form": reject_form, "errors": errors,
        "pool": _pool(user, project, panel, params) if can_edit else [],
        "baselines": list(selectors.baselines_of(project)) if decision_visible else [],
        "can_budget": decision_visible and status in (S.APPROVED, S.BUDGETED),
        "checklist": review.checklist_rows() if review is not None else [],
        "opinions_done": sum(1 for m in panel if m.opinion),
        "opinion_choices": ExpertOpinion.choices,
        "returned": application is not None and application.decision == Decision.RETURNED and status == S.PLANNED,
        "rejected": status == S.INITIATION_REJECTED,
    }


def _review_page(request, project, *, status=200, **kwargs):
    return render(request, "web/approvals/review.html", _review_context(request, project, **kwargs), status=status)


@require_safe
@domain_errors
def approval_review(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    if not is_bureau_user(user):
        if selectors.panel_member_for(user, project) is not None:
            return redirect("web:expert_opinion", project_id=project.pk)
        if user.has_role(Role.EXPERT) and not user.has_role(Role.OWNER):
            raise Forbidden()
        return redirect(_application_page_url(project))
    return _review_page(request, project)


def _transition_post(request, project_id, action: str, *, message: str):
    """受理 / 退回修改 / 不予批复 from the workspace's forms: the project's version shown, the reason."""
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    reason = request.POST.get("reason", "")
    label = {"return": _("退回修改理由"), "reject": _("不予批复理由")}.get(action)
    form = ReasonPageForm(data={"reason": reason, "version": request.POST.get("version", "")}, label=label,
                          auto_id=f"{action}_%s") if label else None
    try:
        version = _version_or_400(request.POST.get("version"))
        if action == "start":
            services.initiation_start_review(actor=user, project=project, expected_version=version)
        elif action == "return":
            services.initiation_return(actor=user, project=project, data={"reason": reason}, expected_version=version)
        else:
            services.initiation_reject(actor=user, project=project, data={"reason": reason}, expected_version=version)
    except FORM_ERRORS as exc:
        kwargs = {f"{action}_form": form} if form is not None else {}
        return _review_page(request, project, errors={action: exc}, status=exc.status, **kwargs)
    messages.success(request, message % {"name": project.name})
    return redirect("web:approval_review", project_id=project.pk)


@require_http_methods(["POST"])
@domain_errors
def approval_start(request, project_id):
    return _transition_post(request, project_id, "start", message=_("已受理“%(name)s”的立项申请,开始审查"))


@require_http_methods(["POST"])
@domain_errors
def approval_return(request, project_id):
    return _transition_post(request, project_id, "return", message=_("已将“%(name)s”的立项申请退回修改"))


@require_http_methods(["POST"])
@domain_errors
def approval_reject(request, project_id):
    return _transition_post(request, project_id, "reject", message=_("已对“%(name)s”作出不予批复的决定"))


def _review_field(key: str) -> str | None:
    """'checklist.necessity.ok' / 'checklist.necessity' → 'ck_necessity_ok'; '…note' → 'ck_…_note'."""
    parts = key.split(".")
    if parts[0] != "checklist" or len(parts) < 2:
        return None
    return f"ck_{parts[1]}_{'note' if parts[-1] == 'note' else 'ok'}"


@require_http_methods(["POST"])
@domain_errors
def approval_review_update(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    form = ReviewPageForm(data=request.POST)
    try:
        version = _version_or_400(request.POST.get("version"))
        services.review_update(actor=user, project=project, data=_review_data(request.POST),
                               expected_version=version)
    except FORM_ERRORS as exc:
        return _review_page(request, project, review_form=form, errors={"review": _renamed(exc, _review_field)},
                            status=exc.status)
    messages.success(request, _("已保存审查意见和数据共享评估"))
    return redirect(reverse("web:approval_review", args=[project.pk]) + "#review")


@require_http_methods(["POST"])
@domain_errors
def approval_panel_add(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    try:
        member = services.panel_add(actor=user, project=project, data={"expert_id": request.POST.get("expert_id", "")})
    except FORM_ERRORS as exc:
        return _review_page(request, project, errors={"panel": exc}, status=exc.status)
    messages.success(request, _("已将%(name)s加入专家组") % {"name": member.expert.name})
    return redirect(reverse("web:approval_review", args=[project.pk]) + "#panel")


@require_http_methods(["POST"])
@domain_errors
def approval_panel_remove(request, project_id, member_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    member = services.get_panel_member(project, member_id)
    try:
        services.panel_remove(actor=user, project=project, member=member)
    except FORM_ERRORS as exc:
        return _review_page(request, project, errors={"panel": exc}, status=exc.status)
    messages.success(request, _("已将%(name)s移出专家组") % {"name": member.expert.name})
    return redirect(reverse("web:approval_review", args=[project.pk]) + "#panel")


@require_http_methods(["POST"])
@domain_errors
def approval_panel_opinion(request, project_id, member_id):
    """DRC records the opinion an expert without a login gave at the review meeting (art. 28)."""
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    member = services.get_panel_member(project, member_id)
    data = {"opinion": request.POST.get("opinion", ""), "opinion_text": request.POST.get("opinion_text", "")}
    try:
        services.opinion_record(actor=user, project=project, member=member, data=data)
    except FORM_ERRORS as exc:
        return _review_page(request, project, errors={"panel": exc}, status=exc.status)
    messages.success(request, _("已录入%(name)s的评审意见") % {"name": member.expert.name})
    return redirect(reverse("web:approval_review", args=[project.pk]) + "#panel")


def _approve_data(post) -> dict:
    return {name: post.get(name, "") for name in APPROVE_FIELDS}


@require_http_methods(["POST"])
@domain_errors
def approval_approve(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _approve_data(request.POST)
    form = ApprovePageForm(data={**data, "version": request.POST.get("version", "")})
    try:
        version = _version_or_400(request.POST.get("version"))
        fresh = services.initiation_approve(actor=user, project=project, data=data, expected_version=version)
    except FORM_ERRORS as exc:
        return _review_page(request, project, approve_form=form, errors={"approve": exc}, status=exc.status)
    baseline = selectors.current_baseline(fresh)
    messages.success(request, _("已批复立项:%(number)s") % {"number": baseline.document_number})
    return redirect("web:baseline_detail", project_id=fresh.pk, version=baseline.version)


@xframe_options_sameorigin
@require_http_methods(["GET", "POST"])
@domain_errors
def approval_letter_preview(request, project_id):
    """The letter as the approval would issue it (a placeholder number, a 样稿 mark), from the figures as typed
    (POST: the approval form) or the application's (GET): a whole HTML page (the workspace's iframe), or, for
    htmx, the iframe with it."""
    from itgov.approvals import letter

    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    if not perms.has_perm("approvals.decide", user, project):
        raise _no_power("art15.drc_approves")
    if project.status != S.UNDER_REVIEW:
        raise Conflict(_("当前状态“%(s)s”不能预览批复文件") % {"s": project.get_status_display()})
    application = selectors.current_application(project)
    if request.method == "POST":
        decision = _approve_data(request.POST)
    else:
        decision = {"approved_estimate": application.total if application is not None else None}
    html = letter.preview_html(project, application, decision, services.issuing_unit(project))
    if is_partial(request):
        return render(request, "web/approvals/_letter_preview.html", {"html": html, "project": project})
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "script-src 'none'; object-src 'none'; base-uri 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# --- 3. the baselines and the letter ---------------------------------------------------------------------------


def _baseline_of(user, project_id, version):
    project = project_selectors.access_project_by_id(user, project_id)
    if not _can_see_decision(user, project):
        raise _no_decision_view()
    baselines = list(selectors.baselines_of(project))
    baseline = next((b for b in baselines if str(b.version) == str(version)), None)
    if baseline is None:
        raise NotFound()
    return project, baseline, baselines


@require_safe
@domain_errors
def baseline_detail(request, project_id, version):
    user = request.user
    project, baseline, baselines = _baseline_of(user, project_id, version)
    labels = dict(InvestmentItem.choices)
    breakdown = [{"label": labels.get(k, k), "amount": v, "wan": _wan(v)}
                 for k, v in (baseline.investment_breakdown or {}).items()]
    categories = dict(TargetCategory.choices)
    targets = sorted(({**t, "category_label": categories.get(t.get("category"), t.get("category"))}
                      for t in (baseline.performance_targets or [])), key=lambda t: _category_order(t.get("category")))
    letter_file = ApprovalLetter.objects.filter(baseline=baseline).first()
    return render(request, "web/approvals/baseline.html", {
        "project": project, "baseline": baseline, "baselines": baselines, "breakdown": breakdown,
        "breakdown_total": _wan(sum((Decimal(str(v)) for v in (baseline.investment_breakdown or {}).values()),
                                    Decimal("0"))),
        "targets": targets, "letter": letter_file, "estimate_yuan": f"{baseline.approved_estimate:,.2f}",
        "current": baselines[0].version == baseline.version,
        "budget_url": reverse("web:approval_budget", args=[project.pk]),
        "can_review": is_bureau_user(user),
    })


@require_safe
@domain_errors
def approval_letter(request, project_id, version):
    from itgov.approvals import letter

    user = request.user
    _project, baseline, _baselines = _baseline_of(user, project_id, version)
    content = letter.letter_bytes(baseline)
    letter.letter_downloaded(actor=user, baseline=baseline)
    return _download(content, letter.letter_filename(baseline), "application/pdf")


# --- 4. the expert's seats and opinion (art. 28) ---------------------------------------------------------------


@require_safe
@domain_errors
def expert_reviews(request):
    user = request.user
    if not user.has_role(Role.EXPERT):
        raise Forbidden(_("只有评审专家可以查看评审任务"))
    seats = list(selectors.panels_of_expert(user))
    for seat in seats:
        seat.badge = OPINION_BADGES.get(seat.opinion, "text-bg-light border")
        project = seat.review.application.project
        seat.project_badge = STATUS_BADGES.get(project.status, "text-bg-secondary")
        seat.open = project.status == S.UNDER_REVIEW
    return render(request, "web/approvals/expert_reviews.html", {
        "seats": seats, "waiting": sum(1 for s in seats if s.open and not s.opinion)})


def _opinion_page(request, project, member, *, form=None, error=None, status=200):
    application = member.review.application
    open_ = project.status == S.UNDER_REVIEW
    if form is None and open_:
        form = OpinionPageForm(initial={"opinion": member.opinion, "opinion_text": member.opinion_text})
    if form is not None and error is not None:
        merge_errors(form, error)
    application = selectors.application_queryset().get(pk=application.pk)
    member.badge = OPINION_BADGES.get(member.opinion, "text-bg-light border")
    return render(request, "web/approvals/opinion.html", {
        "project": project, "member": member, "app": _application_view(project, application), "form": form,
        "error": error, "open": open_, "status_badge": STATUS_BADGES.get(project.status, "text-bg-secondary"),
    }, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def expert_opinion(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    member = selectors.panel_member_for(user, project)
    if member is None:
        raise _no_power("art28.expert_opines")
    if request.method == "POST":
        data = {"opinion": request.POST.get("opinion", ""), "opinion_text": request.POST.get("opinion_text", "")}
        form = OpinionPageForm(data=data)
        try:
            fresh = services.opinion_record(actor=user, project=project, member=member, data=data)
        except FORM_ERRORS as exc:
            return _opinion_page(request, project, member, form=form, error=exc, status=exc.status)
        messages.success(request, _("已提交对“%(name)s”的评审意见:%(opinion)s") % {
            "name": project.name, "opinion": fresh.get_opinion_display()})
        return redirect("web:expert_reviews")
    return _opinion_page(request, project, member)


# --- 5. Finance's budget (art. 15) ----------------------------------------------------------------------------


def _budget_rows(post=None, *, initial=(), error=None) -> list[BudgetRow]:
    """The budget form's rows; a service's line errors ('lines.<i>.<field>', i counting the filled rows) are put
    on their row."""
    if post is not None:
        try:
            count = max(1, min(MAX_BUDGET_ROWS, int(post.get("rows", BUDGET_ROWS))))
        except (TypeError, ValueError):
            count = BUDGET_ROWS
        rows = [BudgetRow(data={f"lines-{i}-{name}": post.get(f"lines-{i}-{name}", "")
                                for name in ("year", "fund_source", "amount")}, prefix=f"lines-{i}")
                for i in range(count)]
    else:
        count = max(BUDGET_ROWS, len(initial) + 1)
        rows = [BudgetRow(initial=initial[i] if i < len(initial) else None, prefix=f"lines-{i}")
                for i in range(count)]
    if error is not None and post is not None:
        filled = [i for i in range(count) if _row_filled(post, i)]
        for n, i in enumerate(filled):
            row = rows[i]
            row.errors  # noqa: B018 — run the row's own (display) validation once
            for key, values in error.fields.items():
                parts = key.split(".")
                if len(parts) == 3 and parts[0] == "lines" and parts[1] == str(n) and parts[2] in row.fields:
                    for value in values:
                        row.add_error(parts[2], value)
    return rows


def _row_filled(post, i: int) -> bool:
    return any(str(post.get(f"lines-{i}-{name}", "")).strip() for name in ("year", "fund_source", "amount"))


def _budget_lines(post) -> list[dict]:
    try:
        count = max(1, min(MAX_BUDGET_ROWS, int(post.get("rows", BUDGET_ROWS))))
    except (TypeError, ValueError):
        count = BUDGET_ROWS
    return [{name: str(post.get(f"lines-{i}-{name}", "")).strip() for name in ("year", "fund_source", "amount")}
            for i in range(count) if _row_filled(post, i)]


def _budget_page(request, project, *, rows=None, note_form=None, error=None, status=200):
    user = request.user
    baseline = selectors.current_baseline(project)
    budgets = list(selectors.budgets_of(project))
    current = budgets[0] if budgets else None
    can_record = (baseline is not None and project.status in (S.APPROVED, S.BUDGETED)
                  and perms.has_perm("approvals.record_budget", user, project))
    if can_record and rows is None:
        initial = [{"year": line.year, "fund_source": line.fund_source, "amount": line.amount}
                   for line in current.lines.all()] if current else []
        rows = _budget_rows(initial=initial)
    if can_record and note_form is None:
        note_form = BudgetNoteForm(initial={"version": project.version, "note": current.note if current else ""})
    if note_form is not None and error is not None:
        rest = _renamed(error, lambda key: None)
        rest.fields = {k: v for k, v in rest.fields.items()
                       if not (k.startswith("lines.") and len(k.split(".")) == 3)}
        merge_errors(note_form, rest)
    over = None
    if current is not None and baseline is not None:
        over = current.total - baseline.approved_estimate if current.total > baseline.approved_estimate else None
    return render(request, "web/approvals/budget.html", {
        "project": project, "baseline": baseline, "budgets": budgets, "current": current, "over": over,
        "can_record": can_record, "rows": rows, "row_count": len(rows) if rows else 0, "note_form": note_form,
        "error": error, "status_badge": STATUS_BADGES.get(project.status, "text-bg-secondary"),
        "headroom": (baseline.approved_estimate - current.total) if current is not None and baseline is not None
        and over is None else None,
    }, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def approval_budget(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    if request.method == "POST":
        data = {"lines": _budget_lines(request.POST), "note": request.POST.get("note", "")}
        try:
            version = _version_or_400(request.POST.get("version"))
            services.budget_record(actor=user, project=project, data=data, expected_version=version)
        except FORM_ERRORS as exc:
            rows = _budget_rows(request.POST, error=exc)
            note_form = BudgetNoteForm(data={"note": data["note"], "version": request.POST.get("version", "")})
            return _budget_page(request, project, rows=rows, note_form=note_form, error=exc, status=exc.status)
        budget = selectors.current_budget(project)
        messages.success(request, _("已编列项目预算(第%(n)d版),合计%(wan)s万元") % {
            "n": budget.revision, "wan": budget.total_wan})
        return redirect("web:approval_budget", project_id=project.pk)
    if not _can_see_decision(user, project):
        raise _no_decision_view()
    return _budget_page(request, project)


# --- 6. approval suspensions (art. 23) -------------------------------------------------------------------------


def _may_see_suspensions(user) -> bool:
    return is_bureau_user(user) or user.has_role(Role.OWNER)


def _suspension_choices():
    units = list(Unit.objects.filter(kind__in=["department", "street"], is_active=True).order_by("kind", "name"))
    projects = list(Project.objects.filter(status__in=[S.APPROVED, S.BUDGETED], owner_unit__kind__in=[
        "department", "street"]).select_related("owner_unit").order_by("owner_unit__name", "name")[:500])
    return units, projects


def _suspension_page(request, *, form=None, error=None, lift=None, status=200):
    user = request.user
    if not _may_see_suspensions(user):
        raise Forbidden()
    state = request.GET.get("state", "active")
    if state not in ("active", "lifted", "all"):
        state = "active"
    qs = selectors.suspensions_visible_to(user)
    if state == "active":
        qs = qs.filter(lifted_at__isnull=True)
    elif state == "lifted":
        qs = qs.filter(lifted_at__isnull=False)
    page = Paginator(qs.order_by("-started_at", "-id"), SUSPENSIONS_PER_PAGE).get_page(request.GET.get("page"))
    can_manage = perms.has_perm("approvals.manage_suspensions", user)
    lift = lift or {}
    lift_error = lift.get("error")  # shown on its row when the row is on this page, else at the top
    if can_manage:
        if form is None:
            units, projects = _suspension_choices()
            form = SuspensionPageForm(units=units, projects=projects)
        if error is not None:
            merge_errors(form, error)
        for suspension in page.object_list:
            if suspension.active:
                if suspension.pk == lift.get("id"):
                    suspension.lift_form, suspension.lift_error = lift["form"], lift["error"]
                    merge_errors(lift["form"], lift["error"])
                    lift_error = None
                else:
                    suspension.lift_form = LiftForm(initial={"version": suspension.version},
                                                    auto_id=f"lift{suspension.pk}_%s")
    return render(request, "web/approvals/suspensions.html", {
        "page": page, "state": state, "form": form, "error": error, "lift_error": lift_error, "can_manage": can_manage,
        "states": [("active", _("暂缓中")), ("lifted", _("已解除")), ("all", _("全部"))],
    }, status=status)


@require_safe
@domain_errors
def suspension_list(request):
    return _suspension_page(request)


@require_http_methods(["POST"])
@domain_errors
def suspension_create(request):
    user = request.user
    data = {"unit_id": request.POST.get("unit_id", ""), "reason": request.POST.get("reason", "")}
    if request.POST.get("project_id"):
        data["project_id"] = request.POST["project_id"]
    try:
        suspension = services.suspension_create(actor=user, data=data)
    except FORM_ERRORS as exc:
        units, projects = _suspension_choices()
        form = SuspensionPageForm(data=data, units=units, projects=projects)
        return _suspension_page(request, form=form, error=exc, status=exc.status)
    messages.success(request, _("已暂缓%(unit)s的后续项目审批") % {"unit": suspension.unit.name})
    return redirect("web:suspension_list")


@require_http_methods(["POST"])
@domain_errors
def suspension_lift(request, suspension_id):
    user = request.user
    suspension = selectors.access_suspension_by_id(user, suspension_id)
    reason = request.POST.get("reason", "")
    form = LiftForm(data={"reason": reason, "version": request.POST.get("version", "")},
                    auto_id=f"lift{suspension.pk}_%s")
    try:
        version = _version_or_400(request.POST.get("version"))
        fresh = services.suspension_lift(actor=user, suspension=suspension, data={"reason": reason},
                                         expected_version=version)
    except FORM_ERRORS as exc:
        return _suspension_page(request, lift={"id": suspension.pk, "form": form, "error": exc}, status=exc.status)
    messages.success(request, _("已解除%(unit)s的暂缓审批") % {"unit": fresh.unit.name})
    return redirect(reverse("web:suspension_list") + "?state=lifted")


# --- 7. the project codes exchanged with the provincial platform (art. 17) ---------------------------------------


def _codes_page(request, *, error=None, summary=None, status=200):
    if not perms.has_perm("approvals.exchange_codes", request.user):
        raise Forbidden(_("只有区发改委(大数据局)可以与省投资项目在线审批监管平台交换项目代码"))
    row_errors = []
    if error is not None:
        for key, values in sorted(error.fields.items(), key=lambda kv: _row_key(kv[0])):
            for value in values:
                row_errors.append({"key": key, "message": value})
    return render(request, "web/approvals/codes.html", {"error": error, "row_errors": row_errors,
                                                        "summary": summary}, status=status)


def _row_key(key: str):
    """Sort row-keyed errors by row number ('rows.12.project_code', 'row 12', …), other keys first."""
    digits = "".join(c if c.isdigit() else " " for c in key).split()
    return (int(digits[0]) if digits else -1, key)


@require_http_methods(["GET", "POST"])
@domain_errors
def project_codes(request):
    if request.method == "GET":
        return _codes_page(request)
    from itgov.approvals import provincial

    try:  # the service checks the power (a 403 citing the article, audited)
        result = provincial.codes_import(actor=request.user, upload=request.FILES.get("file"))
    except FORM_ERRORS as exc:
        return _codes_page(request, error=exc, status=exc.status)
    summary = {k: len(v) if isinstance(v, list | tuple | set | dict) else v for k, v in result.items()}
    return _codes_page(request, summary=summary)


@require_safe
@domain_errors
def project_codes_export(request):
    from itgov.approvals import provincial

    content = provincial.codes_export(actor=request.user)  # checks the power (403 citing the article, audited)
    return _download(content, provincial.codes_export_filename(), XLSX)


# --- wiring --------------------------------------------------------------------------------------------------

VERSION = r"[0-9]{1,5}"
urlpatterns: list = [
    route("approvals/", approval_list, "approval_list"),
    route("projects/<project>/review/", approval_review, "approval_review"),
    route("projects/<project>/review/start/", approval_start, "approval_start"),
    route("projects/<project>/review/assessment/", approval_review_update, "approval_review_update"),
    route("projects/<project>/review/panel/", approval_panel_add, "approval_panel_add"),
    route("projects/<project>/review/panel/<member>/remove/", approval_panel_remove, "approval_panel_remove"),
    route("projects/<project>/review/panel/<member>/opinion/", approval_panel_opinion, "approval_panel_opinion"),
    route("projects/<project>/review/return/", approval_return, "approval_return"),
    route("projects/<project>/review/reject/", approval_reject, "approval_reject"),
    route("projects/<project>/review/approve/", approval_approve, "approval_approve"),
    route("projects/<project>/review/letter-preview/", approval_letter_preview, "approval_letter_preview"),
    route("projects/<project>/review/opinion/", expert_opinion, "expert_opinion"),
    route("projects/<project>/baselines/<version>/", baseline_detail, "baseline_detail", version=VERSION),
    route(r"projects/<project>/baselines/<version>/letter\.pdf", approval_letter, "approval_letter", version=VERSION),
    route("projects/<project>/budget/", approval_budget, "approval_budget"),
    route("expert-reviews/", expert_reviews, "expert_reviews"),
    route("suspensions/", suspension_list, "suspension_list"),
    route("suspensions/new/", suspension_create, "suspension_create"),
    route("suspensions/<suspension>/lift/", suspension_lift, "suspension_lift"),
    route("project-codes/", project_codes, "project_codes"),
    route(r"project-codes/export\.xlsx", project_codes_export, "project_codes_export"),
]
SECTIONS: dict[str, str] = {
    **{p.name: "approvals" for p in urlpatterns},
    "expert_reviews": "expert_reviews", "expert_opinion": "expert_reviews",
    "suspension_list": "suspensions", "suspension_create": "suspensions", "suspension_lift": "suspensions",
}


def nav_items(user) -> list[dict]:
    items = []
    if _may_list(user):
        items.append({"url": reverse("web:approval_list"), "label": gettext_lazy("立项审批"), "icon": "clipboard-check",
                      "key": "approvals"})
    if user.has_role(Role.EXPERT):
        items.append({"url": reverse("web:expert_reviews"), "label": gettext_lazy("专家评审"), "icon": "people",
                      "key": "expert_reviews"})
    if _may_see_suspensions(user):
        items.append({"url": reverse("web:suspension_list"), "label": gettext_lazy("暂缓审批"), "icon": "pause-circle",
                      "key": "suspensions"})
    return items
