"""Screenshots of the public site for the README (``make screenshots``).

Serves the site from this process (on the database the settings point to:
``make screenshots`` uses a fresh SQLite database with the network's content)
and photographs it with Playwright in Debian's Chromium.
"""

import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError

SHOTS = [
    # (file, path, viewport width, height)
    ("home.png", "/", 1280, 1100),
    ("institute.png", "/institutes/unu-wider/", 1280, 1100),
    (
        "catalogue-desktop.png",
        "/catalogue/?theme=forced-migration-refugees&theme=migration-governance",
        1280,
        1100,
    ),
    ("catalogue-phone.png", "/catalogue/?q=migration", 375, 812),
    ("publication.png", "/publications/migration-governance-global-south/", 1280, 1100),
    ("report.png", "/reports/network-contribution-2018/", 1280, 1100),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class Command(BaseCommand):
    help = "Photograph the home, institute, catalogue, publication and report pages."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs/screenshots")
        parser.add_argument("--chromium", default="/usr/bin/chromium")

    def handle(self, *args, out, chromium, **options):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as error:
            raise CommandError("Playwright is needed: pip install '.[dev]'") from error
        if not Path(chromium).exists():
            raise CommandError(f"No Chromium at {chromium}: apt-get install -y chromium")
        server = make_server(
            "127.0.0.1", 0, StaticFilesHandler(WSGIHandler()), ThreadingServer, QuietHandler
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for name, path, width, height in SHOTS:
                page = browser.new_page(
                    viewport={"width": width, "height": height},
                    is_mobile=width < 600,
                    device_scale_factor=1,
                )
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(folder / name))
                page.close()
                self.stdout.write(f"  {folder / name}")
            browser.close()
        server.shutdown()
        self.stdout.write(self.style.SUCCESS(f"{len(SHOTS)} screenshots in {folder}/"))
