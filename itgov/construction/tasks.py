"""Background jobs of construction control: each night the ratings and flags of the projects being built are
recomputed (milestone slippage grows with the days, monitoring falls due) and incidents proposed (art. 21)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="17", minute="10"))  # 01:10 in Shanghai: huey keeps UTC
def refresh_construction_risks() -> int:
    from .services import refresh_all_risks

    return refresh_all_risks()
