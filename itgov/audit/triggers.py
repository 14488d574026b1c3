"""The triggers that keep records unchangeable in the database itself — the audit trail (append-only), the
approval baselines and the answers to the audit bureau (immutable) — for code that must check or (in the test harness only) re-create them."""

import importlib

from django.db import connection

_migrations = [importlib.import_module("itgov.audit.migrations.0002_append_only_triggers"),
               importlib.import_module("itgov.approvals.migrations.0002_baseline_immutable"),
               importlib.import_module("itgov.oversight.migrations.0002_answers_immutable")]


def install_triggers() -> None:
    with connection.cursor() as cursor:
        for migration in _migrations:
            for sql in migration.statements(connection.vendor):
                cursor.execute(sql)


def drop_triggers() -> None:
    """Only for the test harness, whose teardown empties every table."""
    with connection.cursor() as cursor:
        for migration in _migrations:
            for sql in migration.statements(connection.vendor, drop=True):
                cursor.execute(sql)
