"""Who may do what in operation (art. 12, 23, 24): the owner unit puts the accepted system into operation, records
how it is run and maintained, submits the self-evaluation and requests O&M funds; Finance decides the funds; the
self-evaluation is reported to Finance and DRC, and whoever sees the project (audit included) reads all of it."""

from __future__ import annotations

import rules

from itgov.planning.policies import is_finance
from itgov.projects.policies import can_view_project, is_project_owner

rules.add_perm("operation.go_live", is_project_owner)
rules.add_perm("operation.self_evaluate", is_project_owner)
rules.add_perm("operation.arrange", is_project_owner)
rules.add_perm("operation.request_funding", is_project_owner)
rules.add_perm("operation.decide_funding", is_finance & can_view_project)
rules.add_perm("operation.view", can_view_project)
