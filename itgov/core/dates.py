"""Dates are Asia/Shanghai: 'today' is the district's today, whatever the server's clock zone."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> dt.date:
    return timezone.now().astimezone(SHANGHAI).date()
