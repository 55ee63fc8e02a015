"""Indexes for the queries search, browse and match suggestions make, measured with bench_search.

Those queries want "the newest live listings in these scopes, with these filters" and stop after
a thousand or so. Each database gets the index its planner can walk newest first and stop early,
carrying the columns the filters test so that a walk without search words reads only the index:

- PostgreSQL: a partial index of live listings (active, not hidden) on (created_at, id), newest
  first, with the filtered columns included (an index-only scan when the table is vacuumed).
- SQLite: a covering index on (scope, status, created_at, id, ...): SQLite prefers an index that
  starts with the scope, and reads such an index newest first per scope without the table.

Suggested members are the most recently active holders of a skill: an index on the members'
last log-in lets the database walk members newest first instead of sorting every holder.

Not declared on the models: like the full-text index, they serve queries in listings/ alone.
"""

from typing import Any

from django.db import migrations

INDEXES = {
    "postgresql": [
        (
            "listing_live_created",
            "CREATE INDEX IF NOT EXISTS listing_live_created ON listings_listing (created_at DESC, id DESC) "
            "INCLUDE (scope_id, kind, mode, expires_at, author_id, campaign_id) "
            "WHERE status = 'active' AND hidden_at IS NULL",
        ),
        (
            "user_last_login_for_matching",
            "CREATE INDEX IF NOT EXISTS user_last_login_for_matching ON accounts_user (last_login DESC, id DESC)",
        ),
    ],
    "sqlite": [
        (
            "listing_scope_live_covering",
            "CREATE INDEX IF NOT EXISTS listing_scope_live_covering ON listings_listing "
            "(scope_id, status, created_at DESC, id DESC, hidden_at, expires_at, kind, mode, author_id, campaign_id)",
        ),
        (
            "user_last_login_for_matching",
            "CREATE INDEX IF NOT EXISTS user_last_login_for_matching ON accounts_user (last_login DESC, id DESC)",
        ),
    ],
}


def create(apps: Any, schema_editor: Any) -> None:
    for _name, sql in INDEXES.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps: Any, schema_editor: Any) -> None:
    for name, _sql in INDEXES.get(schema_editor.connection.vendor, []):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("listings", "0002_search_index"), ("accounts", "0002_initial")]

    operations = [migrations.RunPython(create, drop)]
