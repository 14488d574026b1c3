"""The information systems, the district data-resource catalogue and sharing (art. 27–29, with art. 3, 5 and 18) over
/api/v1: the systems (list, register, detail, correct; the most similar projects, systems and resources for DRC and
the system's unit), the catalogue (search with the browser's filters, register and correct a resource with its
information items, publish, register and retire its sharing interfaces, each resource's gaps), the exports (Excel in
the national guide's table layout, JSON in a DCAT mapping — both honouring the filters and audited), each unit's
catalogue completeness, and the sharing requests (list by state and direction, request, grant, refuse, withdraw,
record a use).

Handlers parse input, fetch through the permission-checked readers (404 when not visible: the catalogue is read by the
owner units and the bureaus of art. 4; a classified system (art. 5) by its unit and DRC only, and never in the
catalogue, an export, the completeness or sharing; a sharing request by its consumer and provider units, DRC and the
audit bureau) and call itgov.catalogue.services, which check the power (403 citing 第二十七条 or 第二十九条), the input
(400 naming the field), the state and version (409) and the rules (422 with rule and article: the sharing type's
terms, a request only for a conditional resource and a refusal's reasons of art. 29; a classified system keeps no
resources, art. 5), and audit every write."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from urllib.parse import urlencode

import rules as perms
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.catalogue import export, selectors, services
from itgov.catalogue.choices import (
    InterfaceKind,
    ItemType,
    OpenType,
    RequestState,
    ResourceClass,
    ResourceFormat,
    SharingMethod,
    SharingType,
    SystemStatus,
)
from itgov.catalogue.choices import UpdateCycle as Cycle
from itgov.catalogue.forms import CatalogueFilterForm
from itgov.catalogue.models import (
    CatalogueResource,
    InformationSystem,
    SharingInterface,
    SharingRequest,
    SharingUse,
    SimilarityKind,
)
from itgov.catalogue.policies import is_drc, owns_system, reads_catalogue
from itgov.construction.forms import clean_input
from itgov.core.dates import local_today
from itgov.core.errors import Forbidden, NotFound
from itgov.core.ids import object_pk

from ..schemas import ERRORS, WRITE_ERRORS, Page, UnitRef, limit_field, offset_field, page_links
from .approvals import XLSX_CONTENT_TYPE, _binary

router = Router(tags=["catalogue"])

# The forms give the exact limits with their own message; these only bound the input.
Name = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=5000)]
MAX_ID = 2**62
SystemStatusLiteral = Literal[tuple(SystemStatus.values)]  # type: ignore[valid-type]
ClassLiteral = Literal[tuple(ResourceClass.values)]  # type: ignore[valid-type]
FormatLiteral = Literal[tuple(ResourceFormat.values)]  # type: ignore[valid-type]
SharingTypeLiteral = Literal[tuple(SharingType.values)]  # type: ignore[valid-type]
MethodLiteral = Literal[("", *SharingMethod.values)]  # type: ignore[valid-type]
OpenLiteral = Literal[tuple(OpenType.values)]  # type: ignore[valid-type]
CycleLiteral = Literal[tuple(Cycle.values)]  # type: ignore[valid-type]
ItemTypeLiteral = Literal[tuple(ItemType.values)]  # type: ignore[valid-type]
InterfaceLiteral = Literal[tuple(InterfaceKind.values)]  # type: ignore[valid-type]
StateLiteral = Literal[("", *RequestState.values)]  # type: ignore[valid-type]
JSON_LD = "application/json"


def _name(user) -> str | None:
    return user.display_name if user is not None else None


def _version_field(description: str):
    return Field(None, ge=1, le=2**31, description=description)


def _id_field(description: str, *, required: bool = True):
    return Field(... if required else None, ge=1, le=MAX_ID, description=description)


def _label(choices, value) -> str:
    return str(choices(value).label) if value else ""


# --- shapes ------------------------------------------------------------------------------------------------


class CatalogueProjectRef(Schema):
    id: int
    name: str


class CatalogueSystemRef(Schema):
    id: int
    code: str = Field(..., description="系统编号,如 XT-320106-0001")
    name: str


class CatalogueSystemItemOut(CatalogueSystemRef):
    owner_unit: UnitRef = Field(..., description="建设运维单位")
    project: CatalogueProjectRef | None = Field(..., description="建设该系统的项目;登记的既有系统为空")
    summary: str = Field(..., description="系统功能和内容")
    status: str = Field(..., description="building 建设中;operating 运行中;retired 已停用")
    status_label: str
    operating: bool = Field(..., description="在运行:系统状态为运行中或其项目已投入运行,且未停用")
    classified: bool = Field(..., description="涉密信息系统(第五条):不纳入目录、共享和相似性比对")
    resources_count: int = Field(..., description="登记的数据资源数")
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_operating(obj):
        if obj.status == SystemStatus.RETIRED:
            return False
        return obj.status == SystemStatus.OPERATING or (obj.project is not None
                                                        and obj.project.status == "in_operation")


class CatalogueSystemList(Page):
    items: list[CatalogueSystemItemOut]


class CatalogueResourceRef(Schema):
    id: int
    code: str = Field(..., description="资源代码")
    name: str
    sharing_type: str
    sharing_type_label: str
    published_on: dt.date | None

    @staticmethod
    def resolve_sharing_type_label(obj):
        return obj.get_sharing_type_display()


class CatalogueSystemOut(CatalogueSystemItemOut):
    registered_by: str | None
    resources: list[CatalogueResourceRef] = Field(..., description="该系统在目录中登记的数据资源")

    @staticmethod
    def resolve_registered_by(obj):
        return _name(obj.registered_by)

    @staticmethod
    def resolve_resources(obj):
        return obj.resource_rows


class CatalogueItemOut(Schema):
    position: int
    name: str
    data_type: str = Field(..., description="C 字符型、N 数值型、Y 货币型、D 日期型、T 日期时间型、L 逻辑型、M 备注型、B 二进制")
    data_type_label: str
    sensitive: bool

    @staticmethod
    def resolve_data_type_label(obj):
        return obj.get_data_type_display()


class CatalogueInterfaceOut(Schema):
    id: int
    resource_id: int
    kind: str = Field(..., description="api 数据接口;file 文件交换")
    kind_label: str
    name: str
    address: str = Field(..., description="接口地址或交换目录")
    description: str
    active: bool = Field(..., description="在用;停用的接口保留记录")
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class CatalogueRelatedOut(Schema):
    id: int
    code: str
    name: str
    provider: UnitRef


class CatalogueResourceItemOut(Schema):
    id: int
    code: str = Field(..., description="资源代码:区划代码-分类-序号")
    name: str
    resource_class: str = Field(..., description="basic 基础;thematic 主题;departmental 部门")
    resource_class_label: str
    system: CatalogueSystemRef = Field(..., description="所属信息系统")
    provider: UnitRef = Field(..., description="提供单位")
    format: str
    format_label: str
    sharing_type: str = Field(..., description="unconditional 无条件共享;conditional 有条件共享;not_shared 不予共享(第二十九条)")
    sharing_type_label: str
    sharing_method: str = Field(..., description="interface、exchange、query、offline;不予共享的为空")
    sharing_method_label: str
    open_type: str
    open_type_label: str
    update_cycle: str
    update_cycle_label: str
    published_on: dt.date | None = Field(..., description="发布日期;尚未发布的为空(第二十七条)")
    items_count: int = Field(..., description="信息项数")
    interfaces_count: int = Field(..., description="在用的共享接口数")
    version: int

    @staticmethod
    def resolve_resource_class_label(obj):
        return obj.get_resource_class_display()

    @staticmethod
    def resolve_format_label(obj):
        return obj.get_format_display()

    @staticmethod
    def resolve_sharing_type_label(obj):
        return obj.get_sharing_type_display()

    @staticmethod
    def resolve_sharing_method_label(obj):
        return _label(SharingMethod, obj.sharing_method)

    @staticmethod
    def resolve_open_type_label(obj):
        return obj.get_open_type_display()

    @staticmethod
    def resolve_update_cycle_label(obj):
        return obj.get_update_cycle_display()

    @staticmethod
    def resolve_items_count(obj):
        count = getattr(obj, "items_count", None)
        return count if count is not None else len(obj.items.all())

    @staticmethod
    def resolve_interfaces_count(obj):
        count = getattr(obj, "interfaces_count", None)
        return count if count is not None else sum(1 for i in obj.interfaces.all() if i.active)


class CatalogueResourceList(Page):
    items: list[CatalogueResourceItemOut]


class CatalogueResourceOut(CatalogueResourceItemOut):
    summary: str = Field(..., description="资源摘要")
    sharing_conditions: str = Field(..., description="共享条件(有条件共享)")
    not_shared_basis: str = Field(..., description="不予共享的法律法规或政策依据")
    declared_id: int | None = Field(..., description="立项申请中申报的数据资源(第二十八条)")
    items: list[CatalogueItemOut] = Field(..., description="信息项")
    interfaces: list[CatalogueInterfaceOut] = Field(..., description="共享接口,在用的在前")
    related: list[CatalogueRelatedOut] = Field(..., description="关联资源")
    gaps: list[str] = Field(..., description="目录登记尚缺的内容:信息项、共享接口、发布(第二十九条);完整的为空")
    registered_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())

    @staticmethod
    def resolve_interfaces(obj):
        return list(obj.interfaces.all())

    @staticmethod
    def resolve_related(obj):
        return list(obj.related.all())

    @staticmethod
    def resolve_gaps(obj):
        return [str(gap) for gap in selectors.resource_gaps(obj)]

    @staticmethod
    def resolve_registered_by(obj):
        return _name(obj.registered_by)


class CatalogueSimilarOut(Schema):
    kind: str = Field(..., description="project 项目;system 信息系统;resource 数据资源")
    kind_label: str
    object_id: int
    title: str
    unit: str = Field(..., description="所属单位")
    score: float = Field(..., ge=0, le=1, description="相似度(0–1,两位小数)")


class CatalogueSimilarList(Schema):
    system_id: int
    items: list[CatalogueSimilarOut] = Field(..., description="最相似的在前;供区发改委(大数据局)判断是否重复建设(第三条、第十八条)")


class CatalogueCompletenessUnitOut(Schema):
    unit: UnitRef
    systems: int = Field(..., description="登记的信息系统数(不含停用)")
    operating: int = Field(..., description="在运行的信息系统数")
    without_resources: list[CatalogueSystemRef] = Field(..., description="在运行而未登记数据资源的信息系统")
    projects_without_system: list[CatalogueProjectRef] = Field(..., description="已投入运行而未登记信息系统的项目")
    resources: int = Field(..., description="目录中的数据资源数")
    incomplete: int = Field(..., description="登记不完整的数据资源数(缺信息项、共享接口或未发布)")


class CatalogueCompletenessTotals(Schema):
    units: int
    without_resources: int
    projects_without_system: int
    resources: int
    incomplete: int


class CatalogueCompletenessOut(Schema):
    totals: CatalogueCompletenessTotals
    units: list[CatalogueCompletenessUnitOut]


class SharingUseOut(Schema):
    id: int
    used_on: dt.date
    records: int = Field(..., description="调用或交换记录数")
    note: str
    recorded_by: str | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_recorded_by(obj):
        return _name(obj.recorded_by)


class SharingResourceRef(CatalogueResourceRef):
    provider: UnitRef = Field(..., description="提供单位")


class SharingRequestItemOut(Schema):
    id: int
    resource: SharingResourceRef
    consumer: UnitRef = Field(..., description="申请单位")
    purpose: str = Field(..., description="用途和依据")
    items: str = Field(..., description="申请的信息项")
    requested_on: dt.date
    requested_by: str | None
    due_on: dt.date | None = Field(..., description="答复期限;本级政策未规定期限的为空(第二十九条)")
    status: str = Field(..., description="pending 待答复;granted 已同意;refused 不同意;withdrawn 已撤回")
    state: str = Field(..., description="pending 待答复;overdue 逾期未答复(答复期限次日起);granted;refused;withdrawn")
    state_label: str
    decided_on: dt.date | None
    decided_by: str | None
    reasons: str = Field(..., description="答复意见;不同意的理由")
    valid_until: dt.date | None = Field(..., description="授权有效期至")
    uses_count: int = Field(..., description="登记的使用次数")
    version: int

    @staticmethod
    def resolve_requested_by(obj):
        return _name(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj):
        return _name(obj.decided_by)

    @staticmethod
    def resolve_state_label(obj):
        return str(RequestState(obj.state).label)


class SharingRequestList(Page):
    items: list[SharingRequestItemOut]


class SharingRequestOut(SharingRequestItemOut):
    uses: list[SharingUseOut] = Field(..., description="使用记录,最近的在前")

    @staticmethod
    def resolve_uses(obj):
        return list(obj.uses.all())


# --- inputs ------------------------------------------------------------------------------------------------


class CatalogueSystemIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Name = Field(..., description="系统名称")
    summary: Text = Field(..., description="系统功能和内容")
    owner_unit_id: int | None = _id_field("建设运维单位;建设单位用户可省略(本单位),区发改委(大数据局)代为登记的必填",
                                          required=False)
    project_id: int | None = _id_field("建设该系统的项目(本单位可见的项目);既有系统省略", required=False)
    status: SystemStatusLiteral | None = Field(None, description="系统状态;省略时按项目是否已投入运行确定")
    classified: bool = Field(False, description="涉密信息系统(第五条):只保留最少信息,不纳入目录、共享和相似性比对")


class CatalogueSystemPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = Field(None, description="系统名称")
    summary: Text | None = Field(None, description="系统功能和内容")
    status: SystemStatusLiteral | None = Field(None, description="系统状态")
    version: int | None = _version_field("乐观锁:系统的当前版本号")


class CatalogueItemIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(max_length=200)] = Field(..., description="信息项名称(最多60个字)")
    data_type: ItemTypeLiteral = Field(..., description="C 字符型、N 数值型、Y 货币型、D 日期型、T 日期时间型、L 逻辑型、M 备注型、B 二进制")
    sensitive: bool = Field(False, description="敏感信息")


class CatalogueResourceFields(Schema):
    """A resource's metadata and items, as registered and as corrected."""

    model_config = ConfigDict(extra="forbid")
    resource_class: ClassLiteral = Field(..., description="basic 基础;thematic 主题;departmental 部门")
    name: Name = Field(..., description="资源名称")
    summary: Text = Field(..., description="资源摘要")
    format: FormatLiteral = Field(..., description="资源格式")
    sharing_type: SharingTypeLiteral = Field(..., description="unconditional 无条件共享;conditional 有条件共享(写明共享条件);"
                                                              "not_shared 不予共享(写明依据)(第二十九条)")
    sharing_conditions: Text = Field("", description="共享条件:有条件共享的必填")
    not_shared_basis: Text = Field("", description="不予共享的法律法规或政策依据:不予共享的必填")
    sharing_method: MethodLiteral = Field("", description="共享方式:共享的资源必填")
    open_type: OpenLiteral = Field(..., description="开放类型")
    update_cycle: CycleLiteral = Field(..., description="更新周期")
    declared_id: int | None = _id_field("立项申请中申报的该数据资源(第二十八条)", required=False)
    related_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field([], max_length=50, description="关联资源")
    items: list[CatalogueItemIn] = Field(..., max_length=200, description="信息项,至少一个")


class CatalogueResourceIn(CatalogueResourceFields):
    system_id: int = _id_field("所属信息系统(本单位的;区发改委(大数据局)可为任一单位登记)")


class CatalogueResourceUpdateIn(CatalogueResourceFields):
    version: int | None = _version_field("乐观锁:数据资源的当前版本号")


class CataloguePublishIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:数据资源的当前版本号")


class CatalogueInterfaceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: InterfaceLiteral = Field(..., description="api 数据接口;file 文件交换")
    name: Name = Field(..., description="接口名称")
    address: Annotated[str, StringConstraints(max_length=500)] = Field(..., description="接口地址或交换目录")
    description: Text = Field("", description="说明")


class SharingRequestIn(Schema):
    model_config = ConfigDict(extra="forbid")
    resource_id: int = _id_field("申请的数据资源(有条件共享,其他单位提供的)")
    purpose: Text = Field(..., description="用途和依据")
    items: Annotated[str, StringConstraints(max_length=1000)] = Field("", description="申请的信息项;省略为全部")


class SharingGrantIn(Schema):
    model_config = ConfigDict(extra="forbid")
    valid_until: dt.date | None = Field(None, description="授权有效期至:须晚于今天;省略为长期")
    reasons: Text = Field("", description="答复意见")
    version: int | None = _version_field("乐观锁:申请的当前版本号")


class SharingRefuseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reasons: Text = Field("", description="不同意的理由和依据:必填(第二十九条)")
    version: int | None = _version_field("乐观锁:申请的当前版本号")


class SharingWithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: int | None = _version_field("乐观锁:申请的当前版本号")


class SharingUseIn(Schema):
    model_config = ConfigDict(extra="forbid")
    used_on: dt.date = Field(..., description="使用日期:不早于同意之日,不晚于今天和授权有效期")
    records: int = Field(..., ge=0, le=2**31 - 1, description="调用或交换记录数")
    note: Annotated[str, StringConstraints(max_length=500)] = Field("", description="说明")


class CatalogueSystemFilters(Schema):
    q: str = Field("", max_length=50, description="关键词:系统名称或编号")
    owner_unit_id: int | None = _id_field("建设运维单位", required=False)
    status: Literal[("", *SystemStatus.values)] = Field("", description="系统状态;空为全部")  # type: ignore[valid-type]
    limit: int = limit_field()
    offset: int = offset_field()


class CatalogueFilters(Schema):
    """The catalogue browser's filters (CatalogueFilterForm's fields)."""

    q: str = Field("", max_length=50, description="关键词:资源名称、代码、摘要或信息项名称")
    resource_class: Literal[("", *ResourceClass.values)] = Field("", description="资源分类")  # type: ignore[valid-type]
    sharing_type: Literal[("", *SharingType.values)] = Field("", description="共享类型")  # type: ignore[valid-type]
    update_cycle: Literal[("", *Cycle.values)] = Field("", description="更新周期")  # type: ignore[valid-type]
    format: Literal[("", *ResourceFormat.values)] = Field("", description="资源格式")  # type: ignore[valid-type]
    provider_id: int | None = _id_field("提供单位", required=False)
    system_id: int | None = _id_field("信息系统", required=False)
    published: Literal["", "yes", "no"] = Field("", description="yes 已发布;no 未发布;空为全部")


class CatalogueListFilters(CatalogueFilters):
    limit: int = limit_field()
    offset: int = offset_field()


class SharingFilters(Schema):
    state: StateLiteral = Field("", description="pending 待答复;overdue 逾期未答复;granted;refused;withdrawn;空为全部")
    direction: Literal["", "made", "received"] = Field("", description="made 本单位提出的;received 向本单位提出的;空为全部")
    limit: int = limit_field()
    offset: int = offset_field()


class CatalogueSimilarQuery(Schema):
    limit: int = Field(10, ge=1, le=50, description="最多条数")


# --- fetching: missing and not visible look the same (404) ------------------------------------------------


def _require_reader(user) -> None:
    if not reads_catalogue(user):
        raise Forbidden()


def _system_rows(user):
    return (selectors.systems_visible_to(user).select_related("owner_unit", "project", "registered_by")
            .annotate(resources_count=Count("resources")))


def _system(request, system_id) -> InformationSystem:
    user = request.auth
    system = selectors.systems_visible_to(user).filter(pk=object_pk(system_id)).first()
    if system is None or not perms.has_perm("catalogue.view_system", user, system):
        raise NotFound()
    return system


def _system_out(user, pk: int) -> InformationSystem:
    row = _system_rows(user).get(pk=pk)
    row.resource_rows = list(CatalogueResource.objects.filter(system_id=pk, system__classified=False).order_by("seq"))
    return row


def _resource(request, resource_id) -> CatalogueResource:
    resource = selectors.resources_visible_to(request.auth).filter(pk=object_pk(resource_id)).first()
    if resource is None:
        raise NotFound()
    return resource


def _resource_out(user, pk: int) -> CatalogueResource:
    return selectors.resource_detail(pk, user)


def _interface(request, interface_id) -> SharingInterface:
    interface = (SharingInterface.objects.select_related("resource__system", "resource__provider")
                 .filter(pk=object_pk(interface_id), resource__in=selectors.resources_visible_to(request.auth)).first())
    if interface is None:
        raise NotFound()
    return interface


def _sharing_request(request, request_id) -> SharingRequest:
    user = request.auth
    # A classified system (art. 5) keeps no resources, so no request names one; should one ever, the selector hides it.
    row = selectors.requests_visible_to(user).filter(pk=object_pk(request_id)).first()
    if row is None or not perms.has_perm("catalogue.view_request", user, row):
        raise NotFound()
    return row


def _request_rows(qs, today: dt.date) -> list[SharingRequest]:
    rows = list(qs)
    for row in rows:
        row.state = selectors.request_state(row, today)
    return rows


def _request_out(pk: int) -> SharingRequest:
    qs = (SharingRequest.objects.filter(pk=pk)
          .select_related("resource__provider", "resource__system", "consumer", "requested_by", "decided_by")
          .prefetch_related(Prefetch("uses", SharingUse.objects.select_related("recorded_by").order_by("-used_on", "-id")))
          .annotate(uses_count=Count("uses")))
    return _request_rows(qs, local_today())[0]


def _filters(values: dict) -> dict:
    """The browser's filters, cleaned by its form (one definition); the empty ones left out."""
    data = {k: v for k, v in values.items() if k not in ("limit", "offset") and v not in (None, "")}
    cleaned = clean_input(CatalogueFilterForm, data)
    return {k: v for k, v in cleaned.items() if v not in (None, "")}


def _description(filters: dict) -> str:
    return urlencode(sorted(filters.items())) or "*"


# --- systems -----------------------------------------------------------------------------------------------


@router.get("/systems", response={200: CatalogueSystemList, **ERRORS},
            summary="信息系统列表(建设单位和各职能部门;涉密系统只对本单位和区发改委(大数据局)可见,第二十七条、第五条)")
def system_list(request, filters: Query[CatalogueSystemFilters]):
    user = request.auth
    _require_reader(user)
    qs = _system_rows(user)
    word = filters.q.strip()
    if word:
        qs = qs.filter(Q(name__icontains=word) | Q(code__icontains=word))
    if filters.owner_unit_id is not None:
        qs = qs.filter(owner_unit_id=filters.owner_unit_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = qs.order_by("jurisdiction", "seq")
    count = qs.count()
    return {**page_links(request, count, filters.limit, filters.offset),
            "items": list(qs[filters.offset: filters.offset + filters.limit])}


@router.post("/systems", response={201: CatalogueSystemOut, **WRITE_ERRORS},
             summary="登记信息系统(建设单位;区发改委(大数据局)可代为登记,第二十七条)",
             description="项目建成的系统或既有系统;系统编号按本区自动编号(XT-区划代码-序号)。涉密项目的系统为涉密系统(第五条)。")
def system_register(request, payload: CatalogueSystemIn):
    data = {k: v for k, v in payload.dict().items() if v is not None}
    system = services.system_register(actor=request.auth, data=data)
    return Status(201, _system_out(request.auth, system.pk))


@router.get("/systems/{system_id}", response={200: CatalogueSystemOut, **ERRORS},
            summary="信息系统及其登记的数据资源")
def system_detail(request, system_id: int):
    system = _system(request, system_id)
    return _system_out(request.auth, system.pk)


@router.patch("/systems/{system_id}", response={200: CatalogueSystemOut, **WRITE_ERRORS},
              summary="修改信息系统的名称、功能和状态(建设运维单位或区发改委(大数据局),第二十七条)",
              description="只需提交要修改的字段。")
def system_update(request, system_id: int, payload: CatalogueSystemPatch):
    system = _system(request, system_id)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None and k != "version"}
    data = {"name": system.name, "summary": system.summary, "status": system.status, **given}
    fresh = services.system_change(actor=request.auth, system=system, data=data, expected_version=payload.version)
    return _system_out(request.auth, fresh.pk)


@router.get("/systems/{system_id}/similar", response={200: CatalogueSimilarList, **ERRORS},
            summary="与该系统相似的项目、信息系统和数据资源(区发改委(大数据局)和该系统的建设运维单位,第三条、第十八条)",
            description="按名称和内容的中文字符相似度排列,供判断是否重复建设。区发改委(大数据局)看到项目、系统和资源;"
                        "建设运维单位只看到目录中的系统和资源。涉密系统不参与比对(第五条)。")
def system_similar(request, system_id: int, query: Query[CatalogueSimilarQuery]):
    from itgov.catalogue.similarity import ALL_KINDS, similar_to

    user = request.auth
    system = _system(request, system_id)
    if is_drc(user):
        kinds = ALL_KINDS
    elif owns_system(user, system):
        kinds = (SimilarityKind.SYSTEM, SimilarityKind.RESOURCE)
    else:
        raise Forbidden()
    found = similar_to(kind=SimilarityKind.SYSTEM, obj=system, kinds=kinds, limit=query.limit)
    return {"system_id": system.pk, "items": [{**row, "kind_label": str(SimilarityKind(row["kind"]).label)}
                                              for row in found]}


# --- the catalogue -----------------------------------------------------------------------------------------


@router.get("/catalogue/resources", response={200: CatalogueResourceList, **ERRORS},
            summary="全区政务数据资源目录:检索和筛选(建设单位和各职能部门,第二十七条)",
            description="涉密信息系统不纳入目录(第五条)。")
def resource_list(request, filters: Query[CatalogueListFilters]):
    user = request.auth
    _require_reader(user)
    qs = selectors.catalogue_search(user, _filters(filters.dict()))
    count = qs.count()
    return {**page_links(request, count, filters.limit, filters.offset),
            "items": list(qs[filters.offset: filters.offset + filters.limit])}


@router.post("/catalogue/resources", response={201: CatalogueResourceOut, **WRITE_ERRORS},
             summary="登记数据资源(信息系统的建设运维单位或区发改委(大数据局),第二十七条、第二十九条)",
             description="按政务信息资源目录编制指南填写元数据和信息项;有条件共享的写明共享条件,不予共享的写明法律法规"
                         "或政策依据(第二十九条);涉密信息系统不登记数据资源(第五条)。")
def resource_register(request, payload: CatalogueResourceIn):
    data = {k: v for k, v in payload.dict().items() if v is not None}
    resource = services.resource_register(actor=request.auth, data=data)
    return Status(201, _resource_out(request.auth, resource.pk))


@router.get("/catalogue/resources/{resource_id}", response={200: CatalogueResourceOut, **ERRORS},
            summary="数据资源:元数据、信息项、共享接口、关联资源和尚缺内容")
def resource_detail(request, resource_id: int):
    resource = _resource(request, resource_id)
    return _resource_out(request.auth, resource.pk)


@router.put("/catalogue/resources/{resource_id}", response={200: CatalogueResourceOut, **WRITE_ERRORS},
            summary="修改数据资源(信息系统的建设运维单位或区发改委(大数据局),第二十七条、第二十九条)",
            description="提交完整的元数据和信息项;已发布的资源保持发布及其日期。")
def resource_update(request, resource_id: int, payload: CatalogueResourceUpdateIn):
    resource = _resource(request, resource_id)
    data = {k: v for k, v in payload.dict(exclude={"version"}).items() if v is not None}
    fresh = services.resource_change(actor=request.auth, resource=resource, data=data,
                                     expected_version=payload.version)
    return _resource_out(request.auth, fresh.pk)


@router.post("/catalogue/resources/{resource_id}/publish", response={200: CatalogueResourceOut, **WRITE_ERRORS},
             summary="发布数据资源(区发改委(大数据局),第二十七条)", description="发布日期为今天;同一天重复发布为冲突(409)。")
def resource_publish(request, resource_id: int, payload: CataloguePublishIn):
    resource = _resource(request, resource_id)
    fresh = services.resource_publish(actor=request.auth, resource=resource, expected_version=payload.version)
    return _resource_out(request.auth, fresh.pk)


@router.post("/catalogue/resources/{resource_id}/interfaces", response={201: CatalogueInterfaceOut, **WRITE_ERRORS},
             summary="登记共享接口(信息系统的建设运维单位或区发改委(大数据局),第二十九条)",
             description="数据接口或文件交换;不予共享的资源不提供共享接口(409)。")
def interface_register(request, resource_id: int, payload: CatalogueInterfaceIn):
    resource = _resource(request, resource_id)
    interface = services.interface_register(actor=request.auth, resource=resource, data=payload.dict())
    return Status(201, interface)


@router.post("/catalogue/interfaces/{interface_id}/retire", response={200: CatalogueInterfaceOut, **WRITE_ERRORS},
             summary="停用共享接口(信息系统的建设运维单位或区发改委(大数据局),第二十九条)",
             description="停用的接口保留记录;已停用的为冲突(409)。")
def interface_retire(request, interface_id: int):
    interface = _interface(request, interface_id)
    return services.interface_retire(actor=request.auth, interface=interface)


@router.get("/catalogue/completeness", response={200: CatalogueCompletenessOut, **ERRORS},
            summary="各单位目录登记的完整性(第二十九条)",
            description="每个建设运维单位:在运行而未登记数据资源的系统、已投入运行而未登记系统的项目、登记不完整的资源。"
                        "涉密系统和项目不计(第五条)。")
def completeness(request):
    user = request.auth
    _require_reader(user)
    rows = selectors.completeness(user, local_today())
    return {"totals": selectors.completeness_totals(rows), "units": rows}


@router.get("/catalogue/export.xlsx", response=ERRORS,
            summary="导出数据资源目录(Excel,政务信息资源目录编制指南的表格格式,第二十七条)",
            description="每个信息项一行,资源的各列重复;按与目录列表相同的筛选条件导出;每次导出记入审计记录。",
            openapi_extra=_binary(XLSX_CONTENT_TYPE, description="政务数据资源目录(.xlsx)"))
def export_xlsx(request, filters: Query[CatalogueFilters]):
    values = _filters(filters.dict())
    content, _count = export.catalogue_xlsx(actor=request.auth, filters=values, description=_description(values))
    return _download(content, f"catalogue-{local_today():%Y%m%d}.xlsx", XLSX_CONTENT_TYPE)


EXPORT_JSON_SCHEMA = {
    "type": "object",
    "required": ["@context", "@type", "dcat:dataset"],
    "properties": {"@context": {"type": "object"}, "@type": {"type": "string"},
                   "dct:title": {"type": "string"}, "dct:modified": {"type": "string"},
                   "dcat:dataset": {"type": "array", "items": {"type": "object"}}},
}


@router.get("/catalogue/export.json", response=ERRORS,
            summary="导出数据资源目录(JSON-LD,DCAT映射,第二十七条)",
            description="dcat:Catalog,每个数据资源一个 dcat:Dataset(共享接口为 dcat:Distribution,目录特有字段在 itgov: "
                        "前缀下);按与目录列表相同的筛选条件导出;每次导出记入审计记录。",
            openapi_extra={"responses": {200: {"description": "政务数据资源目录(DCAT)", "content": {
                JSON_LD: {"schema": EXPORT_JSON_SCHEMA}}}}})
def export_json(request, filters: Query[CatalogueFilters]):
    values = _filters(filters.dict())
    content = export.catalogue_json(actor=request.auth, filters=values, description=_description(values))
    return _download(content, f"catalogue-{local_today():%Y%m%d}.json", JSON_LD)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


# --- sharing (art. 29) -------------------------------------------------------------------------------------


@router.get("/sharing/requests", response={200: SharingRequestList, **ERRORS}, tags=["sharing"],
            summary="共享申请列表:本单位提出的和向本单位提出的(区发改委(大数据局)、区审计局看全部,第二十九条)")
def sharing_request_list(request, filters: Query[SharingFilters]):
    user = request.auth
    _require_reader(user)
    today = local_today()
    qs = (selectors.requests_filtered(user, state=filters.state, direction=filters.direction, today=today)
          .select_related("requested_by", "decided_by"))
    count = qs.count()
    return {**page_links(request, count, filters.limit, filters.offset),
            "items": _request_rows(qs[filters.offset: filters.offset + filters.limit], today)}


@router.post("/sharing/requests", response={201: SharingRequestOut, **WRITE_ERRORS}, tags=["sharing"],
             summary="申请有条件共享的数据资源(使用单位,第二十九条)",
             description="只受理其他单位提供的有条件共享资源:无条件共享的直接通过共享接口使用,不予共享的不能申请(422)。"
                         "答复期限按本级政策设定;同一资源本单位只能有一个待答复的申请(409)。")
def sharing_request_create(request, payload: SharingRequestIn):
    made = services.sharing_request(actor=request.auth, data=payload.dict())
    return Status(201, _request_out(made.pk))


@router.get("/sharing/requests/{sharing_request_id}", response={200: SharingRequestOut, **ERRORS}, tags=["sharing"],
            summary="共享申请、答复、状态(含逾期)和使用记录")
def sharing_request_detail(request, sharing_request_id: int):
    return _request_out(_sharing_request(request, sharing_request_id).pk)


@router.post("/sharing/requests/{sharing_request_id}/grant", response={200: SharingRequestOut, **WRITE_ERRORS},
             tags=["sharing"], summary="同意共享(提供单位,第二十九条)", description="可设定授权有效期(须晚于今天)。")
def sharing_request_grant(request, sharing_request_id: int, payload: SharingGrantIn):
    row = _sharing_request(request, sharing_request_id)
    data = {"valid_until": payload.valid_until.isoformat() if payload.valid_until else "", "reasons": payload.reasons}
    fresh = services.sharing_grant(actor=request.auth, request=row, data=data, expected_version=payload.version)
    return _request_out(fresh.pk)


@router.post("/sharing/requests/{sharing_request_id}/refuse", response={200: SharingRequestOut, **WRITE_ERRORS},
             tags=["sharing"], summary="不同意共享(提供单位,须说明理由,第二十九条)")
def sharing_request_refuse(request, sharing_request_id: int, payload: SharingRefuseIn):
    row = _sharing_request(request, sharing_request_id)
    fresh = services.sharing_refuse(actor=request.auth, request=row, data={"reasons": payload.reasons},
                                    expected_version=payload.version)
    return _request_out(fresh.pk)


@router.post("/sharing/requests/{sharing_request_id}/withdraw", response={200: SharingRequestOut, **WRITE_ERRORS},
             tags=["sharing"], summary="撤回共享申请(使用单位;答复前,第二十九条)")
def sharing_request_withdraw(request, sharing_request_id: int, payload: SharingWithdrawIn):
    row = _sharing_request(request, sharing_request_id)
    fresh = services.sharing_withdraw(actor=request.auth, request=row, expected_version=payload.version)
    return _request_out(fresh.pk)


@router.post("/sharing/requests/{sharing_request_id}/uses", response={201: SharingRequestOut, **WRITE_ERRORS},
             tags=["sharing"], summary="登记共享使用情况(使用单位;已同意的申请,第二十九条)")
def sharing_use_record(request, sharing_request_id: int, payload: SharingUseIn):
    row = _sharing_request(request, sharing_request_id)
    data = {"used_on": payload.used_on.isoformat(), "records": payload.records, "note": payload.note}
    services.sharing_use(actor=request.auth, request=row, data=data)
    return Status(201, _request_out(row.pk))
