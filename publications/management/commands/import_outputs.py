"""``manage.py import_outputs FILE --institute SLUG [--dry-run]``: bring publications in
from BibTeX, RIS, CSL-JSON or CSV (``publications/importing.py``), as drafts of an
institute. Prints each record's fate (new, duplicate, update, or why it was refused)
as it goes, then the counts; ``--dry-run`` changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from publications import importing
from unumn.models import Institute


class Command(BaseCommand):
    help = "Import publications (BibTeX, RIS, CSL-JSON, CSV) as drafts of an institute."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--institute", required=True, help="The slug of the institute.")
        parser.add_argument("--format", choices=importing.FORMATS, help="Else from the name.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen.")

    def handle(self, *args, file, institute, format=None, dry_run=False, **options):
        target = Institute.objects.filter(slug=institute).first()
        if target is None:
            raise CommandError(f"No institute {institute!r}.")
        path = Path(file)
        try:
            data = path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        fmt = format or importing.detect(path.name, data)
        try:
            records = importing.read(data, fmt)
        except importing.ImportError_ as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{len(records):,} records read ({fmt}); matching…")
        steps = importing.plan(records)
        for number, step in enumerate(steps, start=1):
            note = f" ({step.reason})" if step.reason else ""
            self.stdout.write(f"  [{number}/{len(steps)}] {step.record.where}: {step.action}"
                              f" {step.title[:70]!r}{note}")  # fmt: skip
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
            return
        counts = importing.apply(steps, institute=target, source=path.name)
        summary = ", ".join(f"{n} {action}" for action, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported into {target.short_name}: {summary}."))
