"""Reads of trial operation and acceptance (art. 22): the dates that govern the application."""

from __future__ import annotations

import datetime as dt

from .models import AcceptanceApplication


def acceptance_dates(project, params: dict, today: dt.date) -> dict:
    """Day T, the first day the unit may apply (T + `min_trial_run` months), the last day before it is late
    (T + `acceptance_window` months), and where today stands."""
    from itgov.core.dates import add_months
    from itgov.rules.measures.ch4_acceptance import is_late

    trial = project.trial_started_on
    if trial is None:
        return {"trial_started_on": None, "earliest": None, "due": None, "may_apply": False, "late": False}
    earliest = add_months(trial, int(params["min_trial_run"])) if params.get("min_trial_run") else trial
    due = add_months(trial, int(params["acceptance_window"])) if params.get("acceptance_window") else None
    return {"trial_started_on": trial, "earliest": earliest, "due": due, "may_apply": today >= earliest,
            "late": is_late(trial, today, params)}


def applications_of(project) -> list[AcceptanceApplication]:
    return list(AcceptanceApplication.objects.filter(project=project).select_related("applied_by"))
