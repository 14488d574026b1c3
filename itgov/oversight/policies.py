"""Who may do what in audit cooperation (art. 25): filled in by the oversight work."""

from __future__ import annotations
