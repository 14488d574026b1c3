"""Chapter 4, oversight (art. 25): units cooperate with audit, truthfully; answers are never withdrawn."""

from __future__ import annotations
