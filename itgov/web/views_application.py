"""Pages of the owner unit's initiation application (art. 14, 11, 16–18, 28, 30): the sectioned application
form with its compliance panel ("what is still missing"), the report files, the project code (art. 17), the
participants of a joint project (art. 16) and the submission.

Thin like views.py: each view parses the request and calls itgov.approvals.services, which decide the power
(403 citing the article), the input (400 naming the field), the state and version (409) and the rules (422
with the article); the page shows the error next to the form it belongs to, keeping what was typed."""

from __future__ import annotations

import rules as perms
from django import forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.approvals import services
from itgov.approvals.choices import (
    REQUIRED_DOCUMENTS,
    DataDirection,
    Decision,
    DocumentKind,
    SharedPlatform,
    SharingType,
    TargetCategory,
)
from itgov.approvals.codes import parse as parse_code
from itgov.approvals.forms import MAX_ROWS, ApplicationForm
from itgov.approvals.models import (
    INVESTMENT_FIELDS,
    ApplicationDocument,
    Baseline,
    Budget,
    InitiationApplication,
)
from itgov.approvals.selectors import current_application, panel_of, review_of
from itgov.approvals.workflow import IN_REVIEW
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, RuleViolation
from itgov.core.money import format_wan
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Unit
from itgov.projects.choices import ProjectStatus
from itgov.projects.selectors import access_project_by_id
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, compliance, get_rule

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import parse_version

FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
SUBMIT_ACTION = "initiation.submit"
# The rows of the three tables: the inputs of a row, in order (posted as `<table>-<field>`, one per row).
ROW_FIELDS = {
    "milestones": ("name", "due_date"),
    "performance_targets": ("category", "indicator", "unit", "target"),
    "data_resources": ("name", "direction", "sharing_type", "into_catalogue", "source_or_use"),
}
# A row whose other inputs are empty is a blank row (ignored); these inputs have a default and do not count.
ROW_DEFAULTS = {"into_catalogue"}
BLANK_ROWS = 2  # blank rows under the filled ones: more rows without a script ("添加一行" adds one with htmx)
POSTED_ROWS_LIMIT = 2 * MAX_ROWS  # rows read from a request, at most (the service refuses more than MAX_ROWS)
TRUE_VALUES = {"1", "on", "true", "yes"}
# Where DRC's review page has something to show: the application is in its hands or it has decided.
DECIDING = frozenset({*IN_REVIEW, ProjectStatus.APPROVED, ProjectStatus.BUDGETED, ProjectStatus.INITIATION_REJECTED})
SCALARS = tuple(n for n in services.APPLICATION_SCALARS if n != "shared_platforms")

SECTIONS_OF_FORM = (
    ("content", gettext_lazy("基本内容")),
    ("investment", gettext_lazy("投资估算")),
    ("schedule", gettext_lazy("进度安排")),
    ("targets", gettext_lazy("绩效目标")),
    ("sharing", gettext_lazy("数据资源共享")),
    ("platforms", gettext_lazy("集约建设")),
    ("security", gettext_lazy("安全保护")),
    ("joint", gettext_lazy("联合项目")),
)


# --- forms: the approvals forms with page widgets (same fields, so a service's field errors land on them) ----


class ApplicationPageForm(ApplicationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_date", "end_date"):
            self.fields[name].widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
        for name in INVESTMENT_FIELDS:  # a blank amount is sent as 0
            self.fields[name].required = False
            self.fields[name].widget.attrs.update(step="0.01", min="0", inputmode="decimal", **{"data-investment": ""})
        self.fields["shared_platforms"].widget.attrs["class"] = "form-check-input"
        for name, field in self.fields.items():
            if name == "shared_platforms":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


# The small forms below only display the input and carry the service's errors (the service validates): no
# validation of their own, so a message is never shown twice in two wordings.


class UploadPageForm(forms.Form):
    kind = forms.CharField(label=gettext_lazy("材料类型"), required=False,
                           widget=forms.Select(choices=DocumentKind.choices, attrs={"class": "form-select"}))
    file = forms.FileField(label=gettext_lazy("文件"), required=False, widget=forms.FileInput(
        attrs={"class": "form-control", "accept": ".pdf,.ofd,.doc,.docx,.wps,.zip"}))


class ParticipantPageForm(forms.Form):
    unit_id = forms.CharField(label=gettext_lazy("参建单位"), required=False,
                              widget=forms.Select(attrs={"class": "form-select"}))
    role_description = forms.CharField(label=gettext_lazy("承担内容"), required=False,
                                       widget=forms.TextInput(attrs={"class": "form-control", "maxlength": 200}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].widget.choices = [("", _("请选择部门或街道")), *[(str(u.pk), u.name) for u in units]]


class ProjectCodePageForm(forms.Form):
    project_code = forms.CharField(label=gettext_lazy("项目代码"), required=False, widget=forms.TextInput(attrs={
        "class": "form-control font-monospace", "maxlength": 40, "placeholder": "2604-320106-65-01-000001",
        "autocomplete": "off"}))


# --- helpers -------------------------------------------------------------------------------------------------


def _url(project) -> str:
    return reverse("web:application_detail", args=[project.pk])


def review_url(project) -> str | None:
    """DRC's review page of the project, when the approvals pages provide it."""
    try:
        return reverse("web:approval_review", args=[project.pk])
    except NoReverseMatch:
        return None


def _version(value) -> int | None:
    try:
        return parse_version(value)
    except ValueError:
        why = _("版本号无效,请刷新后重试")
        raise InvalidInput(why, fields={"version": [why]}) from None


def code_meaning(project) -> str:
    """What the project's code says (art. 17: GB/T 40058), in words; "" when there is none or it is unreadable."""
    if not project.project_code:
        return ""
    parsed, _why = parse_code(project.project_code, region=None, today=local_today())
    if parsed is None:
        return ""
    return _("赋码时间%(issued)s · 行政区划%(region)s · 行业%(sector)s · 项目类型%(type)s · 流水号%(serial)s") % {
        "issued": parsed.issued, "region": parsed.region, "sector": parsed.sector, "type": parsed.project_type,
        "serial": parsed.serial}


def _posted_rows(post, key: str) -> list[dict[str, str]]:
    """The rows of a table as posted (every input of a row is a list entry at the row's position)."""
    names = ROW_FIELDS[key]
    columns = {name: post.getlist(f"{key}-{name}")[:POSTED_ROWS_LIMIT] for name in names}
    count = max((len(values) for values in columns.values()), default=0)
    return [{name: (columns[name][i] if i < len(columns[name]) else "") for name in names} for i in range(count)]


def _is_blank(key: str, row: dict[str, str]) -> bool:
    return not any(str(value).strip() for name, value in row.items() if name not in ROW_DEFAULTS)


def _service_row(key: str, row: dict[str, str]) -> dict:
    if key == "data_resources":
        return {**row, "into_catalogue": str(row.get("into_catalogue", "")).lower() in TRUE_VALUES}
    return dict(row)


def _application_data(post) -> tuple[dict, dict[str, list[int]]]:
    """The service's input from the form: the scalars posted (a blank amount is 0), the lists the form shows
    (`has`), the filled rows only. Also, for each table, the position on the page of each row sent."""
    data: dict = {}
    for name in SCALARS:
        if name in post:
            value = post.get(name, "")
            data[name] = "0" if name in INVESTMENT_FIELDS and not value.strip() else value
    present = set(post.getlist("has"))
    if "shared_platforms" in present:
        data["shared_platforms"] = post.getlist("shared_platforms")
    positions: dict[str, list[int]] = {}
    for key in ROW_FIELDS:
        if key not in present:
            continue
        rows = _posted_rows(post, key)
        filled = [i for i, row in enumerate(rows) if not _is_blank(key, row)]
        data[key] = [_service_row(key, rows[i]) for i in filled]
        positions[key] = filled
    return data, positions


def _stored_rows(application) -> dict[str, list[dict[str, str]]]:
    if application is None:
        return {key: [] for key in ROW_FIELDS}
    return {
        "milestones": [{"name": m.name, "due_date": m.due_date.isoformat()} for m in application.milestones.all()],
        "performance_targets": [{"category": t.category, "indicator": t.indicator, "unit": t.unit, "target": t.target}
                                for t in application.performance_targets.all()],
        "data_resources": [{"name": r.name, "direction": r.direction, "sharing_type": r.sharing_type,
                            "into_catalogue": "1" if r.into_catalogue else "0", "source_or_use": r.source_or_use}
                           for r in application.data_resources.all()],
    }


def _blank_row(key: str) -> dict[str, str]:
    row = dict.fromkeys(ROW_FIELDS[key], "")
    if key == "data_resources":
        row["into_catalogue"] = "1"
    return row


def _table_rows(values: dict[str, list[dict]], *, blank: bool = True, error: DomainError | None = None,
                positions: dict[str, list[int]] | None = None) -> tuple[dict[str, list[dict]], dict[str, list[str]]]:
    """Each table's rows for the page ({"values", "errors"}), with a service's row errors (`<table>.<i>.<field>`,
    i counting the rows sent) put on the row they came from; also the errors of whole tables."""
    tables, table_errors = {}, {}
    for key, rows in values.items():
        shown = [{"values": row, "errors": {}} for row in rows]
        if blank:
            shown += [{"values": _blank_row(key), "errors": {}} for _n in range(BLANK_ROWS + (0 if rows else 1))]
        tables[key] = shown
    if error is None:
        return tables, table_errors
    for name, msgs in error.fields.items():
        parts = name.split(".")
        if parts[0] not in ROW_FIELDS:
            continue
        if len(parts) == 1:
            table_errors.setdefault(parts[0], []).extend(msgs)
            continue
        sent = (positions or {}).get(parts[0], [])
        index = int(parts[1]) if parts[1].isdigit() else -1
        if 0 <= index < len(sent) and sent[index] < len(tables[parts[0]]):
            field = parts[2] if len(parts) > 2 else "row"
            tables[parts[0]][sent[index]]["errors"].setdefault(field, []).extend(msgs)
        else:
            table_errors.setdefault(parts[0], []).extend(msgs)
    return tables, table_errors


def _form_only(error: DomainError) -> DomainError:
    """The error without its row keys (shown on their rows) and the version (its message heads the form)."""
    rest = type(error).__new__(type(error))
    rest.__dict__.update(error.__dict__)
    rest.fields = {k: v for k, v in error.fields.items() if k.split(".")[0] not in (*ROW_FIELDS, "version")}
    return rest


def _initial(application) -> dict:
    if application is None:
        return {}
    return {name: getattr(application, name) for name in services.APPLICATION_SCALARS}


def _participant_rows(user, project, application, editable: bool) -> list[dict]:
    rows = []
    for p in project.participants.all():
        if p.confirmed_at is None:
            state = "waiting"
        elif application is not None and p.confirmed_application_id == application.pk \
                and p.confirmed_version == application.version:
            state = "confirmed"
        else:
            state = "stale"
        can_confirm = (editable and application is not None and state != "confirmed"
                       and perms.has_perm("approvals.confirm_participation", user, p))
        rows.append({"p": p, "state": state, "can_confirm": can_confirm})
    return rows


def _candidate_units(project) -> list[Unit]:
    """The units that may join (art. 16): the jurisdiction's active departments and streets, not the lead unit,
    not already participating."""
    taken = {p.unit_id for p in project.participants.all()} | {project.owner_unit_id}
    units = Unit.objects.filter(jurisdiction_id=project.owner_unit.jurisdiction_id, is_active=True,
                                kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET]).order_by("kind", "code")
    return [u for u in units if u.pk not in taken]


def _compliance(user, project, application, review, panel, params) -> list[dict]:
    case = Case(subject=project, actor=user, action="initiation.compliance", on=local_today(),
                data={"application": application, "review": review, "panel": panel})
    return compliance(case, params, scope="approval")


def _page(request, project, *, status=200, form=None, tables=None, table_errors=None, error=None,
          upload_form=None, upload_error=None, code_form=None, code_error=None, participant_form=None,
          participant_error=None, action_error=None, form_version=None):
    user = request.user
    application = current_application(project)
    review = review_of(application)
    panel = panel_of(review)
    params = parameters_in_force(project.owner_unit.jurisdiction, local_today())
    editable = project.status in services.EDITABLE
    can_edit = editable and perms.has_perm("approvals.edit_application", user, project)
    joint = bool(project.participants.all())
    if can_edit and form is None:
        form = ApplicationPageForm(initial=_initial(application) or dict.fromkeys(INVESTMENT_FIELDS, "0"))
    if form is not None and form.is_bound and error is not None:
        merge_errors(form, _form_only(error))
    if tables is None:
        tables, table_errors = _table_rows(_stored_rows(application), blank=can_edit)
    can_code = (project.status in services.CODE_EDITABLE
                and perms.has_perm("approvals.record_project_code", user, project))
    if can_code and code_form is None:
        code_form = ProjectCodePageForm(initial={"project_code": project.project_code or ""})
    if code_form is not None and code_form.is_bound and code_error is not None:
        merge_errors(code_form, _form_only(code_error))
    if can_edit and upload_form is None:
        upload_form = UploadPageForm()
    if upload_form is not None and upload_form.is_bound and upload_error is not None:
        merge_errors(upload_form, _form_only(upload_error))
    can_manage = (project.status in services.PARTICIPANTS_EDITABLE
                  and perms.has_perm("approvals.manage_participants", user, project))
    if can_manage and participant_form is None:
        participant_form = ParticipantPageForm(units=_candidate_units(project))
    if participant_form is not None and participant_form.is_bound and participant_error is not None:
        merge_errors(participant_form, _form_only(participant_error))
    documents = list(application.documents.all()) if application is not None else []
    present = {d.kind for d in documents}
    rows = [] if project.classified else _compliance(user, project, application, review, panel, params)
    for row in rows:  # what the unit must still do before submitting; the rest DRC assesses in its review
        row["at_submit"] = SUBMIT_ACTION in get_rule(row["rule"]).actions
    sections = [(key, label) for key, label in SECTIONS_OF_FORM if key != "joint" or joint]
    return render(request, "web/application/detail.html", {
        "project": project, "application": application, "review": review, "editable": editable,
        "can_edit": can_edit, "joint": joint, "form": form,
        # After a refused save the form keeps the version it was read at: a 409 stays a 409 until reloaded.
        "form_version": form_version if form_version is not None else (application.version if application else ""),
        "sections": sections, "tables": tables,
        "table_errors": table_errors or {}, "error": error, "row_choices": _row_choices(),
        "investment_total": application.total if application is not None else 0,
        "in_review": project.status in IN_REVIEW,
        "compliance": rows,
        "missing": [r for r in rows if r["at_submit"] and r["status"] in ("violated", "pending")],
        "met_count": sum(1 for r in rows if r["status"] == "met"),
        "documents": documents, "required_documents": [(k, k.label, k in present) for k in REQUIRED_DOCUMENTS],
        "upload_form": upload_form, "upload_error": upload_error,
        "can_code": can_code, "code_form": code_form, "code_error": code_error,
        "code_meaning": code_meaning(project),
        "participants": _participant_rows(user, project, application, editable), "can_manage": can_manage,
        "participant_form": participant_form, "participant_error": participant_error,
        "can_submit": project.status in services.EDITABLE and perms.has_perm("approvals.submit_initiation", user,
                                                                             project),
        "action_error": action_error,
        "review_url": review_url(project) if project.status in DECIDING else None,
        "returned": (application is not None and application.decision == Decision.RETURNED
                     and project.status == ProjectStatus.PLANNED),
        "platform_labels": _platform_labels(application),
    }, status=status)


def _row_choices() -> dict:
    return {"categories": TargetCategory.choices, "directions": DataDirection.choices,
            "sharing_types": SharingType.choices}


def _platform_labels(application) -> list[str]:
    if application is None:
        return []
    labels = dict(SharedPlatform.choices)
    return [str(labels.get(value, value)) for value in application.shared_platforms or []]


# --- the application page ------------------------------------------------------------------------------------


@require_safe
@domain_errors
def application_detail(request, project_id):
    return _page(request, access_project_by_id(request.user, project_id))


@require_http_methods(["POST"])
@domain_errors
def application_save(request, project_id):
    user = request.user
    project = access_project_by_id(user, project_id)
    data, positions = _application_data(request.POST)
    try:
        version = _version(request.POST.get("version"))
        services.application_save(actor=user, project=project, data=data, expected_version=version)
    except FORM_ERRORS as exc:
        application = current_application(project)
        shown = {**_initial(application), **{k: v for k, v in data.items() if k not in ROW_FIELDS}}
        if "shared_platforms" not in data and application is not None:
            shown["shared_platforms"] = application.shared_platforms
        form = ApplicationPageForm(data=shown)
        stored = _stored_rows(application)
        values = {key: _posted_rows(request.POST, key) if key in positions else stored[key] for key in ROW_FIELDS}
        tables, table_errors = _table_rows(values, blank=False, error=exc, positions=positions)
        for key, rows in tables.items():
            if not rows or not _is_blank(key, rows[-1]["values"]):
                rows.append({"values": _blank_row(key), "errors": {}})
        return _page(request, project, form=form, tables=tables, table_errors=table_errors, error=exc,
                     status=exc.status, form_version=request.POST.get("version", ""))
    messages.success(request, _("已保存立项申请草稿"))
    return redirect(_url(project))


@require_safe
@domain_errors
def application_row(request, project_id, table):
    """A blank row of a table (htmx: "添加一行")."""
    user = request.user
    project = access_project_by_id(user, project_id)
    if table not in ROW_FIELDS:
        raise NotFound()
    if not perms.has_perm("approvals.edit_application", user, project):
        raise Forbidden()
    if request.headers.get("HX-Request") != "true":
        return redirect(_url(project) + f"#{table}")
    return render(request, f"web/application/_row_{table}.html",
                  {"row": {"values": _blank_row(table), "errors": {}}, "row_choices": _row_choices(),
                   "can_edit": True})


# --- report files (art. 14) ----------------------------------------------------------------------------------


@require_http_methods(["POST"])
@domain_errors
def application_upload(request, project_id):
    user = request.user
    project = access_project_by_id(user, project_id)
    data = {"kind": request.POST.get("kind", "")}
    try:
        document = services.document_upload(actor=user, project=project, data=data, files=request.FILES)
    except FORM_ERRORS as exc:
        return _page(request, project, upload_form=UploadPageForm(data=data), upload_error=exc, status=exc.status)
    messages.success(request, _("已上传%(kind)s“%(name)s”") % {"kind": document.get_kind_display(),
                                                              "name": document.name})
    return redirect(_url(project) + "#documents")


@require_safe
@domain_errors
def application_document(request, project_id, document_id):
    user = request.user
    project = access_project_by_id(user, project_id)
    document = ApplicationDocument.objects.filter(pk=document_id, application__project=project).first()
    if document is None or project.classified:
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


# --- the project code (art. 17) ------------------------------------------------------------------------------


@require_http_methods(["POST"])
@domain_errors
def application_code(request, project_id):
    user = request.user
    project = access_project_by_id(user, project_id)
    data = {"project_code": request.POST.get("project_code", "")}
    try:
        version = _version(request.POST.get("version"))
        fresh = services.project_code_record(actor=user, project=project, data=data, expected_version=version)
    except FORM_ERRORS as exc:
        return _page(request, project, code_form=ProjectCodePageForm(data=data), code_error=exc, status=exc.status)
    messages.success(request, _("已登记项目代码 %(code)s(%(meaning)s)") % {
        "code": fresh.project_code, "meaning": code_meaning(fresh)})
    return redirect(_url(project) + "#code")


# --- joint projects (art. 16) --------------------------------------------------------------------------------


@require_http_methods(["POST"])
@domain_errors
def application_participant_add(request, project_id):
    user = request.user
    project = access_project_by_id(user, project_id)
    data = {"unit_id": request.POST.get("unit_id", ""), "role_description": request.POST.get("role_description", "")}
    try:
        participant = services.participant_add(actor=user, project=project, data=data)
    except FORM_ERRORS as exc:
        form = ParticipantPageForm(data=data, units=_candidate_units(project))
        return _page(request, project, participant_form=form, participant_error=exc, status=exc.status)
    messages.success(request, _("已添加参建单位%(unit)s") % {"unit": participant.unit.name})
    return redirect(_url(project) + "#participants")


@require_http_methods(["POST"])
@domain_errors
def application_participant_remove(request, project_id, participant_id):
    user = request.user
    project = access_project_by_id(user, project_id)
    participant = services.get_participant(project, participant_id)
    try:
        services.participant_remove(actor=user, project=project, participant=participant)
    except FORM_ERRORS as exc:
        return _page(request, project, participant_error=exc, status=exc.status)
    messages.success(request, _("已移除参建单位%(unit)s") % {"unit": participant.unit.name})
    return redirect(_url(project) + "#participants")


@require_http_methods(["POST"])
@domain_errors
def application_participant_confirm(request, project_id, participant_id):
    user = request.user
    project = access_project_by_id(user, project_id)
    participant = services.get_participant(project, participant_id)
    try:
        version = _version(request.POST.get("version"))
        fresh = services.participant_confirm(actor=user, project=project, participant=participant,
                                             expected_version=version)
    except FORM_ERRORS as exc:
        return _page(request, project, participant_error=exc, status=exc.status)
    messages.success(request, _("%(unit)s已确认联合申请(第%(v)d版)") % {"unit": fresh.unit.name,
                                                                     "v": fresh.confirmed_version})
    return redirect(_url(project) + "#participants")


# --- submission (art. 14) ------------------------------------------------------------------------------------


@require_http_methods(["POST"])
@domain_errors
def application_submit(request, project_id):
    user = request.user
    project = access_project_by_id(user, project_id)
    try:
        version = _version(request.POST.get("version"))
        fresh = services.initiation_submit(actor=user, project=project, expected_version=version)
    except FORM_ERRORS as exc:
        return _page(request, project, action_error=exc, status=exc.status)
    messages.success(request, _("已提交立项申请:%(name)s,待区发改委(大数据局)受理") % {"name": fresh.name})
    return redirect(_url(project))


# --- the project page's card ---------------------------------------------------------------------------------


def approval_card(user, project) -> dict | None:
    """The "立项审批" card of the project page: the code, the application's standing, the baseline in force and
    the budget. Three queries, whatever the rows."""
    if project.classified:
        return None
    application = (InitiationApplication.objects.filter(project=project).order_by("-number")
                   .only("id", "project_id", "number", "version", "submitted_at", "decision", "decided_at").first())
    may_view_decision = perms.has_perm("approvals.view_decision", user, project)
    baseline = budget = None
    if may_view_decision:
        baseline = Baseline.objects.filter(project=project).order_by("-version").first()
        budget = Budget.objects.filter(project=project).order_by("-revision").first()
    return {
        "application": application, "application_url": _url(project),
        "review_url": review_url(project) if project.status in DECIDING else None,
        "code_meaning": code_meaning(project),
        "baseline": baseline, "budget": budget,
        "estimate_wan": format_wan(baseline.approved_estimate) if baseline else "",
        "can_edit": (project.status in services.EDITABLE
                     and perms.has_perm("approvals.edit_application", user, project)),
    }


# --- wiring --------------------------------------------------------------------------------------------------

def _route(pattern: str, view, url_name: str):
    return route("projects/<project>/application/" + pattern, view, url_name, table=r"[a-z_]{1,40}")


urlpatterns: list = [
    _route("", application_detail, "application_detail"),
    _route("save/", application_save, "application_save"),
    _route("rows/<table>/", application_row, "application_row"),
    _route("upload/", application_upload, "application_upload"),
    _route("documents/<document>/", application_document, "application_document"),
    _route("code/", application_code, "application_code"),
    _route("participants/", application_participant_add, "application_participant_add"),
    _route("participants/<participant>/remove/", application_participant_remove, "application_participant_remove"),
    _route("participants/<participant>/confirm/", application_participant_confirm, "application_participant_confirm"),
    _route("submit/", application_submit, "application_submit"),
]
SECTIONS: dict[str, str] = {p.name: "projects" for p in urlpatterns}


def nav_items(user) -> list[dict]:
    return []  # the application is reached from its project's page (the "立项审批" card)
