"""Who may do what in the initiation approval (art. 14–17, 23, 28), as `rules` predicates: the one
permission layer of the API and the pages. The rule that grants each power is cited in a 403."""

from __future__ import annotations

import rules

from itgov.access.scoping import is_authenticated, is_bureau_user, unit_in_scope
from itgov.accounts.choices import Role
from itgov.planning.policies import is_finance
from itgov.projects.policies import can_view_project, is_drc, is_on_panel, is_project_owner


@rules.predicate
def is_participant_user(user, participant) -> bool:
    return participant is not None and unit_in_scope(user, participant.unit)


@rules.predicate
def is_panel_expert(user, member) -> bool:
    expert = getattr(user, "expert", None) if is_authenticated(user) else None
    return member is not None and expert is not None and member.expert_id == expert.pk and user.has_role(Role.EXPERT)


@rules.predicate
def records_for_expert_without_login(user, member) -> bool:
    """An expert without an account gives the opinion at the review meeting; DRC records it from the minutes."""
    return member is not None and member.expert.user_id is None and is_drc(user)


@rules.predicate
def can_view_review(user, project) -> bool:
    """DRC's review and the panel's opinions: the bureaus (art. 4) and the panel's own experts, not the units."""
    return project is not None and is_authenticated(user) and (is_bureau_user(user) or is_on_panel(user, project))


@rules.predicate
def is_expert_only(user) -> bool:
    """An expert sees the projects on its panels, but not the other roles' papers (the approval letter, the budget)."""
    return is_authenticated(user) and user.roles == frozenset({Role.EXPERT})


# The owner unit (the lead unit of a joint project) prepares and submits the application (art. 14, 16, 17).
rules.add_perm("approvals.edit_application", is_project_owner)
rules.add_perm("approvals.submit_initiation", is_project_owner)
rules.add_perm("approvals.record_project_code", is_project_owner)
rules.add_perm("approvals.manage_participants", is_project_owner)
rules.add_perm("approvals.confirm_participation", is_participant_user)
# DRC reviews and decides (art. 15, 28), and suspends a unit's approvals (art. 23).
rules.add_perm("approvals.review", is_drc)
rules.add_perm("approvals.decide", is_drc)
rules.add_perm("approvals.manage_suspensions", is_drc)
rules.add_perm("approvals.exchange_codes", is_drc)
# An expert of the panel records its opinion (art. 28); DRC records one given at a meeting by an expert without login.
rules.add_perm("approvals.record_opinion", is_panel_expert | records_for_expert_without_login)
# Finance budgets from the approval (art. 15).
rules.add_perm("approvals.record_budget", is_finance)
# The review and the opinions: the bureaus and the panel's experts.
rules.add_perm("approvals.view_review", can_view_review)
# The approval letter and the budget: whoever sees the project, except an expert (who sees the application).
rules.add_perm("approvals.view_decision", can_view_project & ~is_expert_only)
