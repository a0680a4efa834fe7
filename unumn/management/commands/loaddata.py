"""``manage.py loaddata``: Django's, with the search index rebuilt once after the load.

A fixture's rows come in any order (an entry's people may come after it), and loading
them raw skips the handlers that keep the index current, though not all of them (a
many-to-many link still fires one). So the index is left alone during the load and
rebuilt for every entry after it: searches find what they found before the dump.
"""

from django.core.management.commands import loaddata

from unumn.db import without_statement_timeout
from unumn.search import entries_reindex, reindex_suspended


class Command(loaddata.Command):
    help = loaddata.Command.help + " Rebuilds the search index afterwards."

    @without_statement_timeout
    def handle(self, *fixture_labels, **options):
        with reindex_suspended():
            super().handle(*fixture_labels, **options)
        count = entries_reindex(bulk=True)
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(f"Search index rebuilt for {count:,} entries.")
