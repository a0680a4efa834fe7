"""Real-browser tests: Playwright driving Debian's Chromium, against a live server.

They run in ``make test`` when Chromium (and, for the HTML checker, Java) is
installed, and are skipped with the reason otherwise. CI sets
``UNUMN_REQUIRE_BROWSER=1``, which turns such a skip into a failure.

The live server needs committed data, so these tests use transactional
databases, which are emptied after each test: ``tests/conftest.py`` runs them
last, and the ``site`` fixture loads the network's content for each.
"""

import os

import pytest
from django.core.management import call_command

from tests.conftest import load_fourth_kind_content
from tests.tools import unavailable

CHROMIUM = os.environ.get("UNUMN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every page records the Content-Security-Policy violations it meets.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        unavailable(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed: pip install '.[dev]'")
    # Playwright's synchronous API runs an event loop; Django's ORM, used by the test
    # itself and not by that loop, would otherwise refuse to run beside it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def site(transactional_db):
    """The network's content (and an entry of the test-only fourth kind) and the editor
    roles, committed for the live server."""
    with open(os.devnull, "w") as quiet:
        call_command("setup_roles", stdout=quiet)
        call_command("load_network_content", stdout=quiet)
    load_fourth_kind_content()


def _csp_violations(page, console):
    if page.is_closed():
        return console
    return console + page.evaluate("window.__cspViolations || []")


@pytest.fixture
def make_page(browser, live_server, site):
    """``make_page(viewport=..., java_script_enabled=...)``: fresh pages; after the test,
    every one of them must have met no Content-Security-Policy violation."""
    opened = []

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        context.add_init_script(CSP_RECORDER)
        page = context.new_page()
        console = []
        page.on(
            "console",
            lambda message: (
                console.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        opened.append((context, page, console))
        return page

    yield make
    for context, page, console in opened:
        violations = _csp_violations(page, console)
        context.close()
        assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def page(make_page):
    return make_page()
