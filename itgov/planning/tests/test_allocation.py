"""The allocation helper (art. 9) as properties: whatever the lines and the capacity, B gets no more than A
and C leave, every B line is funded in full or not at all, the order is by score then value per yuan, and a
line that waits could not have fitted when its turn came."""

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from itgov.planning.allocation import allocate, value_per_wan


@dataclass
class Line:
    pk: int
    plan_class: str
    amount: Decimal
    requested_amount: Decimal
    priority: int


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000000"), places=2)
lines_strategy = st.lists(st.tuples(st.sampled_from("ABC"), money, st.integers(0, 100)), max_size=60)


def build(rows):
    return [Line(pk=i + 1, plan_class=c, amount=a, requested_amount=a, priority=p) for i, (c, a, p) in enumerate(rows)]


@given(lines_strategy, st.decimals(min_value=Decimal("0"), max_value=Decimal("500000000"), places=2))
def test_b_shares_only_what_a_and_c_leave_and_each_line_is_all_or_nothing(rows, capacity):
    lines = build(rows)
    result = allocate(capacity, lines)

    committed = sum((line.amount for line in lines if line.plan_class in "AC"), Decimal("0"))
    assert result.committed == committed and result.available == capacity - committed
    assert result.funded_total <= max(result.available, Decimal("0"))
    by_id = {line.pk: line for line in lines}
    assert sorted(d.line_id for d in result.decisions) == sorted(line.pk for line in lines if line.plan_class == "B")
    left = max(result.available, Decimal("0"))
    for decision in result.decisions:  # in rank order
        line = by_id[decision.line_id]
        assert decision.proposed in (Decimal("0"), line.requested_amount)
        if decision.funded:
            left -= line.requested_amount
        else:
            assert line.requested_amount > left  # it did not fit when its turn came
        assert decision.left_after == left and decision.reason


@given(lines_strategy)
def test_the_order_is_score_then_value_per_yuan(rows):
    lines = build(rows)
    ranked = [next(line for line in lines if line.pk == d.line_id) for d in allocate(Decimal("0"), lines).decisions]
    keys = [(-line.priority, -value_per_wan(line.priority, line.requested_amount)) for line in ranked]
    assert keys == sorted(keys)
    assert [d.rank for d in allocate(Decimal("0"), lines).decisions] == list(range(1, len(ranked) + 1))


def test_five_thousand_lines_are_allocated_in_one_pass():
    lines = [Line(pk=i, plan_class="B", amount=Decimal(0), requested_amount=Decimal(1000 + i), priority=i % 101)
             for i in range(1, 5001)]
    result = allocate(Decimal("2500000"), lines)
    assert len(result.decisions) == 5000
    assert result.funded_total <= Decimal("2500000")
    assert result.decisions[0].line_id == 100  # the highest score (100), then the smallest request
