"""SQLite full-text search: an FTS5 table over the entries' text, kept in step by triggers.

Porter stemming, as PostgreSQL's english configuration: "refugee" finds "refugees".
"""

from django.db import migrations

from unumn.migration_operations import VendorSQL

COLUMNS = "title, search_keywords, summary, body"
NEW = "new.title, new.search_keywords, new.summary, new.body"
OLD = "old.title, old.search_keywords, old.summary, old.body"

CREATE = [
    f"""CREATE VIRTUAL TABLE unumn_entry_fts USING fts5(
        {COLUMNS}, content='unumn_entry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER unumn_entry_fts_insert AFTER INSERT ON unumn_entry BEGIN
        INSERT INTO unumn_entry_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    f"""CREATE TRIGGER unumn_entry_fts_delete AFTER DELETE ON unumn_entry BEGIN
        INSERT INTO unumn_entry_fts(unumn_entry_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD});
    END""",
    f"""CREATE TRIGGER unumn_entry_fts_update AFTER UPDATE OF {COLUMNS} ON unumn_entry BEGIN
        INSERT INTO unumn_entry_fts(unumn_entry_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, {OLD});
        INSERT INTO unumn_entry_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    "INSERT INTO unumn_entry_fts(unumn_entry_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER unumn_entry_fts_update",
    "DROP TRIGGER unumn_entry_fts_delete",
    "DROP TRIGGER unumn_entry_fts_insert",
    "DROP TABLE unumn_entry_fts",
]


class Migration(migrations.Migration):
    dependencies = [("unumn", "0003_visible_covering_index")]

    operations = [VendorSQL("sqlite", sql=CREATE, reverse_sql=DROP)]
