"""The full-text index as first built. Its PostgreSQL trigger is frozen here: the current one
(listings.search_index, installed again by 0004) reads columns that do not exist yet."""

from typing import Any

from django.db import migrations

from listings import search_index

POSTGRES_INSTALL_0002 = """
CREATE OR REPLACE FUNCTION listings_listing_search_vector() RETURNS trigger AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(NEW.skills_text, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.improvement, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS listings_listing_search_vector_trigger ON listings_listing;
CREATE TRIGGER listings_listing_search_vector_trigger
  BEFORE INSERT OR UPDATE OF title, skills_text, improvement, description ON listings_listing
  FOR EACH ROW EXECUTE FUNCTION listings_listing_search_vector();
UPDATE listings_listing SET title = title;
CREATE INDEX IF NOT EXISTS listing_search_vector_gin ON listings_listing USING gin (search_vector);
"""


def install(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_INSTALL_0002)
    else:
        search_index.install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]

    operations = [migrations.RunPython(install, search_index.uninstall)]
