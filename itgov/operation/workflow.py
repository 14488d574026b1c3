"""Go-live (art. 23, 24), run by the one engine (core.workflow):

    accepted ─go_live (owner unit; day G)─▶ in_operation

The transition also starts from trial operation, an application awaiting acceptance and rectification, so that an
attempt to go live there reaches art23.accepted_before_operation and is refused citing 第二十三条 (未经验收, 不得投入
正式运行) rather than being a mere conflict.
"""

from django.utils.translation import gettext_lazy as _

from itgov.audit import events
from itgov.core.workflow import Transition
from itgov.projects.choices import ProjectStatus as S


def _started(project, data):
    return {"operation_started_on": data["operation_started_on"]}


def _case(project) -> dict:
    from itgov.acceptance.selectors import passed_acceptance

    return {"passed": passed_acceptance(project) is not None}


GO_LIVE = Transition(
    name="go_live", label=_("投入正式运行"),
    sources=frozenset({S.TRIAL_OPERATION, S.ACCEPTANCE_APPLIED, S.RECTIFYING, S.ACCEPTED}), target=S.IN_OPERATION,
    subject="operation", permission="operation.go_live", power_rule="art24.owner_unit_operates",
    event_type=events.OPERATION_STARTED, effects=_started, case_data=_case, button_class="success")
