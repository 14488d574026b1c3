"""Dates are Asia/Shanghai: 'today' is the district's today, whatever the server's clock zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.now().astimezone(SHANGHAI).date()


def local_date(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else moment.astimezone(SHANGHAI).date()
