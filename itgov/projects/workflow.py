"""The project's transitions (LIFECYCLE.md). This issue: draft → proposed → in_reserve, with return and
withdraw. Later issues add theirs to this table; the engine (core.workflow) runs them all."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itgov.audit import events
from itgov.core.workflow import Transition

from .choices import ProjectStatus as S


def _submitted(project, data):
    return {"submitted_at": timezone.now(), "last_return_reason": project.last_return_reason}


def _admitted(project, data):
    reason = "" if project.plan_task_id else (data.get("no_task_reason") or "").strip()
    return {"admitted_at": timezone.now(), "reserve_no_task_reason": reason}


def _returned(project, data):
    return {"last_return_reason": (data.get("reason") or "").strip(), "submitted_at": None}


def _withdrawn(project, data):
    return {"withdraw_reason": (data.get("reason") or "").strip()}


def _index(project, actor, data) -> None:
    """Duplicate detection (art. 3, 18) reads a proposal from its submission on; a project withdrawn or returned to
    draft leaves the index (itgov.catalogue.similarity removes what it may not index)."""
    from itgov.catalogue import similarity
    from itgov.catalogue.models import SimilarityKind

    similarity.index_object(SimilarityKind.PROJECT, project)


SUBMIT_PROPOSAL = Transition(
    name="submit_proposal", label=_("提交入库申请"), sources=frozenset({S.DRAFT}), target=S.PROPOSED,
    permission="projects.submit_proposal", power_rule="art7.owner_unit_proposes", event_type=events.PROJECT_PROPOSAL_SUBMITTED,
    effects=_submitted, follow_up=_index,
)
ADMIT = Transition(
    name="admit", label=_("纳入储备库"), sources=frozenset({S.PROPOSED}), target=S.IN_RESERVE,
    permission="projects.admit", power_rule="art4.drc_reviews_reserve", event_type=events.PROJECT_PROPOSAL_ADMITTED,
    effects=_admitted, button_class="success", extra_fields=("no_task_reason",),
)
RETURN_FOR_REVISION = Transition(
    name="return_for_revision", label=_("退回修改"), sources=frozenset({S.PROPOSED}), target=S.DRAFT,
    permission="projects.return_for_revision", power_rule="art4.drc_reviews_reserve",
    event_type=events.PROJECT_PROPOSAL_RETURNED, effects=_returned, button_class="warning", needs_reason=True,
    follow_up=_index,
)
WITHDRAW = Transition(
    name="withdraw", label=_("撤回项目"), target=S.WITHDRAWN,
    sources=frozenset({S.DRAFT, S.PROPOSED, S.IN_RESERVE, S.PLANNED, S.INITIATION_SUBMITTED, S.UNDER_REVIEW}),
    permission="projects.withdraw", power_rule="art7.owner_unit_proposes", event_type=events.PROJECT_WITHDRAWN, effects=_withdrawn,
    button_class="outline-danger", needs_reason=True, follow_up=_index,
)

TRANSITIONS = {t.name: t for t in (SUBMIT_PROPOSAL, ADMIT, RETURN_FOR_REVISION, WITHDRAW)}
