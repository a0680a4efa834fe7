"""Load test of the running stack (``make stack``; deploy/README.md).

1. **Mix**: 64 clients for 60 s through nginx, over home, catalogue (searches, facets,
   a deep page), detail pages, institute and theme pages, feeds, exports and the
   sitemap (the requests of ``manage.py loadtest``, in turn): req/s, p50/p95/p99 and
   failed requests (non-2xx answers and broken connections).
2. **Mix with faults**: the same, while one app host is killed and restarted, Redis is
   restarted, and the replica is stopped and started again (``deploy/stack`` does each).
3. **Page cache against the floor**: with the kept pages warm, the catalogue and the
   detail pages against a bare Django view (``unumn.benchmark.floor``) served the same
   way in the same run: one gunicorn host directly (site :8001, floor :8011), and the
   two hosts behind nginx (site :8080, floor :8090).

Paths are read from the database the settings point to (the stack's primary: ``make
stack-loadtest`` sets it). Exits non-zero if any request failed or a goal is not met.
"""

import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from unumn.management.commands import loadtest
from unumn.models import Entry

STACK = Path(settings.BASE_DIR) / "deploy" / "stack"
# (seconds into the run, deploy/stack command): one app host, Redis, the replica.
FAULTS = [
    (8, "kill-host 1"),
    (14, "start-host 1"),
    (24, "restart-redis"),
    (32, "stop-replica"),
    (44, "start-replica"),
]
# The floor's gunicorn hosts, as deploy/stack writes them into nginx's floor upstream.
FLOOR_PORTS = (8011, 8012)
RATIO_GOAL = 50.0  # % of the floor's req/s, for kept pages


class Command(BaseCommand):
    help = "Load the running stack: a mix, the mix with faults, kept pages against the floor."

    def add_arguments(self, parser):
        parser.add_argument("--nginx", default="http://127.0.0.1:8080")
        parser.add_argument("--host", default="http://127.0.0.1:8001", help="One app host.")
        parser.add_argument("--floor-nginx", default="http://127.0.0.1:8090")
        parser.add_argument("--connections", type=int, default=64)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--duration", type=int, default=60, help="Seconds of each mix.")
        parser.add_argument("--ratio-duration", type=int, default=10)
        parser.add_argument("--skip", default="", help="Parts to skip: mix,faults,ratio.")
        parser.add_argument("--json", dest="json_file", help="Also write the figures here.")

    def handle(self, *args, **options):
        if not Entry.objects.published().exists():
            raise CommandError("The stack's database has no public entry: run make stack.")
        for url in (options["nginx"], options["host"]):
            status = answer(url + "/readyz")
            if status != 200:
                raise CommandError(f"{url}/readyz answered {status}: is the stack up?")
        skip = set(options["skip"].split(","))
        mix = [
            path for _, _, paths in loadtest.Command().representative_requests() for path in paths
        ]
        result = {"clients": options["connections"], "duration": options["duration"]}
        with tempfile.TemporaryDirectory() as folder:
            if "mix" not in skip:
                self.stdout.write(f"Mix: {len(mix)} paths, {options['duration']} s …")
                result["mix"] = self.wrk(options["nginx"], mix, folder, options)
                self.report("mix", result["mix"])
            if "faults" not in skip:
                self.stdout.write(
                    "Mix with faults: " + ", ".join(f"{c} at {t} s" for t, c in FAULTS)
                )
                figures, log = self.with_faults(options["nginx"], mix, folder, options)
                result["faults"] = {**figures, "faults": log}
                self.report("mix with faults", figures)
                for line in log:
                    self.stdout.write(f"    {line}")
            if "ratio" not in skip:
                result["ratio"] = self.ratios(folder, options)
        if options["json_file"]:
            Path(options["json_file"]).write_text(json.dumps(result, indent=2))
        failed = sum(
            result[part]["non2xx"] + result[part]["socket_errors"]
            for part in ("mix", "faults")
            if part in result
        )
        missed = [row for row in result.get("ratio", []) if row["ratio"] < RATIO_GOAL]
        if failed or missed:
            raise CommandError(f"{failed} failed requests; {len(missed)} ratio goals not met.")

    # --- the parts ----------------------------------------------------------

    def wrk(self, url, paths, folder, options, duration=None):
        return loadtest.run_wrk(
            url,
            paths,
            folder,
            threads=options["threads"],
            connections=options["connections"],
            duration=duration or options["duration"],
        )

    def with_faults(self, url, paths, folder, options):
        log, started = [], time.monotonic()

        def inject():
            for at, command in FAULTS:
                time.sleep(max(0.0, at - (time.monotonic() - started)))
                done = subprocess.run(
                    [str(STACK), *command.split()], capture_output=True, text=True, check=False
                )
                log.append(
                    f"{time.monotonic() - started:5.1f} s  deploy/stack {command}: "
                    + ("done" if done.returncode == 0 else f"FAILED ({done.stderr.strip()[-200:]})")
                )

        injector = threading.Thread(target=inject)
        injector.start()
        figures = self.wrk(url, paths, folder, options)
        injector.join()
        return figures, log

    def ratios(self, folder, options):
        """Kept pages against the floor, one host directly and two behind nginx."""
        catalogue = [
            path
            for group, _, paths in loadtest.Command().representative_requests()
            if group == "catalogue"
            for path in paths
        ]
        details = [e.get_absolute_url() for e in Entry.objects.published().order_by("pk")[:60]]
        for path in catalogue + details:  # the page cache, warm (pages are kept per host name)
            for site in (options["nginx"], options["host"]):
                answer(site + path)
        workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
        floors = [
            loadtest.Server(
                "unumn.benchmark.floor:application",
                workers,
                Path(folder) / f"floor-{port}.log",
                port=int(port),
                arguments=["-c", str(STACK.with_name("gunicorn.conf.py"))],
            )
            for port in FLOOR_PORTS
        ]
        rows = []
        try:
            first_floor = floors[0].url
            for way, site, floor in (
                ("gunicorn", options["host"], first_floor),
                ("nginx", options["nginx"], options["floor_nginx"]),
            ):
                ratio_options = {**options, "connections": 16, "threads": 2}
                duration = options["ratio_duration"]
                before = self.wrk(floor, ["/"], folder, ratio_options, duration)
                measured = {
                    label: self.wrk(site, paths, folder, ratio_options, duration)
                    for label, paths in (("catalogue", catalogue), ("detail", details))
                }
                after = self.wrk(floor, ["/"], folder, ratio_options, duration)
                floor_rps = (before["rps"] + after["rps"]) / 2
                for label, figures in measured.items():
                    ratio = 100 * figures["rps"] / floor_rps
                    rows.append({"way": way, "pages": label, "floor_rps": floor_rps,
                                 **figures, "ratio": ratio})  # fmt: skip
        finally:
            for floor in floors:
                floor.stop()
        self.stdout.write("")
        self.stdout.write("Kept pages against the floor (16 connections, same way, same run)")
        header = f"{'served by':<10} {'pages':<10} {'req/s':>8} {'floor':>8} {'p50 ms':>7} "
        header += f"{'p99 ms':>7} {'failed':>6} {'% floor':>8}"
        self.stdout.write(header)
        for row in rows:
            mark = "met" if row["ratio"] >= RATIO_GOAL else "NOT met"
            self.stdout.write(
                f"{row['way']:<10} {row['pages']:<10} {row['rps']:>8,.0f} "
                f"{row['floor_rps']:>8,.0f} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} "
                f"{row['non2xx'] + row['socket_errors']:>6} {row['ratio']:>7.1f}% "
                f"(goal {RATIO_GOAL:.0f}%: {mark})"
            )
        return rows

    def report(self, label, figures):
        failed = figures["non2xx"] + figures["socket_errors"]
        self.stdout.write(
            f"  {label}: {figures['requests']:,} requests, {figures['rps']:,.0f} req/s, "
            f"p50 {figures['p50_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms, "
            f"p99 {figures['p99_ms']:.1f} ms, failed {failed}"
        )


def answer(url):
    """The status code of a GET of ``url`` (0 if it could not be reached)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0
