"""A baseline is never edited nor deleted (art. 15): the database refuses an UPDATE or DELETE of its row on
SQLite and on PostgreSQL, whatever code tries. A re-approval inserts a new version."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS approvals_baseline_no_update BEFORE UPDATE ON approvals_baseline
       BEGIN SELECT RAISE(ABORT, 'approvals_baseline is immutable'); END;""",
    """CREATE TRIGGER IF NOT EXISTS approvals_baseline_no_delete BEFORE DELETE ON approvals_baseline
       BEGIN SELECT RAISE(ABORT, 'approvals_baseline is immutable'); END;""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS approvals_baseline_no_update;",
               "DROP TRIGGER IF EXISTS approvals_baseline_no_delete;"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION approvals_baseline_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'approvals_baseline is immutable'; END; $$ LANGUAGE plpgsql;""",
    """DROP TRIGGER IF EXISTS approvals_baseline_immutable ON approvals_baseline;""",
    """CREATE TRIGGER approvals_baseline_immutable BEFORE UPDATE OR DELETE ON approvals_baseline
       FOR EACH ROW EXECUTE FUNCTION approvals_baseline_immutable();""",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS approvals_baseline_immutable ON approvals_baseline;",
                 "DROP FUNCTION IF EXISTS approvals_baseline_immutable();"]


def statements(vendor: str, drop: bool = False) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_DROP if drop else SQLITE
    if vendor == "postgresql":
        return POSTGRES_DROP if drop else POSTGRES
    raise RuntimeError(f"no immutability trigger for {vendor}")


def create(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, drop=True):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
