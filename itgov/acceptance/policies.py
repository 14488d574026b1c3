"""Who may do what in trial operation and acceptance (art. 22): the owner unit declares completion and applies;
whoever sees the project sees its applications."""

from __future__ import annotations

import rules

from itgov.projects.policies import can_view_project, is_project_owner

rules.add_perm("acceptance.complete", is_project_owner)
rules.add_perm("acceptance.apply", is_project_owner)
rules.add_perm("acceptance.view", can_view_project)
