"""Oversight over /api/v1 (filled in by the oversight work)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["oversight"])
