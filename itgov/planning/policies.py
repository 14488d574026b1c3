"""Who may do what in the annual declaration (art. 4, 8): DRC runs it, units declare their own projects,
the bureaus read every line, a unit reads its own."""

import rules
from django.db.models import Q

from itgov.access.scoping import is_authenticated, is_bureau_user, is_owner_user, scope_q, unit_in_scope
from itgov.accounts.choices import Role
from itgov.projects.policies import is_drc


@rules.predicate
def can_view_rounds(user) -> bool:
    """The annual declaration and plan (art. 4, 8): the owner units and the bureaus; not an expert, whose project
    list is its panels' only (art. 28)."""
    return is_authenticated(user) and (user.has_role(Role.OWNER) or is_bureau_user(user))


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


# --- the annual investment plan (art. 8–10) ---------------------------------------------------------------


@rules.predicate
def is_finance(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.FINANCE)


@rules.predicate
def is_government(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.GOVERNMENT)


@rules.predicate
def may_return_plan(user, plan) -> bool:
    """Finance returns what waits for its co-signature, the government what waits for its approval."""
    status = getattr(plan, "status", None)
    return (is_finance(user) and status != "cosigned") or (is_government(user) and status != "submitted")


@rules.predicate
def applies_adjustment(user, adjustment) -> bool:
    """Art. 10: a unit applies for its own projects; DRC proposes the mid-year release (art. 9)."""
    if adjustment is None:
        return False
    if adjustment.kind == "release":
        return is_drc(user)
    return adjustment.unit is not None and unit_in_scope(user, adjustment.unit)


@rules.predicate
def may_reject_adjustment(user, adjustment) -> bool:
    """Each reviewer may refuse at its own step."""
    status = getattr(adjustment, "status", None)
    return ((is_drc(user) and status == "applied") or (is_finance(user) and status == "drc_reviewed")
            or (is_government(user) and status == "reviewed"))


rules.add_perm("planning.view_plans", can_view_rounds)
rules.add_perm("planning.compile_plan", is_drc | is_finance)
rules.add_perm("planning.submit_plan", is_drc)
rules.add_perm("planning.cosign_plan", is_finance)
rules.add_perm("planning.return_plan", may_return_plan)
rules.add_perm("planning.issue_plan", is_government)
rules.add_perm("planning.apply_adjustment", applies_adjustment)
rules.add_perm("planning.withdraw_adjustment", applies_adjustment)
rules.add_perm("planning.review_adjustment", is_drc)
rules.add_perm("planning.finance_review_adjustment", is_finance)
rules.add_perm("planning.consent_adjustment", is_government)
rules.add_perm("planning.reject_adjustment", may_reject_adjustment)
