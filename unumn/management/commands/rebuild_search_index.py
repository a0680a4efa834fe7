from django.core.management.base import BaseCommand

from unumn.db import without_statement_timeout
from unumn.search import entries_reindex


class Command(BaseCommand):
    """Rebuild the search index of every entry (after a bulk import, or to repair it)."""

    help = "Rebuild the full-text search index of all entries, with progress."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    @without_statement_timeout
    def handle(self, *args, **options):
        def progress(done, total):
            self.stdout.write(f"\r  indexed {done:,} of {total:,} entries", ending="")
            self.stdout.flush()

        count = entries_reindex(batch_size=options["batch_size"], progress=progress, bulk=True)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt for {count:,} entries."))
