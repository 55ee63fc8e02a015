"""Load the QI skills taxonomy (skills/taxonomy.py). Safe to re-run; the reverse removes nothing in use."""

from django.db import migrations
from django.utils.text import slugify


def load_taxonomy(apps, schema_editor):  # type: ignore[no-untyped-def]
    from skills.taxonomy import TAXONOMY

    SkillCategory = apps.get_model("skills", "SkillCategory")
    Skill = apps.get_model("skills", "Skill")
    for position, (category_name, skill_names) in enumerate(TAXONOMY.items()):
        category, _ = SkillCategory.objects.update_or_create(
            slug=slugify(category_name), defaults={"name": category_name, "position": position}
        )
        for name in skill_names:
            Skill.objects.update_or_create(slug=slugify(name), defaults={"name": name, "category": category})


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    operations = [migrations.RunPython(load_taxonomy, migrations.RunPython.noop)]
