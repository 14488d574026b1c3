"""Who may read and write the development plan (art. 4, 6): DRC compiles, publishes and revises it; the
bureaus read every edition, drafts included; the owner units read the editions that were published."""

import rules

from itgov.access.scoping import is_authenticated, is_bureau_user
from itgov.accounts.choices import Role
from itgov.projects.policies import is_drc


@rules.predicate
def can_view_devplans(user) -> bool:
    return is_authenticated(user) and (is_bureau_user(user) or user.has_role(Role.OWNER))


@rules.predicate
def can_view_devplan_drafts(user) -> bool:
    return is_bureau_user(user)


rules.add_perm("planning.view_devplans", can_view_devplans)
rules.add_perm("planning.view_devplan_drafts", can_view_devplan_drafts)
rules.add_perm("planning.compile_devplan", is_drc)
rules.add_perm("planning.view_reserve", can_view_devplans)
