"""Trial operation, acceptance and rectification (art. 22, 23), run by the one engine (core.workflow):

    in_construction ─complete (owner unit; day T)─▶ trial_operation ─apply (owner unit, from T + 3 months)─▶
        acceptance_applied ─pass (DRC)─▶ accepted
                           └fail (DRC; findings, deadline)─▶ rectifying ─reapply (owner unit)─▶ acceptance_applied

A second failure, a refusal to rectify or a deadline let pass suspends the owner unit's later approvals (art. 23);
go-live (accepted ─▶ in_operation) is the operation stage's.
"""

from django.utils.translation import gettext_lazy as _

from itgov.audit import events
from itgov.core.workflow import Transition
from itgov.projects.choices import ProjectStatus as S


def _trial(project, data):
    return {"trial_started_on": data["trial_started_on"]}


def _applied(project, actor, data):
    from .services import after_apply

    after_apply(project, actor, data)


def _documents_case(project) -> dict:
    from .selectors import document_case

    return document_case(project)


def _decision_case(project) -> dict:
    from .selectors import decision_case

    return decision_case(project)


def _accepted(project, data):
    return {"accepted_on": data["decided_on"]}


def _decided(project, actor, data):
    from .services import after_decision

    after_decision(project, actor, data)


COMPLETE = Transition(
    name="complete", label=_("完成建设,开始试运行"), sources=frozenset({S.IN_CONSTRUCTION}), target=S.TRIAL_OPERATION,
    subject="acceptance", permission="acceptance.complete", power_rule="art22.owner_unit_applies",
    event_type=events.TRIAL_OPERATION_STARTED, effects=_trial, button_class="success")
APPLY = Transition(
    name="apply", label=_("申请竣工验收"), sources=frozenset({S.TRIAL_OPERATION}), target=S.ACCEPTANCE_APPLIED,
    subject="acceptance", permission="acceptance.apply", power_rule="art22.owner_unit_applies",
    event_type=events.ACCEPTANCE_APPLIED, follow_up=_applied, case_data=_documents_case, button_class="success")
REAPPLY = Transition(
    name="reapply", label=_("整改后重新申请验收"), sources=frozenset({S.RECTIFYING}), target=S.ACCEPTANCE_APPLIED,
    subject="acceptance", permission="acceptance.apply", power_rule="art22.owner_unit_applies",
    event_type=events.ACCEPTANCE_REAPPLIED, follow_up=_applied, case_data=_documents_case, button_class="success")
PASS = Transition(
    name="pass", label=_("验收通过"), sources=frozenset({S.ACCEPTANCE_APPLIED}), target=S.ACCEPTED,
    subject="acceptance", permission="acceptance.decide", power_rule="art22.drc_organises",
    event_type=events.ACCEPTANCE_PASSED, effects=_accepted, follow_up=_decided, case_data=_decision_case,
    button_class="success")
FAIL = Transition(
    name="fail", label=_("验收不通过"), sources=frozenset({S.ACCEPTANCE_APPLIED}), target=S.RECTIFYING,
    subject="acceptance", permission="acceptance.decide", power_rule="art22.drc_organises",
    event_type=events.ACCEPTANCE_FAILED, follow_up=_decided, case_data=_decision_case, button_class="danger")
