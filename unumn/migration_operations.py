"""Migration operations that only apply to PostgreSQL.

The search index (a GIN index on the tsvector) and a sort index with
``NULLS LAST`` exist only on PostgreSQL; SQLite has neither, and the
catalogue uses a plain fallback there.
"""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
