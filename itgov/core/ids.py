"""Ids from paths and forms."""

from __future__ import annotations

from .errors import NotFound


def object_pk(value) -> int:
    """A path or query id as an int: anything that is not a positive integer a database key can hold is simply not
    found (404), never a 500 nor a database overflow."""
    try:
        pk = int(str(value))
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < pk < 2**63:
        raise NotFound()
    return pk
