"""Chapter 3–4, operation (art. 12, 23, 24): go-live only after acceptance, the self-evaluation window, O&M funding
after acceptance and the warranty."""

from __future__ import annotations
