"""A database-level guard: a published version cannot be updated (nor, on PostgreSQL, deleted).

Whatever door a change comes through (a page, the API, the admin, a shell, raw
SQL), the database itself refuses it. On SQLite only UPDATE is refused, since
Django's ``flush`` (used between tests) empties tables with DELETE; PostgreSQL
flushes with TRUNCATE, which row triggers do not see.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION disclosure_itemversion_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'disclosure_itemversion % is published and cannot be changed', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER disclosure_itemversion_immutable
    BEFORE UPDATE OR DELETE ON disclosure_itemversion
    FOR EACH ROW EXECUTE FUNCTION disclosure_itemversion_immutable();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS disclosure_itemversion_immutable ON disclosure_itemversion;
DROP FUNCTION IF EXISTS disclosure_itemversion_immutable();
"""
SQLITE_FORWARD = """
CREATE TRIGGER disclosure_itemversion_immutable
BEFORE UPDATE ON disclosure_itemversion
BEGIN
    SELECT RAISE(ABORT, 'disclosure_itemversion is published and cannot be changed');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS disclosure_itemversion_immutable;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_register")]

    operations = [migrations.RunPython(forward, backward)]
