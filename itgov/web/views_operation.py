"""Pages of operation (filled in by the operation work)."""

from __future__ import annotations

urlpatterns: list = []
SECTIONS: dict[str, str] = {}


def nav_items(user) -> list[dict]:
    return []
