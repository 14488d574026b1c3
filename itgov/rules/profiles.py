"""Which profile is in force: the jurisdiction's newest profile effective on the case's date, or, where
it has none, its parent's (a district without its own thresholds follows its city)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from itgov.core.dates import local_today

from .models import PolicyProfile


def profile_in_force(jurisdiction, on: dt.date | None = None) -> PolicyProfile | None:
    day = on or local_today()
    current = jurisdiction
    while current is not None:
        profile = (PolicyProfile.objects.filter(jurisdiction=current, effective_from__lte=day)
                   .order_by("-effective_from").first())
        if profile is not None:
            return profile
        current = current.parent
    return None


def parameters_in_force(jurisdiction, on: dt.date | None = None) -> dict[str, Any]:
    profile = profile_in_force(jurisdiction, on)
    return dict(profile.parameters) if profile else {}
