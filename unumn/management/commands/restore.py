from django.core.management.base import BaseCommand, CommandError

from unumn.backup import BackupError, database_alias, restore


class Command(BaseCommand):
    """Put a backup of ``manage.py backup`` back, and check it against its manifest
    (unumn/backup.py). It replaces what the database holds: ``--yes`` to confirm."""

    help = "Restore a backup (database and uploaded files), then verify it."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by manage.py backup.")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the site's (to check a backup).",
        )
        parser.add_argument("--media-root", help="Restore the uploaded files here instead.")
        parser.add_argument("--yes", action="store_true", help="Replace without asking.")

    def handle(self, *args, folder, database_url=None, media_root=None, yes=False, **options):
        if not yes:
            raise CommandError(
                "A restore replaces the database and the uploaded files: add --yes to go on."
            )
        try:
            restore(
                folder,
                alias=database_alias(database_url),
                media_root=media_root,
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
