"""Pages of the district data-resource catalogue and of data sharing (art. 27–29, with art. 5):

- 数据资源目录 (/catalogue/): the catalogue searched and filtered, paginated, exported (Excel in the national guide's
  layout, JSON in a DCAT mapping) with the same filters; a resource's page (its metadata, information items, sharing
  interfaces, related resources, the resource its project declared, DRC's publication, the 申请共享 form for another
  unit, the requests received by the provider); the resource form (metadata + repeating information-item rows);
- 信息系统 (/catalogue/systems/): the systems a user may see (a classified one only by its unit and DRC), the
  registration form, a system's page with its resources and its edit form;
- 目录完整性 (/catalogue/completeness/): per owner unit, what its catalogue still lacks (art. 29);
- 数据共享 (/sharing/): the requests by state and direction, a request's page with the provider's answer forms, the
  consumer's withdrawal and its record of uses.

Thin like views_oversight: each view fetches through itgov.catalogue.selectors (404 when not visible), each POST
parses input and calls itgov.catalogue.services (403 citing 第二十七条 / 第二十九条, 400 on the fields, 409, 422
naming the article) and redirects with a message (PRG); a refused POST re-renders its page with the input kept and
the error, with the error's status."""

from __future__ import annotations

from functools import reduce
from operator import or_

import rules as perms
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from itgov.access.scoping import scope_q
from itgov.accounts.choices import Role
from itgov.approvals.models import DataResource as DeclaredResource
from itgov.catalogue import export, selectors, services
from itgov.catalogue.choices import (
    ItemType,
    RequestState,
    RequestStatus,
    SharingType,
    SystemStatus,
)
from itgov.catalogue.forms import (
    MAX_ITEMS,
    CatalogueFilterForm,
    GrantForm,
    InterfaceForm,
    RefuseForm,
    ResourceForm,
    SharingRequestForm,
    SystemChangeForm,
    SystemForm,
    UseForm,
    choice_field,
)
from itgov.catalogue.models import CatalogueResource, SharingInterface
from itgov.catalogue.policies import provides
from itgov.construction.forms import id_field
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from itgov.core.ids import object_pk
from itgov.core.workflow import permission_denied
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Unit
from itgov.projects.selectors import projects_visible_to

from .converters import route
from .errors import domain_errors, merge_errors
from .forms import TRUE_VALUES, bootstrap, parse_version
from .htmx import is_partial

FORM_ERRORS = (InvalidInput, RuleViolation, Conflict)
PER_PAGE = 20
ITEM_FIELDS = ("name", "data_type", "sensitive")
BLANK_ITEMS = 2  # blank item rows under the filled ones: more rows without a script ("添加一行" adds one with htmx)
POSTED_ITEMS_LIMIT = 2 * MAX_ITEMS  # rows read from a request, at most (the service refuses more than MAX_ITEMS)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SHARING_BADGES = {SharingType.UNCONDITIONAL: "text-bg-success", SharingType.CONDITIONAL: "text-bg-warning",
                  SharingType.NOT_SHARED: "text-bg-secondary"}
SYSTEM_BADGES = {SystemStatus.BUILDING: "text-bg-info", SystemStatus.OPERATING: "text-bg-success",
                 SystemStatus.RETIRED: "text-bg-secondary"}
STATE_BADGES = {RequestState.PENDING: "text-bg-primary", RequestState.OVERDUE: "text-bg-danger",
                RequestState.GRANTED: "text-bg-success", RequestState.REFUSED: "text-bg-dark",
                RequestState.WITHDRAWN: "text-bg-light border"}


# --- who sees what (display; the selectors and services decide) -------------------------------------------------


def _require_reader(user) -> None:
    """The catalogue's pages: every owner unit and every bureau (art. 27); not a supervision firm or an expert."""
    if not perms.has_perm("catalogue.view", user):
        raise Forbidden()


def reads_sharing(user) -> bool:
    """The sharing pages: an owner unit (its requests, made or received), DRC and the audit bureau (all)."""
    return user.is_authenticated and (user.has_role(Role.OWNER) or user.has_role(Role.DRC)
                                      or user.has_role(Role.AUDIT))


def _resource_or_404(user, resource_id) -> CatalogueResource:
    resource = selectors.resource_detail(object_pk(resource_id), user)
    if resource is None:
        raise NotFound()
    return resource


def _system_or_404(user, system_id):
    system = (selectors.systems_visible_to(user).select_related("registered_by", "project__owner_unit")
              .filter(pk=object_pk(system_id)).first())
    if system is None:
        raise NotFound()
    return system


def _request_or_404(user, request_id):
    found = (selectors.requests_visible_to(user).select_related("requested_by", "decided_by", "resource__jurisdiction")
             .filter(pk=object_pk(request_id)).first())
    if found is None:
        raise NotFound()
    return found


def _version(request) -> int | None:
    try:
        return parse_version(request.POST.get("version"))
    except ValueError:
        raise InvalidInput(fields={"version": [_("版本号无效,请刷新后重试")]}) from None


def _fields(request, form_class) -> dict:
    return {name: request.POST.get(name, "") for name in form_class.base_fields if name != "version"}


def _version_field():
    return forms.IntegerField(required=False, min_value=1, max_value=2**31, widget=forms.HiddenInput)


def _units(user) -> list[Unit]:
    """The units `user` may register a system for: any (DRC, curating), or its own and those below (an owner)."""
    qs = Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SUPERVISION_FIRM)
    if not user.has_role(Role.DRC):
        paths = user.scope_paths(Role.OWNER)
        if not paths:
            return []
        qs = qs.filter(reduce(or_, [Q(path__startswith=p) for p in paths]))
    return list(qs.order_by("kind", "name"))


def _all_units() -> list[tuple[int, str]]:
    return list(Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SUPERVISION_FIRM)
                .order_by("kind", "name").values_list("pk", "name"))


def _empty_choice(form, name: str, empty) -> None:
    """A choice field's first option: `empty` instead of the service form's "—" (or none, when required)."""
    field = form.fields[name]
    field.choices = [("", empty), *[(v, label) for v, label in field.choices if v != ""]]


def _dates(form, *names: str) -> None:
    for name in names:
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _texts(form, *names: str, rows: int = 3) -> None:
    for name in names:
        form.fields[name].widget.attrs.update(rows=str(rows), maxlength=str(form.fields[name].max_length))


# --- page forms: the catalogue's forms with page widgets (the same fields, so the services' errors land) --------


class CataloguePageFilterForm(CatalogueFilterForm):
    def __init__(self, *args, providers=(), systems=(), **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        for name, empty in (("resource_class", _("全部分类")), ("sharing_type", _("全部共享类型")),
                            ("update_cycle", _("全部")), ("format", _("全部格式")), ("published", _("全部"))):
            _empty_choice(self, name, empty)
        self.fields["provider_id"].widget = forms.Select(choices=[("", _("全部提供单位")), *providers])
        self.fields["system_id"].widget = forms.Select(
            choices=[("", _("全部信息系统")), *[(pk, f"{code} {name}") for pk, code, name in systems]])
        self.fields["q"].widget.attrs.update(placeholder=_("资源名称、代码、摘要或信息项"), autocomplete="off")
        bootstrap(self, small=True)

    def filters(self) -> dict:
        """The valid, non-empty filters (an invalid one is ignored, and reported)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors and v not in (None, "")}

    def description(self) -> str:
        return "&".join(f"{k}={v}" for k, v in sorted(self.filters().items())) or "*"


class SystemFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("关键词"), max_length=50, required=False)
    unit = id_field(gettext_lazy("建设运维单位"), required=False)
    status = choice_field(gettext_lazy("系统状态"), SystemStatus.choices, required=False)

    def __init__(self, *args, units=(), **kwargs):
        kwargs.setdefault("auto_id", "sys_%s")
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = forms.Select(choices=[("", _("全部单位")), *units])
        _empty_choice(self, "status", _("全部状态"))
        self.fields["q"].widget.attrs.update(placeholder=_("系统名称或编号"), autocomplete="off")
        bootstrap(self, small=True)

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors and v not in (None, "")}


class SystemPageForm(SystemForm):
    def __init__(self, *args, units=(), projects=(), **kwargs):
        kwargs.setdefault("auto_id", "system_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner_unit_id"].widget = forms.Select(
            choices=[("", _("请选择单位")), *[(u.pk, u.name) for u in units]])
        self.fields["project_id"].widget = forms.Select(
            choices=[("", _("无(登记已有系统)")), *[(p.pk, f"{p.name}({p.owner_unit.name})") for p in projects]])
        self.fields["project_id"].help_text = _("由建设项目形成的系统,选择该项目;涉密项目的系统为涉密系统(第五条)")
        _empty_choice(self, "status", _("按项目状态确定"))
        self.fields["status"].help_text = _("不选的:项目已投入运行或未关联项目的为运行中,否则为建设中")
        self.fields["name"].widget.attrs["maxlength"] = "100"
        _texts(self, "summary")
        bootstrap(self)


class SystemChangePageForm(SystemChangeForm):
    version = _version_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "system_edit_%s")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["maxlength"] = "100"
        _texts(self, "summary")
        bootstrap(self)


class ResourcePageForm(ResourceForm):
    """The metadata; the information items are rows of the page (parallel `items-<field>` inputs). `declared`: the
    data resources the system's project declared (none: the field is left out); `candidates`: the resources it may
    be related to."""

    version = _version_field()

    def __init__(self, *args, declared=None, candidates=(), **kwargs):
        kwargs.setdefault("auto_id", "resource_%s")
        super().__init__(*args, **kwargs)
        for name in ("resource_class", "format", "sharing_type", "open_type", "update_cycle", "sharing_method"):
            _empty_choice(self, name, _("请选择"))
        self.fields["sharing_method"].help_text = _("无条件共享、有条件共享的须明确共享方式")
        self.fields["sharing_conditions"].help_text = _("有条件共享的,须写明共享条件(第二十九条)")
        self.fields["not_shared_basis"].help_text = _("不予共享的,须写明法律、行政法规或政策依据(第二十九条)")
        if declared is None:
            del self.fields["declared_id"]
        else:
            self.fields["declared_id"].widget = forms.Select(choices=[("", _("不对应立项申报的数据资源")), *[
                (d.pk, f"{d.name}({d.get_direction_display()} · {d.get_sharing_type_display()})") for d in declared]])
            self.fields["declared_id"].help_text = _("项目立项申请中申报的数据资源(第二十八条),验收时核查是否已编入目录")
        self.fields["related_ids"].widget = forms.SelectMultiple(
            choices=[(r.pk, f"{r.code} {r.name}({r.provider.name})") for r in candidates], attrs={"size": "6"})
        self.fields["related_ids"].help_text = _("可多选(按住 Ctrl 或 Shift)")
        self.fields["items"].widget = forms.HiddenInput()
        self.fields["name"].widget.attrs["maxlength"] = "100"
        _texts(self, "summary", "sharing_conditions", "not_shared_basis")
        bootstrap(self)


class InterfacePageForm(InterfaceForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "interface_%s")
        super().__init__(*args, **kwargs)
        _empty_choice(self, "kind", _("请选择"))
        self.fields["address"].widget.attrs.update(maxlength="300", placeholder=_("例如:https://… 或 共享平台交换目录"))
        _texts(self, "description", rows=2)
        bootstrap(self)


class SharingRequestPageForm(SharingRequestForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "share_%s")
        super().__init__(*args, **kwargs)
        del self.fields["resource_id"]  # the resource of the page
        self.fields["items"].help_text = _("不填的,为全部信息项")
        self.fields["items"].widget.attrs["maxlength"] = "500"
        _texts(self, "purpose")
        bootstrap(self)


class GrantPageForm(GrantForm):
    version = _version_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "grant_%s")
        super().__init__(*args, **kwargs)
        _dates(self, "valid_until")
        self.fields["valid_until"].widget.attrs["min"] = local_today().isoformat()
        self.fields["valid_until"].help_text = _("不填的,长期有效")
        _texts(self, "reasons", rows=2)
        bootstrap(self)


class RefusePageForm(RefuseForm):
    version = _version_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "refuse_%s")
        super().__init__(*args, **kwargs)
        self.fields["reasons"].required = True  # display: the rule (第二十九条) decides
        self.fields["reasons"].help_text = _("不同意共享的,须说明理由和依据(第二十九条)")
        _texts(self, "reasons", rows=2)
        bootstrap(self)


class UsePageForm(UseForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "use_%s")
        super().__init__(*args, **kwargs)
        _dates(self, "used_on")
        self.fields["used_on"].widget.attrs["max"] = local_today().isoformat()
        self.fields["records"].widget.attrs.update(min="0", inputmode="numeric")
        self.fields["note"].widget.attrs["maxlength"] = "200"
        bootstrap(self)


class _Forms:
    """The page's forms: the bound one of a refused POST or a fresh one, with its error merged; remembers which
    errors found their form (the others are shown at the top of the page)."""

    def __init__(self, forms_in: dict, errors: dict):
        self.forms_in, self.errors, self.used = forms_in, errors, set()

    def get(self, key: str, make):
        form = self.forms_in.get(key) or make()
        error = self.errors.get(key)
        form.domain_error = error if error is not None and not (error.fields and isinstance(error, InvalidInput)) \
            else None
        if error is not None:
            self.used.add(key)
            merge_errors(form, error)
        return form

    def others(self) -> list:
        return [exc for key, exc in self.errors.items() if key not in self.used]


# --- 数据资源目录: the catalogue ---------------------------------------------------------------------------------


def _systems_options(user) -> list[tuple]:
    return list(selectors.systems_visible_to(user).filter(classified=False).order_by("jurisdiction", "seq")
                .values_list("pk", "code", "name"))


def _filter_form(request):
    user = request.user
    return CataloguePageFilterForm(request.GET or None, providers=_all_units(), systems=_systems_options(user))


@require_safe
@domain_errors
def catalogue_list(request):
    user = request.user
    _require_reader(user)
    form = _filter_form(request)
    filters = form.filters()
    status = 400 if form.is_bound and form.errors else 200
    page = Paginator(selectors.catalogue_search(user, filters), PER_PAGE).get_page(request.GET.get("page"))
    for resource in page.object_list:
        resource.gaps = selectors.resource_gaps(resource)
        resource.badge = SHARING_BADGES.get(resource.sharing_type, "text-bg-secondary")
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "target": "#catalogue-results", "export_query": query.urlencode(),
               "can_register": perms.has_perm("catalogue.register_system", user)}
    template = "web/catalogue/_results.html" if is_partial(request) else "web/catalogue/list.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _export_filters(request):
    _require_reader(request.user)
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        raise InvalidInput(fields={k: list(v) for k, v in form.errors.items()})
    return form


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@domain_errors
def catalogue_export_xlsx(request):
    form = _export_filters(request)
    content, _n = export.catalogue_xlsx(actor=request.user, filters=form.filters(), description=form.description())
    return _attachment(HttpResponse(content, content_type=XLSX_TYPE), f"catalogue-{local_today():%Y%m%d}.xlsx")


@require_safe
@domain_errors
def catalogue_export_json(request):
    form = _export_filters(request)
    content = export.catalogue_json(actor=request.user, filters=form.filters(), description=form.description())
    return _attachment(HttpResponse(content, content_type="application/ld+json; charset=utf-8"),
                       f"catalogue-{local_today():%Y%m%d}.json")


# --- a resource's page ------------------------------------------------------------------------------------------


def _may_request(user, resource) -> bool:
    """The 申请共享 form: an owner unit other than the provider, for a conditional resource (the service and
    art29.request_conditional_only decide)."""
    return (resource.sharing_type == SharingType.CONDITIONAL and perms.has_perm("catalogue.request", user)
            and user.unit_id is not None and user.unit_id != resource.provider_id and not provides(user, resource))


def _badged(requests, today) -> list:
    rows = list(requests)
    for r in rows:
        r.state = selectors.request_state(r, today)
        r.state_label = RequestState(r.state).label
        r.state_badge = STATE_BADGES[r.state]
    return rows


def _resource_page(request, resource, *, forms_in=None, errors=None, status=200):
    user = request.user
    today = local_today()
    f = _Forms(forms_in or {}, errors or {})
    system = resource.system
    may_change = perms.has_perm("catalogue.change_system", user, system)
    interfaces = list(resource.interfaces.all())
    requests = _badged(selectors.requests_visible_to(user).filter(resource=resource)
                       .annotate(uses_count=Count("uses")).order_by("-requested_on", "-id"), today)
    page_forms = {}
    if _may_request(user, resource):
        page_forms["request"] = f.get("request", SharingRequestPageForm)
    if may_change and resource.sharing_type != SharingType.NOT_SHARED:
        page_forms["interface"] = f.get("interface", InterfacePageForm)
    may_publish = perms.has_perm("catalogue.publish", user, resource)
    publish_error = f.errors.get("publish")
    if publish_error is not None:
        f.used.add("publish")
    return render(request, "web/catalogue/resource.html", {
        "resource": resource, "system": system, "badge": SHARING_BADGES.get(resource.sharing_type),
        "items": list(resource.items.all()), "interfaces": interfaces, "related": list(resource.related.all()),
        "gaps": selectors.resource_gaps(resource), "requests": requests, "forms": page_forms,
        "may_change": may_change, "may_publish": may_publish, "publish_error": publish_error,
        "published_today": resource.published_on == today, "other_errors": f.others(),
        "is_provider": provides(user, resource),
    }, status=status)


@require_safe
@domain_errors
def catalogue_resource(request, resource_id):
    return _resource_page(request, _resource_or_404(request.user, resource_id))


def _resource_post(request, resource_id, key: str):
    user = request.user
    resource = _resource_or_404(user, resource_id)
    anchor = {"interface": "#interfaces", "request": "#request", "publish": ""}[key]
    try:
        if key == "request":
            data = {"resource_id": resource.pk, "purpose": request.POST.get("purpose", ""),
                    "items": request.POST.get("items", "")}
            made = services.sharing_request(actor=user, data=data)
            message = _("已向%(unit)s申请共享“%(name)s”") % {"unit": resource.provider.name, "name": resource.name}
            if made.due_on is not None:
                message += _(",答复期限 %(d)s") % {"d": made.due_on}
            messages.success(request, message)
            return redirect("web:sharing_request", request_id=made.pk)
        if key == "interface":
            interface = services.interface_register(actor=user, resource=resource,
                                                    data=_fields(request, InterfaceForm))
            message = _("已登记共享接口“%(name)s”") % {"name": interface.name}
        else:
            fresh = services.resource_publish(actor=user, resource=resource, expected_version=_version(request))
            message = _("已发布“%(name)s”,发布日期 %(d)s") % {"name": fresh.name, "d": fresh.published_on}
    except FORM_ERRORS as exc:
        bound = {"request": lambda: SharingRequestPageForm(data=request.POST),
                 "interface": lambda: InterfacePageForm(data=request.POST),
                 "publish": lambda: None}[key]()
        return _resource_page(request, _resource_or_404(user, resource.pk),
                              forms_in={key: bound} if bound is not None else {}, errors={key: exc},
                              status=exc.status)
    messages.success(request, message)
    return HttpResponseRedirect(reverse("web:catalogue_resource", args=[resource.pk]) + anchor)


@require_http_methods(["POST"])
@domain_errors
def catalogue_resource_publish(request, resource_id):
    return _resource_post(request, resource_id, "publish")


@require_http_methods(["POST"])
@domain_errors
def catalogue_interface_add(request, resource_id):
    return _resource_post(request, resource_id, "interface")


@require_http_methods(["POST"])
@domain_errors
def sharing_request_create(request, resource_id):
    return _resource_post(request, resource_id, "request")


@require_http_methods(["POST"])
@domain_errors
def catalogue_interface_retire(request, interface_id):
    user = request.user
    row = SharingInterface.objects.filter(pk=object_pk(interface_id)).values_list("resource_id", flat=True).first()
    if row is None:
        raise NotFound()
    resource = _resource_or_404(user, row)
    interface = next(i for i in resource.interfaces.all() if i.pk == int(interface_id))
    try:
        services.interface_retire(actor=user, interface=interface)
    except FORM_ERRORS as exc:
        return _resource_page(request, resource, errors={"retire": exc}, status=exc.status)
    messages.success(request, _("已停用共享接口“%(name)s”") % {"name": interface.name})
    return HttpResponseRedirect(reverse("web:catalogue_resource", args=[resource.pk]) + "#interfaces")


# --- the resource form (metadata + information-item rows) -------------------------------------------------------


def _posted_items(post) -> list[dict[str, str]]:
    """The filled item rows as posted (each input of a row is a list entry at the row's position); a row without a
    name is blank and left out."""
    columns = {name: post.getlist(f"items-{name}")[:POSTED_ITEMS_LIMIT] for name in ITEM_FIELDS}
    count = max((len(values) for values in columns.values()), default=0)
    rows = [{name: (columns[name][i] if i < len(columns[name]) else "") for name in ITEM_FIELDS}
            for i in range(count)]
    return [row for row in rows if row["name"].strip()]


def _service_items(rows: list[dict[str, str]]) -> list[dict]:
    return [{"name": row["name"], "data_type": row["data_type"],
             "sensitive": str(row["sensitive"]).lower() in TRUE_VALUES} for row in rows]


def _blank_item() -> dict[str, str]:
    return {"name": "", "data_type": ItemType.CHAR, "sensitive": "0"}


def _item_rows(values: list[dict[str, str]], *, marked: bool = False) -> list[dict]:
    """The rows shown: the given ones, each with the inputs to mark invalid (when the items were refused: an empty,
    long or repeated name, an unknown data type; the messages are the service's, above the table), then blank rows."""
    rows, seen = [], set()
    for values_row in values:
        errors = {}
        if marked:
            name = values_row["name"].strip()
            if not name or len(name) > 60 or name in seen:
                errors["name"] = True
            seen.add(name)
            if values_row["data_type"] not in ItemType.values:
                errors["data_type"] = True
        rows.append({"values": values_row, "errors": errors})
    rows += [{"values": _blank_item(), "errors": {}} for _n in range(BLANK_ITEMS if values else BLANK_ITEMS + 1)]
    return rows


def _stored_items(resource) -> list[dict[str, str]]:
    return [{"name": i.name, "data_type": i.data_type, "sensitive": "1" if i.sensitive else "0"}
            for i in resource.items.all()]


def _resource_data(post) -> tuple[dict, list[dict[str, str]]]:
    """The service's input from the form, and the item rows posted."""
    rows = _posted_items(post)
    data = {name: post.get(name, "") for name in ResourceForm.base_fields if name not in ("items", "related_ids")}
    data["related_ids"] = post.getlist("related_ids")
    if "declared_id" not in post:
        data.pop("declared_id")
    data["items"] = _service_items(rows)
    return data, rows


def _declared_options(system, current_id=None) -> list | None:
    if system.project_id is None:
        return None
    wanted = Q(direction="produced") | Q(pk=current_id) if current_id else Q(direction="produced")
    return list(DeclaredResource.objects.filter(wanted, application__project_id=system.project_id)
                .order_by("-application_id", "id"))


def _candidates(user, system, own_pk=None) -> list[CatalogueResource]:
    qs = selectors.resources_visible_to(user).filter(jurisdiction_id=system.jurisdiction_id).order_by("seq")
    return list(qs.exclude(pk=own_pk) if own_pk else qs)


def _form_page(request, *, system, resource=None, form, rows, error=None, status=200):
    return render(request, "web/catalogue/resource_form.html", {
        "system": system, "resource": resource, "form": form, "rows": rows, "error": error,
        "item_types": ItemType.choices, "max_items": MAX_ITEMS,
        "classified": system.classified,
    }, status=status)


def _refused_form(request, exc, *, system, resource, data, rows, declared, candidates):
    form = ResourcePageForm(data={**data, "version": request.POST.get("version", "")}, declared=declared,
                            candidates=candidates)
    merge_errors(form, exc)
    shown = exc if not (isinstance(exc, InvalidInput) and exc.fields) else None
    return _form_page(request, system=system, resource=resource, form=form,
                      rows=_item_rows(rows, marked="items" in exc.fields), error=shown, status=exc.status)


def _choose_system_page(request):
    """/catalogue/resources/new/ without ?system=: the systems the user may list a resource of."""
    user = request.user
    systems = [s for s in selectors.systems_visible_to(user).filter(classified=False).order_by("jurisdiction", "seq")
               if perms.has_perm("catalogue.change_system", user, s)]
    return render(request, "web/catalogue/choose_system.html", {"systems": systems})


@require_http_methods(["GET", "POST"])
@domain_errors
def catalogue_resource_new(request):
    user = request.user
    if not perms.has_perm("catalogue.register_system", user):
        raise permission_denied(actor=user, obj=None, action="catalogue.resource_save", power_rule=services.CURATION)
    system_id = request.POST.get("system_id") if request.method == "POST" else request.GET.get("system")
    if not system_id:
        if request.method == "POST":
            raise InvalidInput(fields={"system_id": [_("必填")]})
        return _choose_system_page(request)
    system = _system_or_404(user, system_id)
    if not perms.has_perm("catalogue.change_system", user, system):
        raise permission_denied(actor=user, obj=system, action="catalogue.resource_save", power_rule=services.CURATION)
    declared, candidates = _declared_options(system), _candidates(user, system)
    if request.method == "GET":
        form = ResourcePageForm(declared=declared, candidates=candidates)
        return _form_page(request, system=system, form=form, rows=_item_rows([]))
    data, rows = _resource_data(request.POST)
    try:
        resource = services.resource_register(actor=user, data={**data, "system_id": system.pk})
    except FORM_ERRORS as exc:
        return _refused_form(request, exc, system=system, resource=None, data=data, rows=rows, declared=declared,
                             candidates=candidates)
    messages.success(request, _("已登记数据资源 %(code)s“%(name)s”") % {"code": resource.code, "name": resource.name})
    return redirect("web:catalogue_resource", resource_id=resource.pk)


@require_http_methods(["GET", "POST"])
@domain_errors
def catalogue_resource_edit(request, resource_id):
    user = request.user
    resource = _resource_or_404(user, resource_id)
    system = resource.system
    if not perms.has_perm("catalogue.change_system", user, system):
        raise permission_denied(actor=user, obj=resource, action="catalogue.resource_save",
                                power_rule=services.CURATION)
    declared = _declared_options(system, resource.declared_id)
    candidates = _candidates(user, system, resource.pk)
    if request.method == "GET":
        initial = {name: getattr(resource, name) for name in ("resource_class", "name", "summary", "format",
                                                              "sharing_type", "sharing_conditions",
                                                              "not_shared_basis", "sharing_method", "open_type",
                                                              "update_cycle")}
        initial.update(declared_id=resource.declared_id, related_ids=[r.pk for r in resource.related.all()],
                       version=resource.version)
        form = ResourcePageForm(initial=initial, declared=declared, candidates=candidates)
        return _form_page(request, system=system, resource=resource, form=form,
                          rows=_item_rows(_stored_items(resource)))
    data, rows = _resource_data(request.POST)
    try:
        fresh = services.resource_change(actor=user, resource=resource, data=data, expected_version=_version(request))
    except FORM_ERRORS as exc:
        return _refused_form(request, exc, system=system, resource=resource, data=data, rows=rows,
                             declared=declared, candidates=candidates)
    messages.success(request, _("已保存数据资源“%(name)s”") % {"name": fresh.name})
    return redirect("web:catalogue_resource", resource_id=fresh.pk)


@require_safe
@domain_errors
def catalogue_item_row(request):
    """A blank information-item row (htmx: "添加一行")."""
    if not perms.has_perm("catalogue.register_system", request.user):
        raise Forbidden()
    if not is_partial(request):
        return redirect("web:catalogue_resource_new")
    return render(request, "web/catalogue/_item_row.html",
                  {"row": {"values": _blank_item(), "errors": {}}, "item_types": ItemType.choices})


# --- 信息系统 ------------------------------------------------------------------------------------------------------


@require_safe
@domain_errors
def catalogue_systems(request):
    user = request.user
    _require_reader(user)
    form = SystemFilterForm(request.GET or None, units=_all_units())
    filters = form.filters()
    qs = selectors.systems_visible_to(user)
    if filters.get("unit"):
        qs = qs.filter(owner_unit_id=filters["unit"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(code__icontains=filters["q"]))
    qs = qs.annotate(resources_count=Count("resources")).order_by("jurisdiction", "seq")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for system in page.object_list:
        system.badge = SYSTEM_BADGES.get(system.status, "text-bg-secondary")
    context = {"form": form, "page": page, "target": "#systems-results",
               "can_register": perms.has_perm("catalogue.register_system", user)}
    template = "web/catalogue/_systems_results.html" if is_partial(request) else "web/catalogue/systems.html"
    response = render(request, template, context, status=400 if form.is_bound and form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _system_choices(user):
    units = _units(user)
    unit_ids = [u.pk for u in units]
    projects = list(projects_visible_to(user).filter(owner_unit_id__in=unit_ids).select_related("owner_unit")
                    .order_by("name", "pk"))
    return units, projects


@require_http_methods(["GET", "POST"])
@domain_errors
def catalogue_system_new(request):
    user = request.user
    if not perms.has_perm("catalogue.register_system", user):
        raise permission_denied(actor=user, obj=None, action="catalogue.system_register",
                                power_rule=services.CURATION)
    units, projects = _system_choices(user)
    if request.method == "GET":
        own = user.unit_id if any(u.pk == user.unit_id for u in units) and not user.has_role(Role.DRC) else None
        project = request.GET.get("project", "")
        form = SystemPageForm(units=units, projects=projects,
                              initial={"owner_unit_id": own, "project_id": project if project.isdigit() else None})
        return render(request, "web/catalogue/system_new.html", {"form": form})
    data = {name: request.POST.get(name, "") for name in SystemForm.base_fields if name != "classified"}
    data["classified"] = str(request.POST.get("classified", "")).lower() in TRUE_VALUES
    try:
        system = services.system_register(actor=user, data=data)
    except FORM_ERRORS as exc:
        form = SystemPageForm(data=data, units=units, projects=projects)
        merge_errors(form, exc)
        shown = exc if not (isinstance(exc, InvalidInput) and exc.fields) else None
        return render(request, "web/catalogue/system_new.html", {"form": form, "error": shown}, status=exc.status)
    messages.success(request, _("已登记信息系统 %(code)s“%(name)s”") % {"code": system.code, "name": system.name})
    return redirect("web:catalogue_system", system_id=system.pk)


def _system_page(request, system, *, form=None, error=None, status=200):
    user = request.user
    may_change = perms.has_perm("catalogue.change_system", user, system)
    resources = []
    if not system.classified:
        resources = list(selectors.catalogue_search(user, {"system_id": system.pk}))
        for resource in resources:
            resource.gaps = selectors.resource_gaps(resource)
            resource.badge = SHARING_BADGES.get(resource.sharing_type, "text-bg-secondary")
    edit_form = None
    if may_change:
        edit_form = form or SystemChangePageForm(initial={"name": system.name, "summary": system.summary,
                                                          "status": system.status, "version": system.version})
        edit_form.domain_error = error if error is not None and not (isinstance(error, InvalidInput)
                                                                    and error.fields) else None
    from .views_security import security_card

    card = security_card(user, system)
    return render(request, "web/catalogue/system.html", {
        "system": system, "badge": SYSTEM_BADGES.get(system.status, "text-bg-secondary"),
        "is_operating": system.status == SystemStatus.OPERATING or (
            system.project is not None and system.project.status == "in_operation"
            and system.status != SystemStatus.RETIRED),
        "resources": resources, "may_change": may_change, "edit_form": edit_form, "edit_open": form is not None,
        # The security section (等级保护, art. 30): its card, for who may read the system's security.
        "security_template": "web/security/_system_security.html" if card else None, "security_card": card,
    }, status=status)


@require_safe
@domain_errors
def catalogue_system(request, system_id):
    return _system_page(request, _system_or_404(request.user, system_id))


@require_http_methods(["POST"])
@domain_errors
def catalogue_system_edit(request, system_id):
    user = request.user
    system = _system_or_404(user, system_id)
    data = _fields(request, SystemChangeForm)
    try:
        fresh = services.system_change(actor=user, system=system, data=data, expected_version=_version(request))
    except FORM_ERRORS as exc:
        form = SystemChangePageForm(data={**data, "version": request.POST.get("version", "")})
        merge_errors(form, exc)
        return _system_page(request, _system_or_404(user, system.pk), form=form, error=exc, status=exc.status)
    messages.success(request, _("已保存信息系统“%(name)s”") % {"name": fresh.name})
    return redirect("web:catalogue_system", system_id=fresh.pk)


# --- 目录完整性 (art. 29) -------------------------------------------------------------------------------------------


@require_safe
@domain_errors
def catalogue_completeness(request):
    user = request.user
    _require_reader(user)
    rows = selectors.completeness(user, local_today())
    for row in rows:
        row["complete"] = not (row["without_resources"] or row["projects_without_system"] or row["incomplete"])
    return render(request, "web/catalogue/completeness.html", {
        "rows": rows, "totals": selectors.completeness_totals(rows),
        "can_register": perms.has_perm("catalogue.register_system", user)})


# --- 数据共享 ----------------------------------------------------------------------------------------------------

DIRECTIONS = (("", gettext_lazy("全部")), ("made", gettext_lazy("我申请的")), ("received", gettext_lazy("我收到的")))


def _state_counts(qs, today) -> dict[str, int]:
    pending = Q(status=RequestStatus.PENDING)
    late = Q(due_on__isnull=False, due_on__lt=today)
    return qs.aggregate(
        pending=Count("pk", filter=pending & ~late), overdue=Count("pk", filter=pending & late),
        granted=Count("pk", filter=Q(status=RequestStatus.GRANTED)),
        refused=Count("pk", filter=Q(status=RequestStatus.REFUSED)),
        withdrawn=Count("pk", filter=Q(status=RequestStatus.WITHDRAWN)), all=Count("pk"))


@require_safe
@domain_errors
def sharing_list(request):
    user = request.user
    if not reads_sharing(user):
        raise Forbidden()
    today = local_today()
    state = request.GET.get("status", "")
    if state not in RequestState.values:
        state = ""
    has_units = bool(user.scope_paths(Role.OWNER))
    direction = request.GET.get("direction", "")
    if direction not in ("made", "received") or not has_units:
        direction = ""
    base = selectors.requests_visible_to(user)
    if direction:
        base = base.filter(scope_q(user, "consumer" if direction == "made" else "resource__provider") or Q(pk__in=[]))
    counts = _state_counts(base, today)
    qs = selectors.requests_filtered(user, state=state, direction=direction, today=today)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = _badged(page.object_list, today)
    tabs = [{"value": "", "label": _("全部"), "count": counts["all"]}]
    tabs += [{"value": s, "label": RequestState(s).label, "count": counts[s]} for s in RequestState.values]
    context = {"page": page, "rows": rows, "tabs": tabs, "status": state, "direction": direction,
               "directions": DIRECTIONS if has_units else (), "target": "#sharing-results"}
    template = "web/sharing/_results.html" if is_partial(request) else "web/sharing/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _request_page(request, sharing, *, forms_in=None, errors=None, status=200):
    user = request.user
    today = local_today()
    f = _Forms(forms_in or {}, errors or {})
    sharing.state = selectors.request_state(sharing, today)
    sharing.state_label = RequestState(sharing.state).label
    sharing.state_badge = STATE_BADGES[sharing.state]
    pending = sharing.status == RequestStatus.PENDING
    page_forms = {}
    if pending and perms.has_perm("catalogue.answer", user, sharing):
        page_forms["grant"] = f.get("grant", lambda: GrantPageForm(initial={"version": sharing.version}))
        page_forms["refuse"] = f.get("refuse", lambda: RefusePageForm(initial={"version": sharing.version}))
    consumer = perms.has_perm("catalogue.consume", user, sharing)
    if sharing.status == RequestStatus.GRANTED and consumer:
        page_forms["use"] = f.get("use", lambda: UsePageForm(initial={"used_on": today}))
    withdraw_error = f.errors.get("withdraw")
    if withdraw_error is not None:
        f.used.add("withdraw")
    uses = list(sharing.uses.select_related("recorded_by"))
    return render(request, "web/sharing/request.html", {
        "r": sharing, "resource": sharing.resource, "forms": page_forms, "may_withdraw": pending and consumer,
        "withdraw_error": withdraw_error, "uses": uses, "records_total": sum(u.records for u in uses),
        "expired": sharing.valid_until is not None and today > sharing.valid_until,
        "other_errors": f.others(),
    }, status=status)


@require_safe
@domain_errors
def sharing_request(request, request_id):
    return _request_page(request, _request_or_404(request.user, request_id))


def _sharing_post(request, request_id, key: str):
    user = request.user
    sharing = _request_or_404(user, request_id)
    form_class = {"grant": GrantForm, "refuse": RefuseForm, "use": UseForm, "withdraw": None}[key]
    data = _fields(request, form_class) if form_class is not None else {}
    try:
        if key == "grant":
            fresh = services.sharing_grant(actor=user, request=sharing, data=data, expected_version=_version(request))
            message = _("已同意共享") + (_(",有效期至 %(d)s") % {"d": fresh.valid_until} if fresh.valid_until else "")
        elif key == "refuse":
            services.sharing_refuse(actor=user, request=sharing, data=data, expected_version=_version(request))
            message = _("已答复不同意共享")
        elif key == "withdraw":
            services.sharing_withdraw(actor=user, request=sharing, expected_version=_version(request))
            message = _("已撤回共享申请")
        else:
            use = services.sharing_use(actor=user, request=sharing, data=data)
            message = _("已登记 %(d)s 的使用,%(n)d 条记录") % {"d": use.used_on, "n": use.records}
    except FORM_ERRORS as exc:
        bound = {"grant": lambda: GrantPageForm(data=request.POST), "refuse": lambda: RefusePageForm(data=request.POST),
                 "use": lambda: UsePageForm(data=request.POST), "withdraw": lambda: None}[key]()
        return _request_page(request, _request_or_404(user, sharing.pk),
                             forms_in={key: bound} if bound is not None else {}, errors={key: exc}, status=exc.status)
    messages.success(request, message)
    return HttpResponseRedirect(reverse("web:sharing_request", args=[sharing.pk]) + ("#uses" if key == "use" else ""))


@require_http_methods(["POST"])
@domain_errors
def sharing_grant(request, request_id):
    return _sharing_post(request, request_id, "grant")


@require_http_methods(["POST"])
@domain_errors
def sharing_refuse(request, request_id):
    return _sharing_post(request, request_id, "refuse")


@require_http_methods(["POST"])
@domain_errors
def sharing_withdraw(request, request_id):
    return _sharing_post(request, request_id, "withdraw")


@require_http_methods(["POST"])
@domain_errors
def sharing_use(request, request_id):
    return _sharing_post(request, request_id, "use")


# --- wiring -----------------------------------------------------------------------------------------------------

_CATALOGUE: list = [
    route("catalogue/", catalogue_list, "catalogue_list"),
    route(r"catalogue/export\.xlsx", catalogue_export_xlsx, "catalogue_export_xlsx"),
    route(r"catalogue/export\.json", catalogue_export_json, "catalogue_export_json"),
    route("catalogue/completeness/", catalogue_completeness, "catalogue_completeness"),
    route("catalogue/resources/new/", catalogue_resource_new, "catalogue_resource_new"),
    route("catalogue/resources/item-row/", catalogue_item_row, "catalogue_item_row"),
    route("catalogue/resources/<resource>/", catalogue_resource, "catalogue_resource"),
    route("catalogue/resources/<resource>/edit/", catalogue_resource_edit, "catalogue_resource_edit"),
    route("catalogue/resources/<resource>/publish/", catalogue_resource_publish, "catalogue_resource_publish"),
    route("catalogue/resources/<resource>/interfaces/", catalogue_interface_add, "catalogue_interface_add"),
    route("catalogue/interfaces/<interface>/retire/", catalogue_interface_retire, "catalogue_interface_retire"),
    route("catalogue/systems/", catalogue_systems, "catalogue_systems"),
    route("catalogue/systems/new/", catalogue_system_new, "catalogue_system_new"),
    route("catalogue/systems/<system>/", catalogue_system, "catalogue_system"),
    route("catalogue/systems/<system>/edit/", catalogue_system_edit, "catalogue_system_edit"),
]
_SHARING: list = [
    route("sharing/", sharing_list, "sharing_list"),
    route("catalogue/resources/<resource>/requests/", sharing_request_create, "sharing_request_create"),
    route("sharing/<request>/", sharing_request, "sharing_request"),
    route("sharing/<request>/grant/", sharing_grant, "sharing_grant"),
    route("sharing/<request>/refuse/", sharing_refuse, "sharing_refuse"),
    route("sharing/<request>/withdraw/", sharing_withdraw, "sharing_withdraw"),
    route("sharing/<request>/uses/", sharing_use, "sharing_use"),
]
urlpatterns: list = _CATALOGUE + _SHARING
SECTIONS: dict[str, str] = {**{p.name: "catalogue" for p in _CATALOGUE}, **{p.name: "sharing" for p in _SHARING}}


def nav_items(user) -> list[dict]:
    """数据资源目录 for every reader of the catalogue (owner units and bureaus); 数据共享 for an owner unit, DRC and
    the audit bureau."""
    items = []
    if perms.has_perm("catalogue.view", user):
        items.append({"url": reverse("web:catalogue_list"), "label": gettext_lazy("数据资源目录"), "icon": "database",
                      "key": "catalogue"})
    if reads_sharing(user):
        items.append({"url": reverse("web:sharing_list"), "label": gettext_lazy("数据共享"), "icon": "share",
                      "key": "sharing"})
    return items
