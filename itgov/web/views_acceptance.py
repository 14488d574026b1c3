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
    FilingForm,
    OpinionForm,
    PassForm,
    ReapplyForm,
    RefuseForm,
    ScheduleForm,
)
from itgov.acceptance.models import Acceptance, AcceptanceApplication, AcceptanceDocument, AcceptanceExpert, Asset
from itgov.access.scoping import is_bureau_user
from itgov.accounts.choices import Role
from itgov.approvals.forms import date_field
from itgov.core.dates import SHANGHAI, add_months, local_today
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


