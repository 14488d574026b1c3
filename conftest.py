"""Test harness: the audit triggers survive table flushes, the policy profile is loaded, and factories
build a small district with a user for every role."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright runs an event loop in the test thread


@pytest.fixture(autouse=True, scope="session")
def _flush_keeps_audit_triggers():
    """Transactional tests end with `flush`, which DELETEs every row on SQLite: let it through the
    append-only trigger for that one statement and put the trigger back at once."""
    from django.core.management.commands import flush

    from itgov.audit.triggers import drop_triggers, install_triggers

    original = flush.Command.handle

    def handle(self, *args, **options):
        drop_triggers()
        try:
            return original(self, *args, **options)
        finally:
            install_triggers()

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture
def policy(db):
    from itgov.rules.services import policy_profiles_load_bundled

    return policy_profiles_load_bundled()[0]


@pytest.fixture
def district(policy):
    """A small district: the five bureaus, two departments (one with a sub-unit), a street, a firm,
    and one user for each role. Returns a namespace of units and users."""
    from tests.factories import build_district

    return build_district()
