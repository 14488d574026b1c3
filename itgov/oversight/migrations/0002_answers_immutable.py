"""An audit answer and its files are never edited nor withdrawn (art. 25: 如实提供…不得拒绝、隐匿、瞒报): the
database refuses an UPDATE or DELETE of their rows on SQLite and on PostgreSQL, whatever code (or person with a SQL
prompt but no DDL rights) tries. A further answer supplements an earlier one."""

from django.db import migrations

TABLES = ("oversight_auditanswer", "oversight_auditanswerfile")

SQLITE = [sql for table in TABLES for sql in (
    f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is immutable'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is immutable'); END;""",
)]
SQLITE_DROP = [sql for table in TABLES for sql in (f"DROP TRIGGER IF EXISTS {table}_no_update;",
                                                      f"DROP TRIGGER IF EXISTS {table}_no_delete;")]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION oversight_answer_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'oversight answers are immutable'; END; $$ LANGUAGE plpgsql;""",
    *[sql for table in TABLES for sql in (
        f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};",
        f"""CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION oversight_answer_immutable();""",
    )],
]
POSTGRES_DROP = [*[f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};" for table in TABLES],
                 "DROP FUNCTION IF EXISTS oversight_answer_immutable();"]


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
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
