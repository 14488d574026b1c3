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


@pytest.fixture
def district_settings(district):
    """The demo district's settings of what the measures leave open (itgov/demo/profiles): monitoring every 3
    months, a 10% tolerance, incident thresholds — a profile effective 2026-01-01, in force from then on."""
    import json
    from pathlib import Path

    from itgov.rules.services import policy_profile_load

    path = Path(__file__).parent / "itgov" / "demo" / "profiles" / "gulou-2026-settings.json"
    return policy_profile_load(actor=None, spec=json.loads(path.read_text(encoding="utf-8")))
