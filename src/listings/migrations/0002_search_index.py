from django.db import migrations

from listings import search_index


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]

    operations = [migrations.RunPython(search_index.install, search_index.uninstall)]
