"""Writes of the development plan (art. 6): DRC drafts a multi-year plan with numbered key tasks, publishes it,
and revises a published plan by drafting its next edition. A published edition is read-only (the rule
art6.published_plan_read_only, 422); publishing a revision supersedes the edition it revises. Every write
checks the power (403 citing 第六条), the input (400), the rules (422), the state and version (409), and is
audited in its own transaction."""

from __future__ import annotations

from typing import Any

import rules as perms
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, RuleViolation
from itgov.core.workflow import Transition, permission_denied, transition
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Unit
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, enforce

from . import devplan_policies  # noqa: F401  (registers the permissions)
from .choices import DevelopmentPlanStatus as S
from .devplan_forms import DevelopmentPlanForm, PlanTaskForm
from .devplan_selectors import task_with_earlier_versions
from .models import DevelopmentPlan, PlanTask
from .services import _errors, _jurisdiction

POWER_RULE = "art6.drc_compiles_plan"
PLAN_FIELDS = ("name", "start_year", "end_year")
TASK_FIELDS = ("number", "title", "description", "lead_unit_id")


def _power(actor, obj, action: str) -> None:
    if not perms.has_perm("planning.compile_devplan", actor):
        raise permission_denied(actor=actor, obj=obj, action=action, power_rule=POWER_RULE)


def _check(action: str, plan: DevelopmentPlan, actor, data: dict | None = None) -> list[dict]:
    """The rules bound to `action` on `plan`, with the profile in force today; a refusal is audited."""
    case = Case(subject=plan, actor=actor, action=action, data=data or {}, on=local_today(), at=timezone.now())
    try:
        return enforce(action, case, parameters_in_force(plan.jurisdiction, case.on))
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=plan, reason=action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise


def _touch_draft(plan: DevelopmentPlan, expected_version: int | None = None, **changes) -> None:
    """Compare-and-swap on the plan's row: it must still be a draft (and at `expected_version`, when given).
    `changes` (the plan's own fields) bump its version; a task edit only touches the row, which serialises it
    with a concurrent publish."""
    qs = DevelopmentPlan.objects.filter(pk=plan.pk, status=S.DRAFT)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if changes:
        changes["version"] = F("version") + 1
    if qs.update(updated_at=timezone.now(), **changes) != 1:
        raise Conflict(_("发展规划已被他人修改或已发布,请刷新后重试"))


def _plan_snapshot(plan: DevelopmentPlan) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in (*PLAN_FIELDS, "status", "edition", "version")}


def _task_snapshot(task: PlanTask) -> dict[str, Any]:
    return {"task": task.pk, **{name: getattr(task, name) for name in TASK_FIELDS}}


# --- the plan ------------------------------------------------------------------------------------------------


def devplan_create(*, actor, data: dict[str, Any]) -> DevelopmentPlan:
    """A new draft (edition 1) of a development plan."""
    _power(actor, None, "devplan.create")
    form = DevelopmentPlanForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    jurisdiction = _jurisdiction()
    with transaction.atomic():
        plan = DevelopmentPlan.objects.create(jurisdiction=jurisdiction, **form.cleaned_data)
        audit_record(event_type=events.DEVPLAN_CREATED, actor=actor, obj=plan, after=_plan_snapshot(plan))
    return plan


def devplan_update(*, actor, plan: DevelopmentPlan, data: dict[str, Any], expected_version: int | None = None
                   ) -> DevelopmentPlan:
    """Name and years of a draft; fields left out keep their values."""
    _power(actor, plan, "devplan.update")
    current = {name: getattr(plan, name) for name in PLAN_FIELDS}
    form = DevelopmentPlanForm(data={**current, **{k: v for k, v in data.items() if k in PLAN_FIELDS}})
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    results = _check("devplan.update", plan, actor)
    with transaction.atomic():
        _touch_draft(plan, expected_version if expected_version is not None else plan.version,
                     **form.cleaned_data)
        fresh = DevelopmentPlan.objects.select_related("jurisdiction").get(pk=plan.pk)
        audit_record(event_type=events.DEVPLAN_CHANGED, actor=actor, obj=fresh, rule_results=results,
                     before={**current, "version": plan.version},
                     after={**{name: getattr(fresh, name) for name in PLAN_FIELDS}, "version": fresh.version})
    return fresh


def _published(plan: DevelopmentPlan, data: dict[str, Any]) -> dict[str, Any]:
    return {"published_at": timezone.now()}


def _supersede_revised(fresh: DevelopmentPlan, actor, data: dict[str, Any]) -> None:
    """Publishing a revision supersedes the edition it revises (in the publish's transaction)."""
    if fresh.supersedes_id is None:
        return
    old = DevelopmentPlan.objects.get(pk=fresh.supersedes_id)
    if DevelopmentPlan.objects.filter(pk=old.pk, status=S.PUBLISHED, version=old.version).update(
            status=S.SUPERSEDED, version=F("version") + 1, updated_at=timezone.now()) != 1:
        raise Conflict(_("所修订的版本已不是现行版本,请刷新后重试"))
    audit_record(event_type=events.DEVPLAN_CHANGED, actor=actor, obj=old,
                 before={"status": S.PUBLISHED, "version": old.version},
                 after={"status": S.SUPERSEDED, "version": old.version + 1, "superseded_by": fresh.pk,
                        "edition": fresh.edition},
                 reason=_("被第%(n)d版替代") % {"n": fresh.edition})


PUBLISH = Transition(
    name="publish", label=gettext_lazy("发布"), sources=frozenset({S.DRAFT}), target=S.PUBLISHED,
    permission="planning.compile_devplan", event_type=events.DEVPLAN_PUBLISHED, power_rule=POWER_RULE,
    effects=_published, subject="devplan", follow_up=_supersede_revised,
)


def devplan_publish(*, actor, plan: DevelopmentPlan, expected_version: int | None = None) -> DevelopmentPlan:
    """Draft → published (art. 6); it needs at least one key task (art6.plan_has_tasks)."""
    return transition(plan, PUBLISH, actor=actor, expected_version=expected_version)


def devplan_revise(*, actor, plan: DevelopmentPlan, expected_version: int | None = None) -> DevelopmentPlan:
    """A new draft, edition n+1, of the published edition `plan`, with copies of its tasks (each copy keeps a
    link to the task it copies, so the projects serving that task still count for it). One open revision."""
    _power(actor, plan, "devplan.revise")
    with transaction.atomic():
        locked = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(_("对象已被他人修改(当前版本%(v)d),请刷新后重试") % {"v": locked.version})
        if locked.status != S.PUBLISHED:
            raise Conflict(_("只能修订现行的已发布版本"))
        if DevelopmentPlan.objects.filter(supersedes=locked).exists():
            raise Conflict(_("该版本已有一个修订稿,请在修订稿上继续编辑"))
        try:
            with transaction.atomic():
                draft = DevelopmentPlan.objects.create(
                    jurisdiction_id=locked.jurisdiction_id, name=locked.name, start_year=locked.start_year,
                    end_year=locked.end_year, edition=locked.edition + 1, supersedes=locked)
        except IntegrityError:
            raise Conflict(_("该版本已有一个修订稿,请在修订稿上继续编辑")) from None
        old_tasks = list(locked.tasks.order_by("number"))
        PlanTask.objects.bulk_create([
            PlanTask(plan=draft, number=t.number, title=t.title, description=t.description,
                     lead_unit_id=t.lead_unit_id, previous=t) for t in old_tasks])
        audit_record(event_type=events.DEVPLAN_REVISED, actor=actor, obj=draft,
                     before={"plan": locked.pk, "edition": locked.edition},
                     after={**_plan_snapshot(draft), "supersedes": locked.pk, "tasks": len(old_tasks)})
    return draft


# --- the key tasks -------------------------------------------------------------------------------------------


def _lead_unit(plan: DevelopmentPlan, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = (Unit.objects.filter(pk=unit_id, jurisdiction_id=plan.jurisdiction_id, is_active=True)
            .exclude(kind=UnitKind.SUPERVISION_FIRM).first())
    if unit is None:
        raise InvalidInput(fields={"lead_unit_id": [_("单位不存在或不能牵头规划任务")]})
    return unit


def _task_form(data: dict[str, Any]) -> dict[str, Any]:
    form = PlanTaskForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=_errors(form))
    return form.cleaned_data


def _number_taken(plan: DevelopmentPlan, number: str, exclude_pk: int | None = None) -> InvalidInput | None:
    qs = PlanTask.objects.filter(plan=plan, number=number)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return InvalidInput(fields={"number": [_("任务编号“%(n)s”已存在") % {"n": number}]}) if qs.exists() else None


def task_add(*, actor, plan: DevelopmentPlan, data: dict[str, Any]) -> PlanTask:
    _power(actor, plan, "devplan.task.add")
    cd = _task_form(data)
    unit = _lead_unit(plan, cd["lead_unit_id"])
    results = _check("devplan.task.add", plan, actor)
    if (taken := _number_taken(plan, cd["number"])) is not None:
        raise taken
    task = PlanTask(plan=plan, number=cd["number"], title=cd["title"], description=cd["description"], lead_unit=unit)
    try:
        with transaction.atomic():
            _touch_draft(plan)
            task.save()
            audit_record(event_type=events.DEVPLAN_TASK_ADDED, actor=actor, obj=plan, after=_task_snapshot(task),
                         rule_results=results)
    except IntegrityError:
        raise InvalidInput(fields={"number": [_("任务编号“%(n)s”已存在") % {"n": cd["number"]}]}) from None
    return task


def task_update(*, actor, task: PlanTask, data: dict[str, Any]) -> PlanTask:
    """Number, title, description or lead unit of a draft's task; fields left out keep their values."""
    plan = task.plan
    _power(actor, plan, "devplan.task.update")
    before = _task_snapshot(task)
    current = {name: ("" if getattr(task, name) is None else getattr(task, name)) for name in TASK_FIELDS}
    cd = _task_form({**current, **{k: ("" if v is None else v) for k, v in data.items() if k in TASK_FIELDS}})
    unit = _lead_unit(plan, cd["lead_unit_id"])
    results = _check("devplan.task.update", plan, actor)
    if (taken := _number_taken(plan, cd["number"], exclude_pk=task.pk)) is not None:
        raise taken
    try:
        with transaction.atomic():
            _touch_draft(plan)
            PlanTask.objects.filter(pk=task.pk).update(number=cd["number"], title=cd["title"],
                                                       description=cd["description"], lead_unit=unit)
            fresh = PlanTask.objects.select_related("plan__jurisdiction", "lead_unit").get(pk=task.pk)
            audit_record(event_type=events.DEVPLAN_TASK_CHANGED, actor=actor, obj=plan, before=before,
                         after=_task_snapshot(fresh), rule_results=results)
    except IntegrityError:
        raise InvalidInput(fields={"number": [_("任务编号“%(n)s”已存在") % {"n": cd["number"]}]}) from None
    return fresh


def linked_project_count(task: PlanTask) -> int:
    """Projects that serve `task` or one of its earlier versions (the tasks it was copied from)."""
    from itgov.projects.models import Project

    return Project.objects.filter(plan_task_id__in=task_with_earlier_versions(task.pk)).count()


def task_remove(*, actor, task: PlanTask) -> None:
    """A task of a draft that no project serves (nor served, in an earlier version) can be removed; otherwise
    409: those projects would lose the task they were admitted for (art. 6)."""
    plan = task.plan
    _power(actor, plan, "devplan.task.remove")
    results = _check("devplan.task.remove", plan, actor)
    linked = linked_project_count(task)
    if linked:
        raise Conflict(_("有%(n)d个项目关联该任务(含其此前版本),不能删除;可修改任务名称或内容") % {"n": linked})
    try:
        with transaction.atomic():
            _touch_draft(plan)
            audit_record(event_type=events.DEVPLAN_TASK_REMOVED, actor=actor, obj=plan, before=_task_snapshot(task),
                         rule_results=results)
            if PlanTask.objects.filter(pk=task.pk).delete()[0] != 1:
                raise Conflict(_("任务已被他人删除,请刷新后重试"))
    except IntegrityError:  # a project linked to it meanwhile (PROTECT)
        raise Conflict(_("有项目关联该任务,不能删除")) from None
