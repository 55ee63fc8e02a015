"""Filter tags in PostgreSQL's search vector (see listings.search_index): a listing's skill ids
are copied onto the row, and the trigger adds scope, kind, mode and skill lexemes."""

from importlib import import_module
from typing import Any

from django.db import migrations, models

from listings import search_index

FILL_SKILL_IDS = {
    "postgresql": "UPDATE listings_listing SET skill_ids = coalesce((SELECT string_agg(skill_id::text, ' ' "
    "ORDER BY skill_id) FROM listings_listing_skills WHERE listing_id = listings_listing.id), '')",
    "sqlite": "UPDATE listings_listing SET skill_ids = coalesce((SELECT group_concat(skill_id, ' ') FROM "
    "(SELECT skill_id FROM listings_listing_skills WHERE listing_id = listings_listing.id ORDER BY skill_id)), '')",
}


def fill(apps: Any, schema_editor: Any) -> None:
    sql = FILL_SKILL_IDS.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: install() creates an index
    # PostgreSQL: the new trigger, and every vector rebuilt. SQLite rebuilt the table to add the
    # column, which dropped the full-text triggers and the indexes 0003 made in SQL: put them back.
    search_index.install(apps, schema_editor)
    import_module("listings.migrations.0003_search_and_matching_indexes").create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("listings", "0003_search_and_matching_indexes")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="skill_ids",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Skill ids, for search filters.",
                max_length=300,
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
