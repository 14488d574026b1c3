"""Pages of the systems' security (art. 30, with art. 4 and 5), and the duplicate-build panel of a project (art. 3, 18):

- 网络安全 (/security/): the board of the Cyberspace Office, DRC and the audit bureau — per owner unit, the systems
  operating or being built, by graded protection level, with their assessments due soon, overdue or missing and their
  open and overdue findings; the level distribution (an ECharts bar chart, with the same figures in a table beside it);
  the systems to assess, the most urgent first; the open findings. A unit's row filters the board to that unit;
- a system's security (/security/systems/<id>/): its level and filing (备案) with the owner unit's form, where its
  graded (等级测评) and cryptography (密评) assessments stand (the next due day), its assessments with the record
  form, its findings with their state, the raise form (owner unit or Cyberspace Office) and, per open finding, the
  owner unit's remediation form;
- `security_card(user, system)` and web/security/_system_security.html: the summary shown on the catalogue's system
  page to those who may read the system's security;
- `similar_panel(user, project)` and web/security/_similar.html: for DRC, the existing projects, systems and catalogue
  resources most like a project (itgov.catalogue.similarity), with their scores, so intensive construction (集约建设)
  can be judged.

Thin like views_oversight: each view fetches through itgov.security.selectors (404 when not visible: a system's
security is read by its owner unit, the Cyberspace Office, DRC and the audit bureau, never a classified system's), each
POST parses input and calls itgov.security.services (403 citing 第三十条, 400 on the fields, 409 on a stale version or a
finding already remediated; a classified system its unit or DRC sees in the catalogue gets the service's 409 citing
第五条) and redirects with a message (PRG); a refused POST re-renders the page with the input kept and the error, with
the error's status."""

from __future__ import annotations

import datetime as dt

import rules as perms
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.catalogue.models import InformationSystem, SimilarityKind
from itgov.catalogue.policies import is_drc
from itgov.catalogue.selectors import systems_visible_to
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from itgov.core.ids import object_pk
from itgov.organizations.models import Unit
from itgov.security import selectors, services
from itgov.security.choices import AssessmentResult, DueState, Severity
from itgov.security.forms import AssessmentForm, FilingForm, FindingForm, RemediationForm
from itgov.security.policies import reads_security_board

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import bootstrap, parse_version
from .htmx import is_partial

FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
SEVERITY_BADGES = {Severity.HIGH: "text-bg-danger", Severity.MEDIUM: "text-bg-warning", Severity.LOW: "text-bg-info"}
RESULT_BADGES = {AssessmentResult.CONFORMS: "text-bg-success", AssessmentResult.MOSTLY: "text-bg-info",
                 AssessmentResult.FAILS: "text-bg-danger"}
SIMILAR_LIMIT = 10


# --- page forms: the security forms with page widgets (the same fields, so the services' field errors land) ------


def _version_field():
    return forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)


def _date(form, name: str, **attrs) -> None:
    form.fields[name].widget = forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def _rows(form, *names: str, rows: int = 2) -> None:
    for name in names:
        form.fields[name].widget.attrs.update(rows=str(rows), maxlength=str(form.fields[name].max_length))


def _choose(form, name: str, empty=None) -> None:
    field = form.fields[name]
    field.choices = [("", empty or _("请选择")), *[(v, label) for v, label in field.choices if v != ""]]


class FilingPageForm(FilingForm):
    version = _version_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filing_%s")
        super().__init__(*args, **kwargs)
        _choose(self, "protection_level")
        _date(self, "filed_on", max=local_today().isoformat())
        self.fields["protection_level"].help_text = _("第三级以上的信息系统须定期开展等级测评和密码应用安全性评估")
        self.fields["filing_number"].help_text = _("向公安机关备案后填写;编号、日期和机关须一并填写")
        bootstrap(self)


class AssessmentPageForm(AssessmentForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "assessment_%s")
        super().__init__(*args, **kwargs)
        _choose(self, "kind")
        _choose(self, "result")
        _date(self, "assessed_on", max=local_today().isoformat())
        self.fields["score"].widget.attrs.update(min="0", max="100", step="0.01", inputmode="decimal")
        self.fields["score"].help_text = _("0–100 分,可不填")
        _rows(self, "summary")
        bootstrap(self)


class FindingPageForm(FindingForm):
    def __init__(self, *args, assessments=(), **kwargs):
        kwargs.setdefault("auto_id", "finding_%s")
        super().__init__(*args, **kwargs)
        _choose(self, "severity")
        _date(self, "due_on", min=(local_today() + dt.timedelta(days=1)).isoformat())
        self.fields["due_on"].help_text = _("须晚于今天")
        self.fields["assessment_id"].widget = forms.Select(choices=[
            ("", _("无(检查发现)")),
            *[(a.pk, f"{a.get_kind_display()} {a.assessed_on:%Y-%m-%d} {a.report_number}") for a in assessments]])
        _rows(self, "description")
        bootstrap(self)


class RemediationPageForm(RemediationForm):
    version = _version_field()

    def __init__(self, *args, finding_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"remediate{finding_id}_%s")
        super().__init__(*args, **kwargs)
        _date(self, "remediated_on", max=local_today().isoformat())
        _rows(self, "remediation")
        bootstrap(self, small=True)


def _fields(request, form_class) -> dict:
    return {name: request.POST.get(name, "") for name in form_class.base_fields if name != "version"}


def _version(request) -> int | None:
    try:
        return parse_version(request.POST.get("version"))
    except ValueError:
        raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]}) from None


# --- 1. the board ----------------------------------------------------------------------------------------------


class BoardFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("建设运维单位"), required=False, coerce=int, empty_value=None,
                                  error_messages={"invalid_choice": gettext_lazy("不是可选的单位")})

    def __init__(self, *args, units=(), **kwargs):
        kwargs.setdefault("auto_id", "board_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("全部单位")), *[(u.pk, u.name) for u in units]]
        bootstrap(self, small=True)


def _board_units(user) -> list[Unit]:
    """The owner units of the systems on the board (one query)."""
    systems = selectors.security_visible_systems(user).filter(status__in=selectors.BOARD_STATUSES)
    return list(Unit.objects.filter(pk__in=systems.values("owner_unit")).order_by("path"))


@require_safe
@domain_errors
def security_board(request):
    user = request.user
    if not perms.has_perm("security.view_board", user):
        raise Forbidden()
    today = local_today()
    form = BoardFilterForm(request.GET or None, units=_board_units(user))
    unit_id = form.cleaned_data.get("unit") if form.is_bound and form.is_valid() else None
    data = selectors.board(user, today, unit_id)
    chosen = next((row.unit for row in data.units if row.unit.pk == unit_id), None) if unit_id else None
    keys = [key for key, _label, _n in data.levels]
    for line in (*data.units, data.total):
        line.level_counts = [line.levels[key] for key in keys]
    for row in data.systems:
        row.due_list = _dues(row)
    for finding in data.findings:
        finding.severity_badge = SEVERITY_BADGES.get(finding.severity, "text-bg-secondary")
    context = {"form": form, "board": data, "unit": chosen, "unit_id": unit_id, "today": today,
               "chart": {"labels": [label for _key, label, _n in data.levels],
                         "values": [n for _key, _label, n in data.levels]}}
    template = "web/security/_board_results.html" if is_partial(request) else "web/security/board.html"
    response = render(request, template, context, status=400 if form.is_bound and form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- 2. a system's security ------------------------------------------------------------------------------------


def _system_for(user, system_id, *, write: bool = False) -> InformationSystem:
    """The system whose security `user` reads (404 otherwise). On a write, also a classified system its unit or DRC
    sees in the catalogue: the service then says why nothing is recorded here (409 citing 第五条)."""
    try:
        return selectors.access_system_by_id(user, system_id)
    except NotFound:
        if not write:
            raise
    system = (systems_visible_to(user).select_related("owner_unit__jurisdiction", "project")
              .filter(pk=object_pk(system_id), classified=True).first())
    if system is None or not perms.has_perm("catalogue.view_system", user, system):
        raise NotFound()
    return system


def _form(forms_in: dict, errors: dict, used: set, key: str, make):
    form = forms_in.get(key) or make()
    error = errors.get(key)
    form.domain_error = None
    if error is not None:
        used.add(key)
        merge_errors(form, error)
        if not (isinstance(error, InvalidInput) and error.fields):
            form.domain_error = error
        for name, field in form.fields.items():  # the version's errors with the form's own
            if isinstance(field.widget, forms.HiddenInput) and name in form.errors:
                for message in form.errors.pop(name):
                    form.add_error(None, message)
    return form


def _dues(row) -> list[dict]:
    """The graded and crypto assessments' states of a system's row, each with a note: the interval, or that a system
    being built is assessed before its acceptance (not yet 'missing' for the board)."""
    out = []
    for due in row.dues:
        if due.state == DueState.MISSING and not row.in_operation:
            note = _("系统尚未运行:验收前完成")
        elif due.months:
            note = _("每%(m)d个月一次") % {"m": due.months}
        else:
            note = ""
        out.append({"due": due, "note": note})
    return out


def _system_page(request, system, *, forms_in=None, errors=None, status=200):
    user = request.user
    forms_in, errors, used = forms_in or {}, errors or {}, set()
    today = local_today()
    detail = selectors.system_security_detail(system, today)
    row = detail["row"]
    assessments, findings = detail["assessments"], detail["findings"]
    for assessment in assessments:
        assessment.badge = RESULT_BADGES.get(assessment.result, "text-bg-secondary")
    may_record = perms.has_perm("security.record", user, system)
    may_raise = perms.has_perm("security.raise_finding", user, system)
    may_remediate = perms.has_perm("security.remediate", user, system)
    annotated = row.system
    context = {"system": annotated, "row": row, "dues": _dues(row), "assessments": assessments,
               "findings": findings, "today": today, "may_record": may_record, "may_raise": may_raise,
               "may_remediate": may_remediate, "open_count": row.open_findings,
               "may_read_board": reads_security_board(user)}
    if may_record:
        context["filing_form"] = _form(forms_in, errors, used, "filing", lambda: FilingPageForm(initial={
            "protection_level": annotated.protection_level, "filing_number": annotated.filing_number,
            "filed_on": annotated.filed_on, "filing_authority": annotated.filing_authority,
            "version": annotated.version}))
        context["assessment_form"] = _form(forms_in, errors, used, "assessment", AssessmentPageForm)
    if may_raise:
        context["finding_form"] = _form(forms_in, errors, used, "finding",
                                        lambda: FindingPageForm(assessments=assessments))
    for finding in findings:
        finding.severity_badge = SEVERITY_BADGES.get(finding.severity, "text-bg-secondary")
        finding.form = None
        if may_remediate and finding.remediated_on is None:
            key = f"remediate{finding.pk}"
            finding.form = _form(forms_in, errors, used, key, lambda f=finding: RemediationPageForm(
                finding_id=f.pk, initial={"version": f.version, "remediated_on": today.isoformat()}))
    context["other_errors"] = [exc for key, exc in errors.items() if key not in used]
    return render(request, "web/security/system.html", context, status=status)


@require_safe
@domain_errors
def security_system(request, system_id):
    return _system_page(request, _system_for(request.user, system_id))


def _done(request, system, message: str, anchor: str):
    messages.success(request, message)
    return redirect(reverse("web:security_system", args=[system.pk]) + f"#{anchor}")


def _refused(request, system, key: str, form, exc):
    """The page again with `form` (the input kept) and `exc` (its status); a system that is no longer readable
    (it became classified meanwhile) is the error page."""
    if system.classified:
        raise exc
    return _system_page(request, system, forms_in={key: form}, errors={key: exc}, status=exc.status)


@require_http_methods(["POST"])
@domain_errors
def security_filing(request, system_id):
    user = request.user
    system = _system_for(user, system_id, write=True)
    data = _fields(request, FilingForm)
    try:
        fresh = services.filing_record(actor=user, system=system, data=data, expected_version=_version(request))
    except FORM_ERRORS as exc:
        form = FilingPageForm(data={**data, "version": request.POST.get("version", "")})
        return _refused(request, system, "filing", form, exc)
    if fresh.filing_number:
        message = _("已登记等级保护第%(n)d级,备案编号 %(number)s") % {"n": fresh.protection_level,
                                                                "number": fresh.filing_number}
    else:
        message = _("已登记等级保护第%(n)d级(尚未备案)") % {"n": fresh.protection_level}
    return _done(request, fresh, message, "filing")


@require_http_methods(["POST"])
@domain_errors
def security_assessment(request, system_id):
    user = request.user
    system = _system_for(user, system_id, write=True)
    data = _fields(request, AssessmentForm)
    try:
        made = services.assessment_record(actor=user, system=system, data=data)
    except FORM_ERRORS as exc:
        return _refused(request, system, "assessment", AssessmentPageForm(data=data), exc)
    return _done(request, system, _("已登记%(kind)s(%(day)s,%(result)s)") % {
        "kind": made.get_kind_display(), "day": made.assessed_on.isoformat(), "result": made.get_result_display()},
        "assessments")


@require_http_methods(["POST"])
@domain_errors
def security_finding_raise(request, system_id):
    user = request.user
    system = _system_for(user, system_id, write=True)
    data = _fields(request, FindingForm)
    try:
        made = services.finding_raise(actor=user, system=system, data=data)
    except FORM_ERRORS as exc:
        assessments = [] if system.classified else list(system.assessments.all())
        return _refused(request, system, "finding", FindingPageForm(data=data, assessments=assessments), exc)
    return _done(request, system, _("已提出安全问题,整改期限 %(day)s") % {"day": made.due_on.isoformat()}, "findings")


@require_http_methods(["POST"])
@domain_errors
def security_finding_remediate(request, finding_id):
    user = request.user
    finding = selectors.access_finding_by_id(user, finding_id)
    system = finding.system
    data = _fields(request, RemediationForm)
    key = f"remediate{finding.pk}"
    try:
        fresh = services.finding_remediate(actor=user, finding=finding, data=data,
                                           expected_version=_version(request))
    except FORM_ERRORS as exc:
        form = RemediationPageForm(data={**data, "version": request.POST.get("version", "")}, finding_id=finding.pk)
        return _refused(request, system, key, form, exc)
    message = _("已登记整改(%(day)s)") % {"day": fresh.remediated_on.isoformat()}
    if fresh.remediated_on > fresh.due_on:
        message += _(",已超过整改期限,记为逾期整改")
    return _done(request, system, message, f"finding-{fresh.pk}")


# --- the summary on the catalogue's system page ----------------------------------------------------------------


def security_card(user, system: InformationSystem) -> dict | None:
    """The context of web/security/_system_security.html for `system`, or None when `user` may not read its security
    (not its owner unit, the Cyberspace Office, DRC or the audit bureau) or it is classified (art. 5). Two queries
    (the system with its states and counts, the profile in force)."""
    if system.classified or (system.project_id and system.project.classified):
        return None
    if not perms.has_perm("security.view", user, system):
        return None
    today = local_today()
    qs = InformationSystem.objects.filter(pk=system.pk)
    rows = selectors.systems_security(qs, selectors.params_by_jurisdiction(today), today)
    if not rows:
        return None
    row = rows[0]
    return {"row": row, "system": row.system, "dues": _dues(row), "url": reverse("web:security_system", args=[system.pk])}


# --- 3. duplicate detection: the panel of a project for DRC ----------------------------------------------------

_SIMILAR_URLS = {SimilarityKind.PROJECT: "web:project_detail", SimilarityKind.SYSTEM: "web:catalogue_system",
                 SimilarityKind.RESOURCE: "web:catalogue_resource"}
_SIMILAR_ICONS = {SimilarityKind.PROJECT: "kanban", SimilarityKind.SYSTEM: "hdd-network",
                  SimilarityKind.RESOURCE: "database"}


def similar_panel(user, project) -> list[dict] | None:
    """For DRC only (None for anyone else: the result names other units' records): the indexed projects, systems and
    catalogue resources of the project's jurisdiction most like `project`, best first — each a dict of kind,
    kind_label, icon, title, unit, score (0–1), percent (0–100) and url. A classified project is compared with
    nothing (art. 5): an empty list. Two or three queries (itgov.catalogue.similarity.similar_to)."""
    if not is_drc(user):
        return None
    from itgov.catalogue.similarity import similar_to

    found = similar_to(kind=SimilarityKind.PROJECT, obj=project, jurisdiction=project.owner_unit.jurisdiction_id,
                       limit=SIMILAR_LIMIT)
    rows = []
    for item in found:
        kind = item["kind"]
        rows.append({**item, "kind_label": str(SimilarityKind(kind).label), "icon": _SIMILAR_ICONS[kind],
                     "percent": round(item["score"] * 100),
                     "url": reverse(_SIMILAR_URLS[kind], args=[item["object_id"]])})
    return rows


# --- wiring ------------------------------------------------------------------------------------------------------

urlpatterns: list = [
    route("security/", security_board, "security_board"),
    route("security/systems/<system>/", security_system, "security_system"),
    route("security/systems/<system>/filing/", security_filing, "security_filing"),
    route("security/systems/<system>/assessments/", security_assessment, "security_assessment"),
    route("security/systems/<system>/findings/", security_finding_raise, "security_finding_raise"),
    route("security/findings/<finding>/remediation/", security_finding_remediate, "security_finding_remediate"),
]
SECTIONS: dict[str, str] = {p.name: "security" for p in urlpatterns}


def nav_items(user) -> list[dict]:
    """网络安全 for the Cyberspace Office, DRC and the audit bureau (the board). An owner unit reaches its systems'
    security from the catalogue's system page."""
    if not reads_security_board(user):
        return []
    return [{"url": reverse("web:security_board"), "label": gettext_lazy("网络安全"), "icon": "shield-lock",
             "key": "security"}]

