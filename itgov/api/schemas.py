"""Shared API schemas. Money travels as a string of yuan with at most two decimals (exact, never float)."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

MONEY_PATTERN = r"^\d{1,11}(\.\d{1,2})?$"
Money = Annotated[str, StringConstraints(pattern=MONEY_PATTERN, max_length=14)]


def money(value) -> str | None:
    """A Decimal of yuan as the API sends it ("850000.00"); None stays None."""
    return None if value is None else f"{value:.2f}"


class ErrorDetail(Schema):
    code: str
    message: str
    rule: str | None = None
    article: str | None = None
    fields: dict[str, list[str]] | None = None
    violations: list[dict] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class Page(Schema):
    count: int
    next: str | None = None
    previous: str | None = None


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**ERRORS, 409: ErrorOut, 422: ErrorOut}


class UnitRef(Schema):
    id: int
    code: str
    name: str


def limit_field(default: int = 20):
    return Field(default, ge=1, le=200, description="每页条数(1–200)")


def offset_field():
    return Field(0, ge=0, le=10_000_000, description="起始位置")


def page_links(request, count: int, limit: int, offset: int) -> dict:
    def link(new_offset: int) -> str:
        params = request.GET.copy()
        params["offset"] = str(new_offset)
        params["limit"] = str(limit)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "count": count,
        "next": link(offset + limit) if offset + limit < count else None,
        "previous": link(max(offset - limit, 0)) if offset > 0 else None,
    }
