"""The development plan (art. 6): drafts, published versions, key tasks, and the reserve library (art. 7)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import rules as perms
from django.db.models import Count
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StringConstraints

from itgov.core.errors import Forbidden, InvalidInput
from itgov.core.money import format_wan
from itgov.planning import devplan_selectors as selectors
from itgov.planning import devplan_services as services
from itgov.planning import reserve
from itgov.planning.choices import DevelopmentPlanStatus
from itgov.projects.choices import ProjectKind

from ..schemas import ERRORS, WRITE_ERRORS, Page, UnitRef, limit_field, money, offset_field, page_links

router = Router(tags=["development-plans"])

Name = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Number = Annotated[str, StringConstraints(min_length=1, max_length=10)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(max_length=5000)]
Wan = Annotated[str, StringConstraints(pattern=r"^\d{1,7}(\.\d{1,6})?$", max_length=14)]
Year = Annotated[int, Field(ge=2000, le=2100)]
Version = Annotated[int | None, Field(None, ge=1, le=2**31, description="乐观锁:当前版本号")]
KindLiteral = Literal[tuple(ProjectKind.values)]  # type: ignore[valid-type]
ReserveStatus = Literal[tuple(s.value for s in reserve.RESERVE_STATUSES)]  # type: ignore[valid-type]


class DevPlanIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: Name
    start_year: Year
    end_year: Year


class DevPlanPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    version: Version = None
    name: Name | None = None
    start_year: Year | None = None
    end_year: Year | None = None


class DevPlanVersionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    version: Version = None


class TaskIn(Schema):
    model_config = ConfigDict(extra="forbid")
    number: Number
    title: Title
    description: Text = ""
    lead_unit_id: int | None = Field(None, ge=1, le=2**62)


class TaskPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    number: Number | None = None
    title: Title | None = None
    description: Text | None = None
    lead_unit_id: int | None = Field(None, ge=1, le=2**62, description="null 表示不设牵头单位")


class TaskOut(Schema):
    id: int
    plan_id: int
    number: str
    title: str
    description: str
    lead_unit: UnitRef | None
    previous_id: int | None


class DevPlanSummary(Schema):
    id: int
    name: str
    start_year: int
    end_year: int
    status: str
    status_label: str
    edition: int
    supersedes_id: int | None
    published_at: dt.datetime | None
    version: int
    task_count: int = 0
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class DevPlanEditionRef(Schema):
    id: int
    edition: int
    status: str
    published_at: dt.datetime | None


class DevPlanOut(DevPlanSummary):
    tasks: list[TaskOut]
    editions: list[DevPlanEditionRef]
    actions: list[str]

    @staticmethod
    def resolve_tasks(obj):
        return obj.task_rows

    @staticmethod
    def resolve_editions(obj):
        return obj.edition_rows

    @staticmethod
    def resolve_actions(obj):
        return obj.action_names


class StatusCell(Schema):
    label: str
    count: int
    total: str


class CoverageItem(Schema):
    task: TaskOut
    count: int
    total: str
    total_wan: str
    uncovered: bool
    by_status: dict[str, StatusCell]


class CoverageOut(Schema):
    plan_id: int
    tasks: int
    covered: int
    projects: int
    total: str
    items: list[CoverageItem]


class DevPlanTaskRef(Schema):
    id: int
    number: str
    title: str


class ReserveItem(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    kind: str
    kind_label: str
    estimated_investment: str
    estimated_investment_wan: str
    status: str
    status_label: str
    plan_task: DevPlanTaskRef | None
    reserve_at: dt.datetime | None

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_estimated_investment(obj):
        return f"{obj.estimated_investment:.2f}"


class ReserveOut(Page):
    items: list[ReserveItem]


class ReserveFilters(Schema):
    unit_id: int | None = Field(None, ge=1, le=2**62, description="建设单位(含下级单位)")
    kind: KindLiteral | None = None
    task_id: int | None = Field(None, ge=1, le=2**62, description="现行发展规划的任务(含其此前版本)")
    status: ReserveStatus | None = None
    min_wan: Wan | None = Field(None, description="最低估算总投资(万元)")
    max_wan: Wan | None = Field(None, description="最高估算总投资(万元)")
    year: Year | None = Field(None, description="申报年度:提交入库申请的年度(北京时间)")
    limit: int = limit_field()
    offset: int = offset_field()



def _actions(user, plan) -> list[str]:
    """The writes `user` may make on `plan` now (the page shows the same buttons)."""
    if not perms.has_perm("planning.compile_devplan", user):
        return []
    if plan.status == DevelopmentPlanStatus.DRAFT:
        return ["update", "add_task", "publish"]
    if plan.status == DevelopmentPlanStatus.PUBLISHED and not hasattr(plan, "revision"):
        return ["revise"]
    return []


def _detail(request, plan):
    plan = selectors.access_plan_by_id(request.auth, plan.pk)
    plan.task_rows = list(selectors.tasks_of(plan))
    plan.task_count = len(plan.task_rows)
    plan.edition_rows = selectors.editions(plan)
    plan.action_names = _actions(request.auth, plan)
    return plan


@router.get("/development-plans", response={200: list[DevPlanSummary], **ERRORS}, summary="发展规划(各版本,第六条)")
def plan_list(request):
    if not perms.has_perm("planning.view_devplans", request.auth):
        raise Forbidden()
    return list(selectors.plans_visible_to(request.auth).annotate(task_count=Count("tasks")))


@router.post("/development-plans", response={201: DevPlanOut, **WRITE_ERRORS}, summary="起草发展规划(区发改委,第六条)")
def plan_create(request, payload: DevPlanIn):
    plan = services.devplan_create(actor=request.auth, data=payload.dict())
    return Status(201, _detail(request, plan))


@router.get("/development-plans/{plan_id}", response={200: DevPlanOut, **ERRORS}, summary="发展规划详情")
def plan_detail(request, plan_id: int):
    return _detail(request, selectors.access_plan_by_id(request.auth, plan_id))


@router.patch("/development-plans/{plan_id}", response={200: DevPlanOut, **WRITE_ERRORS}, summary="修改规划草稿")
def plan_update(request, plan_id: int, payload: DevPlanPatch):
    plan = selectors.access_plan_by_id(request.auth, plan_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "version" and v is not None}
    fresh = services.devplan_update(actor=request.auth, plan=plan, data=data, expected_version=payload.version)
    return _detail(request, fresh)


@router.post("/development-plans/{plan_id}/publish", response={200: DevPlanOut, **WRITE_ERRORS},
             summary="发布发展规划(区发改委;修订稿发布后替代原版本)")
def plan_publish(request, plan_id: int, payload: DevPlanVersionIn):
    plan = selectors.access_plan_by_id(request.auth, plan_id)
    return _detail(request, services.devplan_publish(actor=request.auth, plan=plan, expected_version=payload.version))


@router.post("/development-plans/{plan_id}/revise", response={201: DevPlanOut, **WRITE_ERRORS},
             summary="修订发展规划(生成新版本草稿)")
def plan_revise(request, plan_id: int, payload: DevPlanVersionIn):
    plan = selectors.access_plan_by_id(request.auth, plan_id)
    draft = services.devplan_revise(actor=request.auth, plan=plan, expected_version=payload.version)
    return Status(201, _detail(request, draft))


@router.post("/development-plans/{plan_id}/tasks", response={201: TaskOut, **WRITE_ERRORS}, summary="新增规划任务")
def task_add(request, plan_id: int, payload: TaskIn):
    plan = selectors.access_plan_by_id(request.auth, plan_id)
    task = services.task_add(actor=request.auth, plan=plan, data=payload.dict())
    return Status(201, selectors.access_task_by_id(request.auth, task.pk))


@router.patch("/plan-tasks/{task_id}", response={200: TaskOut, **WRITE_ERRORS}, summary="修改规划任务")
def task_update(request, task_id: int, payload: TaskPatch):
    task = selectors.access_task_by_id(request.auth, task_id)
    data = payload.dict(exclude_unset=True)
    for name in ("number", "title", "description"):  # null for a text field: left as it is
        if name in data and data[name] is None:
            del data[name]
    return services.task_update(actor=request.auth, task=task, data=data)


@router.delete("/plan-tasks/{task_id}", response={204: None, **WRITE_ERRORS}, summary="删除规划任务")
def task_remove(request, task_id: int):
    task = selectors.access_task_by_id(request.auth, task_id)
    services.task_remove(actor=request.auth, task=task)
    return Status(204, None)


@router.get("/development-plans/{plan_id}/coverage", response={200: CoverageOut, **ERRORS},
            summary="规划任务的项目覆盖情况")
def plan_coverage(request, plan_id: int):
    plan = selectors.access_plan_by_id(request.auth, plan_id)
    cov = selectors.coverage(request.auth, plan)
    items = [{"task": i["task"], "count": i["count"], "total": money(i["total"]), "total_wan": format_wan(i["total"]),
              "uncovered": i["uncovered"],
              "by_status": {k: {"label": v["label"], "count": v["count"], "total": money(v["total"])}
                            for k, v in i["by_status"].items()}}
             for i in cov["items"]]
    return {"plan_id": plan.pk, "tasks": cov["tasks"], "covered": cov["covered"], "projects": cov["projects"],
            "total": money(cov["total"]), "items": items}


@router.get("/reserve", response={200: ReserveOut, **ERRORS}, summary="项目储备库(第七条)")
def reserve_list(request, filters: Query[ReserveFilters]):
    if not perms.has_perm("planning.view_reserve", request.auth):
        raise Forbidden()
    data = {"unit": filters.unit_id, "kind": filters.kind, "task": filters.task_id, "status": filters.status,
            "min_wan": filters.min_wan, "max_wan": filters.max_wan, "year": filters.year}
    try:
        parsed = reserve.parse_filters({k: v for k, v in data.items() if v is not None})
    except InvalidInput as exc:  # the errors under the names the client sent
        exc.fields = {{"unit": "unit_id", "task": "task_id"}.get(k, k): v for k, v in exc.fields.items()}
        raise
    qs = reserve.reserve_projects(request.auth, parsed)
    count = qs.count()
    items = list(qs[filters.offset: filters.offset + filters.limit])
    return {**page_links(request, count, filters.limit, filters.offset), "items": items}

