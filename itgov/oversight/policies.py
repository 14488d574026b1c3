"""Who may do what in audit cooperation (art. 25, with art. 4):
- the audit bureau audits: it opens a case, adds projects to it, sends requests and closes it
  (art25.audit_bureau_audits), and reads every case, request and answer;
- DRC reads the cases, requests and answers, and writes none: it manages the district's projects (art. 4: 扎口管理
  立项审批、投资计划、验收评估) and is one of the 相关单位 whose oversight the unit accepts (art. 25), so it must know
  what the audit bureau asked and what the unit answered — a decision of this implementation, recorded here;
- the owner unit answers the requests addressed to it, and supplements its answers (art25.unit_cooperates); it sees
  those requests (with the case's number and title), nothing else of the case;
- a project's dossier is exported by the audit bureau, DRC and the owner unit (art25.dossier_readers);
- every other role sees no case (an empty list, 404 on one)."""

from __future__ import annotations

import rules

from itgov.access.scoping import is_authenticated, unit_in_scope
from itgov.accounts.choices import Role
from itgov.projects.policies import is_project_owner


@rules.predicate
def is_audit_bureau(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.AUDIT)


@rules.predicate
def is_drc(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.DRC)


@rules.predicate
def is_addressee(user, request) -> bool:
    """Acts for the unit the request is addressed to (the project's owner unit)."""
    return request is not None and unit_in_scope(user, request.addressee, Role.OWNER)


def may_read_cases(user) -> bool:
    return is_audit_bureau(user) or is_drc(user)


rules.add_perm("oversight.open_case", is_audit_bureau)
rules.add_perm("oversight.manage_case", is_audit_bureau)
rules.add_perm("oversight.view_case", is_audit_bureau | is_drc)
rules.add_perm("oversight.view_request", is_audit_bureau | is_drc | is_addressee)
rules.add_perm("oversight.answer", is_addressee)
rules.add_perm("oversight.export_dossier", is_audit_bureau | is_drc | is_project_owner)
