"""The per-role tables of the page tests (catalogue, security, oversight): one status per role, each POST cell in a
transaction rolled back after it."""

from __future__ import annotations

import contextlib

from django.db import transaction

ROLES = ["anon", "admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert"]
DENIAL_EVENTS = {"access.denied", "rule.refused"}


def table(text: str) -> dict[str, int]:
    """'302 403 200 …' in the order of ROLES → {role: status}."""
    codes = text.split()
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, map(int, codes), strict=True))


@contextlib.contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def page_failures(client_for, gets: dict, url_of) -> list[str]:
    """Each page of `gets` ({name: {role: status}}) for each role: the cells whose status differs; an anonymous
    visitor's 302 must lead to the login page."""
    failures = []
    for name, row in gets.items():
        for role, want in row.items():
            response = client_for(role).get(url_of(name))
            if response.status_code != want:
                failures.append(f"{name} {role}: {response.status_code} != {want}")
            elif want == 302 and not response["Location"].startswith("/login/"):
                failures.append(f"{name} {role}: redirected to {response['Location']}")
    return failures
