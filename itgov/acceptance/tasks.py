"""Background jobs of acceptance: each night a failed project that let its rectification deadline pass without
applying again has its owner unit's later approvals suspended (art. 23)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="17", minute="20"))  # 01:20 in Shanghai: huey keeps UTC
def suspend_overdue_rectifications() -> int:
    from .services import suspend_overdue_rectifications as suspend

    return suspend()
