"""The initiation approval's transitions of the project (LIFECYCLE.md), run by the one engine
(core.workflow):

    planned ─submit (owner unit)─▶ initiation_submitted ─start_review (DRC)─▶ under_review
    initiation_submitted / under_review ─return (DRC, reasons)─▶ planned   (the application is editable again)
                                        ─reject (DRC, reasons)─▶ initiation_rejected
    under_review ─approve (DRC)─▶ approved        (a new immutable baseline; the letter is issued)
    approved / budgeted ─record (Finance)─▶ budgeted   (a budget revision; the latest is in force)

The approval rules read the application, the review and the panel (selectors.approval_case) after the
project's row is locked, so an edit cannot slip between the check and the change.
"""

from django.utils.translation import gettext_lazy as _

from itgov.audit import events
from itgov.core.workflow import Transition
from itgov.projects.choices import ProjectStatus as S


def _case(project):
    from .selectors import approval_case

    return approval_case(project)


def _budget_case(project):
    from .selectors import current_baseline

    return {"baseline": current_baseline(project)}


def _submitted(project, actor, data):
    from .services import after_submit

    after_submit(project, actor, data)


def _review_started(project, actor, data):
    from .services import after_start_review

    after_start_review(project, actor, data)


def _decided(project, actor, data):
    from .services import after_decision

    after_decision(project, actor, data)


def _approved(project, actor, data):
    from .services import after_approval

    after_approval(project, actor, data)


def _budgeted(project, actor, data):
    from .services import after_budget

    after_budget(project, actor, data)


SUBMIT = Transition(
    name="submit", label=_("提交立项申请"), sources=frozenset({S.PLANNED}), target=S.INITIATION_SUBMITTED,
    subject="initiation", permission="approvals.submit_initiation", power_rule="art14.owner_unit_applies",
    event_type=events.INITIATION_SUBMITTED, case_data=_case, follow_up=_submitted)
START_REVIEW = Transition(
    name="start_review", label=_("受理并开始审查"), sources=frozenset({S.INITIATION_SUBMITTED}), target=S.UNDER_REVIEW,
    subject="initiation", permission="approvals.review", power_rule="art15.drc_approves",
    event_type=events.INITIATION_REVIEW_STARTED, case_data=_case, follow_up=_review_started)
RETURN = Transition(
    name="return", label=_("退回修改"), sources=frozenset({S.INITIATION_SUBMITTED, S.UNDER_REVIEW}), target=S.PLANNED,
    subject="initiation", permission="approvals.decide", power_rule="art15.drc_approves",
    event_type=events.INITIATION_RETURNED, case_data=_case, follow_up=_decided, button_class="warning",
    needs_reason=True)
REJECT = Transition(
    name="reject", label=_("不予批复"), sources=frozenset({S.INITIATION_SUBMITTED, S.UNDER_REVIEW}),
    target=S.INITIATION_REJECTED, subject="initiation", permission="approvals.decide",
    power_rule="art15.drc_approves", event_type=events.INITIATION_REJECTED, case_data=_case, follow_up=_decided,
    button_class="outline-danger", needs_reason=True)
APPROVE = Transition(
    name="approve", label=_("批复立项"), sources=frozenset({S.UNDER_REVIEW}), target=S.APPROVED,
    subject="initiation", permission="approvals.decide", power_rule="art15.drc_approves",
    event_type=events.INITIATION_APPROVED, case_data=_case, follow_up=_approved, button_class="success")
RECORD_BUDGET = Transition(
    name="record", label=_("编列项目预算"), sources=frozenset({S.APPROVED, S.BUDGETED}), target=S.BUDGETED,
    subject="budget", permission="approvals.record_budget", power_rule="art15.finance_budgets",
    event_type=events.BUDGET_RECORDED, case_data=_budget_case, follow_up=_budgeted, button_class="success")

# A revision of the budget while the project is being built keeps it in construction.
REVISE_BUDGET = Transition(
    name="revise", label=_("调整项目预算"), sources=frozenset({S.IN_CONSTRUCTION}), target=S.IN_CONSTRUCTION,
    subject="budget", permission="approvals.record_budget", power_rule="art15.finance_budgets",
    event_type=events.BUDGET_RECORDED, case_data=_budget_case, follow_up=_budgeted, button_class="success")

APPROVAL_TRANSITIONS = {t.name: t for t in (SUBMIT, START_REVIEW, RETURN, REJECT, APPROVE)}
# Before DRC has decided, the unit may still edit (planned) — these are the statuses of an application in DRC's hands.
IN_REVIEW = frozenset({S.INITIATION_SUBMITTED, S.UNDER_REVIEW})
