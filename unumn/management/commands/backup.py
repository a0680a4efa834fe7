import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from unumn.backup import BackupError, backup, database_alias


class Command(BaseCommand):
    """A checked backup of the site (unumn/backup.py): the database, the uploaded files
    and a manifest of what a restore must give back."""

    help = "Back up the database and the uploaded files, with a manifest to verify them by."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", help="The folder to create (default var/backups/<date and time>)."
        )
        parser.add_argument("--database-url", help="Back up this database instead of the site's.")

    def handle(self, *args, out=None, database_url=None, **options):
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = Path(out) if out else Path(settings.VAR_DIR) / "backups" / stamp
        try:
            backup(
                folder,
                alias=database_alias(database_url, alias="backup-source"),
                progress=self.stdout.write,
            )
        except (BackupError, FileExistsError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(str(folder)))
