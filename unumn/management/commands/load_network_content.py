from django.core.management.base import BaseCommand

from unumn import reports
from unumn.content.loader import (
    COUNTRIES_FILE,
    NETWORK_FILE,
    network_content_load,
    read_countries,
    read_network_content,
)
from unumn.db import without_statement_timeout


class Command(BaseCommand):
    """Load the network's content from ``unumn/content/network.toml`` (and the
    country list from ``countries.csv``).

    Creates what is missing and leaves everything that exists as it is, so it
    is safe to run again at any time: it never overwrites an editor's changes.
    """

    help = "Load the UNU Migration Network's content (idempotent; never overwrites edits)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(NETWORK_FILE), help="The content data file.")
        parser.add_argument("--countries", default=str(COUNTRIES_FILE), help="The country list.")

    @without_statement_timeout
    def handle(self, *args, **options):
        data = read_network_content(options["file"])
        report = network_content_load(
            data=data,
            countries=read_countries(options["countries"]),
            progress=lambda message: self.stdout.write(f"  … {message}"),
        )
        for line in report.lines():
            self.stdout.write(line)
        # Reports are made from the entries once they are loaded and indexed.
        for made in reports.load(data.get("reports", []), absolute=reports.site_address):
            self.stdout.write(f"  … report made: {made} ({made.get_absolute_url()})")
        style = self.style.SUCCESS if report.created else self.style.NOTICE
        self.stdout.write(style(f"Done: {report.created} objects created."))
