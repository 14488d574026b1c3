"""Pages of trial operation, acceptance and rectification (art. 22, 23, 20).

- The section 试运行与验收申请 of a project's construction page: day T, the first day the unit may apply (T +
  `min_trial_run` months), the day it should have applied by (T + `acceptance_window` months) and where today
  stands; the owner unit's two forms (完成建设,开始试运行; 申请竣工验收) and the applications filed.
- A project's page 竣工验收 (/projects/<id>/acceptance/): the dates, the checklist of the documents the application
  carries (upload, download audited as file.downloaded), the applications, each acceptance with DRC's schedule,
  the expert group (from the pool, a conflict of interest marked 应当回避), the opinions, the decision (通过 / 不通过
  with findings and a rectification deadline, overdue the day after), the owner unit's reapplication or refusal to
  rectify, the unit suspension it caused, the filing with Finance and the asset register.
- The list 验收管理 (/acceptance/) by status, and DRC's acceptance calendar (/acceptance/calendar/?month=YYYY-MM).

Thin like views_control: which forms a user is shown comes from the policies (display only); each POST parses
input, calls itgov.acceptance.services (with the project's version where the status changes) and redirects with a
message (PRG). A refused POST re-renders its page with the form's input kept and the domain error (400 on the
fields, 409, 422 naming the rule's article); a 403 cites the rule that gives the power; a project the user may not
see, or a record not of that project, is a 404."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import rules as perms
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.acceptance import selectors, services
from itgov.acceptance.choices import DocumentKind, Result
from itgov.acceptance.forms import (
    ApplyForm,
    AssetForm,
    CompleteForm,
    DocumentForm,
    ExpertForm,
    FilingForm,
    OpinionForm,
    PassForm,
    ReapplyForm,
    RefuseForm,
    ScheduleForm,
)
from itgov.acceptance.models import (
    Acceptance,
    AcceptanceApplication,
    AcceptanceDocument,
    AcceptanceExpert,
    Asset,
)
from itgov.access.scoping import is_bureau_user
from itgov.accounts.choices import Role
from itgov.approvals.forms import date_field
from itgov.core.dates import SHANGHAI, local_today
from itgov.core.errors import Forbidden, InvalidInput, NotFound
from itgov.core.workflow import permission_denied
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Unit
from itgov.projects import selectors as project_selectors
from itgov.projects.choices import ProjectStatus
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, evaluate, get_rule

from .converters import route
from .errors import domain_errors
from .forms import bootstrap
from .htmx import is_partial
from .views_construction import FORM_ERRORS, _dates, _money
from .views_control import _done, _Forms, _post, _refused, _select, _texts, _version, _version_of

S = ProjectStatus
# Where today stands in trial operation (art. 22): before T + 3 months, from then to T + 6 months, after.
TIMING = {"early": ("text-bg-secondary", gettext_lazy("未满试运行期")),
          "open": ("text-bg-success", gettext_lazy("可申请")),
          "late": ("text-bg-danger", gettext_lazy("已逾期"))}


# --- forms: the acceptance forms with page widgets (the same fields, so the services' field errors land) -------


class CompletePageForm(CompleteForm):
    """Day T, between the start of construction and today (the service and art22.trial_after_start check it)."""

    version = _version()

    def __init__(self, *args, started_on=None, **kwargs):
        kwargs.setdefault("auto_id", "trial_%s")
        super().__init__(*args, **kwargs)
        _dates(self, "trial_started_on")
        attrs = self.fields["trial_started_on"].widget.attrs
        attrs["max"] = local_today().isoformat()
        if started_on is not None:
            attrs["min"] = started_on.isoformat()
        self.fields["trial_started_on"].help_text = _("不得早于开工日期,不得晚于今天")
        bootstrap(self)


class ApplyPageForm(ApplyForm):
    """`late`: the application is after the window, so the explanation is required (art22.late_application_
    explained decides; the mark is for display, with the rule's own words)."""

    version = _version()

    def __init__(self, *args, late: bool = False, due=None, **kwargs):
        kwargs.setdefault("auto_id", "apply_%s")
        super().__init__(*args, **kwargs)
        _texts(self, "summary", "late_explanation")
        explanation = self.fields["late_explanation"]
        if late:
            explanation.required = True
            explanation.error_messages["required"] = _("逾期申请须说明原因")
            explanation.help_text = _("已超过申请期限 %(d)s,须说明逾期原因(第二十二条)") % {"d": due}
        elif due is not None:
            explanation.help_text = _("%(d)s 之后申请的,须说明逾期原因") % {"d": due}
        bootstrap(self)


# --- the section of the construction page -------------------------------------------------------------------


def _started_on(project):
    started = project.construction_started_at
    return started.astimezone(SHANGHAI).date() if started is not None else None


def acceptance_context(user, project, *, forms_in: dict, errors: dict) -> tuple[dict | None, set]:
    """The section 试运行与验收申请 and the forms `user` is offered now (None when there is nothing to show: a
    project not in trial operation, to whoever may not declare its completion). Returns the context and the error
    keys that found their form."""
    can_complete = (project.status == S.IN_CONSTRUCTION
                    and perms.has_perm("acceptance.complete", user, project))
    if not can_complete and project.trial_started_on is None:
        return None, set()
    if not perms.has_perm("acceptance.view", user, project):
        return None, set()
    today = local_today()
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    dates = selectors.acceptance_dates(project, params, today)
    f = _Forms(forms_in, errors)
    complete_form = apply_form = None
    if can_complete:
        complete_form = f.get("trial", lambda: CompletePageForm(
            started_on=_started_on(project), initial={"version": project.version}))
    in_trial = project.status == S.TRIAL_OPERATION
    if in_trial and perms.has_perm("acceptance.apply", user, project):
        apply_form = f.get("apply", lambda: ApplyPageForm(
            late=dates["late"], due=dates["due"], initial={"version": project.version}))
    timing = None
    if in_trial:
        key = "late" if dates["late"] else "open" if dates["may_apply"] else "early"
        badge, label = TIMING[key]
        timing = {"key": key, "badge": badge, "label": label}
    return {**dates, "in_trial": in_trial, "timing": timing, "complete_form": complete_form,
            "apply_form": apply_form, "applications": selectors.applications_of(project),
            "min_trial_run": params.get("min_trial_run"),
            "acceptance_window": params.get("acceptance_window")}, f.used


# --- the POSTs ----------------------------------------------------------------------------------------------


@require_http_methods(["POST"])
@domain_errors
def construction_trial(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, CompleteForm)
    try:
        fresh = services.trial_start(actor=user, project=project, data=data, expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = CompletePageForm(data={**data, "version": request.POST.get("version", "")},
                                started_on=_started_on(project))
        return _refused(request, project, "trial", form, exc)
    return _done(request, fresh, _("“%(name)s”已完成建设,自 %(d)s 起试运行") % {
        "name": fresh.name, "d": fresh.trial_started_on}, "acceptance")


@require_http_methods(["POST"])
@domain_errors
def construction_acceptance(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, ApplyForm)
    try:
        fresh = services.acceptance_apply(actor=user, project=project, data=data,
                                          expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        today = local_today()
        dates = selectors.acceptance_dates(project, parameters_in_force(project.owner_unit.jurisdiction, today),
                                           today)
        form = ApplyPageForm(data={**data, "version": request.POST.get("version", "")}, late=dates["late"],
                             due=dates["due"])
        return _refused(request, project, "apply", form, exc)
    return _done(request, fresh, _("已申请竣工验收,待区发改委(大数据局)组织验收"), "acceptance")


# === the project's page 竣工验收 (art. 22, 23) =================================================================

UPLOADABLE = frozenset({S.TRIAL_OPERATION, S.RECTIFYING})
ACCEPTED = frozenset({S.ACCEPTED, S.IN_OPERATION})
RESULT_BADGES = {Result.PASSED: "text-bg-success", Result.FAILED: "text-bg-danger"}
STATUS_BADGES = {S.TRIAL_OPERATION: "text-bg-info", S.ACCEPTANCE_APPLIED: "text-bg-primary",
                 S.RECTIFYING: "text-bg-warning", S.ACCEPTED: "text-bg-success", S.IN_OPERATION: "text-bg-success"}


class DocumentPageForm(DocumentForm):
    def __init__(self, *args, rectifying: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "upload_%s")
        kwargs.setdefault("initial", {"kind": DocumentKind.RECTIFICATION_REPORT} if rectifying else {})
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.ofd,.doc,.docx,.wps,.zip"
        self.fields["file"].help_text = _("PDF、OFD、Word、WPS 或 ZIP,不超过50MB;再次上传同类材料以最新一份为准")
        bootstrap(self)


class AcceptApplyPageForm(ApplyPageForm):
    """The application on the acceptance page (the same fields as on the construction page)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "accept_apply_%s")
        super().__init__(*args, **kwargs)


class SchedulePageForm(ScheduleForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "schedule_%s")
        super().__init__(*args, **kwargs)
        _dates(self, "scheduled_on")
        self.fields["location"].widget.attrs["maxlength"] = "120"
        _texts(self, "note", rows=2)
        bootstrap(self)


class OpinionPageForm(OpinionForm):
    def __init__(self, *args, seat_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"opinion{seat_id}_%s")
        super().__init__(*args, **kwargs)
        _select(self, "opinion", _("请选择"), Result.choices)
        _texts(self, "opinion_text", rows=2)
        bootstrap(self, small=True)


class DecidePageForm(PassForm):
    """DRC's decision: 通过 (acceptance_pass) or 不通过 with findings and a rectification deadline (acceptance_fail);
    the services and art23.rectification_terms decide what a failure needs."""

    DATE_FIELDS = ("decided_on", "rectification_due_on")

    result = forms.ChoiceField(label=gettext_lazy("验收结论"), choices=Result.choices, required=False)
    rectification_due_on = date_field(gettext_lazy("整改期限(不通过时)"), required=False)
    version = _version()
    field_order = ("result", "decided_on", "findings", "rectification_due_on")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "decide_%s")
        super().__init__(*args, **kwargs)
        _select(self, "result", _("请选择"), Result.choices)
        self.fields["result"].required = True  # display: the view refuses a missing result
        _dates(self, "decided_on", "rectification_due_on")
        self.fields["decided_on"].widget.attrs["max"] = local_today().isoformat()
        self.fields["rectification_due_on"].help_text = _("不通过的,须写明验收意见并限期整改(第二十三条)")
        _texts(self, "findings")
        bootstrap(self)


class ReapplyPageForm(ReapplyForm):
    version = _version()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reapply_%s")
        super().__init__(*args, **kwargs)
        _texts(self, "summary")
        bootstrap(self)


class RefusePageForm(RefuseForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "refuse_%s")
        super().__init__(*args, **kwargs)
        _texts(self, "reason", rows=2)
        self.fields["reason"].help_text = _("第二十三条:拒不整改的,暂缓本单位后续政务信息化项目的审批")
        bootstrap(self)


class FilingPageForm(FilingForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filing_%s")
        super().__init__(*args, **kwargs)
        _dates(self, "filed_on")
        self.fields["filed_on"].widget.attrs["max"] = local_today().isoformat()
        self.fields["document_number"].widget.attrs["maxlength"] = "60"
        _texts(self, "note", rows=2)
        bootstrap(self)


class AssetPageForm(AssetForm):
    def __init__(self, *args, units=(), **kwargs):
        kwargs.setdefault("auto_id", "asset_%s")
        super().__init__(*args, **kwargs)
        _select(self, "category", _("请选择"), self.fields["category"].choices)
        _select(self, "custodian_unit_id", _("请选择使用管理单位"), [(u.pk, u.name) for u in units])
        _money(self, "value")
        self.fields["value"].widget.attrs["min"] = "0"
        self.fields["value"].help_text = _("单位:元;页面以万元显示")
        self.fields["quantity"].widget.attrs.update(min="1", inputmode="numeric")
        bootstrap(self)


def _custodians(project) -> list[Unit]:
    """The district's units that can keep an asset (not the supervision firms)."""
    return list(Unit.objects.filter(jurisdiction_id=project.owner_unit.jurisdiction_id, is_active=True)
                .exclude(kind=UnitKind.SUPERVISION_FIRM).order_by("kind", "name"))


def _pool(user, project, seats, today) -> list[dict]:
    """The experts who can be seated, each with art. 22's independence check (a conflict of interest marked)."""
    from itgov.approvals.selectors import expert_pool

    rule = get_rule("art22.expert_independent")
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    seated = {seat.expert_id for seat in seats}
    rows = []
    for expert in expert_pool(project):
        outcome = evaluate(rule, Case(subject=project, actor=user, action="acceptance.expert_add",
                                      data={"expert": expert}, on=today), params)
        rows.append({"expert": expert, "seated": expert.pk in seated, "conflict": outcome.status == "violated",
                     "reason": outcome.reason, "article": rule.citation})
    return rows


def _may_see_suspensions(user) -> bool:
    return is_bureau_user(user) or user.has_role(Role.OWNER)


def _timing(dates: dict, in_trial: bool) -> dict | None:
    if not in_trial:
        return None
    key = "late" if dates["late"] else "open" if dates["may_apply"] else "early"
    badge, label = TIMING[key]
    return {"key": key, "badge": badge, "label": label}


def _acceptance_page(request, project, *, forms_in=None, errors=None, status=200):
    """`forms_in`: the bound form of a refused POST (key → form); `errors`: key → its DomainError. An error whose
    form is not on the page (the acceptance moved on meanwhile) is shown at the top."""
    user = request.user
    forms_in, errors = forms_in or {}, errors or {}
    f = _Forms(forms_in, errors)
    today = local_today()
    state = project.status
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    dates = selectors.acceptance_dates(project, params, today)
    documents = selectors.documents_of(project)
    checklist = selectors.document_checklist(project, documents)
    applications = selectors.applications_of(project)
    acceptances = selectors.acceptances_of(project)
    latest = applications[0] if applications else None
    current = next((a for a in acceptances if latest is not None and a.application_id == latest.pk), None)
    is_drc = user.has_role(Role.DRC) and perms.has_perm("acceptance.organise", user, project)
    open_acceptance = state == S.ACCEPTANCE_APPLIED and current is not None and not current.result
    for a in acceptances:
        a.is_current = a is current
        a.result_badge = RESULT_BADGES.get(a.result, "")
        a.filing_record = getattr(a, "filing", None)
        a.overdue = (a.is_current and state == S.RECTIFYING and a.rectification_due_on is not None
                     and today > a.rectification_due_on)
        a.seats = list(a.experts.all())
        a.opinions_done = sum(1 for seat in a.seats if seat.opinion)
        for seat in a.seats:
            seat.badge = RESULT_BADGES.get(seat.opinion, "")
            seat.form = seat.can_remove = None
            if a.is_current and open_acceptance and not seat.opinion:
                own = seat.expert.user_id is not None and seat.expert.user_id == user.pk
                if own or is_drc:
                    seat.form = f.get(f"opinion-{seat.pk}", lambda s=seat: OpinionPageForm(seat_id=s.pk))
                    seat.on_behalf = not own
                seat.can_remove = is_drc
    checklist_required = [row for row in checklist if row["required"]]
    pending_report = any(d.kind == DocumentKind.RECTIFICATION_REPORT and d.application_id is None for d in documents)
    ctx = {"project": project, "today": today, **dates, "timing": _timing(dates, state == S.TRIAL_OPERATION),
           "min_trial_run": params.get("min_trial_run"), "acceptance_window": params.get("acceptance_window"),
           "status_badge": STATUS_BADGES.get(state, "text-bg-secondary"), "checklist": checklist,
           "missing": [row for row in checklist_required if row["document"] is None],
           "documents": documents, "applications": applications, "acceptances": acceptances, "current": current,
           "pending_report": pending_report, "errors": errors,
           "can_see_suspensions": _may_see_suspensions(user)}
    if state in UPLOADABLE and perms.has_perm("acceptance.upload", user, project):
        ctx["upload_form"] = f.get("upload", lambda: DocumentPageForm(rectifying=state == S.RECTIFYING))
    if state == S.TRIAL_OPERATION and perms.has_perm("acceptance.apply", user, project):
        ctx["apply_form"] = f.get("apply", lambda: AcceptApplyPageForm(
            late=dates["late"], due=dates["due"], initial={"version": project.version}))
    if state == S.ACCEPTANCE_APPLIED and is_drc:
        initial = ({"scheduled_on": current.scheduled_on, "location": current.location, "note": current.note}
                   if current is not None else {"scheduled_on": max(today, latest.applied_on) if latest else today})
        ctx["schedule_form"] = f.get("schedule", lambda: SchedulePageForm(initial=initial))
        if current is not None:
            ctx["pool"] = _pool(user, project, current.seats, today)
            ctx["decide_form"] = f.get("decide", lambda: DecidePageForm(initial={
                "version": project.version, "decided_on": today if current.scheduled_on <= today else None}))
    if state == S.RECTIFYING and current is not None and current.result == Result.FAILED:
        if perms.has_perm("acceptance.apply", user, project):
            ctx["reapply_form"] = f.get("reapply", lambda: ReapplyPageForm(initial={"version": project.version}))
        if current.refused_at is None and perms.has_perm("acceptance.refuse_rectification", user, project):
            ctx["refuse_form"] = f.get("refuse", lambda: RefusePageForm())
    passed = next((a for a in acceptances if a.result == Result.PASSED), None)
    ctx["passed"] = passed
    if state in ACCEPTED and passed is not None:
        if passed.filing_record is None and perms.has_perm("acceptance.file", user, project):
            ctx["filing_form"] = f.get("filing", lambda: FilingPageForm(initial={"filed_on": today}))
        filing = passed.filing_record
        if filing is not None and filing.received_at is None and perms.has_perm(
                "acceptance.receive_filing", user, project):
            ctx["can_receive"] = True
        ctx["assets"] = list(Asset.objects.filter(project=project).select_related("custodian_unit", "registered_by"))
        ctx["assets_total"] = sum((a.value for a in ctx["assets"]), start=0)
        if perms.has_perm("acceptance.register_asset", user, project):
            ctx["asset_form"] = f.get("asset", lambda: AssetPageForm(units=_custodians(project)))
    # The group's errors show on the current acceptance, the receipt's in the filing section, when they are shown.
    shown = f.used | ({"expert"} if current is not None else set()) | (
        {"receive"} if passed is not None and passed.filing_record is not None else set())
    ctx["other_errors"] = [exc for key, exc in errors.items() if key not in shown]
    return render(request, "web/acceptance/detail.html", ctx, status=status)


@require_safe
@domain_errors
def acceptance_detail(request, project_id):
    project = project_selectors.access_project_by_id(request.user, project_id)
    return _acceptance_page(request, project)


def _here(request, project, message: str, anchor: str):
    messages.success(request, message)
    return redirect(reverse("web:acceptance_detail", args=[project.pk]) + f"#{anchor}")


def _again(request, project, key: str, form, exc):
    forms_in = {key: form} if form is not None else {}
    return _acceptance_page(request, project, forms_in=forms_in, errors={key: exc}, status=exc.status)


def _seat_of(project, seat_id) -> AcceptanceExpert:
    return services.get_seat(project, seat_id)


@require_http_methods(["POST"])
@domain_errors
def acceptance_upload(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = {"kind": request.POST.get("kind", "")}
    try:
        document = services.document_upload(actor=user, project=project, data=data, files=request.FILES)
    except FORM_ERRORS as exc:
        form = DocumentPageForm(data=data, files=request.FILES)
        return _again(request, project, "upload", form, exc)
    return _here(request, project, _("已上传%(kind)s“%(name)s”") % {
        "kind": document.get_kind_display(), "name": document.name}, "documents")


@require_safe
@domain_errors
def acceptance_document(request, project_id, document_id):
    """A file of the application, to whoever sees the project; each download audited (file.downloaded)."""

    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    document = AcceptanceDocument.objects.filter(pk=document_id, project=project).first()
    if document is None:
        raise NotFound()
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise NotFound() from None
    services.document_downloaded(actor=user, project=project, document=document)
    response = FileResponse(handle, as_attachment=True, filename=document.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["POST"])
@domain_errors
def acceptance_apply(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, ApplyForm)
    try:
        fresh = services.acceptance_apply(actor=user, project=project, data=data,
                                          expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        today = local_today()
        dates = selectors.acceptance_dates(project, parameters_in_force(project.owner_unit.jurisdiction, today),
                                           today)
        form = AcceptApplyPageForm(data={**data, "version": request.POST.get("version", "")}, late=dates["late"],
                                   due=dates["due"])
        return _again(request, project, "apply", form, exc)
    return _here(request, fresh, _("已申请竣工验收,待区发改委(大数据局)组织验收"), "applications")


@require_http_methods(["POST"])
@domain_errors
def acceptance_schedule(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, ScheduleForm)
    try:
        acceptance = services.acceptance_schedule(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _again(request, project, "schedule", SchedulePageForm(data=data), exc)
    return _here(request, project, _("已安排竣工验收:%(d)s %(place)s") % {
        "d": acceptance.scheduled_on, "place": acceptance.location}, "acceptances")


@require_http_methods(["POST"])
@domain_errors
def acceptance_expert_add(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    try:
        seat = services.expert_add(actor=user, project=project, data=_post(request, ExpertForm))
    except FORM_ERRORS as exc:
        return _again(request, project, "expert", None, exc)
    return _here(request, project, _("已将%(name)s加入验收专家组") % {"name": seat.expert.name}, "group")


@require_http_methods(["POST"])
@domain_errors
def acceptance_expert_remove(request, project_id, seat_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    seat = _seat_of(project, seat_id)
    try:
        services.expert_remove(actor=user, project=project, seat=seat)
    except FORM_ERRORS as exc:
        return _again(request, project, "expert", None, exc)
    return _here(request, project, _("已将%(name)s移出验收专家组") % {"name": seat.expert.name}, "group")


@require_http_methods(["POST"])
@domain_errors
def acceptance_opinion(request, project_id, seat_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    seat = _seat_of(project, seat_id)
    data = _post(request, OpinionForm)
    try:
        fresh = services.expert_opinion(actor=user, project=project, seat=seat, data=data)
    except FORM_ERRORS as exc:
        return _again(request, project, f"opinion-{seat.pk}", OpinionPageForm(data=data, seat_id=seat.pk), exc)
    return _here(request, project, _("已提交%(name)s的验收意见:%(o)s") % {
        "name": fresh.expert.name, "o": fresh.get_opinion_display()}, "group")


@require_http_methods(["POST"])
@domain_errors
def acceptance_decide(request, project_id):
    """通过 or 不通过 (art. 22, 23), with the project's version."""
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    result = request.POST.get("result", "")
    data = {"decided_on": request.POST.get("decided_on", ""), "findings": request.POST.get("findings", "")}
    due = request.POST.get("rectification_due_on", "")
    try:
        version = _version_of(request)
        if result == Result.PASSED:
            fresh = services.acceptance_pass(actor=user, project=project, data=data, expected_version=version)
        elif result == Result.FAILED:
            fresh = services.acceptance_fail(actor=user, project=project, data={**data, "rectification_due_on": due},
                                             expected_version=version)
        else:
            if not perms.has_perm("acceptance.decide", user, project):
                raise permission_denied(actor=user, obj=project, action="acceptance.decide",
                                        power_rule="art22.drc_organises")
            raise InvalidInput(fields={"result": [_("须选择“通过”或“不通过”")]})
    except FORM_ERRORS as exc:
        form = DecidePageForm(data={**data, "result": result, "rectification_due_on": due,
                                    "version": request.POST.get("version", "")})
        return _again(request, project, "decide", form, exc)
    if fresh.status == S.ACCEPTED:
        return _here(request, fresh, _("“%(name)s”通过竣工验收") % {"name": fresh.name}, "acceptances")
    return _here(request, fresh, _("“%(name)s”未通过竣工验收,已限期整改") % {"name": fresh.name}, "acceptances")


@require_http_methods(["POST"])
@domain_errors
def acceptance_reapply(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, ReapplyForm)
    try:
        fresh = services.acceptance_reapply(actor=user, project=project, data=data,
                                            expected_version=_version_of(request))
    except FORM_ERRORS as exc:
        form = ReapplyPageForm(data={**data, "version": request.POST.get("version", "")})
        return _again(request, project, "reapply", form, exc)
    return _here(request, fresh, _("已整改并重新申请竣工验收"), "applications")


@require_http_methods(["POST"])
@domain_errors
def acceptance_refuse(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, RefuseForm)
    try:
        services.rectification_refuse(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _again(request, project, "refuse", RefusePageForm(data=data), exc)
    return _here(request, project, _("已记录拒不整改;本单位后续项目的审批暂缓(第二十三条)"), "acceptances")


@require_http_methods(["POST"])
@domain_errors
def acceptance_filing(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, FilingForm)
    try:
        services.filing_record(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _again(request, project, "filing", FilingPageForm(data=data), exc)
    return _here(request, project, _("已将验收结果报财政局备案"), "filing")


@require_http_methods(["POST"])
@domain_errors
def acceptance_filing_receive(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    try:
        services.filing_receive(actor=user, project=project)
    except FORM_ERRORS as exc:
        return _again(request, project, "receive", None, exc)
    return _here(request, project, _("已确认验收结果备案"), "filing")


@require_http_methods(["POST"])
@domain_errors
def acceptance_asset(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    data = _post(request, AssetForm)
    try:
        asset = services.asset_register(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        return _again(request, project, "asset", AssetPageForm(data=data, units=_custodians(project)), exc)
    return _here(request, project, _("已登记资产“%(name)s”") % {"name": asset.name}, "assets")


# === the list 验收管理 and DRC's calendar ======================================================================

LIST_STATUSES = (S.TRIAL_OPERATION, S.ACCEPTANCE_APPLIED, S.RECTIFYING, S.ACCEPTED, S.IN_OPERATION)
PER_PAGE = 20


def may_list(user) -> bool:
    """Owner units, the bureaus (audit included) and the experts (the projects of their groups)."""
    return getattr(user, "is_authenticated", False) and (
        is_bureau_user(user) or user.has_role(Role.OWNER) or user.has_role(Role.EXPERT))


def _listed(user):
    qs = project_selectors.projects_visible_to(user).filter(status__in=LIST_STATUSES)
    if user.has_role(Role.EXPERT) and not (is_bureau_user(user) or user.has_role(Role.OWNER)):
        qs = qs.filter(Exists(AcceptanceExpert.objects.filter(acceptance__project=OuterRef("pk"), expert__user=user)))
    return qs


@require_safe
@domain_errors
def acceptance_list(request):
    user = request.user
    if not may_list(user):
        raise Forbidden(_("只有建设单位、各职能部门和验收专家可以查看验收管理"))
    base = _listed(user)
    counts = {row["status"]: row["n"] for row in base.order_by().values("status").annotate(n=Count("pk"))}
    status = request.GET.get("status", "")
    if status not in LIST_STATUSES:
        status = ""
    qs = base.filter(status=status) if status else base
    latest = Acceptance.objects.filter(project=OuterRef("pk")).order_by("-application__number", "-id")
    applied = AcceptanceApplication.objects.filter(project=OuterRef("pk")).order_by("-number")
    qs = (qs.select_related("owner_unit__jurisdiction")
          .annotate(acc_scheduled_on=Subquery(latest.values("scheduled_on")[:1]),
                    acc_result=Subquery(latest.values("result")[:1]),
                    acc_due=Subquery(latest.values("rectification_due_on")[:1]),
                    acc_applied_on=Subquery(applied.values("applied_on")[:1]),
                    acc_late=Subquery(applied.values("late")[:1]))
          .order_by("-updated_at", "-id"))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    today = local_today()
    params_of: dict[int, dict] = {}
    for project in page.object_list:
        jurisdiction = project.owner_unit.jurisdiction
        if jurisdiction.pk not in params_of:
            params_of[jurisdiction.pk] = parameters_in_force(jurisdiction, today)
        dates = selectors.acceptance_dates(project, params_of[jurisdiction.pk], today)  # art. 22, the rule's dates
        project.apply_by = dates["due"]
        project.apply_late = project.status == S.TRIAL_OPERATION and dates["late"]
        project.badge = STATUS_BADGES.get(project.status, "text-bg-secondary")
        project.result_label = Result(project.acc_result).label if project.acc_result else ""
        project.result_badge = RESULT_BADGES.get(project.acc_result, "")
        project.overdue = (project.status == S.RECTIFYING and project.acc_due is not None and today > project.acc_due)
    tabs = [{"value": "", "label": _("全部"), "count": sum(counts.values())}]
    tabs += [{"value": s, "label": S(s).label, "count": counts.get(s, 0)} for s in LIST_STATUSES]
    context = {"page": page, "tabs": tabs, "status": status, "today": today}
    template = "web/acceptance/_list_results.html" if is_partial(request) else "web/acceptance/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


CALENDAR_BADGES = {"acceptance": ("text-bg-primary", gettext_lazy("验收")),
                   "may_apply": ("text-bg-success", gettext_lazy("可申请")),
                   "application_due": ("text-bg-warning", gettext_lazy("申请期限")),
                   "rectification_due": ("text-bg-danger", gettext_lazy("整改期限"))}
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str | None, today: dt.date) -> dt.date:
    """The first day of `value` (YYYY-MM; this month when absent); InvalidInput (400) when malformed."""
    if value in (None, ""):
        return today.replace(day=1)
    match = MONTH.match(value)
    if match is None or not 2000 <= int(match.group(1)) <= 2100 or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(_("月份格式须为 YYYY-MM(2000年至2100年)"), fields={"month": [_("月份格式须为 YYYY-MM")]})
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


@require_safe
@domain_errors
def acceptance_calendar(request):
    """The month (Monday first) with what falls due on each day: the acceptances scheduled, the first day a project
    on trial may apply and the last day it applies on time (art. 22), the rectification deadlines (art. 23)."""
    user = request.user
    if not may_list(user):
        raise Forbidden(_("只有建设单位、各职能部门和验收专家可以查看验收日历"))
    today = local_today()
    first = _month(request.GET.get("month"), today)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    entries = selectors.calendar_entries(user, first, last)
    by_day: dict[dt.date, list[dict]] = {}
    for entry in entries:
        badge, label = CALENDAR_BADGES[entry["kind"]]
        by_day.setdefault(entry["date"], []).append({**entry, "badge": badge, "label": label})
    start = first - dt.timedelta(days=first.weekday())
    end = last + dt.timedelta(days=6 - last.weekday())
    weeks, week, day = [], [], start
    while day <= end:
        week.append({"date": day, "in_month": day.month == first.month, "today": day == today,
                     "entries": by_day.get(day, [])})
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += dt.timedelta(days=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return render(request, "web/acceptance/calendar.html", {
        "first": first, "weeks": weeks, "count": len(entries), "today": today,
        "previous": previous.strftime("%Y-%m") if previous.year >= 2000 else "",
        "following": following.strftime("%Y-%m") if following.year <= 2100 else "",
        "this_month": today.strftime("%Y-%m"),
        "weekdays": [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
        "legend": [{"kind": k, "badge": b, "label": label} for k, (b, label) in CALENDAR_BADGES.items()],
    })


# --- wiring -------------------------------------------------------------------------------------------------

_CONSTRUCTION = [
    route("projects/<project>/construction/trial/", construction_trial, "construction_trial"),
    route("projects/<project>/construction/acceptance/", construction_acceptance, "construction_acceptance"),
]
_ACCEPTANCE = [
    route("acceptance/", acceptance_list, "acceptance_list"),
    route("acceptance/calendar/", acceptance_calendar, "acceptance_calendar"),
    route("projects/<project>/acceptance/", acceptance_detail, "acceptance_detail"),
    route("projects/<project>/acceptance/documents/", acceptance_upload, "acceptance_upload"),
    route("projects/<project>/acceptance/documents/<document>/", acceptance_document, "acceptance_document"),
    route("projects/<project>/acceptance/apply/", acceptance_apply, "acceptance_apply"),
    route("projects/<project>/acceptance/schedule/", acceptance_schedule, "acceptance_schedule"),
    route("projects/<project>/acceptance/experts/", acceptance_expert_add, "acceptance_expert_add"),
    route("projects/<project>/acceptance/experts/<seat>/remove/", acceptance_expert_remove,
          "acceptance_expert_remove"),
    route("projects/<project>/acceptance/experts/<seat>/opinion/", acceptance_opinion, "acceptance_opinion"),
    route("projects/<project>/acceptance/decide/", acceptance_decide, "acceptance_decide"),
    route("projects/<project>/acceptance/reapply/", acceptance_reapply, "acceptance_reapply"),
    route("projects/<project>/acceptance/refuse/", acceptance_refuse, "acceptance_refuse"),
    route("projects/<project>/acceptance/filing/", acceptance_filing, "acceptance_filing"),
    route("projects/<project>/acceptance/filing/receive/", acceptance_filing_receive, "acceptance_filing_receive"),
    route("projects/<project>/acceptance/assets/", acceptance_asset, "acceptance_asset"),
]
urlpatterns: list = _CONSTRUCTION + _ACCEPTANCE
SECTIONS: dict[str, str] = {**{p.name: "construction" for p in _CONSTRUCTION},
                            **{p.name: "acceptance" for p in _ACCEPTANCE}}


def nav_items(user) -> list[dict]:
    if not may_list(user):
        return []
    return [{"url": reverse("web:acceptance_list"), "label": gettext_lazy("验收管理"), "icon": "clipboard-check",
             "key": "acceptance"}]
