"""Make (or remake) a contribution report from the catalogue as it is now.

    manage.py make_report network-contribution-2018 --title "…" --from 2017-01-01 \
        --until 2018-02-15 --include-unfinished [--selection "theme=…"] \
        [--institute unu-wider …] [--style apa] [--finalise] [--output report.html]

A draft of that slug is updated (a final one is left as it is: start the next report
from it in the admin); ``--finalise`` freezes its text and publishes it at
``/reports/<slug>/``; ``--output`` writes its text to a file.
"""

import datetime
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from unumn import report_files, reports
from unumn.models import Institute, Report


def day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from error


class Command(BaseCommand):
    help = "Make a contribution report from the catalogue (a draft, or --finalise it)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--title")
        parser.add_argument("--audience", default="")
        parser.add_argument("--from", dest="start", type=day)
        parser.add_argument("--until", dest="end", type=day)
        parser.add_argument("--selection", help="The catalogue's parameters.")
        parser.add_argument("--institute", action="append", default=[], dest="institutes")
        parser.add_argument("--include-unfinished", action="store_true")
        parser.add_argument("--exclude-undated", action="store_true")
        parser.add_argument("--style")
        parser.add_argument("--finalise", action="store_true")
        parser.add_argument("--output", help="Write the report's text (HTML) to this file.")
        parser.add_argument("--pdf", help="Write the report as PDF to this file.")
        parser.add_argument("--docx", help="Write the report as DOCX to this file.")
        parser.add_argument(
            "--site", default=settings.SITE_URL, help="The site's address, for its links."
        )

    @transaction.atomic
    def handle(self, *args, slug, **options):
        report = Report.objects.filter(slug=slug).first()
        if report is not None and report.is_final:
            raise CommandError(f"“{report}” is final: its text does not change.")
        institutes = list(Institute.objects.filter(slug__in=options["institutes"]))
        missing = set(options["institutes"]) - {i.slug for i in institutes}
        if missing:
            raise CommandError(f"No such institute: {', '.join(sorted(missing))}.")
        report = report or Report(slug=slug)
        report.title = options["title"] or report.title or slug.replace("-", " ").capitalize()
        report.audience = options["audience"] or report.audience
        report.period_start, report.period_end = options["start"], options["end"]
        # What is not given is left as the draft has it.
        report.selection = (
            options["selection"] if options["selection"] is not None else (report.selection)
        )
        report.citation_style = options["style"] or report.citation_style
        report.include_unfinished = options["include_unfinished"]
        report.include_undated = not options["exclude_undated"]
        try:
            report.full_clean()
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from error
        report.save()
        if options["institutes"]:
            report.institutes.set(institutes)
        self.stdout.write(f"Making “{report}” from the catalogue…")
        started = time.perf_counter()

        def absolute(path):
            return options["site"].rstrip("/") + path

        if options["finalise"]:
            reports.finalise(report, absolute=absolute)
            text = report.final_html
        else:
            text = reports.render_body(report, absolute=absolute)
        took = time.perf_counter() - started
        state = "finalised: /reports/" + slug + "/" if report.is_final else "a draft"
        self.stdout.write(f"Made in {took:.1f} s ({len(text):,} characters), {state}.")
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as file:
                file.write(text)
            self.stdout.write(f"Written to {options['output']}.")
        site = options["site"].rstrip("/")
        for format, make in (("pdf", report_files.pdf), ("docx", report_files.docx)):
            if options[format]:
                self.stdout.write(f"Making the {format.upper()}…")
                started = time.perf_counter()
                extra = {"progress": lambda step: self.stdout.write(f"  … {step}")}
                content = make(report, base_url=site, **(extra if format == "pdf" else {}))
                with open(options[format], "wb") as file:
                    file.write(content)
                took = time.perf_counter() - started
                self.stdout.write(f"{options[format]}: {len(content):,} bytes in {took:.1f} s.")
