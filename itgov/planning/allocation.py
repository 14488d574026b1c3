"""The allocation helper (art. 9): which B lines the capacity left after A and C can fund, and why.

A lines are funded in full and C lines carry their pre-work money; B lines share what is left, in order of
priority score, then value per yuan (score per 万元 requested), then the smaller request, then the line's
number. Each B line is funded in full or not at all this round (a B line aims to start within the year); one
that does not fit waits for the mid-year release of A's surplus (art. 9). Pure: no database, O(n log n).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from itgov.core.money import WAN, format_wan

ZERO = Decimal("0")


@dataclass(frozen=True)
class Decision:
    line_id: int
    rank: int
    requested: Decimal
    proposed: Decimal
    funded: bool
    left_after: Decimal
    reason: str


@dataclass(frozen=True)
class Allocation:
    capacity: Decimal
    committed: Decimal  # A in full and C's pre-work
    available: Decimal  # what B may share
    decisions: list[Decision]

    @property
    def funded_total(self) -> Decimal:
        return sum((d.proposed for d in self.decisions), ZERO)

    @property
    def left(self) -> Decimal:
        return self.available - self.funded_total


def value_per_wan(priority: int, requested: Decimal) -> Decimal:
    return Decimal(priority) * WAN / requested if requested > 0 else Decimal(priority) * WAN


def allocate(capacity: Decimal, lines) -> Allocation:
    """`lines`: objects with pk, plan_class, amount, requested_amount, priority."""
    committed = sum((line.amount for line in lines if line.plan_class in ("A", "C")), ZERO)
    available = capacity - committed
    b_lines = sorted((line for line in lines if line.plan_class == "B"),
                     key=lambda line: (-line.priority, -value_per_wan(line.priority, line.requested_amount),
                                       line.requested_amount, line.pk))
    left = max(available, ZERO)
    decisions = []
    for rank, line in enumerate(b_lines, start=1):
        requested = line.requested_amount
        if requested <= left:
            left -= requested
            reason = _("第%(rank)d位(评分%(p)d,每万元%(v)s分):全额安排%(a)s万元,剩余%(l)s万元") % {
                "rank": rank, "p": line.priority, "v": f"{value_per_wan(line.priority, requested):.4f}",
                "a": format_wan(requested), "l": format_wan(left)}
            decisions.append(Decision(line.pk, rank, requested, requested, True, left, reason))
        else:
            reason = _("第%(rank)d位(评分%(p)d):需%(a)s万元,剩余%(l)s万元不足以全额安排,"
                       "待年中根据A类执行情况和结余资金安排(第九条)") % {
                "rank": rank, "p": line.priority, "a": format_wan(requested), "l": format_wan(left)}
            decisions.append(Decision(line.pk, rank, requested, ZERO, False, left, reason))
    return Allocation(capacity=capacity, committed=committed, available=available, decisions=decisions)
