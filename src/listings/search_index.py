"""The full-text index of listings, kept in step by the database itself.

PostgreSQL: a trigger fills ``listings_listing.search_vector`` (weighted: title A, skills and
improvement B, description C, plus filter tags) and a GIN index serves websearch queries.
SQLite: an external-content FTS5 table ``listings_listing_fts`` (Porter stemming) kept in step
by insert, update and delete triggers.

Django rebuilds a SQLite table for some schema changes, which drops its triggers; the
migration that does so must call ``install`` again (tests/listings/test_search_index.py checks
that the triggers exist after every migration).
"""

from collections.abc import Iterable
from typing import Any

SEARCHED_COLUMNS = ("title", "skills_text", "improvement", "description")
TAGGED_COLUMNS = ("scope_id", "kind", "mode", "skill_ids")

# Filter tags (PostgreSQL): the vector also holds one lexeme per filterable value, '#scope12',
# '#kindoffer', '#moderemote', '#skill7', so one GIN lookup answers "these words, in these
# scopes, with this skill" together (listings.search.tag_query). Typed words never become such a
# lexeme: the parser drops the '#'. Tags carry no position, so ts_rank of the words is unchanged.
TAG_PREFIXES = {"scope": "#scope", "kind": "#kind", "mode": "#mode", "skill": "#skill"}


def skill_ids_text(skill_ids: Iterable[int]) -> str:
    """The value of Listing.skill_ids for these skills."""
    return " ".join(str(pk) for pk in sorted(set(skill_ids)))


POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION listings_listing_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.skills_text, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.improvement, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C') ||
    array_to_tsvector(
      ARRAY['#scope' || NEW.scope_id, '#kind' || NEW.kind, '#mode' || NEW.mode] ||
      ARRAY(SELECT '#skill' || id FROM unnest(string_to_array(NEW.skill_ids, ' ')) AS id WHERE id <> '')
    );
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS listings_listing_search_vector_trigger ON listings_listing;
CREATE TRIGGER listings_listing_search_vector_trigger
  BEFORE INSERT OR UPDATE OF title, skills_text, improvement, description, scope_id, kind, mode, skill_ids
  ON listings_listing FOR EACH ROW EXECUTE FUNCTION listings_listing_search_vector();
UPDATE listings_listing SET title = title;
CREATE INDEX IF NOT EXISTS listing_search_vector_gin ON listings_listing USING gin (search_vector);
"""

POSTGRES_UNINSTALL = """
DROP INDEX IF EXISTS listing_search_vector_gin;
DROP TRIGGER IF EXISTS listings_listing_search_vector_trigger ON listings_listing;
DROP FUNCTION IF EXISTS listings_listing_search_vector();
"""

_cols = ", ".join(SEARCHED_COLUMNS)
_new = ", ".join(f"new.{c}" for c in SEARCHED_COLUMNS)
_old = ", ".join(f"old.{c}" for c in SEARCHED_COLUMNS)

SQLITE_INSTALL = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS listings_listing_fts USING fts5(
        {_cols}, content='listings_listing', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    "DROP TRIGGER IF EXISTS listings_listing_fts_insert",
    "DROP TRIGGER IF EXISTS listings_listing_fts_delete",
    "DROP TRIGGER IF EXISTS listings_listing_fts_update",
    f"""CREATE TRIGGER listings_listing_fts_insert AFTER INSERT ON listings_listing BEGIN
        INSERT INTO listings_listing_fts(rowid, {_cols}) VALUES (new.id, {_new});
    END""",
    f"""CREATE TRIGGER listings_listing_fts_delete AFTER DELETE ON listings_listing BEGIN
        INSERT INTO listings_listing_fts(listings_listing_fts, rowid, {_cols}) VALUES ('delete', old.id, {_old});
    END""",
    f"""CREATE TRIGGER listings_listing_fts_update AFTER UPDATE OF {_cols} ON listings_listing BEGIN
        INSERT INTO listings_listing_fts(listings_listing_fts, rowid, {_cols}) VALUES ('delete', old.id, {_old});
        INSERT INTO listings_listing_fts(rowid, {_cols}) VALUES (new.id, {_new});
    END""",
    "INSERT INTO listings_listing_fts(listings_listing_fts) VALUES ('rebuild')",
]

SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS listings_listing_fts_insert",
    "DROP TRIGGER IF EXISTS listings_listing_fts_delete",
    "DROP TRIGGER IF EXISTS listings_listing_fts_update",
    "DROP TABLE IF EXISTS listings_listing_fts",
]


def install(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_INSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_INSTALL:
            schema_editor.execute(statement)


def uninstall(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UNINSTALL)
    elif vendor == "sqlite":
        for statement in SQLITE_UNINSTALL:
            schema_editor.execute(statement)
