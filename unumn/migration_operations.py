"""Migration operations that apply to one database only.

The search index differs by database: on PostgreSQL a GIN index on the
tsvector (and a sort index with ``NULLS LAST``); on SQLite an FTS5 table
kept in step with the entries by triggers.
"""

from django.db import migrations


class VendorSQL(migrations.RunSQL):
    """``RunSQL`` that runs only on the given database vendor."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# SQLite full-text search: an FTS5 table over the entries' text, kept in step by
# triggers (Porter stemming, as PostgreSQL's english configuration: "refugee" finds
# "refugees"). A migration that makes SQLite rebuild the entry table (altering a
# column or a constraint) drops the triggers with the old table: such a migration
# wraps its operations in ``around_sqlite_table_rebuild()``.
FTS_COLUMNS = "title, search_keywords, summary, body"
_NEW = "new.title, new.search_keywords, new.summary, new.body"
_OLD = "old.title, old.search_keywords, old.summary, old.body"
FTS_TRIGGERS = [
    f"""CREATE TRIGGER unumn_entry_fts_insert AFTER INSERT ON unumn_entry BEGIN
        INSERT INTO unumn_entry_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER unumn_entry_fts_delete AFTER DELETE ON unumn_entry BEGIN
        INSERT INTO unumn_entry_fts(unumn_entry_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, {_OLD});
    END""",
    f"""CREATE TRIGGER unumn_entry_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON unumn_entry BEGIN
        INSERT INTO unumn_entry_fts(unumn_entry_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, {_OLD});
        INSERT INTO unumn_entry_fts(rowid, {FTS_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
]
FTS_REBUILD = "INSERT INTO unumn_entry_fts(unumn_entry_fts) VALUES ('rebuild')"
DROP_FTS_TRIGGERS = [
    "DROP TRIGGER IF EXISTS unumn_entry_fts_update",
    "DROP TRIGGER IF EXISTS unumn_entry_fts_delete",
    "DROP TRIGGER IF EXISTS unumn_entry_fts_insert",
]


def around_sqlite_table_rebuild(*operations):
    """``operations``, with the FTS triggers dropped before and re-created (and the
    index rebuilt) after, on SQLite; in either direction."""
    restore = [*DROP_FTS_TRIGGERS, *FTS_TRIGGERS, FTS_REBUILD]
    return [
        VendorSQL("sqlite", sql=DROP_FTS_TRIGGERS, reverse_sql=restore),
        *operations,
        VendorSQL("sqlite", sql=restore, reverse_sql=DROP_FTS_TRIGGERS),
    ]
