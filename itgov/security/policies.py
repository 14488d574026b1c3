"""Who may do what with the security of the systems (art. 30, with art. 4):
- the owner unit protects its systems: it records their level and filing, their assessments and the remediation of
  their findings, and raises findings of its own assessments (art30.unit_protects);
- the Cyberspace Office oversees cybersecurity (art. 4): it reads every system's security and its board, and raises
  findings of its inspections (art30.cyberspace_oversees);
- DRC reads it (it accepts the projects, art. 22, and curates the systems); the audit bureau reads everything;
- no other unit sees another's security records: a system's weaknesses are not the catalogue's business."""

from __future__ import annotations

import rules

from itgov.access.scoping import is_authenticated
from itgov.accounts.choices import Role
from itgov.catalogue.policies import is_audit_bureau, is_drc, owns_system


@rules.predicate
def is_cyberspace(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.CYBERSPACE)


def reads_security_board(user) -> bool:
    return is_cyberspace(user) or is_drc(user) or is_audit_bureau(user)


rules.add_perm("security.view_board", is_cyberspace | is_drc | is_audit_bureau)
rules.add_perm("security.view", owns_system | is_cyberspace | is_drc | is_audit_bureau)
rules.add_perm("security.record", owns_system)
rules.add_perm("security.raise_finding", owns_system | is_cyberspace)
rules.add_perm("security.remediate", owns_system)
