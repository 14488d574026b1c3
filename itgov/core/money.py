"""Money is Decimal yuan in storage and in the API; people read 万元."""

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10000)


def yuan_to_wan(amount: Decimal | None) -> Decimal | None:
    if amount is None:
        return None
    return (amount / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_wan(amount: Decimal | None) -> str:
    """1234567.89 yuan → '123.46' (万元), with thousands separators."""
    wan = yuan_to_wan(amount)
    return "—" if wan is None else f"{wan:,.2f}"
