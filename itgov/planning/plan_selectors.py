"""Reads of the annual investment plan (art. 8–10): who sees which edition and line, the totals of the
workspace, the projects' class history, "is P funded in year Y", and the difference between two editions."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import rules as perms
from django.db.models import Q, QuerySet

from itgov.access.scoping import is_bureau_user, scope_q
from itgov.core.errors import NotFound
from itgov.core.ids import object_pk

from .choices import AdjustmentStatus, PlanClass, PlanStatus
from .models import AnnualPlan, PlanAdjustment, PlanLine

ZERO = Decimal("0")
WAS_ISSUED = (PlanStatus.ISSUED, PlanStatus.SUPERSEDED)


def plans_visible_to(user) -> QuerySet[AnnualPlan]:
    """The bureaus see every edition, drafts included; a unit sees the editions issued to it."""
    if not perms.has_perm("planning.view_plans", user):
        return AnnualPlan.objects.none()
    qs = AnnualPlan.objects.select_related("jurisdiction")
    return qs if is_bureau_user(user) else qs.filter(status__in=WAS_ISSUED)


def access_plan_by_id(user, plan_id) -> AnnualPlan:
    plan = plans_visible_to(user).filter(pk=object_pk(plan_id)).first()
    if plan is None:
        raise NotFound()
    return plan


def plan_lines_q(user) -> Q:
    if is_bureau_user(user):
        return Q()
    return scope_q(user, "unit") or Q(pk__in=[])


def lines_of(user, plan: AnnualPlan) -> QuerySet[PlanLine]:
    return (PlanLine.objects.filter(plan=plan).filter(plan_lines_q(user))
            .select_related("project", "unit").order_by("plan_class", "-priority", "unit__code", "id"))


def access_plan_line_by_id(user, line_id) -> PlanLine:
    line = (PlanLine.objects.filter(pk=object_pk(line_id)).filter(plan_lines_q(user))
            .select_related("project", "unit", "plan__jurisdiction").first())
    if line is None or not plans_visible_to(user).filter(pk=line.plan_id).exists():
        raise NotFound()
    return line


def class_history(jurisdiction_id: int, year: int, project_ids) -> dict[int, set[str]]:
    """For each project, the classes its construction lines had in issued plans of years before `year`
    (art. 9: progressive C → B → A). One query."""
    history: dict[int, set[str]] = defaultdict(set)
    rows = (PlanLine.objects.filter(plan__jurisdiction_id=jurisdiction_id, plan__year__lt=year,
                                    plan__status__in=WAS_ISSUED, line_type="construction",
                                    project_id__in=list(set(project_ids)))
            .values_list("project_id", "plan_class").distinct())
    for project_id, plan_class in rows:
        history[project_id].add(plan_class)
    return history


def funding(project, year: int) -> list[PlanLine]:
    """Art. 8, no plan no money: the lines of `project` in the plan issued for `year` (its class and amount),
    an empty list when it is not funded that year. One query."""
    return list(PlanLine.objects.filter(project=project, plan__year=year, plan__status=PlanStatus.ISSUED)
                .select_related("plan").order_by("line_type"))


def funding_history(project) -> list[PlanLine]:
    """Every issued-edition line of `project`, newest year first (superseded editions left out)."""
    return list(PlanLine.objects.filter(project=project, plan__status=PlanStatus.ISSUED)
                .select_related("plan").order_by("-plan__year", "line_type"))


def totals(plan: AnnualPlan, lines) -> dict:
    """The workspace's figures from the lines already read: by class, unit and kind; capacity used and left."""
    by_class = {c: {"label": label, "count": 0, "amount": ZERO, "prework": ZERO, "requested": ZERO}
                for c, label in PlanClass.choices}
    by_unit: dict[str, dict] = {}
    by_kind: dict[str, dict] = {}
    for line in lines:
        row = by_class[line.plan_class]
        row["count"] += 1
        row["amount"] += line.amount
        row["prework"] += line.prework_amount
        row["requested"] += line.requested_amount
        unit = by_unit.setdefault(line.unit.name, {"count": 0, "amount": ZERO})
        unit["count"] += 1
        unit["amount"] += line.amount
        kind = by_kind.setdefault(line.project.get_kind_display(), {"count": 0, "amount": ZERO})
        kind["count"] += 1
        kind["amount"] += line.amount
    total = sum((r["amount"] for r in by_class.values()), ZERO)
    capacity = plan.capacity
    return {
        "by_class": by_class, "total": total, "count": sum(r["count"] for r in by_class.values()),
        "requested": sum((r["requested"] for r in by_class.values()), ZERO),
        "by_unit": sorted(by_unit.items(), key=lambda kv: -kv[1]["amount"]),
        "by_kind": sorted(by_kind.items(), key=lambda kv: -kv[1]["amount"]),
        "capacity": capacity,
        "remaining": None if capacity is None else capacity - total,
        "used_percent": None if not capacity else float(total * 100 / capacity),
        "a_percent": None if not capacity else float(by_class["A"]["amount"] * 100 / capacity),
    }


def editions(plan: AnnualPlan) -> list[AnnualPlan]:
    return list(AnnualPlan.objects.filter(jurisdiction_id=plan.jurisdiction_id, year=plan.year).order_by("edition"))


DIFF_FIELDS = ("plan_class", "amount", "prework_amount")


def diff(old: AnnualPlan, new: AnnualPlan, *, lines_q: Q | None = None) -> dict:
    """The difference between two editions: lines added, removed and changed (class, amount, pre-work),
    and the capacity. Two queries."""
    def read(plan):
        qs = PlanLine.objects.filter(plan=plan).select_related("project", "unit")
        if lines_q is not None:
            qs = qs.filter(lines_q)
        return {(line.project_id, line.line_type): line for line in qs}

    before, after = read(old), read(new)
    rows = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[0], k[1])):
        a, b = before.get(key), after.get(key)
        if a is None:
            rows.append({"change": "added", "line": b, "old": None, "new": b, "fields": list(DIFF_FIELDS)})
        elif b is None:
            rows.append({"change": "removed", "line": a, "old": a, "new": None, "fields": list(DIFF_FIELDS)})
        else:
            changed = [f for f in DIFF_FIELDS if getattr(a, f) != getattr(b, f)]
            if changed:
                rows.append({"change": "changed", "line": b, "old": a, "new": b, "fields": changed})
    total = lambda lines: sum((line.amount for line in lines.values()), ZERO)  # noqa: E731
    return {"old": old, "new": new, "rows": rows, "capacity_changed": old.capacity != new.capacity,
            "old_total": total(before), "new_total": total(after)}


def adjustments_visible_to(user) -> QuerySet[PlanAdjustment]:
    """The bureaus see every adjustment; a unit its own applications."""
    if not perms.has_perm("planning.view_plans", user):
        return PlanAdjustment.objects.none()
    qs = PlanAdjustment.objects.select_related("plan__jurisdiction", "unit", "result")
    if is_bureau_user(user):
        return qs
    return qs.filter(scope_q(user, "unit") or Q(pk__in=[]))


def access_adjustment_by_id(user, adjustment_id) -> PlanAdjustment:
    adjustment = adjustments_visible_to(user).filter(pk=object_pk(adjustment_id)).first()
    if adjustment is None:
        raise NotFound()
    return adjustment


def pending_adjustments(plan: AnnualPlan) -> QuerySet[PlanAdjustment]:
    return plan.adjustments.filter(status__in=[AdjustmentStatus.APPLIED, AdjustmentStatus.DRC_REVIEWED,
                                               AdjustmentStatus.REVIEWED])
