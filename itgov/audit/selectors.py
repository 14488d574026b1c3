"""Searching the audit trail (the audit bureau's view, art. 4 and 25)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import AuditEvent


def audit_events_search(*, q: str = "", event_type: str = "", actor: str = "", unit: str = "",
                        project_id: int | None = None, since: dt.date | None = None,
                        until: dt.date | None = None, hidden_project_ids=None) -> QuerySet[AuditEvent]:
    """Events matching the filters, newest first. `hidden_project_ids` (ids or a subquery) are the projects
    the searcher may not see — classified ones (art. 5): their events are left out entirely."""
    from itgov.core.dates import SHANGHAI

    qs = AuditEvent.objects.all()
    if hidden_project_ids is not None:
        qs = qs.exclude(project_id__in=hidden_project_ids)
    if event_type:
        qs = qs.filter(event_type__startswith=event_type) if event_type.endswith(".") else qs.filter(
            event_type=event_type)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if unit:
        qs = qs.filter(unit_name__icontains=unit)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if since:
        qs = qs.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=SHANGHAI))
    if until:
        qs = qs.filter(at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI))
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(reason__icontains=q) | Q(actor_name__icontains=q))
    return qs.order_by("-seq")
