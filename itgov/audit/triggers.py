"""The append-only triggers, for code that must check or (in the test harness only) re-create them."""

import importlib

from django.db import connection

_migration = importlib.import_module("itgov.audit.migrations.0002_append_only_triggers")


def install_triggers() -> None:
    with connection.cursor() as cursor:
        for sql in _migration.statements(connection.vendor):
            cursor.execute(sql)


def drop_triggers() -> None:
    """Only for the test harness, whose teardown empties every table."""
    with connection.cursor() as cursor:
        for sql in _migration.statements(connection.vendor, drop=True):
            cursor.execute(sql)
