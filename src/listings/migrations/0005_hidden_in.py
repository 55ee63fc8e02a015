"""Record which community hid a listing: listings hidden before this were hidden in their scope."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    Listing = apps.get_model("listings", "Listing")
    Listing.objects.filter(hidden_at__isnull=False, hidden_in__isnull=True).update(hidden_in=models.F("scope"))


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_community_auto_confirm_days"),
        ("listings", "0004_filter_tags"),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="hidden_in",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="communities.community",
                verbose_name="hidden in",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
