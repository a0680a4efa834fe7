"""Load benchmark: the site under gunicorn, side by side with a bare Django view.

Serves the site (``unumn.wsgi``, DEBUG off, on the database the settings point to)
and the floor (``unumn.benchmark.floor``: a bare Django view) with the same gunicorn
settings, loads each representative request with wrk (2 threads, 16 connections by
default) and prints, per request, the requests per second, p50 and p99 latency,
non-2xx answers, and the **ratio to the floor's** requests per second, measured in
the same run (before and after the site's requests, averaged): absolute figures move
20 % between runs on a shared machine, the ratio much less.

``--json FILE`` keeps the figures; ``--compare SMALL.json LARGE.json`` prints how
each request's throughput changes with the size of the collection.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from unumn import kinds
from unumn.models import Entry, Institute, Theme

SCRIPT = Path(__file__).resolve().parents[2] / "benchmark" / "rotate.lua"
# The share of the floor's requests per second each group of requests should reach.
GOALS = {"catalogue": 3.0, "detail": 10.0, "home": 10.0, "page": 3.0, "export": 2.0}


class Command(BaseCommand):
    help = "Load each representative request with wrk; print req/s and the ratio to a bare view."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="Seconds per request.")
        parser.add_argument("--warmup", type=int, default=2, help="Seconds before measuring.")
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--only", default="", help="Measure the requests whose label has this.")
        parser.add_argument(
            "--page-cache",
            action="store_true",
            help="Serve with the page cache on (off by default: what a page costs to make).",
        )
        parser.add_argument("--json", dest="json_file", help="Also write the figures here.")
        parser.add_argument(
            "--compare", nargs=2, metavar=("SMALL", "LARGE"), help="Compare two --json runs."
        )

    def handle(self, *args, **options):
        if options["compare"]:
            self.compare(*options["compare"])
            return
        if not shutil.which("wrk"):
            raise CommandError("wrk is needed: apt-get install -y wrk (make loadtest does it).")
        total = Entry.objects.published().count()
        if not total:
            raise CommandError("The database is empty: run seed_benchmark first.")
        requests = [r for r in self.representative_requests() if options["only"] in r[1]]
        with tempfile.TemporaryDirectory() as folder:
            site = self.serve("unumn.wsgi:application", options, folder, "site")
            floor = self.serve("unumn.benchmark.floor:application", options, folder, "floor")
            try:
                floors = [self.load(floor.url, ["/"], options, folder)]
                rows = []
                for group, label, paths in requests:
                    figures = self.load(site.url, paths, options, folder)
                    rows.append({"group": group, "label": label, **figures})
                    self.stdout.write(f"  {label}: {figures['rps']:,.0f} req/s")
                floors.append(self.load(floor.url, ["/"], options, folder))
            finally:
                site.stop()
                floor.stop()
        floor_rps = sum(f["rps"] for f in floors) / len(floors)
        result = {
            "vendor": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "entries": total,
            "floor_rps": floor_rps,
            "floor_runs": [f["rps"] for f in floors],
            "rows": rows,
            "options": {
                k: options[k]
                for k in ("duration", "connections", "threads", "workers", "page_cache")
            },
        }
        self.print_table(result)
        if options["json_file"]:
            Path(options["json_file"]).write_text(json.dumps(result, indent=2))

    # --- what is measured ---------------------------------------------------

    def representative_requests(self):
        """``(goal group, label, [paths])``: the requests of the issue's table."""
        themes = list(
            Theme.objects.annotate(n=Count("themed_entries"))
            .order_by("-n")
            .values_list("slug", flat=True)[:8]
        )
        institute = Institute.objects.annotate(n=Count("entries")).order_by("-n").first().slug
        public = Entry.objects.published()
        busiest = kinds.get(
            public.values_list("kind", flat=True).annotate(n=Count("pk")).order_by("-n").first()
        )
        details = [e.get_absolute_url() for e in public.order_by("pk")[:60]]
        pages = max(1, public.count() // 20)
        theme = themes[1]
        exports = [
            ("export", f"export: {text or export.label}", [f"{url}?theme={theme}"])
            for kind in kinds.all()
            for export in kind.exports
            for text, url in export.links()[:1]
        ]
        return [
            ("catalogue", "catalogue", ["/catalogue/"]),
            ("catalogue", "catalogue ?q=migration", ["/catalogue/?q=migration"]),
            ("catalogue", "catalogue ?q=remittances", ["/catalogue/?q=remittances"]),
            (
                "catalogue",
                "catalogue query+theme+institute",
                [f"/catalogue/?q=refugees&theme={theme}&institute={institute}"],
            ),
            (
                "catalogue",
                "catalogue three themes",
                [f"/catalogue/?theme={themes[2]}&theme={themes[4]}&theme={themes[6]}"],
            ),
            (
                "catalogue",
                "catalogue region+years",
                ["/catalogue/?region=Africa&year_from=2010&year_to=2020"],
            ),
            ("catalogue", "catalogue deep page", [f"/catalogue/?page={pages // 2}"]),
            ("catalogue", f"list {busiest.list_url}", [busiest.list_url]),
            ("detail", "detail pages", details),
            ("home", "home /", ["/"]),
            ("page", "institute page", [f"/institutes/{institute}/"]),
            ("page", "theme page", [f"/themes/{theme}/"]),
            ("export", "sitemap index", ["/sitemap.xml"]),
            ("export", f"sitemap {busiest.namespace}", [f"/sitemap-{busiest.namespace}.xml"]),
            ("export", "feed.atom ?theme", [f"/catalogue/feed.atom?theme={theme}"]),
            *exports,
        ]

    # --- serving and loading -----------------------------------------------

    def serve(self, app, options, folder, name):
        env = {"PAGE_CACHE": "1" if options["page_cache"] else "0"}
        return Server(app, options["workers"], Path(folder) / f"{name}.log", env)

    def load(self, url, paths, options, folder):
        return run_wrk(
            url,
            paths,
            folder,
            threads=options["threads"],
            connections=options["connections"],
            duration=options["duration"],
            warmup=options["warmup"],
        )

    # --- reporting ----------------------------------------------------------

    def print_table(self, result):
        floor = result["floor_rps"]
        runs = ", ".join(f"{r:,.0f}" for r in result["floor_runs"])
        self.stdout.write("")
        self.stdout.write(
            f"Load benchmark: {result['vendor']}, {result['entries']:,} public entries, "
            f"gunicorn {result['options']['workers']} workers, wrk "
            f"{result['options']['threads']} threads / {result['options']['connections']} "
            f"connections, {result['options']['duration']} s per request, page cache "
            + ("on" if result["options"].get("page_cache") else "off")
        )
        self.stdout.write(f"Floor (bare Django view): {floor:,.0f} req/s (runs: {runs})")
        header = f"{'request':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
        header += f"{'% floor':>8} {'goal':>6}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for row in result["rows"]:
            ratio = 100 * row["rps"] / floor
            goal = GOALS[row["group"]]
            mark = "met" if ratio >= goal and not row["non2xx"] else "NOT met"
            self.stdout.write(
                f"{row['label'][:36]:<36} {row['rps']:>8,.0f} {row['p50_ms']:>8.1f} "
                f"{row['p99_ms']:>8.1f} {row['non2xx'] + row['socket_errors']:>8} "
                f"{ratio:>7.2f}% {goal:>5.0f}% {mark}"
            )

    def compare(self, small_file, large_file):
        small, large = (json.loads(Path(f).read_text()) for f in (small_file, large_file))
        self.stdout.write(
            f"Growth from {small['entries']:,} to {large['entries']:,} entries "
            "(req/s at the smaller size / at the larger; the aim is at most 1.5)"
        )
        by_label = {row["label"]: row for row in large["rows"]}
        for row in small["rows"]:
            other = by_label.get(row["label"])
            if other is None:
                continue
            growth = row["rps"] / other["rps"] if other["rps"] else float("inf")
            mark = "met" if growth <= 1.5 else "NOT met"
            self.stdout.write(
                f"{row['label'][:36]:<36} {row['rps']:>8,.0f} → {other['rps']:>8,.0f} req/s "
                f"{growth:>5.2f}× {mark}"
            )


def run_wrk(url, paths, folder, *, threads, connections, duration, warmup=0):
    """wrk on ``url`` for ``duration`` seconds, requesting ``paths`` in turn (after
    ``warmup`` seconds not counted): req/s, p50/p95/p99 and failed requests."""
    listing = Path(folder) / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    command = ["wrk", f"-t{threads}", f"-c{connections}", "--timeout", "60s", "-s", str(SCRIPT)]
    if warmup:
        subprocess.run(
            [*command, f"-d{warmup}s", url, "--", str(listing)], capture_output=True, check=True
        )
        drain(url)
    run = subprocess.run(
        [*command, f"-d{duration}s", url, "--", str(listing)],
        capture_output=True,
        text=True,
        check=True,
    )
    drain(url)
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "non2xx": raw["non2xx"],
        "socket_errors": raw["socket_errors"],
        "requests": raw["requests"],
    }


def drain(url):
    """Wait until the server has answered what wrk left queued when it stopped, so the
    next measurement starts on an idle machine."""
    for _ in range(2):
        try:
            urllib.request.urlopen(url + "/robots.txt", timeout=120)  # noqa: S310
        except urllib.error.HTTPError:
            pass


class Server:
    """A gunicorn serving ``app`` on a free loopback port, until ``stop()``."""

    def __init__(self, app, workers, log, env=None, *, port=None, arguments=()):
        if port is None:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            **(env or {}),
        }
        env.setdefault("SECRET_KEY", "load-benchmark-only-secret-key-0123456789")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                app,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                *arguments,
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/", timeout=5)  # noqa: S310
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise CommandError(f"gunicorn did not start {app}: see {log}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()
