"""Who may do what in operation (art. 12, 23, 24): filled in by the operation work."""

from __future__ import annotations
