"""Measure the catalogue through the full Django stack on a seeded benchmark database.

Each representative request is served by Django's test client (middleware,
URL routing, views, templates, database) ``--repeat`` times after a warm-up;
the command prints p50/p95 latency, the number of queries, the number of
results, the Python memory one request allocates at its peak, and the peak
memory (RSS) of this process, which only serves requests: seed with
``seed_benchmark`` first, in another process.

The catalogue keeps what a query found (its matches, snippets and suggestions) for
the content version: a request asked again is cheaper. The "first" columns time
each request with those forgotten first: what a query nobody asked yet costs.
"""

import gc
import re
import resource
import time
import tracemalloc

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings

from unumn import catalogue, kinds
from unumn.models import Entry, Institute, Person, Theme

RESULT_COUNT = re.compile(rb'id="result-count">([0-9,]+)<')
COLUMNS = (
    ("request", "<28"),
    ("p50 ms", ">8"),
    ("p95 ms", ">8"),
    ("queries", ">8"),
    ("results", ">9"),
    ("py MB", ">7"),
    ("first p50", ">10"),
    ("first p95", ">10"),
)


class QueryCounter:
    """Counts the queries a request runs (a ``connection.execute_wrapper``)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Time representative catalogue requests (p50/p95, queries, memory); prints a table."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=40)
        parser.add_argument("--warmup", type=int, default=3)

    def handle(self, *args, **options):
        total = Entry.objects.published().count()
        if not total:
            raise CommandError("The database is empty: run seed_benchmark first.")
        client = Client()
        rows = []
        # What a page costs to make: none is served from the page cache here (loadtest
        # --page-cache measures that).
        with override_settings(PAGE_CACHE=False):
            for label, urls in self.representative_requests(total):
                rows.append((label, *self.measure(client, urls, options)))
                self.stdout.write(f"  measured: {label}")
        self.print_table(rows, total)

    def measure(self, client, urls, options):
        for i in range(options["warmup"]):
            self.fetch(client, urls[i % len(urls)])
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.fetch(client, urls[0])
        match = RESULT_COUNT.search(response.content)
        results = match.group(1).decode() if match else "—"
        # tracemalloc slows a request down, so memory is measured apart from the timings.
        gc.collect()
        tracemalloc.start()
        self.fetch(client, urls[0])
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        timings, first = [], []
        for i in range(options["repeat"]):
            started = time.perf_counter()
            self.fetch(client, urls[i % len(urls)])
            timings.append((time.perf_counter() - started) * 1000)
        for i in range(max(5, options["repeat"] // 4)):
            for kept in (
                catalogue.MATCHES,
                catalogue.SNIPPETS,
                catalogue.SUGGESTIONS,
                catalogue.COUNTS,
            ):
                kept.clear()  # the page itself is not kept either: PAGE_CACHE is off
            started = time.perf_counter()
            self.fetch(client, urls[i % len(urls)])
            first.append((time.perf_counter() - started) * 1000)
        return (
            percentile(timings, 0.5),
            percentile(timings, 0.95),
            counter.count,
            results,
            peak,
            percentile(first, 0.5),
            percentile(first, 0.95),
        )

    def fetch(self, client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return response

    def representative_requests(self, total):
        themes = list(
            Theme.objects.annotate(n=Count("themed_entries"))
            .order_by("-n")
            .values_list("slug", flat=True)[:8]
        )
        institute = Institute.objects.annotate(n=Count("entries")).order_by("-n").first().slug
        person = Person.objects.annotate(n=Count("contributions")).order_by("-n").first().slug
        # The kind with the most entries: its list, and pages of its entries.
        busiest = kinds.get(
            Entry.objects.values_list("kind", flat=True)
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        details = [
            entry.get_absolute_url()
            for entry in Entry.objects.published().filter(kind=busiest.name).order_by("pk")[:20]
        ]
        return [
            ("no filter", ["/catalogue/"]),
            ("one-word query", ["/catalogue/?q=remittances"]),
            ("phrase", ['/catalogue/?q="labour market"']),
            (
                "query + theme + institute",
                [f"/catalogue/?q=refugees&theme={themes[1]}&institute={institute}"],
            ),
            (
                "three themes",
                [f"/catalogue/?theme={themes[2]}&theme={themes[4]}&theme={themes[6]}"],
            ),
            ("region + year range", ["/catalogue/?region=Africa&year_from=2010&year_to=2020"]),
            ("person + query", [f"/catalogue/?person={person}&q=migration"]),
            ("deep page", [f"/catalogue/?page={max(1, total // 20 // 2)}"]),
            ("per-kind list", [busiest.list_url]),
            ("detail page", details),
        ]

    def print_table(self, rows, total):
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        header = " ".join(f"{name:{align}}" for name, align in COLUMNS)
        self.stdout.write("")
        self.stdout.write(
            f"Catalogue benchmark: {connection.vendor}, {total:,} public entries, "
            f"DEBUG={settings.DEBUG}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label, p50, p95, queries, results, peak, first50, first95 in rows:
            cells = (label, f"{p50:.1f}", f"{p95:.1f}", queries, results, f"{peak:.1f}",
                     f"{first50:.1f}", f"{first95:.1f}")  # fmt: skip
            self.stdout.write(
                " ".join(f"{cell:{align}}" for cell, (_, align) in zip(cells, COLUMNS, strict=True))
            )
        self.stdout.write("-" * len(header))
        self.stdout.write(
            f"Peak memory (RSS) of the process serving the requests: {peak_rss:.0f} MB"
        )
