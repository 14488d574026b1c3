"""Writes of trial operation and the acceptance application (art. 22, 20). The power (403 citing the article),
the input (400), then the one engine: the state and version (409) and the rules with the profile in force (422)."""

from __future__ import annotations

from typing import Any

import rules as perms
from django.db.models import Max

from itgov.audit import events
from itgov.audit.services import audit_record
from itgov.construction.forms import clean_input
from itgov.core.dates import local_today
from itgov.core.workflow import permission_denied, transition
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force

from .forms import ApplyForm, CompleteForm
from .models import AcceptanceApplication
from .workflow import APPLY, COMPLETE


def trial_start(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None) -> Project:
    """The unit declares construction complete; trial operation runs from `trial_started_on` (T, art. 22)."""
    if not perms.has_perm(COMPLETE.permission, actor, project):
        raise permission_denied(actor=actor, obj=project, action=COMPLETE.action, power_rule=COMPLETE.power_rule)
    values = clean_input(CompleteForm, data)
    return transition(project, COMPLETE, actor=actor, expected_version=expected_version, data=values)


def acceptance_apply(*, actor, project: Project, data: dict[str, Any],
                     expected_version: int | None = None) -> Project:
    """The unit applies for completion acceptance: from T + `min_trial_run` months; after T +
    `acceptance_window` months it is late and must explain (art. 22); never with an unapproved change or
    deviation (art. 20)."""
    if not perms.has_perm(APPLY.permission, actor, project):
        raise permission_denied(actor=actor, obj=project, action=APPLY.action, power_rule=APPLY.power_rule)
    values = clean_input(ApplyForm, data)
    return transition(project, APPLY, actor=actor, expected_version=expected_version, data={
        "summary": values["summary"].strip(), "late_explanation": values["late_explanation"].strip()})


def after_apply(project: Project, actor, data: dict) -> None:
    from itgov.rules.measures.ch4_acceptance import is_late

    today = local_today()
    late = is_late(project.trial_started_on, today, parameters_in_force(project.owner_unit.jurisdiction, today))
    number = (AcceptanceApplication.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    application = AcceptanceApplication.objects.create(
        project=project, number=number, trial_started_on=project.trial_started_on, applied_on=today, late=late,
        late_explanation=data["late_explanation"] if late else "", summary=data["summary"], applied_by=actor)
    audit_record(event_type=events.ACCEPTANCE_APPLICATION_FILED, actor=actor, obj=application,
                 project_id=project.pk, after={"number": number, "late": late, "applied_on": today,
                                              "trial_started_on": project.trial_started_on})
