"""Reads of operation (art. 12, 23, 24): the self-evaluation window and where a project stands with it, the
evaluation with its values, the O&M arrangements (the latest in force) and funding requests, and the portfolio of
accepted and operating projects for the list page and endpoint."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q

from itgov.projects.choices import ProjectStatus as S

from .choices import EvaluationState, FundingStatus
from .models import OMArrangement, OMFundingRequest, SelfEvaluation, SelfEvaluationValue

OPERATING = frozenset({S.ACCEPTED, S.IN_OPERATION})
_UNREAD = object()


def evaluation_of(project) -> SelfEvaluation | None:
    return (SelfEvaluation.objects.filter(project=project).select_related("submitted_by", "baseline")
            .prefetch_related(Prefetch("values", SelfEvaluationValue.objects.order_by("position"))).first())


def evaluation_status(project, params: dict, today: dt.date, evaluation=_UNREAD) -> dict:
    """{operation_started_on (G), opens (G + min months), closes (G + max months), state}: not_in_operation, not_yet
    (before `opens`), open (from `opens` to `closes`), overdue (after `closes`, nothing submitted), submitted,
    submitted_late. `evaluation`: the project's evaluation when the caller read it already (a list)."""
    from itgov.rules.measures.ch4_operation import evaluation_window

    g = project.operation_started_on
    opens, closes = evaluation_window(g, params)
    if evaluation is _UNREAD:
        evaluation = SelfEvaluation.objects.filter(project=project).only("late").first() if g else None
    if evaluation is not None:
        state = EvaluationState.SUBMITTED_LATE if evaluation.late else EvaluationState.SUBMITTED
    elif project.status != S.IN_OPERATION or g is None:
        state = EvaluationState.NOT_IN_OPERATION
    elif opens is None or today < opens:
        state = EvaluationState.NOT_YET
    elif today <= closes:
        state = EvaluationState.OPEN
    else:
        state = EvaluationState.OVERDUE
    return {"operation_started_on": g, "opens": opens, "closes": closes, "state": str(state),
            "state_label": str(EvaluationState(state).label)}


def evaluation_targets(project) -> list:
    """The performance targets (art. 11) of the approval in force, in the order of the application."""
    from itgov.approvals.models import PerformanceTarget
    from itgov.approvals.selectors import current_baseline

    baseline = current_baseline(project)
    if baseline is None:
        return []
    return list(PerformanceTarget.objects.filter(application_id=baseline.application_id).order_by("id"))


def arrangements_of(project) -> list[OMArrangement]:
    """Every arrangement recorded, newest (the one in force) first."""
    return list(OMArrangement.objects.filter(project=project).select_related("recorded_by")
                .order_by("-recorded_at", "-id"))


def funding_requests_of(project) -> list[OMFundingRequest]:
    return list(OMFundingRequest.objects.filter(project=project).select_related("requested_by", "decided_by")
                .order_by("-year", "-id"))


def warranties_of(project) -> list[tuple[str, dt.date]]:
    """(title, warranty_ends_on) of the contracts that record a warranty (art. 12)."""
    from itgov.construction.models import Contract

    return list(Contract.objects.filter(project=project, warranty_ends_on__isnull=False)
                .values_list("title", "warranty_ends_on"))


def warranty_ends_on(project) -> dt.date | None:
    """The last day any contract's warranty runs (None: no warranty recorded)."""
    days = [day for _title, day in warranties_of(project)]
    return max(days) if days else None


def funding_case(project) -> dict:
    """What the rules of art. 12 look at: approved by DRC (a baseline), a passed acceptance, the warranties."""
    from itgov.acceptance.selectors import passed_acceptance
    from itgov.approvals.selectors import current_baseline

    return {"approved": current_baseline(project) is not None, "passed": passed_acceptance(project) is not None,
            "warranties": warranties_of(project)}


def suggested_amount(project, params: dict):
    from itgov.construction.selectors import effective_estimate
    from itgov.rules.measures.ch4_operation import suggested_om_amount

    if params.get("om_funding_rate") is None:
        return None
    return suggested_om_amount(effective_estimate(project), params)


# --- the portfolio ----------------------------------------------------------------------------------------------

FILTERS = ("accepted", "in_operation", "evaluation_open", "evaluation_overdue", "funding_pending")


def portfolio(user, today: dt.date) -> list:
    """The accepted and operating projects `user` sees, each with `evaluation` (its status), `pending_funding`
    (requests awaiting Finance) — in a fixed number of queries, whatever the number of projects."""
    from itgov.projects.selectors import projects_visible_to
    from itgov.rules.profiles import parameters_in_force

    projects = list(projects_visible_to(user).filter(status__in=OPERATING)
                    .select_related("owner_unit__jurisdiction", "self_evaluation")
                    .annotate(pending_funding=Count("om_funding_requests",
                                                    filter=Q(om_funding_requests__status=FundingStatus.SUBMITTED)))
                    .order_by("-updated_at", "-id"))
    params_of: dict[int, dict] = {}
    for project in projects:
        jurisdiction = project.owner_unit.jurisdiction
        if jurisdiction.pk not in params_of:
            params_of[jurisdiction.pk] = parameters_in_force(jurisdiction, today)
        evaluation = getattr(project, "self_evaluation", None) if _has_evaluation(project) else None
        project.evaluation = evaluation_status(project, params_of[jurisdiction.pk], today, evaluation)
    return projects


def _has_evaluation(project) -> bool:
    try:
        project.self_evaluation  # noqa: B018 (select_related: no query)
    except SelfEvaluation.DoesNotExist:
        return False
    return True


def matches(project, key: str) -> bool:
    """Does `project` of the portfolio fall under the list filter `key` (FILTERS)?"""
    state = project.evaluation["state"]
    return {"accepted": project.status == S.ACCEPTED, "in_operation": project.status == S.IN_OPERATION,
            "evaluation_open": state == EvaluationState.OPEN, "evaluation_overdue": state == EvaluationState.OVERDUE,
            "funding_pending": project.pending_funding > 0}[key]


# --- 我的待办 (art. 23, 24, 12) -------------------------------------------------------------------------------------


def evaluation_due_cutoff(today: dt.date, params: dict) -> dt.date | None:
    """The latest go-live day G whose self-evaluation window has opened by `today` (G + min months ≤ today), exact
    at month ends; None when the profile sets no window."""
    from itgov.core.dates import add_months

    window = params.get("self_evaluation_window") if params else None
    if not window:
        return None
    months = int(window["min"])
    cutoff = add_months(today, -months)
    while add_months(cutoff + dt.timedelta(days=1), months) <= today:
        cutoff += dt.timedelta(days=1)
    return cutoff


def awaiting_operation_q(user, today: dt.date):
    """The projects whose operation step waits for `user`: its units' accepted projects (to go live) and those in
    operation whose self-evaluation window is open or past without a report; for Finance the O&M funding requests
    to decide."""
    from django.db.models import Exists, OuterRef

    from itgov.access.scoping import scope_q
    from itgov.accounts.choices import Role
    from itgov.organizations.models import Jurisdiction
    from itgov.rules.profiles import parameters_in_force

    waiting = Q(pk__in=[])
    own = scope_q(user, "owner_unit", Role.OWNER)
    if own is not None:
        from itgov.projects.models import Project

        due = Q(pk__in=[])
        operating = Project.objects.filter(own, status=S.IN_OPERATION).values("owner_unit__jurisdiction")
        for jurisdiction in Jurisdiction.objects.filter(pk__in=operating):
            cutoff = evaluation_due_cutoff(today, parameters_in_force(jurisdiction, today))
            if cutoff is not None:
                due |= Q(owner_unit__jurisdiction=jurisdiction, operation_started_on__lte=cutoff)
        unevaluated = ~Q(Exists(SelfEvaluation.objects.filter(project=OuterRef("pk"))))
        waiting |= own & (Q(status=S.ACCEPTED) | (Q(status=S.IN_OPERATION) & due & unevaluated))
    if user.has_role(Role.FINANCE):
        waiting |= Q(Exists(OMFundingRequest.objects.filter(project=OuterRef("pk"), status=FundingStatus.SUBMITTED)))
    return waiting


def with_operation_marks(qs):
    """Annotate what 我的待办 needs to name the operation step: `funding_waiting`."""
    from django.db.models import Exists, OuterRef

    return qs.annotate(funding_waiting=Exists(OMFundingRequest.objects.filter(
        project=OuterRef("pk"), status=FundingStatus.SUBMITTED)))
