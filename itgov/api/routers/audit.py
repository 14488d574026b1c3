"""The audit trail for the audit bureau: search and export (art. 4, 25). Nothing edits an event."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints

from itgov.audit import access as audit_access
from itgov.audit.selectors import audit_events_search
from itgov.projects.selectors import classified_hidden_from

from ..schemas import ERRORS, Page, limit_field, offset_field, page_links

router = Router(tags=["audit"])
Str100 = Annotated[str, StringConstraints(max_length=100)]


class AuditFilters(Schema):
    q: Str100 = ""
    event_type: Annotated[str, StringConstraints(max_length=40)] = ""
    actor: Str100 = ""
    unit: Str100 = ""
    project_id: int | None = Field(None, ge=1, le=2**62)
    since: dt.date | None = None
    until: dt.date | None = None
    ordering: Literal["-seq", "seq"] = Field("-seq", description="-seq 最新在前;seq 最早在前")
    limit: int = limit_field(50)
    offset: int = offset_field()


class AuditEventOut(Schema):
    seq: int
    at: dt.datetime
    event_type: str
    actor_id: int | None
    actor_name: str
    unit_name: str
    ip: str | None
    channel: str
    object_type: str
    object_id: str
    object_repr: str
    project_id: int | None
    before: dict | list | None
    after: dict | list | None
    reason: str
    rule_results: dict | list | None
    hash: str


class AuditEventList(Page):
    items: list[AuditEventOut]


@router.get("/audit/events", response={200: AuditEventList, **ERRORS}, summary="审计事件检索")
def audit_events(request, filters: Query[AuditFilters]):
    audit_access.require_audit(request.auth, "audit.search")
    qs = audit_events_search(**filters.dict(exclude={"limit", "offset", "ordering"}),
                             hidden_project_ids=classified_hidden_from(request.auth)).order_by(filters.ordering)
    count = qs.count()
    return {**page_links(request, count, filters.limit, filters.offset),
            "items": list(qs[filters.offset: filters.offset + filters.limit])}
