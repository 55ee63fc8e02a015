"""Transfers are append-only: UPDATE and DELETE raise, whoever runs them.

TRUNCATE (a table owner's maintenance command, used by the test suite to empty tables) is left alone.
On SQLite, where emptying a table for tests is a DELETE, only UPDATE is blocked by a trigger; no code
path deletes transfers (ledger.posting only inserts), and verify_ledger would notice a gap in balances.
"""

from typing import Any

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION ledger_transfer_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger transfers are append-only: %% is not allowed; post a reversal instead', TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_transfer_no_update BEFORE UPDATE ON ledger_transfer
  FOR EACH ROW EXECUTE FUNCTION ledger_transfer_append_only();
CREATE TRIGGER ledger_transfer_no_delete BEFORE DELETE ON ledger_transfer
  FOR EACH ROW EXECUTE FUNCTION ledger_transfer_append_only();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS ledger_transfer_no_update ON ledger_transfer;
DROP TRIGGER IF EXISTS ledger_transfer_no_delete ON ledger_transfer;
DROP FUNCTION IF EXISTS ledger_transfer_append_only();
"""

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS ledger_transfer_no_update BEFORE UPDATE ON ledger_transfer
       BEGIN SELECT RAISE(ABORT, 'ledger transfers are append-only: UPDATE is not allowed; post a reversal instead'); END""",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS ledger_transfer_no_update",
    "DROP TRIGGER IF EXISTS ledger_transfer_no_delete",
]


def install(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)


def uninstall(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UNINSTALL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
