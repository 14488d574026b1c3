"""Projects: list, create, read, edit a draft, the workflow actions, compliance and history."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.core.errors import Forbidden, InvalidInput, RuleViolation
from itgov.organizations.models import Unit
from itgov.projects import selectors, services
from itgov.projects.choices import ConstructionType, ProjectKind, ProjectStatus
from itgov.projects.models import Project
from itgov.projects.policies import can_list_projects

from ..schemas import ERRORS, WRITE_ERRORS, Money, Page, UnitRef, limit_field, offset_field, page_links

router = Router(tags=["projects"])

Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Short = Annotated[str, StringConstraints(max_length=40)]
Phone = Annotated[str, StringConstraints(max_length=20)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Reason = Annotated[str, StringConstraints(max_length=2000)]
KindLiteral = Literal[tuple(ProjectKind.values)]  # type: ignore[valid-type]
TypeLiteral = Literal[tuple(ConstructionType.values)]  # type: ignore[valid-type]
StatusLiteral = Literal[tuple(ProjectStatus.values)]  # type: ignore[valid-type]
ORDERINGS = ("-updated_at", "updated_at", "name", "-name", "estimated_investment", "-estimated_investment",
             "created_at", "-created_at", "status", "-status")
OrderingLiteral = Literal[ORDERINGS]  # type: ignore[valid-type]
# The services speak the form's field names; the API's inputs for the two relations end in _id.
API_FIELD_NAMES = {"plan_task": "plan_task_id", "owner_unit": "owner_unit_id"}


class PlanTaskRef(Schema):
    id: int
    number: str
    title: str


class ProjectSummary(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    kind: str
    kind_label: str
    construction_type: str
    construction_type_label: str
    classified: bool
    estimated_investment: str
    estimated_investment_wan: str
    status: str
    status_label: str
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_construction_type_label(obj):
        return obj.get_construction_type_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_estimated_investment(obj):
        return f"{obj.estimated_investment:.2f}"


class ProjectOut(ProjectSummary):
    responsible_person: str
    responsible_phone: str
    necessity: str
    construction_content: str
    data_sharing_intent: str
    plan_task: PlanTaskRef | None
    submitted_at: dt.datetime | None
    admitted_at: dt.datetime | None
    last_return_reason: str
    reserve_no_task_reason: str
    withdraw_reason: str
    project_code: str | None = Field(None, description="项目代码(第十七条,GB/T 40058)")
    project_code_status: str = Field("", description="省投资项目在线审批监管平台的办理状态")
    created_at: dt.datetime
    actions: list[str] = []


class ProjectList(Page):
    items: list[ProjectSummary]


class ProjectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name
    kind: KindLiteral
    construction_type: TypeLiteral
    estimated_investment: Money
    classified: bool = False
    responsible_person: Short = ""
    responsible_phone: Phone = ""
    necessity: Text = ""
    construction_content: Text = ""
    data_sharing_intent: Text = ""
    plan_task_id: int | None = Field(None, ge=1, le=2**62)
    owner_unit_id: int | None = Field(None, ge=1, le=2**62, description="默认为本人所在单位")


class ProjectPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:当前版本号")
    name: Name | None = None
    kind: KindLiteral | None = None
    construction_type: TypeLiteral | None = None
    estimated_investment: Money | None = None
    classified: bool | None = None
    responsible_person: Short | None = None
    responsible_phone: Phone | None = None
    necessity: Text | None = None
    construction_content: Text | None = None
    data_sharing_intent: Text | None = None
    plan_task_id: int | None = Field(None, ge=1, le=2**62)


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:当前版本号")
    reason: Reason = ""
    no_task_reason: Reason = ""


class ProjectFilters(Schema):
    status: list[StatusLiteral] | None = Field(None, description="状态,可多选")
    owner_unit: Annotated[str, StringConstraints(max_length=32)] | None = Field(None, description="建设单位ID或代码")
    kind: KindLiteral | None = None
    construction_type: TypeLiteral | None = None
    q: Annotated[str, StringConstraints(max_length=100)] | None = Field(None, description="名称关键词")
    min_investment: Money | None = None
    max_investment: Money | None = None
    ordering: OrderingLiteral = "-updated_at"
    limit: int = limit_field()
    offset: int = offset_field()


def _detail(request, project: Project) -> Project:
    """The project with the actions this user may take on it now (the page shows the same buttons)."""
    actions = [t.name for t in selectors.available_transitions(request.auth, project)]
    if selectors.can_edit(request.auth, project):
        actions.insert(0, "update")
    project.actions = actions
    return project


@contextmanager
def api_field_names():
    """Report a refusal under the names the client sent (plan_task_id, not plan_task)."""
    try:
        yield
    except (InvalidInput, RuleViolation) as exc:
        exc.fields = {API_FIELD_NAMES.get(k, k): v for k, v in exc.fields.items()}
        raise


def _form_data(payload: Schema, *, exclude_unset: bool) -> dict:
    data = payload.dict(exclude_unset=exclude_unset)
    data.pop("version", None)
    data.pop("owner_unit_id", None)
    if "plan_task_id" in data:
        data["plan_task"] = data.pop("plan_task_id")
    if "estimated_investment" in data and data["estimated_investment"] is not None:
        data["estimated_investment"] = Decimal(data["estimated_investment"])
    return {k: v for k, v in data.items() if v is not None or k == "plan_task"}


@router.get("/projects", response={200: ProjectList, **ERRORS}, summary="项目列表")
def project_list(request, filters: Query[ProjectFilters]):
    user = request.auth
    if not can_list_projects(user):
        raise Forbidden()
    qs = selectors.filter_projects(
        selectors.projects_visible_to(user), statuses=filters.status, owner_unit=filters.owner_unit,
        kind=filters.kind or "", construction_type=filters.construction_type or "", q=filters.q or "",
        min_yuan=Decimal(filters.min_investment) if filters.min_investment else None,
        max_yuan=Decimal(filters.max_investment) if filters.max_investment else None)
    qs = qs.order_by(filters.ordering, "-id")
    count = qs.count()
    items = list(qs[filters.offset: filters.offset + filters.limit])
    return {**page_links(request, count, filters.limit, filters.offset), "items": items}


@router.post("/projects", response={201: ProjectOut, **WRITE_ERRORS}, summary="新建项目(草稿)")
def project_create(request, payload: ProjectIn):
    owner_unit = None
    if payload.owner_unit_id is not None:
        owner_unit = Unit.objects.filter(pk=payload.owner_unit_id).first()
        if owner_unit is None:
            raise InvalidInput(fields={"owner_unit_id": [_("单位不存在")]})
    with api_field_names():
        project = services.project_create(actor=request.auth, data=_form_data(payload, exclude_unset=False),
                                          owner_unit=owner_unit)
    return Status(201, _detail(request, selectors.access_project_by_id(request.auth, project.pk)))


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="项目详情")
def project_detail(request, project_id: int):
    return _detail(request, selectors.access_project_by_id(request.auth, project_id))


@router.patch("/projects/{project_id}", response={200: ProjectOut, **WRITE_ERRORS}, summary="修改草稿")
def project_update(request, project_id: int, payload: ProjectPatch):
    project = selectors.access_project_by_id(request.auth, project_id)
    with api_field_names():
        fresh = services.project_update(actor=request.auth, project=project,
                                        data=_form_data(payload, exclude_unset=True), expected_version=payload.version)
    return _detail(request, selectors.reload(fresh))


def _action(name: str, summary: str):
    def endpoint(request, project_id: int, payload: ActionIn):
        project = selectors.access_project_by_id(request.auth, project_id)
        fresh = services.project_transition(actor=request.auth, project=project, name=name,
                                            data={"reason": payload.reason, "no_task_reason": payload.no_task_reason},
                                            expected_version=payload.version)
        # The project as the transition left it, even where the actor no longer sees it (a returned draft).
        return _detail(request, selectors.reload(fresh))

    endpoint.__name__ = f"project_{name}"
    router.post(f"/projects/{{project_id}}/{name.replace('_', '-')}", response={200: ProjectOut, **WRITE_ERRORS},
                summary=summary, operation_id=f"project_{name}")(endpoint)


_action("submit_proposal", "提交入库申请(第七条)")
_action("admit", "纳入储备库(区发改委,第七条)")
_action("return_for_revision", "退回修改(区发改委,第七条)")
_action("withdraw", "撤回项目")


class ComplianceItem(Schema):
    rule: str
    article: str
    title: str
    status: str
    status_label: str
    reason: str
    fields: dict[str, str]


class ComplianceOut(Schema):
    project_id: int
    items: list[ComplianceItem]


@router.get("/projects/{project_id}/compliance", response={200: ComplianceOut, **ERRORS}, summary="合规检查")
def project_compliance(request, project_id: int):
    project = selectors.access_project_by_id(request.auth, project_id)
    return {"project_id": project.pk, "items": selectors.project_compliance(project, actor=request.auth)}


class HistoryItem(Schema):
    seq: int
    at: dt.datetime
    event_type: str
    event_label: str
    actor_name: str
    unit_name: str
    before: dict | None
    after: dict | None
    reason: str

    @staticmethod
    def resolve_event_label(obj):
        return obj.get_event_type_display()


class HistoryOut(Page):
    items: list[HistoryItem]


class HistoryPage(Schema):
    limit: int = limit_field(50)
    offset: int = offset_field()


@router.get("/projects/{project_id}/history", response={200: HistoryOut, **ERRORS}, summary="项目历史")
def project_history(request, project_id: int, page: Query[HistoryPage]):
    project = selectors.access_project_by_id(request.auth, project_id)
    qs = selectors.project_history(project, request.auth)
    count = qs.count()
    return {**page_links(request, count, page.limit, page.offset),
            "items": list(qs[page.offset: page.offset + page.limit])}
