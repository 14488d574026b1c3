"""Dates are Asia/Shanghai: 'today' is the district's today, whatever the server's clock zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> dt.date:
    return timezone.now().astimezone(SHANGHAI).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` + `months` calendar months; a day the target month lacks becomes its last day (31 Jan + 1 = 28/29 Feb)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
