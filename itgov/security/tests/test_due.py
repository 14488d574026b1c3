"""Where a system's periodic assessment stands (art. 30 with the profile's intervals), at the exact boundaries: due
on the last assessment's day + the level's interval (month ends included), overdue from the day after, due soon
from `max(reminder_lead_days)` days before; level 2 never required, cryptography only from level 3. And a finding's
state: overdue from the day after its deadline, a remediation after it late."""

from __future__ import annotations

import datetime as dt

import pytest

from itgov.security.choices import DueState
from itgov.security.selectors import FindingState, assessment_due, assessment_months, finding_state

from .conftest import SECURITY_SETTINGS

D = dt.date
DAY = dt.timedelta(days=1)


def due(level, last, today, *, kind="graded", params=SECURITY_SETTINGS, result="conforms"):
    return assessment_due(kind, level=level, params=params, last_on=last, today=today, last_result=result)


def test_level_3_is_assessed_yearly_due_soon_30_days_before_overdue_the_day_after():
    last = D(2025, 3, 10)
    assert due(3, last, last).due_on == D(2026, 3, 10)
    assert due(3, last, D(2026, 2, 7)).state == DueState.CURRENT  # 31 days before
    assert due(3, last, D(2026, 2, 8)).state == DueState.DUE_SOON  # exactly 30 days before
    assert due(3, last, D(2026, 3, 10)).state == DueState.DUE_SOON  # the due day itself
    assert due(3, last, D(2026, 3, 11)).state == DueState.OVERDUE  # the day after
    row = due(3, last, D(2026, 3, 11))
    assert (row.kind, row.months, row.last_on, row.last_passed, row.due_on) == (
        "graded", 12, last, True, D(2026, 3, 10))


def test_level_4_every_six_months():
    last = D(2025, 3, 10)
    assert due(4, last, last).due_on == D(2025, 9, 10)
    assert due(4, last, D(2025, 8, 10)).state == DueState.CURRENT
    assert due(4, last, D(2025, 8, 11)).state == DueState.DUE_SOON
    assert due(4, last, D(2025, 9, 10)).state == DueState.DUE_SOON
    assert due(4, last, D(2025, 9, 11)).state == DueState.OVERDUE


def test_month_end_six_months_after_31_august_is_28_february():
    last = D(2025, 8, 31)
    assert due(4, last, last).due_on == D(2026, 2, 28)
    assert due(4, last, D(2026, 2, 28)).state == DueState.DUE_SOON
    assert due(4, last, D(2026, 3, 1)).state == DueState.OVERDUE
    assert due(4, D(2023, 8, 31), D(2023, 9, 1)).due_on == D(2024, 2, 29)  # a leap year
    assert due(3, D(2024, 2, 29), D(2024, 3, 1)).due_on == D(2025, 2, 28)


@pytest.mark.parametrize("level", [None, 1, 2])
def test_below_level_3_nothing_is_periodically_required(level):
    for kind in ("graded", "crypto"):
        row = due(level, None, D(2026, 1, 1), kind=kind)
        assert (row.state, row.required, row.due_on, row.months) == (DueState.NOT_REQUIRED, False, None, None)


def test_cryptography_from_level_3_with_its_own_interval():
    assert assessment_months("crypto", 2, SECURITY_SETTINGS) is None
    assert assessment_months("crypto", 3, SECURITY_SETTINGS) == 12
    assert assessment_months("crypto", 4, SECURITY_SETTINGS) == 12  # the crypto interval, not the level's 6
    assert assessment_months("risk", 4, SECURITY_SETTINGS) is None
    last = D(2025, 6, 30)
    assert due(4, last, D(2026, 6, 30), kind="crypto").state == DueState.DUE_SOON
    assert due(4, last, D(2026, 7, 1), kind="crypto").state == DueState.OVERDUE
    # a level required but no interval set: no periodic requirement
    assert due(3, None, D(2026, 1, 1), kind="crypto",
               params={**SECURITY_SETTINGS, "crypto_assessment_interval": None}).state == DueState.NOT_REQUIRED


def test_required_and_never_made_is_missing_and_the_last_result_is_kept():
    row = due(3, None, D(2026, 1, 1))
    assert (row.state, row.last_on, row.last_passed, row.due_on) == (DueState.MISSING, None, None, None)
    failed = due(3, D(2025, 12, 1), D(2026, 1, 1), result="fails")
    assert (failed.state, failed.last_passed) == (DueState.CURRENT, False)  # the interval runs from any result
    assert due(3, D(2025, 12, 1), D(2026, 1, 1), result="mostly").last_passed is True


def test_without_reminder_days_there_is_no_due_soon_and_without_a_profile_nothing_is_required():
    params = {**SECURITY_SETTINGS, "reminder_lead_days": None}
    last = D(2025, 3, 10)
    assert due(3, last, D(2026, 3, 10), params=params).state == DueState.CURRENT
    assert due(3, last, D(2026, 3, 11), params=params).state == DueState.OVERDUE
    gulou_2021 = dict.fromkeys(SECURITY_SETTINGS)  # the measures set none of them
    assert due(4, None, D(2026, 3, 11), params=gulou_2021).state == DueState.NOT_REQUIRED
    assert due(4, None, D(2026, 3, 11), params={}).state == DueState.NOT_REQUIRED
    one_day = {**SECURITY_SETTINGS, "reminder_lead_days": [1, 7]}  # the largest counts, whatever the order
    assert due(3, last, D(2026, 3, 3), params=one_day).state == DueState.DUE_SOON
    assert due(3, last, D(2026, 3, 2), params=one_day).state == DueState.CURRENT


class _Finding:
    def __init__(self, due_on, remediated_on=None):
        self.due_on, self.remediated_on = due_on, remediated_on


def test_a_finding_is_overdue_from_the_day_after_its_deadline_and_a_later_remediation_is_late():
    deadline = D(2026, 5, 31)
    assert finding_state(_Finding(deadline), deadline) == FindingState.OPEN
    assert finding_state(_Finding(deadline), deadline + DAY) == FindingState.OVERDUE
    assert finding_state(_Finding(deadline, deadline), deadline + 10 * DAY) == FindingState.REMEDIATED
    assert finding_state(_Finding(deadline, deadline + DAY), deadline + 10 * DAY) == FindingState.REMEDIATED_LATE
