"""Trial operation and the acceptance application (art. 22), run by the one engine (core.workflow):

    in_construction ─complete (owner unit; day T)─▶ trial_operation ─apply (owner unit, from T + 3 months)─▶
        acceptance_applied
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


COMPLETE = Transition(
    name="complete", label=_("完成建设,开始试运行"), sources=frozenset({S.IN_CONSTRUCTION}), target=S.TRIAL_OPERATION,
    subject="acceptance", permission="acceptance.complete", power_rule="art22.owner_unit_applies",
    event_type=events.TRIAL_OPERATION_STARTED, effects=_trial, button_class="success")
APPLY = Transition(
    name="apply", label=_("申请竣工验收"), sources=frozenset({S.TRIAL_OPERATION}), target=S.ACCEPTANCE_APPLIED,
    subject="acceptance", permission="acceptance.apply", power_rule="art22.owner_unit_applies",
    event_type=events.ACCEPTANCE_APPLIED, follow_up=_applied, button_class="success")
