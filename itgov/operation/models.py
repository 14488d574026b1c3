"""Operation (art. 12, 23, 24)."""
