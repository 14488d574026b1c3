"""Who may do what in construction control (art. 19–21): the owner unit builds, monitors, asks for changes and
rectifies; payments are recorded by the owner unit or by Finance (the treasury's centralised payment); DRC keeps
the supervision pool, decides changes and assesses risk; DRC or Finance (相关部门依照职能, art. 21) order
rectification and suspend; the project's supervisor files its reports; whoever sees the project sees its
records."""

from __future__ import annotations

import rules

from itgov.access.scoping import is_authenticated, unit_in_scope
from itgov.accounts.choices import Role
from itgov.approvals.policies import is_finance
from itgov.projects.policies import can_view_project, is_drc, is_project_owner


@rules.predicate
def is_project_supervisor(user, project) -> bool:
    """`user` acts for the supervision firm appointed to `project` (art. 19)."""
    if project is None or not is_authenticated(user) or not user.has_role(Role.SUPERVISOR):
        return False
    from .models import SupervisionAppointment

    appointment = SupervisionAppointment.objects.filter(project=project).select_related("firm").first()
    return appointment is not None and unit_in_scope(user, appointment.firm, Role.SUPERVISOR)


rules.add_perm("construction.start", is_project_owner)
rules.add_perm("construction.record_procurement", is_project_owner)
rules.add_perm("construction.record_contract", is_project_owner)
rules.add_perm("construction.record_payment", is_project_owner | is_finance)
rules.add_perm("construction.appoint_supervisor", is_project_owner)
rules.add_perm("construction.report_supervision", is_project_supervisor)
rules.add_perm("construction.submit_monitoring", is_project_owner)
rules.add_perm("construction.record_milestone", is_project_owner)
rules.add_perm("construction.submit_change", is_project_owner)
rules.add_perm("construction.decide_change", is_drc)
rules.add_perm("construction.assess_risk", is_drc)
rules.add_perm("construction.report_incident", is_project_owner)
rules.add_perm("construction.respond_rectification", is_project_owner)
rules.add_perm("construction.order_rectification", is_drc | is_finance)
rules.add_perm("construction.suspend", is_drc | is_finance)
rules.add_perm("construction.manage_pool", is_drc)
rules.add_perm("construction.view", can_view_project)


# The control actions a user may take on a project now, by name, for the page's buttons and the API's `actions`
# (each still judged by the rules when executed).
CONTROL_ACTIONS = (
    ("appoint_supervisor", "construction.appoint_supervisor", ("approved", "budgeted", "in_construction")),
    ("report_supervision", "construction.report_supervision", ("in_construction", "suspended")),
    ("submit_monitoring", "construction.submit_monitoring", ("in_construction",)),
    ("record_milestone", "construction.record_milestone", ("in_construction",)),
    ("submit_change", "construction.submit_change", ("in_construction",)),
    ("decide_change", "construction.decide_change", ("in_construction", "suspended", "planned")),
    ("assess_risk", "construction.assess_risk", ("in_construction", "suspended")),
    ("report_incident", "construction.report_incident", ("in_construction", "suspended")),
    ("order_rectification", "construction.order_rectification", ("in_construction", "suspended")),
    ("respond_rectification", "construction.respond_rectification", ("in_construction", "suspended")),
    ("suspend", "construction.suspend", ("in_construction",)),
    ("resume", "construction.suspend", ("suspended",)),
)


def control_actions(user, project) -> list[str]:
    """What `user` may do on `project`'s construction control in its present status."""
    from .models import SupervisionAppointment

    available = [name for name, permission, statuses in CONTROL_ACTIONS
                 if project.status in statuses and rules.has_perm(permission, user, project)]
    if "appoint_supervisor" in available and SupervisionAppointment.objects.filter(project=project).exists():
        available.remove("appoint_supervisor")  # one supervisor a project
    return available
