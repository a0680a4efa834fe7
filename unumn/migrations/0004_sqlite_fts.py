"""SQLite full-text search: an FTS5 table over the entries' text, kept in step by triggers.

Porter stemming, as PostgreSQL's english configuration: "refugee" finds "refugees".
"""

from django.db import migrations

from unumn.migration_operations import (
    DROP_FTS_TRIGGERS,
    FTS_COLUMNS,
    FTS_REBUILD,
    FTS_TRIGGERS,
    VendorSQL,
)

CREATE = [
    f"""CREATE VIRTUAL TABLE unumn_entry_fts USING fts5(
        {FTS_COLUMNS}, content='unumn_entry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    *FTS_TRIGGERS,
    FTS_REBUILD,
]
DROP = [*DROP_FTS_TRIGGERS, "DROP TABLE unumn_entry_fts"]


class Migration(migrations.Migration):
    dependencies = [("unumn", "0003_visible_covering_index")]

    operations = [VendorSQL("sqlite", sql=CREATE, reverse_sql=DROP)]
