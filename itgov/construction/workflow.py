"""The start of construction (art. 19): budgeted ─start (owner unit)─▶ in_construction, run by the one engine."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itgov.audit import events
from itgov.core.workflow import Transition
from itgov.projects.choices import ProjectStatus as S


def _started(project, data):
    return {"construction_started_at": timezone.now()}


START = Transition(
    name="start", label=_("开工建设"), sources=frozenset({S.BUDGETED}), target=S.IN_CONSTRUCTION,
    subject="construction", permission="construction.start", power_rule="art19.owner_unit_builds",
    event_type=events.CONSTRUCTION_STARTED, effects=_started, button_class="success")
