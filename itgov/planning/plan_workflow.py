"""The annual investment plan's transitions (art. 8) and an adjustment's (art. 10), run by the one engine
(core.workflow):

    plan:        draft ─submit (DRC)─▶ submitted ─cosign (Finance)─▶ cosigned ─issue (government)─▶ issued
                 submitted/cosigned ─return (Finance / government, with reasons)─▶ draft
    adjustment:  applied ─review (DRC)─▶ drc_reviewed ─finance_review (Finance)─▶ reviewed
                 ─consent (government)─▶ consented, issuing a new edition; at each step its reviewer may
                 reject (with reasons); the applicant may withdraw before consent.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itgov.audit import events
from itgov.core.workflow import Transition

from .choices import AdjustmentStatus as A
from .choices import PlanStatus as P


def _submitted(plan, data):
    return {"submitted_at": timezone.now()}


def _cosigned(plan, data):
    return {"cosigned_at": timezone.now()}


def _returned(plan, data):
    return {"last_return_reason": (data.get("reason") or "").strip(), "submitted_at": None, "cosigned_at": None}


def _issued(plan, data):
    return {"issued_at": timezone.now(), "document_number": (data.get("document_number") or "").strip()[:60]}


def _plan_issued(plan, actor, data):
    from .plan_services import mark_projects_planned

    mark_projects_planned(plan, actor)


PLAN_SUBMIT = Transition(
    name="submit", label=_("提交财政会签"), sources=frozenset({P.DRAFT}), target=P.SUBMITTED, subject="plan",
    permission="planning.submit_plan", power_rule="art8.drc_finance_compile", event_type=events.PLAN_SUBMITTED,
    effects=_submitted)
PLAN_COSIGN = Transition(
    name="cosign", label=_("财政会签"), sources=frozenset({P.SUBMITTED}), target=P.COSIGNED, subject="plan",
    permission="planning.cosign_plan", power_rule="art8.finance_cosigns", event_type=events.PLAN_COSIGNED,
    effects=_cosigned, button_class="success")
PLAN_RETURN = Transition(
    name="return", label=_("退回修改"), sources=frozenset({P.SUBMITTED, P.COSIGNED}), target=P.DRAFT,
    subject="plan", permission="planning.return_plan", power_rule="art8.government_approves",
    event_type=events.PLAN_RETURNED, effects=_returned, button_class="warning", needs_reason=True)
PLAN_ISSUE = Transition(
    name="issue", label=_("审定下达"), sources=frozenset({P.COSIGNED}), target=P.ISSUED, subject="plan",
    permission="planning.issue_plan", power_rule="art8.government_approves", event_type=events.PLAN_ISSUED,
    effects=_issued, button_class="success", extra_fields=("document_number",), follow_up=_plan_issued)

PLAN_TRANSITIONS = {t.name: t for t in (PLAN_SUBMIT, PLAN_COSIGN, PLAN_RETURN, PLAN_ISSUE)}


def _drc_reviewed(adjustment, data):
    return {"drc_reviewed_at": timezone.now(), "decision_reason": (data.get("reason") or "").strip()}


def _finance_reviewed(adjustment, data):
    return {"finance_reviewed_at": timezone.now(), "decision_reason": (data.get("reason") or "").strip()}


def _consented(adjustment, data):
    return {"consented_at": timezone.now(), "decision_reason": (data.get("reason") or "").strip()}


def _decided(adjustment, data):
    return {"decision_reason": (data.get("reason") or "").strip()}


def _adjustment_consented(adjustment, actor, data):
    from .plan_services import issue_adjusted_edition

    issue_adjusted_edition(adjustment, actor, data)


OPEN = frozenset({A.APPLIED, A.DRC_REVIEWED, A.REVIEWED})

ADJ_REVIEW = Transition(
    name="review", label=_("发改审核通过"), sources=frozenset({A.APPLIED}), target=A.DRC_REVIEWED,
    subject="adjustment", permission="planning.review_adjustment", power_rule="art10.drc_finance_review",
    event_type=events.ADJUSTMENT_REVIEWED, effects=_drc_reviewed, button_class="success")
ADJ_FINANCE_REVIEW = Transition(
    name="finance_review", label=_("财政审核通过"), sources=frozenset({A.DRC_REVIEWED}), target=A.REVIEWED,
    subject="adjustment", permission="planning.finance_review_adjustment", power_rule="art10.drc_finance_review",
    event_type=events.ADJUSTMENT_FINANCE_REVIEWED, effects=_finance_reviewed, button_class="success")
ADJ_CONSENT = Transition(
    name="consent", label=_("区政府同意"), sources=frozenset({A.REVIEWED}), target=A.CONSENTED,
    subject="adjustment", permission="planning.consent_adjustment", power_rule="art10.government_consents",
    event_type=events.ADJUSTMENT_CONSENTED, effects=_consented, button_class="success",
    extra_fields=("document_number",), follow_up=_adjustment_consented)
ADJ_REJECT = Transition(
    name="reject", label=_("不予通过"), sources=OPEN, target=A.REJECTED, subject="adjustment",
    permission="planning.reject_adjustment", power_rule="art10.drc_finance_review",
    event_type=events.ADJUSTMENT_REJECTED, effects=_decided, button_class="outline-danger", needs_reason=True)
ADJ_WITHDRAW = Transition(
    name="withdraw", label=_("撤回申请"), sources=OPEN, target=A.WITHDRAWN, subject="adjustment",
    permission="planning.withdraw_adjustment", power_rule="art10.unit_applies",
    event_type=events.ADJUSTMENT_WITHDRAWN, effects=_decided, button_class="outline-secondary", needs_reason=True)

ADJUSTMENT_TRANSITIONS = {t.name: t for t in (ADJ_REVIEW, ADJ_FINANCE_REVIEW, ADJ_CONSENT, ADJ_REJECT,
                                              ADJ_WITHDRAW)}
