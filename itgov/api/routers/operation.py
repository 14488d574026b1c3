"""Operation over /api/v1 (filled in by the operation work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["operation"])
