"""Pages of oversight (filled in by the oversight work)."""

from __future__ import annotations

urlpatterns: list = []
SECTIONS: dict[str, str] = {}


def nav_items(user) -> list[dict]:
    return []
