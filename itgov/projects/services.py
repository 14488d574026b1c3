"""Writes on projects. Each one: check the power, parse, check the rules (nothing is written yet), then
save and audit in one transaction. Transitions go through the engine (core.workflow)."""

from __future__ import annotations

from typing import Any

import rules as perms
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, RuleViolation
from itgov.core.workflow import permission_denied, transition
from itgov.organizations.models import Unit
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, enforce

from .choices import ProjectStatus
from .forms import EDITABLE_FIELDS, ProjectForm, form_errors
from .models import Project
from .workflow import TRANSITIONS

SNAPSHOT_FIELDS = [*EDITABLE_FIELDS, "owner_unit", "status", "version"]


def project_snapshot(project: Project) -> dict[str, Any]:
    data = {name: getattr(project, name) for name in EDITABLE_FIELDS if name != "plan_task"}
    data.update(plan_task=project.plan_task_id, owner_unit=project.owner_unit_id, status=project.status,
                version=project.version)
    return data


def _enforce(action: str, project: Project, actor) -> list:
    params = parameters_in_force(project.owner_unit.jurisdiction, local_today())
    try:
        return enforce(action, Case(subject=project, actor=actor, action=action, on=local_today()), params)
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=project if project.pk else None,
                         reason=action, rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}],
                         object_repr=project.name)
        raise


def _default_owner_unit(actor) -> Unit | None:
    from itgov.accounts.choices import Role

    grants = [g for g in actor.grants if g.role == Role.OWNER and g.unit_id]
    return grants[0].unit if grants else None


def project_create(*, actor, data: dict[str, Any], owner_unit: Unit | None = None) -> Project:
    """A new draft for the actor's unit (art. 7: the unit proposes its own projects)."""
    from itgov.access.scoping import unit_in_scope

    if not perms.has_perm("projects.add_project", actor):
        raise permission_denied(actor=actor, obj=None, action="project.create", power_rule="art7.owner_unit_proposes")
    owner_unit = owner_unit or _default_owner_unit(actor)
    if owner_unit is None or not unit_in_scope(actor, owner_unit):
        raise InvalidInput(fields={"owner_unit": _("只能为本单位创建项目")})
    form = ProjectForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=form_errors(form))
    project = form.save(commit=False)
    project.owner_unit = owner_unit
    project.created_by = actor
    project.status = ProjectStatus.DRAFT
    results = _enforce("project.create", project, actor)
    with transaction.atomic():
        project.save()
        audit_record(event_type=events.PROJECT_CREATED, actor=actor, obj=project, after=project_snapshot(project),
                     rule_results=results)
    return project


def project_update(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None) -> Project:
    """Edit a draft. Only the fields given change (a PATCH); the rest keep their values."""
    if not perms.has_perm("projects.change_project", actor, project):
        raise permission_denied(actor=actor, obj=project, action="project.update",
                                power_rule="art7.owner_unit_proposes")
    if project.status != ProjectStatus.DRAFT:
        raise Conflict(_("只有草稿状态的项目可以修改"))
    current = project_snapshot(project)
    merged = {**{k: v for k, v in current.items() if k in EDITABLE_FIELDS}, **data}
    form = ProjectForm(data=merged, instance=Project.objects.get(pk=project.pk))
    if not form.is_valid():
        raise InvalidInput(fields=form_errors(form))
    candidate = form.save(commit=False)
    results = _enforce("project.update", candidate, actor)
    changes = {name: getattr(candidate, name) for name in EDITABLE_FIELDS if name != "plan_task"}
    changes["plan_task"] = candidate.plan_task
    if project_snapshot(candidate) == current and (expected_version in (None, project.version)):
        return project  # nothing changed: no new version, no event
    with transaction.atomic():
        version = expected_version if expected_version is not None else project.version
        updated = Project.objects.filter(pk=project.pk, version=version, status=ProjectStatus.DRAFT).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes)
        if updated != 1:
            raise Conflict()
        fresh = Project.objects.select_related("owner_unit", "plan_task").get(pk=project.pk)
        after = project_snapshot(fresh)
        audit_record(event_type=events.PROJECT_CHANGED, actor=actor, obj=fresh,
                     before={k: v for k, v in current.items() if after.get(k) != v or k == "version"},
                     after={k: v for k, v in after.items() if current.get(k) != v or k == "version"},
                     rule_results=results)
    return fresh


def project_transition(*, actor, project: Project, name: str, data: dict[str, Any] | None = None,
                       expected_version: int | None = None) -> Project:
    t = TRANSITIONS.get(name)
    if t is None:
        raise InvalidInput(fields={"action": _("未知操作")})
    return transition(project, t, actor=actor, data=data or {}, expected_version=expected_version)


def project_submit_proposal(*, actor, project, expected_version=None) -> Project:
    return project_transition(actor=actor, project=project, name="submit_proposal", expected_version=expected_version)


def project_admit(*, actor, project, no_task_reason: str = "", expected_version=None) -> Project:
    return project_transition(actor=actor, project=project, name="admit", data={"no_task_reason": no_task_reason},
                              expected_version=expected_version)


def project_return_for_revision(*, actor, project, reason: str, expected_version=None) -> Project:
    return project_transition(actor=actor, project=project, name="return_for_revision", data={"reason": reason},
                              expected_version=expected_version)


def project_withdraw(*, actor, project, reason: str, expected_version=None) -> Project:
    return project_transition(actor=actor, project=project, name="withdraw", data={"reason": reason},
                              expected_version=expected_version)
