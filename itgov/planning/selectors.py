"""Reads of the annual declaration a user may make."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import reduce
from operator import or_

import rules as perms
from django.db.models import Count, Q, QuerySet, Sum

from itgov.accounts.choices import Role
from itgov.core.dates import local_today
from itgov.core.errors import NotFound
from itgov.organizations.choices import UnitKind
from itgov.organizations.models import Unit
from itgov.rules.measures.ch2_planning import declaration_window
from itgov.rules.profiles import parameters_in_force

from .choices import LineStatus
from .models import DeclarationLine, DeclarationRound
from .policies import visible_lines_q


def rounds_visible_to(user) -> QuerySet[DeclarationRound]:
    if not perms.has_perm("planning.view_rounds", user):
        return DeclarationRound.objects.none()
    return DeclarationRound.objects.select_related("jurisdiction").order_by("-year")


def access_round_by_id(user, round_id) -> DeclarationRound:
    try:
        pk = int(round_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    rnd = rounds_visible_to(user).filter(pk=pk).first()
    if rnd is None:
        raise NotFound()
    return rnd


def lines_visible_to(user, rnd: DeclarationRound) -> QuerySet[DeclarationLine]:
    return (DeclarationLine.objects.filter(round=rnd).filter(visible_lines_q(user))
            .select_related("project__owner_unit", "unit", "via_exception").order_by("unit__kind", "unit__code", "id"))


def access_line_by_id(user, line_id) -> DeclarationLine:
    try:
        pk = int(line_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    line = (DeclarationLine.objects.filter(pk=pk).select_related("project__owner_unit", "unit", "round__jurisdiction")
            .first())
    if line is None or not perms.has_perm("planning.view_rounds", user) or not DeclarationLine.objects.filter(
            visible_lines_q(user), pk=pk).exists():
        raise NotFound()
    return line


def round_status(rnd: DeclarationRound, *, today: dt.date | None = None, params: dict | None = None) -> dict:
    """The window in force today, whether it is upcoming, open or closed, and the days left. Pass `params`
    (the profile in force) when listing many rounds of one jurisdiction."""
    today = today or local_today()
    if params is None:
        params = parameters_in_force(rnd.jurisdiction, today)
    window = declaration_window(rnd.year, params)
    if window is None:
        return {"opens_on": None, "closes_on": None, "state": "unset", "days_left": None}
    start, end = window
    state = "upcoming" if today < start else "open" if today <= end else "closed"
    return {"opens_on": start, "closes_on": end, "state": state,
            "days_left": (end - today).days + 1 if state == "open" else None,
            "days_to_open": (start - today).days if state == "upcoming" else None}


def round_statuses(rounds: list[DeclarationRound], *, today: dt.date | None = None) -> dict[int, dict]:
    """round_status for many rounds, reading each jurisdiction's profile once."""
    today = today or local_today()
    params_by_jurisdiction: dict[int, dict] = {}
    out = {}
    for rnd in rounds:
        if rnd.jurisdiction_id not in params_by_jurisdiction:
            params_by_jurisdiction[rnd.jurisdiction_id] = parameters_in_force(rnd.jurisdiction, today)
        out[rnd.pk] = round_status(rnd, today=today, params=params_by_jurisdiction[rnd.jurisdiction_id])
    return out


def round_summary(user, rnd: DeclarationRound) -> dict:
    """Per unit: declared lines and amount, or not yet; totals by type and class. Two queries."""
    lines = lines_visible_to(user, rnd).filter(status=LineStatus.DECLARED).order_by()  # no ordering in GROUP BY
    per_unit = {row["unit"]: row for row in lines.values("unit").annotate(n=Count("id"), total=Sum("requested_amount"))}
    unit_q = Q(kind__in=[UnitKind.DEPARTMENT, UnitKind.STREET]) | Q(pk__in=list(per_unit))
    units = Unit.objects.filter(unit_q, jurisdiction=rnd.jurisdiction, is_active=True)
    if not _is_bureau(user):
        paths = user.scope_paths(Role.OWNER)
        units = units.filter(reduce(or_, [Q(path__startswith=p) for p in paths], Q(pk__in=[])))
    exceptions = {e.unit_id: e for e in rnd.exceptions.select_related("unit").order_by("deadline")}
    rows = [{"unit": u, "lines": per_unit.get(u.pk, {}).get("n", 0),
             "total": per_unit.get(u.pk, {}).get("total") or Decimal("0"), "exception": exceptions.get(u.pk)}
            for u in units.order_by("kind", "code")]
    totals = {f"{row['line_type']}:{row['proposed_class']}": row["total"]
              for row in lines.values("line_type", "proposed_class").annotate(total=Sum("requested_amount"))}
    return {"units": rows, "declared_units": sum(1 for r in rows if r["lines"]), "all_units": len(rows),
            "total": sum((r["total"] for r in rows), Decimal("0")), "by_type_and_class": totals}


def _is_bureau(user) -> bool:
    from itgov.access.scoping import is_bureau_user

    return is_bureau_user(user)
