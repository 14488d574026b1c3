"""Money is Decimal yuan in storage and in the API; people read 万元."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

YUAN_PLACES = Decimal("0.01")
WAN = Decimal(10000)
# The largest amount the system accepts: 10^12 yuan (一万亿元), far beyond any district project.
MAX_YUAN = Decimal("999999999999.99")


def to_yuan(value) -> Decimal:
    """Parse a yuan amount exactly (never through float); raises ValueError when it is not one."""
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("not a number") from exc
    if not amount.is_finite():
        raise ValueError("not a finite number")
    if amount != amount.quantize(YUAN_PLACES, rounding=ROUND_HALF_UP):
        raise ValueError("more than two decimal places")
    return amount.quantize(YUAN_PLACES)


def yuan_to_wan(amount: Decimal | None) -> Decimal | None:
    if amount is None:
        return None
    return (amount / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_wan(amount: Decimal | None) -> str:
    """1234567.89 yuan → '123.46' (万元), with thousands separators."""
    wan = yuan_to_wan(amount)
    return "—" if wan is None else f"{wan:,.2f}"
