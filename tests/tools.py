"""Shared helpers for tests that need tools outside Python (Chromium, Java)."""

import os

import pytest


def unavailable(reason):
    """Skip with ``reason``, or fail when CI asks for every test (UNUMN_REQUIRE_BROWSER=1)."""
    if os.environ.get("UNUMN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (UNUMN_REQUIRE_BROWSER=1: these tests must run)")
    pytest.skip(reason)
