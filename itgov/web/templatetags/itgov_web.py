"""Display helpers for the pages: 万元, status badges, Asia/Shanghai times, parameter values."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from itgov.core.dates import SHANGHAI
from itgov.core.money import format_wan
from itgov.rules.articles import cite

register = template.Library()

STATUS_BADGES = {
    "draft": "text-bg-secondary",
    "proposed": "text-bg-primary",
    "in_reserve": "text-bg-success",
    "planned": "text-bg-info",
    "initiation_submitted": "text-bg-primary",
    "under_review": "text-bg-warning",
    "approved": "text-bg-success",
    "budgeted": "text-bg-success",
    "initiation_rejected": "text-bg-danger",
    "in_construction": "text-bg-primary",
    "suspended": "text-bg-danger",
    "trial_operation": "text-bg-info",
    "acceptance_applied": "text-bg-primary",
    "withdrawn": "text-bg-dark",
}
# The annual investment plan's editions and its adjustments (art. 8–10).
PLAN_BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "cosigned": "text-bg-warning",
    "issued": "text-bg-success",
    "superseded": "text-bg-light border",
}
ADJUSTMENT_BADGES = {
    "applied": "text-bg-primary",
    "drc_reviewed": "text-bg-info",
    "reviewed": "text-bg-warning",
    "consented": "text-bg-success",
    "rejected": "text-bg-danger",
    "withdrawn": "text-bg-dark",
}
CLASS_BADGES = {"A": "text-bg-danger", "B": "text-bg-primary", "C": "text-bg-secondary"}
COMPLIANCE_BADGES = {
    "met": "text-bg-success",
    "violated": "text-bg-danger",
    "pending": "text-bg-warning",
    "not_applicable": "text-bg-light border",
}
COMPLIANCE_ICONS = {"met": "check-circle-fill", "violated": "x-circle-fill", "pending": "hourglass-split",
                    "not_applicable": "dash-circle"}


@register.filter
def wan(amount) -> str:
    """Decimal yuan → '123.46' (万元)."""
    return format_wan(amount)


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(str(status), "text-bg-secondary")


@register.filter
def plan_badge(status: str) -> str:
    return PLAN_BADGES.get(str(status), "text-bg-secondary")


@register.filter
def adjustment_badge(status: str) -> str:
    return ADJUSTMENT_BADGES.get(str(status), "text-bg-secondary")


@register.filter
def class_badge(plan_class: str) -> str:
    return CLASS_BADGES.get(str(plan_class), "text-bg-light border")


@register.filter
def percent_width(value) -> str:
    """A percentage for a progress bar's CSS width: clamped to 0–100, dot decimal whatever the locale."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "0"
    return f"{max(0.0, min(100.0, number)):.1f}"


@register.filter
def compliance_badge(status: str) -> str:
    return COMPLIANCE_BADGES.get(str(status), "text-bg-secondary")


@register.filter
def compliance_icon(status: str) -> str:
    return COMPLIANCE_ICONS.get(str(status), "circle")


@register.filter
def shanghai(moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A moment as Asia/Shanghai wall-clock time, whatever the active time zone."""
    if moment is None:
        return "—"
    return moment.astimezone(SHANGHAI).strftime(fmt)


@register.filter
def param_value(value) -> str:
    """A policy parameter's JSON value for people: lists joined, ranges and windows spelled out."""
    if value is None:
        return _("未设定")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"min", "max"}:
            return f"{value['min']} – {value['max']}"
        if set(value) == {"start", "end"}:
            return f"{value['start']} – {value['end']}"
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


@register.filter
def is_business_event(event) -> bool:
    """Project events carry a human reason; denials and refusals keep the attempted action there."""
    return str(getattr(event, "event_type", "")).startswith("project.")


@register.filter
def refused_articles(event) -> str:
    """The articles a refused attempt broke (from the event's rule results)."""
    results = getattr(event, "rule_results", None) or []
    if isinstance(results, dict):
        results = [results]
    articles = [r.get("article", "") for r in results
                if isinstance(r, dict) and r.get("status", "violated") == "violated" and r.get("article")]
    return "、".join(dict.fromkeys(articles))


@register.filter
def bs(bound_field):
    """Render a form field's widget, marked invalid (Bootstrap) and tied to its error text when it has errors."""
    if not bound_field.errors:
        return bound_field.as_widget()
    widget_attrs = bound_field.field.widget.attrs
    css = f"{widget_attrs.get('class', 'form-control')} is-invalid"
    return bound_field.as_widget(attrs={"class": css, "aria-invalid": "true",
                                        "aria-describedby": f"{bound_field.auto_id}_errors"})


_CITATIONS = {cite(n): n for n in range(1, 100)}


@register.filter
def article(value) -> str:
    """An article as the reader's language cites it: 28 or '第二十八条' → '第二十八条' / 'Art. 28'."""
    number = value if isinstance(value, int) else _CITATIONS.get(str(value))
    if number is None:
        return str(value)
    return f"Art. {number}" if (get_language() or "").startswith("en") else cite(number)
