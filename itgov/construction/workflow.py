"""The construction transitions of the project, run by the one engine (core.workflow):

    budgeted ─start (owner unit, art. 19)─▶ in_construction
    in_construction ─suspend (DRC or Finance, reasons, art. 21)─▶ suspended ─resume (DRC or Finance, reasons)─▶
        in_construction
    in_construction ─reapproval (owner unit: a change of the estimate ≥ the re-approval ratio, art. 20)─▶ planned
        (a new initiation application, number n + 1; its approval fixes the next baseline version, and the
        budget and the start follow again)
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itgov.audit import events
from itgov.core.workflow import Transition
from itgov.projects.choices import ProjectStatus as S


def _started(project, data):
    # A project that starts again after a re-approval keeps the day it first started.
    return {"construction_started_at": project.construction_started_at or timezone.now()}


def _started_rated(project, actor, data):
    from .services import refresh_risk

    refresh_risk(project)


def _suspended(project, actor, data):
    from .services import after_suspend

    after_suspend(project, actor, data)


def _resumed(project, actor, data):
    from .services import after_resume

    after_resume(project, actor, data)


def _reapproval(project, actor, data):
    from .services import after_reapproval

    after_reapproval(project, actor, data)


START = Transition(
    name="start", label=_("开工建设"), sources=frozenset({S.BUDGETED}), target=S.IN_CONSTRUCTION,
    subject="construction", permission="construction.start", power_rule="art19.owner_unit_builds",
    event_type=events.CONSTRUCTION_STARTED, effects=_started, follow_up=_started_rated, button_class="success")
SUSPEND = Transition(
    name="suspend", label=_("暂停项目建设"), sources=frozenset({S.IN_CONSTRUCTION}), target=S.SUSPENDED,
    subject="construction", permission="construction.suspend", power_rule="art21.competent_bureaus",
    event_type=events.CONSTRUCTION_SUSPENDED, follow_up=_suspended, button_class="outline-danger",
    needs_reason=True)
RESUME = Transition(
    name="resume", label=_("恢复项目建设"), sources=frozenset({S.SUSPENDED}), target=S.IN_CONSTRUCTION,
    subject="construction", permission="construction.suspend", power_rule="art21.competent_bureaus",
    event_type=events.CONSTRUCTION_RESUMED, follow_up=_resumed, button_class="success", needs_reason=True)
REAPPROVAL = Transition(
    name="submit", label=_("重新立项"), sources=frozenset({S.IN_CONSTRUCTION}), target=S.PLANNED,
    subject="change", permission="construction.submit_change", power_rule="art19.owner_unit_builds",
    event_type=events.CHANGE_REAPPROVAL, follow_up=_reapproval, button_class="warning")
