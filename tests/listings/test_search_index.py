"""After every migration the database still holds what search relies on but the models do not
declare: the full-text triggers and the indexes made in SQL. (Django rebuilds a SQLite table for
some schema changes and drops such triggers and indexes with it.)"""

from django.db import connection

from listings import search_index

SQLITE_TRIGGERS = {"listings_listing_fts_insert", "listings_listing_fts_delete", "listings_listing_fts_update"}
SQLITE_INDEXES = {"listing_scope_live_covering", "user_last_login_for_matching"}
POSTGRES_INDEXES = {"listing_live_created", "listing_search_vector_gin", "user_last_login_for_matching"}


def _names(sql: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0] for row in cursor.fetchall()}


def test_search_triggers_and_indexes_exist(db: None) -> None:
    if connection.vendor == "sqlite":
        assert _names("SELECT name FROM sqlite_master WHERE type = 'trigger'") >= SQLITE_TRIGGERS
        assert _names("SELECT name FROM sqlite_master WHERE type = 'index'") >= SQLITE_INDEXES
        assert _names("SELECT name FROM sqlite_master WHERE type = 'table'") >= {"listings_listing_fts"}
    else:
        assert _names("SELECT indexname FROM pg_indexes") >= POSTGRES_INDEXES
        triggers = _names("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        assert "listings_listing_search_vector_trigger" in triggers


def test_skill_ids_text_is_sorted_and_unique() -> None:
    assert search_index.skill_ids_text([9, 4, 9, 12]) == "4 9 12"
    assert search_index.skill_ids_text([]) == ""
