from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itgov.core.money import format_wan, to_yuan, yuan_to_wan


@pytest.mark.parametrize("value,wan", [("1000000.00", "100.00"), ("12345.67", "1.23"), ("0.01", "0.00")])
def test_yuan_to_wan(value, wan):
    assert yuan_to_wan(Decimal(value)) == Decimal(wan)


def test_format_wan_groups_thousands():
    assert format_wan(Decimal("123456789.00")) == "12,345.68"
    assert format_wan(None) == "—"


@pytest.mark.parametrize("bad", ["abc", "1.234", "NaN", "Infinity", ""])
def test_to_yuan_refuses_non_amounts(bad):
    with pytest.raises(ValueError):
        to_yuan(bad)


@given(st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False, allow_infinity=False))
def test_to_yuan_is_exact(amount):
    assert to_yuan(str(amount)) == amount
