"""Audit cooperation (art. 25)."""
