"""Pages of trial operation and the acceptance application (art. 22, 20): the section 试运行与验收申请 of a project's
construction page — day T, the first day the unit may apply (T + `min_trial_run` months), the day it should have
applied by (T + `acceptance_window` months) and where today stands; the owner unit's two forms (完成建设,开始试运行;
申请竣工验收) and the applications filed.

Thin like views_control: which forms a user is shown comes from the policies (display only); each POST parses
input, calls itgov.acceptance.services with the project's version and redirects with a message (PRG). A refused POST
re-renders the construction page with its form's input kept and the domain error (400 on the fields, 409, 422
naming the rule's article); a 403 cites the rule that gives the power; a project the user may not see is a 404."""

from __future__ import annotations

import rules as perms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from itgov.acceptance import selectors, services
from itgov.acceptance.forms import ApplyForm, CompleteForm
from itgov.core.dates import SHANGHAI, local_today
from itgov.projects import selectors as project_selectors
from itgov.projects.choices import ProjectStatus
from itgov.rules.profiles import parameters_in_force

from .converters import route
from .errors import domain_errors
from .forms import bootstrap
from .views_construction import FORM_ERRORS, _dates
from .views_control import _done, _Forms, _post, _refused, _texts, _version, _version_of

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


# --- wiring -------------------------------------------------------------------------------------------------

urlpatterns: list = [
    route("projects/<project>/construction/trial/", construction_trial, "construction_trial"),
    route("projects/<project>/construction/acceptance/", construction_acceptance, "construction_acceptance"),
]
SECTIONS: dict[str, str] = {p.name: "construction" for p in urlpatterns}


def nav_items(user) -> list[dict]:
    return []
