"""Who may do what in the annual declaration (art. 4, 8): DRC runs it, units declare their own projects,
the bureaus read every line, a unit reads its own."""

import rules
from django.db.models import Q

from itgov.access.scoping import is_authenticated, is_bureau_user, is_owner_user, scope_q
from itgov.projects.policies import can_list_projects, is_drc


@rules.predicate
def can_view_rounds(user) -> bool:
    return can_list_projects(user)


@rules.predicate
def owns_line_project(user, line) -> bool:
    return line is not None and is_owner_user(user, line.project)


def visible_lines_q(user) -> Q:
    if not is_authenticated(user):
        return Q(pk__in=[])
    if is_bureau_user(user):
        return Q()
    mine = scope_q(user, "unit")
    return mine if mine is not None else Q(pk__in=[])


rules.add_perm("planning.view_rounds", can_view_rounds)
rules.add_perm("planning.open_round", is_drc)
rules.add_perm("planning.grant_exception", is_drc)
rules.add_perm("planning.declare", owns_line_project)
rules.add_perm("planning.withdraw_line", owns_line_project)
