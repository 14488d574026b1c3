"""Reads of construction control: the money of a project against its approval, budget and plan (art. 8, 15);
the estimate and end date in force after changes, the unapproved deviations (art. 20), milestones and
slippage, monitoring due dates (art. 19), and the risk ratings in the manner of the US federal IT Dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from itgov.core.money import format_wan

from .choices import ChangeStatus, IncidentStatus, RectificationStatus, RiskLevel
from .models import (
    ChangeRequest,
    Contract,
    Incident,
    MonitoringReport,
    Payment,
    Procurement,
    RectificationOrder,
    RiskAssessment,
    SupervisionPoolEntry,
)

ZERO = Decimal("0.00")


def spending(project) -> dict:
    """Contracted and paid so far against the approved estimate, and paid by year against the budget — always
    visible (art. 15). A handful of queries, whatever the number of records."""
    from itgov.approvals.selectors import current_baseline, current_budget

    baseline, budget = current_baseline(project), current_budget(project)
    paid_by_year = dict(Payment.objects.filter(project=project).values_list("paid_on__year")
                        .annotate(s=Sum("amount")).order_by())
    budget_by_year: dict[int, Decimal] = {}
    for line in budget.lines.all() if budget else []:
        budget_by_year[line.year] = budget_by_year.get(line.year, ZERO) + line.amount
    years = sorted(set(paid_by_year) | set(budget_by_year))
    return {
        "estimate": effective_estimate(project, baseline),
        "contracted": Contract.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO,
        "paid": sum(paid_by_year.values(), ZERO),
        "prework_paid": Payment.objects.filter(project=project, prework=True).aggregate(s=Sum("amount"))["s"] or ZERO,
        "years": [{"year": y, "budget": budget_by_year.get(y, ZERO), "paid": paid_by_year.get(y, ZERO)} for y in years],
    }


def records_of(project) -> dict:
    return {
        "procurements": list(Procurement.objects.filter(project=project)),
        "contracts": list(Contract.objects.filter(project=project).select_related("procurement")),
        "payments": list(Payment.objects.filter(project=project).select_related("contract")),
    }


# --- the control of a building project (art. 19, 20, 21) ----------------------------------------------------------

RISK_GREEN, RISK_RED = Decimal("0.10"), Decimal("0.30")  # the IT Dashboard's variance bands: < 10%, 10–30%, ≥ 30%


def effective_estimate(project, baseline=None) -> Decimal | None:
    """The estimate the project is held to: the baseline's, or the new total of the latest change DRC approved
    against that baseline by the change procedure (art. 20)."""
    from itgov.approvals.selectors import current_baseline

    baseline = baseline or current_baseline(project)
    if baseline is None:
        return None
    approved = (ChangeRequest.objects.filter(project=project, baseline=baseline, status=ChangeStatus.APPROVED,
                                             proposed_estimate__isnull=False).order_by("-number")
                .values_list("proposed_estimate", flat=True).first())
    return approved if approved is not None else baseline.approved_estimate


def effective_end_date(project, baseline=None):
    """The planned completion: the baseline's, or the latest recorded or approved schedule change."""
    from itgov.approvals.selectors import current_baseline

    baseline = baseline or current_baseline(project)
    if baseline is None:
        return None
    changed = (ChangeRequest.objects.filter(project=project, baseline=baseline, proposed_end_date__isnull=False,
                                            status__in=(ChangeStatus.APPROVED, ChangeStatus.RECORDED))
               .order_by("-number").values_list("proposed_end_date", flat=True).first())
    return changed or baseline.end_date


def open_changes(project, baseline=None) -> list[ChangeRequest]:
    """Change requests not yet settled: awaiting DRC, or sent to re-approval and not yet approved again."""
    from itgov.approvals.selectors import current_baseline

    baseline = baseline or current_baseline(project)
    version = baseline.version if baseline else 0
    return [c for c in ChangeRequest.objects.filter(project=project, status__in=(ChangeStatus.SUBMITTED,
                                                                                   ChangeStatus.REAPPROVAL))
            .select_related("baseline")
            if c.status == ChangeStatus.SUBMITTED or c.baseline.version >= version]


def deviations(project, baseline=None, estimate=None) -> list[dict]:
    """Every unapproved deviation from the approval (art. 20): an open change request, contracts or payments
    beyond the estimate in force. Acceptance is refused while any exists."""
    from itgov.approvals.selectors import current_baseline

    baseline = baseline or current_baseline(project)
    if baseline is None:
        return []
    out = [{"code": "open_change", "label": _("第%(n)d号变更申请尚未批准(%(s)s)") % {
        "n": c.number, "s": c.get_status_display()}} for c in open_changes(project, baseline)]
    estimate = estimate if estimate is not None else effective_estimate(project, baseline)
    contracted = Contract.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO
    paid = Payment.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO
    if contracted > estimate:
        out.append({"code": "contracts_over", "label": _("合同合计 %(a)s 万元超过核定概算 %(e)s 万元") % {
            "a": format_wan(contracted), "e": format_wan(estimate)}})
    if paid > estimate:
        out.append({"code": "payments_over", "label": _("累计支付 %(a)s 万元超过核定概算 %(e)s 万元") % {
            "a": format_wan(paid), "e": format_wan(estimate)}})
    return out


def milestones_of(project, today: dt.date, baseline=None) -> list[dict]:
    """The baseline's milestones with their actual dates and slippage in days (a milestone not done and past due
    slips by the days since its due date)."""
    from itgov.approvals.models import Milestone
    from itgov.approvals.selectors import current_baseline

    baseline = baseline or current_baseline(project)
    if baseline is None:
        return []
    rows = []
    for m in Milestone.objects.filter(application_id=baseline.application_id).select_related("actual__recorded_by"):
        actual = getattr(m, "actual", None)
        if actual is not None:
            slip, state = (actual.actual_date - m.due_date).days, "done"
        elif today > m.due_date:
            slip, state = (today - m.due_date).days, "late"
        else:
            slip, state = 0, "pending"
        rows.append({"milestone": m, "actual": actual, "slip_days": slip, "state": state})
    return rows


def schedule_variance(baseline, milestones: list[dict]) -> Decimal | None:
    """The worst milestone slippage over the planned duration (baseline start → end); None without milestones."""
    if baseline is None or not milestones:
        return None
    days = (baseline.end_date - baseline.start_date).days if baseline.start_date and baseline.end_date else 0
    worst = max(max(row["slip_days"] for row in milestones), 0)
    return (Decimal(worst) / Decimal(max(days, 1))).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)


def latest_monitoring(project, baseline=None) -> MonitoringReport | None:
    qs = MonitoringReport.objects.filter(project=project)
    if baseline is not None:
        qs = qs.filter(baseline=baseline)
    return qs.order_by("-period_end", "-id").first()


def cost_variance(estimate: Decimal | None, report: MonitoringReport | None) -> Decimal | None:
    """(forecast at completion − the estimate in force) / the estimate in force, from the latest monitoring report
    against the baseline in force; None before the first report. An approved change re-baselines the estimate."""
    if estimate is None or report is None:
        return None
    return ((report.forecast_cost - estimate) / estimate).quantize(
        Decimal("0.0001"), rounding=ROUND_DOWN)  # truncated: never crosses a threshold it has not reached


def monitoring_due(project, params: dict, today: dt.date) -> dict:
    """When the next monitoring report is due: `monitoring_interval` months after the last report's period (or
    the start of construction); overdue after that day. Not computed while the profile sets no interval."""
    from itgov.core.dates import SHANGHAI, add_months

    interval = params.get("monitoring_interval")
    last = (MonitoringReport.objects.filter(project=project).order_by("-period_end")
            .values_list("period_end", flat=True).first())
    started = project.construction_started_at.astimezone(SHANGHAI).date() if project.construction_started_at else None
    since = last or started
    if not interval or since is None or project.status not in ("in_construction", "suspended"):
        return {"interval": interval, "last": last, "due": None, "overdue": False}
    due = add_months(since, int(interval))
    return {"interval": interval, "last": last, "due": due, "overdue": today > due}


def rating_of(variance: Decimal | None) -> int | None:
    """A variance (absolute, as the IT Dashboard counts it) as a 1–5 rating: < 10% → 5, 10–30% → 3, ≥ 30% → 1."""
    if variance is None:
        return None
    v = abs(variance)
    return 5 if v < RISK_GREEN else 3 if v < RISK_RED else 1


def overall_rating(cost: int | None, schedule: int | None, drc: int | None) -> Decimal | None:
    """The average of the ratings there are, unless DRC's assessment is worse than both computed ones: then
    DRC's (the IT Dashboard's rule for the CIO rating)."""
    computed = [r for r in (cost, schedule) if r is not None]
    if drc is not None and computed and all(drc < r for r in computed):
        return Decimal(drc).quantize(Decimal("0.01"))
    values = [*computed, *([drc] if drc is not None else [])]
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"))


def level_of(overall: Decimal | None) -> str:
    if overall is None:
        return ""
    return RiskLevel.LOW if overall >= 4 else RiskLevel.MEDIUM if overall >= Decimal("2.5") else RiskLevel.HIGH


def control_figures(project, params: dict, today: dt.date) -> dict:
    """Everything the ratings, the flags and the control page read, from a handful of queries."""
    from itgov.approvals.selectors import current_baseline

    baseline = current_baseline(project)
    milestones = milestones_of(project, today, baseline)
    report = latest_monitoring(project, baseline)
    drc = RiskAssessment.objects.filter(project=project).order_by("-assessed_at", "-id").first()
    estimate = effective_estimate(project, baseline)
    cv, sv = cost_variance(estimate, report), schedule_variance(baseline, milestones)
    cost, schedule = rating_of(cv), rating_of(sv)
    overall = overall_rating(cost, schedule, drc.score if drc else None)
    monitoring = monitoring_due(project, params, today)
    found = deviations(project, baseline, estimate)
    flags = [d["code"] for d in found]
    if monitoring["overdue"]:
        flags.append("monitoring_overdue")
    if project.status == "suspended":
        flags.append("suspended")
    if Incident.objects.filter(project=project, status__in=(IncidentStatus.OPEN, IncidentStatus.RECTIFYING)).exists():
        flags.append("incident_open")
    if RectificationOrder.objects.filter(project=project, deadline__lt=today).exclude(
            status=RectificationStatus.CLOSED).exists():
        flags.append("rectification_overdue")
    return {"baseline": baseline, "estimate": estimate,
            "end_date": effective_end_date(project, baseline), "milestones": milestones, "latest_report": report,
            "drc_assessment": drc, "cost_variance": cv, "schedule_variance": sv, "cost_rating": cost,
            "schedule_rating": schedule, "drc_rating": drc.score if drc else None, "overall": overall,
            "level": level_of(overall), "monitoring": monitoring, "deviations": found, "flags": flags}


FLAG_LABELS = {
    "open_change": _("变更未批准"), "contracts_over": _("合同超概算"), "payments_over": _("支付超概算"),
    "monitoring_overdue": _("绩效监控逾期"), "suspended": _("暂停建设"), "incident_open": _("重大问题待处理"),
    "rectification_overdue": _("整改逾期"),
}


def pool_of(jurisdiction, year: int):
    return (SupervisionPoolEntry.objects.filter(jurisdiction=jurisdiction, year=year).select_related("firm")
            .order_by("firm__name"))


def supervised_projects_q(user):
    """The projects whose appointed supervisor is a firm in `user`'s supervisor scope (None when none)."""
    from itgov.access.scoping import scope_q
    from itgov.accounts.choices import Role

    return scope_q(user, "supervision__firm", Role.SUPERVISOR)


def control_of(project, params: dict, today: dt.date) -> dict:
    """The whole control dossier of a project for its page and its API: the figures and ratings, and the records
    of supervision, monitoring, changes, incidents, rectification and suspension, newest first."""
    from django.db.models import Prefetch

    from .models import ConstructionSuspension, MonitoringValue, SupervisionAppointment, SupervisionReport

    figures = control_figures(project, params, today)
    return {
        **figures,
        "supervision": SupervisionAppointment.objects.filter(project=project).select_related(
            "firm", "pool_entry", "contract").first(),
        "supervision_reports": list(SupervisionReport.objects.filter(project=project).select_related(
            "firm", "filed_by")),
        "monitoring_reports": list(MonitoringReport.objects.filter(project=project).select_related(
            "submitted_by", "baseline").prefetch_related(Prefetch("values", MonitoringValue.objects.order_by(
                "position")))),
        "changes": list(ChangeRequest.objects.filter(project=project).select_related(
            "baseline", "submitted_by", "decided_by")),
        "incidents": list(Incident.objects.filter(project=project).select_related("reported_by", "handled_by")),
        "rectifications": [with_overdue(r, today) for r in RectificationOrder.objects.filter(
            project=project).select_related("incident", "ordered_by", "responded_by", "closed_by")],
        "suspensions": list(ConstructionSuspension.objects.filter(project=project).select_related(
            "suspended_by", "resumed_by", "incident")),
        "risk_assessments": list(RiskAssessment.objects.filter(project=project).select_related("assessed_by")),
    }


def with_overdue(order, today: dt.date):
    order.overdue = order.status != RectificationStatus.CLOSED and today > order.deadline
    return order


# --- 我的待办: what waits for a user in construction control -------------------------------------------------------


def awaiting_control_q(user):
    """The owner unit: budgeted projects to start and rectification orders to answer; DRC: changes to decide;
    DRC and Finance: problems reported or proposed and rectification reports to review."""
    from django.db.models import Exists, OuterRef, Q

    from itgov.access.scoping import scope_q
    from itgov.accounts.choices import Role
    from itgov.projects.choices import ProjectStatus

    waiting = Q(pk__in=[])
    own = scope_q(user, "owner_unit", Role.OWNER)
    if own is not None:
        ordered = RectificationOrder.objects.filter(project=OuterRef("pk"), status=RectificationStatus.ORDERED)
        waiting |= own & (Q(status=ProjectStatus.BUDGETED) | Q(Exists(ordered)))
    if user.has_role(Role.DRC):
        waiting |= Q(Exists(ChangeRequest.objects.filter(project=OuterRef("pk"), status=ChangeStatus.SUBMITTED)))
    if user.has_role(Role.DRC) or user.has_role(Role.FINANCE):
        waiting |= Q(Exists(Incident.objects.filter(project=OuterRef("pk"), status=IncidentStatus.OPEN)))
        waiting |= Q(Exists(RectificationOrder.objects.filter(project=OuterRef("pk"),
                                                              status=RectificationStatus.SUBMITTED)))
    return waiting


def with_control_marks(qs):
    """Annotate what the construction step of 我的待办 reads, so the list costs no query per item."""
    from django.db.models import Exists, OuterRef

    def exists(model, **filters):
        return Exists(model.objects.filter(project=OuterRef("pk"), **filters))

    return qs.annotate(
        change_waiting=exists(ChangeRequest, status=ChangeStatus.SUBMITTED),
        incident_open=exists(Incident, status=IncidentStatus.OPEN),
        rectification_ordered=exists(RectificationOrder, status=RectificationStatus.ORDERED),
        rectification_submitted=exists(RectificationOrder, status=RectificationStatus.SUBMITTED))


# --- lists: the money of many projects at once ---------------------------------------------------------------------


def with_money_in_force(qs):
    """Annotate each project with the estimate in force (its latest baseline's, or the latest change DRC approved
    against that baseline), its contracts and its payments — subqueries, so a list's queries do not grow with its
    rows or their records."""
    from django.db.models import DecimalField, F, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from itgov.approvals.models import Baseline

    money = DecimalField(max_digits=16, decimal_places=2)

    def total(model):
        sums = (model.objects.filter(project=OuterRef("pk")).order_by().values("project")
                .annotate(s=Sum("amount")).values("s"))
        return Coalesce(Subquery(sums, output_field=money), Value(0, output_field=money))

    latest = Baseline.objects.filter(project=OuterRef("pk")).order_by("-version")
    approved_change = (ChangeRequest.objects.filter(baseline_id=OuterRef("baseline_now"), status=ChangeStatus.APPROVED,
                                                    proposed_estimate__isnull=False)
                       .order_by("-number").values("proposed_estimate")[:1])
    return (qs.annotate(baseline_now=Subquery(latest.values("pk")[:1]),
                        baseline_estimate=Subquery(latest.values("approved_estimate")[:1], output_field=money))
            .annotate(estimate=Coalesce(Subquery(approved_change, output_field=money), F("baseline_estimate")),
                      contracted=total(Contract), paid=total(Payment)))
