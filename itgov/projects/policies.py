"""Who may do what to a project (art. 4, 5, 7), as `rules` predicates — the one permission layer used by
the API and the pages. Visibility is mirrored by `visible_projects_q` for querysets; a test keeps the two
in agreement."""

from __future__ import annotations

import rules
from django.db.models import Exists, OuterRef, Q

from itgov.access.scoping import is_authenticated, is_bureau_user, is_owner_user, scope_q
from itgov.accounts.choices import Role

from .choices import ProjectStatus
from .models import Project, ProjectParticipant


@rules.predicate
def has_owner_role(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.OWNER)


@rules.predicate
def is_project_owner(user, project) -> bool:
    return project is not None and is_owner_user(user, project)


@rules.predicate
def is_project_participant(user, project) -> bool:
    if project is None or not is_authenticated(user):
        return False
    paths = user.scope_paths(Role.OWNER)
    return bool(paths) and any(p.unit.path.startswith(path) for p in project.participants.all() for path in paths)


@rules.predicate
def is_drc(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.DRC)


@rules.predicate
def can_view_project(user, project) -> bool:
    """Art. 5: a classified project is seen by its owner unit and (once submitted) DRC only. Otherwise the
    owner and participating units see it from the draft on; the bureaus of art. 4 once it is submitted;
    the audit bureau everything, drafts included (art. 4, 25)."""
    if project is None or not is_authenticated(user):
        return False
    submitted = project.status != ProjectStatus.DRAFT
    if project.classified:
        from itgov.rules.registry import Case, evaluate, get_rule

        rule = get_rule("art5.classified_visibility")
        return evaluate(rule, Case(subject=project, actor=user, action="project.view"), {}).status == "met"
    return (is_project_owner(user, project) or is_project_participant(user, project)
            or (submitted and is_bureau_user(user)) or user.has_role(Role.AUDIT) or is_on_panel(user, project)
            or supervises(user, project))


def supervises(user, project) -> bool:
    """A supervision firm sees the projects it is appointed to supervise (art. 19), and no other."""
    if not user.has_role(Role.SUPERVISOR) or project.pk is None:
        return False
    from itgov.construction.policies import is_project_supervisor

    return is_project_supervisor(user, project)


def is_on_panel(user, project) -> bool:
    """An expert sees the projects whose application is on its panel (art. 28) or whose acceptance has it in the
    expert group (art. 22), and no other."""
    if not user.has_role(Role.EXPERT) or project.pk is None:
        return False
    return (project.applications.filter(review__panel__expert__user=user).exists()
            or project.acceptances.filter(experts__expert__user=user).exists())


def can_list_projects(user) -> bool:
    return is_authenticated(user) and (user.has_role(Role.OWNER) or is_bureau_user(user) or user.has_role(Role.EXPERT)
                                       or user.has_role(Role.SUPERVISOR))


def visible_projects_q(user) -> Q:
    """The queryset form of `can_view_project`."""
    nothing = Q(pk__in=[])
    if not is_authenticated(user):
        return nothing
    submitted = ~Q(status=ProjectStatus.DRAFT)
    mine = scope_q(user, "owner_unit") or nothing
    participating_units = scope_q(user, "unit")
    participating = (Q(Exists(ProjectParticipant.objects.filter(participating_units, project=OuterRef("pk"))))
                     if participating_units is not None else nothing)
    on_panel = (Q(Exists(Project.objects.filter(pk=OuterRef("pk"), applications__review__panel__expert__user=user)))
                | Q(Exists(Project.objects.filter(pk=OuterRef("pk"), acceptances__experts__expert__user=user)))
                if user.has_role(Role.EXPERT) else nothing)
    supervised = nothing
    if user.has_role(Role.SUPERVISOR):
        from itgov.construction.selectors import supervised_projects_q

        supervised = supervised_projects_q(user) or nothing
    open_q = mine | participating | on_panel | supervised | (submitted if is_bureau_user(user) else nothing)
    if user.has_role(Role.AUDIT):
        open_q = Q()  # the audit bureau reads everything (art. 4), drafts included; art. 5 still applies
    classified_q = mine | (submitted if user.has_role(Role.DRC) else nothing)
    return (Q(classified=False) & open_q) | (Q(classified=True) & classified_q)


rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.add_project", has_owner_role)
rules.add_perm("projects.change_project", is_project_owner)
rules.add_perm("projects.submit_proposal", is_project_owner)
rules.add_perm("projects.withdraw", is_project_owner)
rules.add_perm("projects.admit", is_drc)
rules.add_perm("projects.return_for_revision", is_drc)
