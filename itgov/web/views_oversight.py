"""Pages of audit cooperation (art. 25, with art. 4's audit bureau): 审计监督 for the audit bureau and DRC — the cases
(open / closed tabs), a case's page (its projects with their dossiers, its requests with their state, the answers
with their files) and the audit bureau's forms (open a case, add a project, send a request, close the case); 审计调阅
for an owner unit — the requests addressed to it, each with its answer form and, once answered, a 补充 (supplement)
form; and a project's dossier page (every record kind with its count, the project's audit events, the download).

Thin like views_construction: each view fetches through itgov.oversight.selectors (404 when not visible), each POST
parses input and calls itgov.oversight.services (403 citing 第二十五条, 400 on the fields, 409, 422 naming the
article) and redirects with a message (PRG); a refused POST re-renders its page with the form's input kept and the
error, with the error's status."""

from __future__ import annotations

import rules as perms
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.accounts.choices import Role
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from itgov.core.workflow import permission_denied
from itgov.oversight import dossier, selectors, services
from itgov.oversight.choices import CaseStatus, RequestState
from itgov.oversight.forms import AnswerForm, CaseAddProjectForm, CaseCloseForm, CaseOpenForm, RequestForm
from itgov.oversight.policies import may_read_cases
from itgov.projects import selectors as project_selectors

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import bootstrap, parse_version
from .htmx import is_partial

FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
PER_PAGE = 20
EVENTS_SHOWN = 100
CASE_BADGES = {CaseStatus.OPEN: "text-bg-primary", CaseStatus.CLOSED: "text-bg-secondary"}


# --- forms: the oversight forms with page widgets (the same fields, so the services' field errors land) --------


def _version_field():
    return forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)


def _project_label(project) -> str:
    return f"{project.name}({project.owner_unit.name})"


class CaseOpenPageForm(CaseOpenForm):
    def __init__(self, *args, projects=(), **kwargs):
        kwargs.setdefault("auto_id", "case_%s")
        super().__init__(*args, **kwargs)
        self.fields["project_ids"].widget = forms.SelectMultiple(
            choices=[(p.pk, _project_label(p)) for p in projects], attrs={"size": "8"})
        self.fields["project_ids"].help_text = _("可多选(按住 Ctrl 或 Shift);立项后还可增加项目")
        bootstrap(self)


class AddProjectPageForm(CaseAddProjectForm):
    version = _version_field()

    def __init__(self, *args, projects=(), **kwargs):
        kwargs.setdefault("auto_id", "add_%s")
        super().__init__(*args, **kwargs)
        self.fields["project_id"].widget = forms.Select(
            choices=[("", _("请选择")), *[(p.pk, _project_label(p)) for p in projects]])
        bootstrap(self)


class RequestPageForm(RequestForm):
    def __init__(self, *args, projects=(), **kwargs):
        kwargs.setdefault("auto_id", "request_%s")
        super().__init__(*args, **kwargs)
        self.fields["project_id"].widget = forms.Select(
            choices=[("", _("请选择")), *[(p.pk, _project_label(p)) for p in projects]])
        self.fields["project_id"].help_text = _("调阅要求发给该项目的建设单位")
        self.fields["kind"].choices = [("", _("请选择")), *self.fields["kind"].choices]
        self.fields["due_on"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["due_on"].help_text = _("须晚于今天;次日起未报送的为逾期(第二十五条)")
        bootstrap(self)


class ClosePageForm(CaseCloseForm):
    version = _version_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "close_%s")
        super().__init__(*args, **kwargs)
        bootstrap(self)


class AnswerPageForm(AnswerForm):
    """The text, and the files (several at once; the service checks each like every upload)."""

    files = forms.FileField(label=_("文件"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.ofd,.doc,.docx,.wps,.zip"}))

    def __init__(self, *args, prefix_id: str = "answer", **kwargs):
        kwargs.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.allow_multiple_selected = True
        self.fields["files"].widget.attrs["multiple"] = True
        self.fields["files"].help_text = _("PDF、OFD、Word、WPS 或 ZIP,每个不超过50MB,可多选")
        bootstrap(self)


def _version(request) -> int | None:
    try:
        return parse_version(request.POST.get("version"))
    except ValueError:
        raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]}) from None


def _fields(request, form_class) -> dict:
    return {name: request.POST.get(name, "") for name in form_class.base_fields if name != "version"}


# --- the audit bureau's and DRC's cases ---------------------------------------------------------------------------


@require_safe
@domain_errors
def oversight_cases(request):
    user = request.user
    if not may_read_cases(user) and user.has_role(Role.OWNER):
        return redirect("web:oversight_requests")  # an owner unit's part of oversight: the requests to it
    counts = selectors.case_counts(user)
    status = request.GET.get("status", CaseStatus.OPEN)
    if status not in (*CaseStatus.values, ""):
        status = CaseStatus.OPEN
    page = Paginator(selectors.case_list(user, status), PER_PAGE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.badge = CASE_BADGES[case.status]
    tabs = [{"value": s, "label": CaseStatus(s).label, "count": counts.get(s, 0)} for s in CaseStatus.values]
    tabs.append({"value": "", "label": _("全部"), "count": sum(counts.values())})
    context = {"page": page, "tabs": tabs, "status": status, "target": "oversight-results",
               "can_open": perms.has_perm("oversight.open_case", user)}
    template = "web/oversight/_cases_results.html" if is_partial(request) else "web/oversight/cases.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _open_page(request, form, *, error=None, status=200):
    return render(request, "web/oversight/case_open.html", {"form": form, "error": error}, status=status)


def _auditable(user):
    return project_selectors.projects_visible_to(user).order_by("name", "pk")


@require_http_methods(["GET", "POST"])
@domain_errors
def oversight_case_open(request):
    user = request.user
    if not perms.has_perm("oversight.open_case", user):
        raise permission_denied(actor=user, obj=None, action="oversight.case_open", power_rule=services.POWER)
    projects = _auditable(user)
    if request.method == "GET":
        return _open_page(request, CaseOpenPageForm(projects=projects))
    data = {**_fields(request, CaseOpenForm), "project_ids": request.POST.getlist("project_ids")}
    try:
        case = services.case_open(actor=user, data=data)
    except FORM_ERRORS as exc:
        form = CaseOpenPageForm(data=data, projects=projects)
        merge_errors(form, exc)
        return _open_page(request, form, error=exc if not exc.fields else None, status=exc.status)
    messages.success(request, _("已立项审计 %(number)s") % {"number": case.number})
    return redirect("web:oversight_case", case_id=case.pk)


def _case_page(request, case, *, forms_in=None, errors=None, status=200):
    user = request.user
    forms_in, errors = forms_in or {}, errors or {}
    projects = selectors.case_projects(case)
    requests = selectors.requests_of_case(case, local_today())
    may_manage = case.status == CaseStatus.OPEN and perms.has_perm("oversight.manage_case", user, case)
    page_forms = {}
    if may_manage:
        in_case = {p.pk for p in projects}
        page_forms = {
            "request": forms_in.get("request") or RequestPageForm(projects=projects),
            "add": forms_in.get("add") or AddProjectPageForm(
                projects=[p for p in _auditable(user) if p.pk not in in_case], initial={"version": case.version}),
            "close": forms_in.get("close") or ClosePageForm(initial={"version": case.version}),
        }
        for key, exc in errors.items():
            if key in page_forms:
                merge_errors(page_forms[key], exc)
                page_forms[key].domain_error = exc
    for project in projects:
        project.may_export = perms.has_perm("oversight.export_dossier", user, project)
    return render(request, "web/oversight/case.html", {
        "case": case, "badge": CASE_BADGES[case.status], "projects": projects, "requests": requests,
        "forms": page_forms, "other_errors": [exc for key, exc in errors.items() if key not in page_forms],
    }, status=status)


@require_safe
@domain_errors
def oversight_case(request, case_id):
    return _case_page(request, selectors.access_case_by_id(request.user, case_id))


def _case_post(request, case_id, key: str):
    user = request.user
    case = selectors.access_case_by_id(user, case_id)
    try:
        if key == "add":
            data = _fields(request, CaseAddProjectForm)
            services.case_add_project(actor=user, case=case, data=data, expected_version=_version(request))
            message = _("已增加被审计项目")
        elif key == "close":
            data = _fields(request, CaseCloseForm)
            services.case_close(actor=user, case=case, data=data, expected_version=_version(request))
            message = _("审计 %(number)s 已结案") % {"number": case.number}
        else:
            data = _fields(request, RequestForm)
            made = services.request_send(actor=user, case=case, data=data)
            message = _("已向%(unit)s发出调阅要求,报送期限 %(due)s") % {"unit": made.addressee.name, "due": made.due_on}
    except FORM_ERRORS as exc:
        projects = selectors.case_projects(case)
        bound = {"add": lambda: AddProjectPageForm(data=request.POST, projects=_auditable(user)),
                 "close": lambda: ClosePageForm(data=request.POST),
                 "request": lambda: RequestPageForm(data=request.POST, projects=projects)}[key]()
        return _case_page(request, selectors.access_case_by_id(user, case.pk), forms_in={key: bound},
                          errors={key: exc}, status=exc.status)
    messages.success(request, message)
    return HttpResponseRedirect(reverse("web:oversight_case", args=[case.pk]) + ("#requests" if key == "request"
                                                                                   else ""))


@require_http_methods(["POST"])
@domain_errors
def oversight_case_add_project(request, case_id):
    return _case_post(request, case_id, "add")


@require_http_methods(["POST"])
@domain_errors
def oversight_case_close(request, case_id):
    return _case_post(request, case_id, "close")


@require_http_methods(["POST"])
@domain_errors
def oversight_request_send(request, case_id):
    return _case_post(request, case_id, "request")


# --- the owner unit's requests ------------------------------------------------------------------------------------


def _requests_page(request, *, form_for=None, error_for=None, status=200):
    user = request.user
    if selectors.requests_addressed_q(user) is None:
        raise Forbidden()
    today = local_today()
    state = request.GET.get("status", "")
    if state not in RequestState.values:
        state = ""
    base = selectors.requests_addressed_to(user, today)
    counts = {row["state"]: row["n"] for row in base.order_by().values("state").annotate(n=Count("pk"))}
    qs = base.filter(state=state) if state else base
    qs = qs.prefetch_related("answers__files", "answers__submitted_by").select_related("project__owner_unit")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors._badged(list(page.object_list))
    for row in rows:
        row.answer_list = list(row.answers.all())
        row.form = (form_for if form_for is not None and error_for == row.pk else
                    AnswerPageForm(prefix_id=f"answer{row.pk}"))
        row.error = status if error_for == row.pk else None
        row.may_answer = row.case.status == CaseStatus.OPEN and perms.has_perm("oversight.answer", user, row)
    tabs = [{"value": "", "label": _("全部"), "count": sum(counts.values())}]
    tabs += [{"value": s, "label": RequestState(s).label, "count": counts.get(s, 0)} for s in RequestState.values]
    return render(request, "web/oversight/requests.html", {
        "page": page, "rows": rows, "tabs": tabs, "status": state, "target": "requests-results",
        "error": error_for}, status=status)


@require_safe
@domain_errors
def oversight_requests(request):
    return _requests_page(request)


@require_http_methods(["POST"])
@domain_errors
def oversight_answer(request, request_id):
    user = request.user
    audit_request = selectors.access_request_by_id(user, request_id)
    data = {"text": request.POST.get("text", "")}
    try:
        answer = services.answer_submit(actor=user, request=audit_request, data=data,
                                        files=request.FILES.getlist("files"))
    except FORM_ERRORS as exc:
        form = AnswerPageForm(data=data, prefix_id=f"answer{audit_request.pk}")
        merge_errors(form, exc)
        form.domain_error = exc if not exc.fields else None
        return _requests_page(request, form_for=form, error_for=audit_request.pk, status=exc.status)
    message = (_("已报送审计资料") if answer.sequence == 1 else _("已补充报送(第%(n)d次)") % {"n": answer.sequence})
    if answer.late:
        message += _(",已超过报送期限,记为逾期报送")
    messages.success(request, message)
    return HttpResponseRedirect(reverse("web:oversight_requests") + f"#request-{audit_request.pk}")


@require_safe
@domain_errors
def oversight_file(request, file_id):
    row = selectors.access_answer_file(request.user, file_id)
    try:
        handle = row.file.open("rb")
    except (FileNotFoundError, OSError):
        from itgov.core.errors import NotFound

        raise NotFound() from None
    services.answer_file_downloaded(actor=request.user, row=row)
    response = FileResponse(handle, as_attachment=True, filename=row.name)
    response["Cache-Control"] = "private, no-store"
    return response


# --- a project's dossier ------------------------------------------------------------------------------------------


@require_safe
@domain_errors
def project_dossier(request, project_id):
    user = request.user
    project = project_selectors.access_project_by_id(user, project_id)
    if not perms.has_perm("oversight.export_dossier", user, project):
        raise permission_denied(actor=user, obj=project, action="oversight.dossier_view",
                                power_rule="art25.dossier_readers")
    parts = dossier.parts_of(project, user)
    events_qs = dossier.project_events(project, user)
    events = list(events_qs.order_by("-seq")[:EVENTS_SHOWN])
    return render(request, "web/oversight/dossier.html", {
        "project": project, "records": [r for r in dossier.record_counts(parts) if r["count"]],
        "events": events, "events_total": events_qs.count(), "events_shown": EVENTS_SHOWN,
    })


@require_safe
@domain_errors
def project_dossier_download(request, project_id):
    project = project_selectors.access_project_by_id(request.user, project_id)
    handle, name = services.dossier_export(actor=request.user, project=project)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


# --- wiring -------------------------------------------------------------------------------------------------------

urlpatterns: list = [
    route("oversight/", oversight_cases, "oversight_cases"),
    route("oversight/cases/new/", oversight_case_open, "oversight_case_open"),
    route("oversight/cases/<case>/", oversight_case, "oversight_case"),
    route("oversight/cases/<case>/projects/", oversight_case_add_project, "oversight_case_add_project"),
    route("oversight/cases/<case>/requests/", oversight_request_send, "oversight_request_send"),
    route("oversight/cases/<case>/close/", oversight_case_close, "oversight_case_close"),
    route("oversight/requests/", oversight_requests, "oversight_requests"),
    route("oversight/requests/<request>/answers/", oversight_answer, "oversight_answer"),
    route("oversight/files/<file>/", oversight_file, "oversight_file"),
    route("projects/<project>/dossier/", project_dossier, "project_dossier"),
    route(r"projects/<project>/dossier\.zip", project_dossier_download, "project_dossier_download"),
]
SECTIONS: dict[str, str] = {p.name: "oversight" for p in urlpatterns}


def nav_items(user) -> list[dict]:
    """One entry: 审计监督 for the audit bureau and DRC (the cases), 审计调阅 for an owner unit (its requests)."""
    if may_read_cases(user):
        return [{"url": reverse("web:oversight_cases"), "label": gettext_lazy("审计监督"), "icon": "search",
                 "key": "oversight"}]
    if user.has_role(Role.OWNER):
        return [{"url": reverse("web:oversight_requests"), "label": gettext_lazy("审计调阅"), "icon": "search",
                 "key": "oversight"}]
    return []
