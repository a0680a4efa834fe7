from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("publications", "0004_series_from_container_titles")]

    operations = [
        # Reversed, the column comes back empty; 0004's reverse then fills it from the series.
        migrations.RemoveField(model_name="publication", name="container_title"),
    ]
