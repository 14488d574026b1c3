"""Reads a user may make. Objects are fetched only through these: missing and forbidden look the same."""

from __future__ import annotations

import rules as perms
from django.db.models import QuerySet

from itgov.core.errors import NotFound

from .models import Project
from .policies import can_list_projects, visible_projects_q
from .workflow import TRANSITIONS


def project_queryset() -> QuerySet[Project]:
    return Project.objects.select_related("owner_unit", "plan_task")


def projects_visible_to(user) -> QuerySet[Project]:
    if not can_list_projects(user):
        return Project.objects.none()
    return project_queryset().filter(visible_projects_q(user))


def filter_projects(qs: QuerySet[Project], *, statuses=None, owner_unit=None, kind: str = "",
                    construction_type: str = "", q: str = "", min_yuan=None, max_yuan=None) -> QuerySet[Project]:
    """The list filters, one place for the API and the pages. `owner_unit`: a Unit, its id or its code."""
    from django.db.models import Q

    if statuses:
        qs = qs.filter(status__in=list(statuses))
    if owner_unit not in (None, ""):
        if hasattr(owner_unit, "pk"):
            qs = qs.filter(owner_unit=owner_unit)
        elif str(owner_unit).isdigit():
            qs = qs.filter(owner_unit__pk=int(owner_unit))
        else:
            qs = qs.filter(owner_unit__code=owner_unit)
    if kind:
        qs = qs.filter(kind=kind)
    if construction_type:
        qs = qs.filter(construction_type=construction_type)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(owner_unit__name__icontains=q))
    if min_yuan is not None:
        qs = qs.filter(estimated_investment__gte=min_yuan)
    if max_yuan is not None:
        qs = qs.filter(estimated_investment__lte=max_yuan)
    return qs


def projects_awaiting_action(user) -> QuerySet[Project]:
    """What waits for this user (我的待办): its own units' drafts (returned ones included) and planned projects
    still to apply for approval; for DRC, the proposals waiting for admission; the approval stage's steps
    (approvals.selectors.projects_awaiting_approval_q: DRC's reviews, Finance's budgets, a participant's
    confirmation, an expert's opinion); construction control's (construction.selectors.awaiting_control_q:
    a start, a change to decide, a problem, a rectification); acceptance's (acceptance.selectors.
    awaiting_acceptance_q: apply, organise, opine, rectify, file, confirm the filing); and operation's
    (operation.selectors.awaiting_operation_q: go live, report the self-evaluation, decide O&M funds)."""
    from django.db.models import Q

    from itgov.acceptance.selectors import awaiting_acceptance_q, with_acceptance_marks
    from itgov.access.scoping import scope_q
    from itgov.accounts.choices import Role
    from itgov.approvals.selectors import projects_awaiting_approval_q
    from itgov.construction.selectors import awaiting_control_q, with_control_marks
    from itgov.core.dates import local_today
    from itgov.operation.selectors import awaiting_operation_q, with_operation_marks

    from .choices import ProjectStatus

    waiting = (projects_awaiting_approval_q(user) | awaiting_control_q(user) | awaiting_acceptance_q(user)
               | awaiting_operation_q(user, local_today()))
    own_units = scope_q(user, "owner_unit", Role.OWNER)
    if own_units is not None:
        waiting |= own_units & Q(status__in=[ProjectStatus.DRAFT, ProjectStatus.PLANNED])
    if user.has_role(Role.DRC):
        waiting |= Q(status=ProjectStatus.PROPOSED)
    return with_operation_marks(with_acceptance_marks(with_control_marks(projects_visible_to(user).filter(waiting)))
                                ).order_by("-updated_at", "-id")


def access_project_by_id(user, project_id) -> Project:
    """The project if `user` may see it; NotFound (404) whether it is missing or not visible."""
    try:
        pk = int(project_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    project = project_queryset().prefetch_related("participants__unit").filter(pk=pk).first()
    if project is None or not perms.has_perm("projects.view_project", user, project):
        raise NotFound()
    return project


def classified_hidden_from(user):
    """Ids of the classified projects `user` may not see (art. 5), as a subquery: the audit trail leaves
    their events out for that user."""
    from .policies import visible_projects_q

    return Project.objects.filter(classified=True).exclude(visible_projects_q(user)).values("pk")


def reload(project: Project) -> Project:
    """The project fresh from the database, for answering the actor who just changed it."""
    return project_queryset().prefetch_related("participants__unit").get(pk=project.pk)


def available_transitions(user, project: Project) -> list:
    """Transitions whose state matches and whose power the user holds (rules are checked on execution)."""
    return [t for t in TRANSITIONS.values()
            if project.status in t.sources and perms.has_perm(t.permission, user, project)]


def can_edit(user, project: Project) -> bool:
    from .choices import ProjectStatus

    return project.status == ProjectStatus.DRAFT and perms.has_perm("projects.change_project", user, project)


def project_compliance(project: Project, *, actor=None) -> list[dict]:
    """Every project rule with its status now (met / violated / pending / not applicable) and why."""
    from itgov.core.dates import local_today
    from itgov.rules.profiles import parameters_in_force
    from itgov.rules.registry import Case, compliance

    today = local_today()
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    return compliance(Case(subject=project, actor=actor, action="project.compliance", on=today), params)


def project_history(project: Project, user):
    """What happened to the project: its business events and refused attempts, not other users' denied
    access (those stay in the audit bureau's view). Read by `user`, without the approval's papers it may not
    see elsewhere: the review and the panel are the bureaus' and the panel's experts' (not the units'), the
    decision and the budget are not a pure expert's (approvals.view_decision)."""
    from itgov.audit import events
    from itgov.audit.models import AuditEvent

    hidden = [events.ACCESS_DENIED]
    if not perms.has_perm("approvals.view_decision", user, project):
        hidden += [events.INITIATION_APPROVED, events.BASELINE_FIXED, events.APPROVAL_LETTER_GENERATED,
                   events.BUDGET_RECORDED, events.BUDGET_REVISION_CREATED]
    if not perms.has_perm("approvals.view_review", user, project):
        hidden += [events.INITIATION_REVIEW_CHANGED, events.PANEL_MEMBER_ADDED, events.PANEL_MEMBER_REMOVED,
                   events.EXPERT_OPINION_RECORDED]
    return AuditEvent.objects.filter(project_id=project.pk).exclude(event_type__in=hidden).order_by("-seq")
