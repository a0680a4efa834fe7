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
