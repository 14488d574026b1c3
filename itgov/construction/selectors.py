"""Reads of construction control: the money of a project against its approval, budget and plan (art. 8, 15)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from .models import Contract, Payment, Procurement

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
        "estimate": baseline.approved_estimate if baseline else None,
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
