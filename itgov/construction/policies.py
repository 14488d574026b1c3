"""Who may do what in construction control (art. 19): the owner unit builds; payments are recorded by the owner
unit or by Finance (the treasury's centralised payment); whoever sees the project sees its records."""

from __future__ import annotations

import rules

from itgov.approvals.policies import is_finance
from itgov.projects.policies import can_view_project, is_project_owner

rules.add_perm("construction.start", is_project_owner)
rules.add_perm("construction.record_procurement", is_project_owner)
rules.add_perm("construction.record_contract", is_project_owner)
rules.add_perm("construction.record_payment", is_project_owner | is_finance)
rules.add_perm("construction.view", can_view_project)
