"""Who may do what in trial operation and acceptance (art. 22, 23): the owner unit declares completion, uploads,
applies, rectifies (or refuses), files the result with Finance and registers the assets; DRC organises the
acceptance and decides; an expert of the group gives its opinion (or DRC records it); Finance receives the filing;
whoever sees the project sees its acceptance."""

from __future__ import annotations

import rules

from itgov.approvals.policies import is_finance
from itgov.projects.policies import can_view_project, is_drc, is_project_owner


@rules.predicate
def is_acceptance_expert(user, project) -> bool:
    """An expert with a seat in the group of the project's current acceptance."""
    from .selectors import seat_for

    return project is not None and seat_for(user, project) is not None


rules.add_perm("acceptance.complete", is_project_owner)
rules.add_perm("acceptance.apply", is_project_owner)
rules.add_perm("acceptance.upload", is_project_owner)
rules.add_perm("acceptance.refuse_rectification", is_project_owner)
rules.add_perm("acceptance.file", is_project_owner)
rules.add_perm("acceptance.register_asset", is_project_owner)
rules.add_perm("acceptance.organise", is_drc & can_view_project)
rules.add_perm("acceptance.decide", is_drc & can_view_project)
rules.add_perm("acceptance.opine", is_acceptance_expert | (is_drc & can_view_project))
rules.add_perm("acceptance.receive_filing", is_finance & can_view_project)
rules.add_perm("acceptance.view", can_view_project)
