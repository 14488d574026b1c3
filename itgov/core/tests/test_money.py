from decimal import Decimal

import pytest

from itgov.core.money import format_wan, yuan_to_wan


@pytest.mark.parametrize("value,wan", [("1000000.00", "100.00"), ("12345.67", "1.23"), ("0.01", "0.00")])
def test_yuan_to_wan(value, wan):
    assert yuan_to_wan(Decimal(value)) == Decimal(wan)


def test_format_wan_groups_thousands():
    assert format_wan(Decimal("123456789.00")) == "12,345.68"
    assert format_wan(None) == "—"
