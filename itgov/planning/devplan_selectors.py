"""Reads of the development plan (art. 6): which editions a user sees, the plan in force, the tasks a proposal
may serve, and each task's coverage (the projects serving it and the investment they carry)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import rules as perms
from django.conf import settings
from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When

from itgov.core.dates import local_today
from itgov.core.errors import NotFound
from itgov.core.ids import object_pk

from . import devplan_policies  # noqa: F401  (registers the permissions)
from .choices import DevelopmentPlanStatus as S
from .models import DevelopmentPlan, PlanTask

ZERO = Decimal("0")
WAS_PUBLISHED = (S.PUBLISHED, S.SUPERSEDED)
# A project counts for its task once its unit proposed it, and as long as it is not withdrawn.
NOT_COUNTED = ("draft", "withdrawn")


def plans_visible_to(user) -> QuerySet[DevelopmentPlan]:
    """The bureaus see every edition, drafts included; an owner unit the editions that were published."""
    if not perms.has_perm("planning.view_devplans", user):
        return DevelopmentPlan.objects.none()
    qs = DevelopmentPlan.objects.select_related("jurisdiction", "supersedes")
    if perms.has_perm("planning.view_devplan_drafts", user):
        return qs
    return qs.filter(status__in=WAS_PUBLISHED)


def access_plan_by_id(user, plan_id) -> DevelopmentPlan:
    plan = plans_visible_to(user).filter(pk=object_pk(plan_id)).first()
    if plan is None:
        raise NotFound()
    return plan


def access_task_by_id(user, task_id) -> PlanTask:
    task = PlanTask.objects.select_related("plan__jurisdiction", "lead_unit").filter(pk=object_pk(task_id)).first()
    if task is None or not plans_visible_to(user).filter(pk=task.plan_id).exists():
        raise NotFound()
    return task


def tasks_of(plan: DevelopmentPlan) -> QuerySet[PlanTask]:
    return plan.tasks.select_related("lead_unit").order_by("number", "id")


def current_plan_q(jurisdiction_code: str | None = None) -> QuerySet[DevelopmentPlan]:
    """The published plan in force, as a one-row queryset (usable as a subquery): among the published plans
    of the jurisdiction, the one whose period covers this year; else the latest one."""
    year = local_today().year
    code = jurisdiction_code or settings.ITGOV_JURISDICTION_CODE
    return (DevelopmentPlan.objects.filter(jurisdiction__code=code, status=S.PUBLISHED)
            .annotate(covers=Case(When(start_year__lte=year, end_year__gte=year, then=Value(0)), default=Value(1),
                                  output_field=IntegerField()))
            .order_by("covers", "-start_year", "-edition", "-pk"))


def current_plan(jurisdiction_code: str | None = None) -> DevelopmentPlan | None:
    return current_plan_q(jurisdiction_code).first()


def offered_tasks(jurisdiction_code: str | None = None) -> QuerySet[PlanTask]:
    """The tasks a proposal may serve: those of the plan in force (art. 6). One query when evaluated."""
    return (PlanTask.objects.filter(plan_id__in=current_plan_q(jurisdiction_code).values("pk")[:1])
            .select_related("plan").order_by("number", "id"))


def editions(plan: DevelopmentPlan) -> list[DevelopmentPlan]:
    """Every edition of `plan`'s line (the editions it revises and those revising it), oldest first."""
    rows = {row["pk"]: row for row in DevelopmentPlan.objects.filter(jurisdiction_id=plan.jurisdiction_id)
            .values("pk", "supersedes_id")}
    revised_by = {row["supersedes_id"]: pk for pk, row in rows.items() if row["supersedes_id"]}
    first = plan.pk
    while rows.get(first, {}).get("supersedes_id"):
        first = rows[first]["supersedes_id"]
    line = [first]
    while line[-1] in revised_by:
        line.append(revised_by[line[-1]])
    by_pk = DevelopmentPlan.objects.in_bulk(line)
    return [by_pk[pk] for pk in line]


def coverage(user, plan: DevelopmentPlan) -> dict:
    """Per task of `plan`: the projects serving it (or one of its earlier versions) that `user` may see, once
    proposed and while not withdrawn — their number and estimated investment in total and by status; a task
    no project serves is flagged. Queries do not grow with tasks or projects."""
    from itgov.projects.choices import ProjectStatus
    from itgov.projects.models import Project
    from itgov.projects.policies import visible_projects_q

    tasks = list(tasks_of(plan))
    owner = lineage(tasks)
    rows = (Project.objects.filter(visible_projects_q(user), plan_task_id__in=list(owner))
            .exclude(status__in=NOT_COUNTED).order_by()
            .values("plan_task_id", "status").annotate(n=Count("id"), total=Sum("estimated_investment")))
    per_task: dict[int, dict] = defaultdict(lambda: {"count": 0, "total": ZERO, "by_status": {}})
    labels = dict(ProjectStatus.choices)
    for row in rows:
        entry = per_task[owner[row["plan_task_id"]]]
        entry["count"] += row["n"]
        entry["total"] += row["total"] or ZERO
        status = entry["by_status"].setdefault(row["status"], {"label": str(labels.get(row["status"], row["status"])),
                                                               "count": 0, "total": ZERO})
        status["count"] += row["n"]
        status["total"] += row["total"] or ZERO
    items = []
    for task in tasks:
        entry = per_task.get(task.pk, {"count": 0, "total": ZERO, "by_status": {}})
        items.append({"task": task, "count": entry["count"], "total": entry["total"],
                      "by_status": entry["by_status"], "uncovered": entry["count"] == 0})
    top = max((item["total"] for item in items), default=ZERO)
    for item in items:
        item["percent"] = float(item["total"] * 100 / top) if top else 0.0
    return {"items": items, "tasks": len(items), "covered": sum(1 for i in items if not i["uncovered"]),
            "projects": sum(i["count"] for i in items), "total": sum((i["total"] for i in items), ZERO)}


def lineage(tasks: list[PlanTask]) -> dict[int, int]:
    """Each task of `tasks` and of the earlier editions they were copied from → the task of `tasks` it became.
    One query per earlier edition (a plan has few)."""
    owner = {t.pk: t.pk for t in tasks}
    frontier = {t.previous_id: t.pk for t in tasks if t.previous_id}
    while frontier:
        rows = list(PlanTask.objects.filter(pk__in=list(frontier)).values_list("pk", "previous_id"))
        for pk, _previous in rows:
            owner[pk] = frontier[pk]
        frontier = {previous: owner[pk] for pk, previous in rows if previous and previous not in owner}
    return owner


def task_with_earlier_versions(task_id: int) -> list[int]:
    """`task_id` and the ids of the tasks it was copied from, edition by edition."""
    ids, current = [], PlanTask.objects.filter(pk=task_id).values_list("pk", "previous_id").first()
    while current is not None and current[0] not in ids:
        ids.append(current[0])
        current = (PlanTask.objects.filter(pk=current[1]).values_list("pk", "previous_id").first()
                   if current[1] else None)
    return ids

