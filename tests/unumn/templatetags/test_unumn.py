"""The core's template tags (``unumn/templatetags/unumn.py``): Markdown bodies, sanitised."""

import pytest

from tests.factories import make_publication

pytestmark = pytest.mark.django_db


def test_markdown_bodies_are_sanitised(client):
    entry = make_publication(
        body="Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**",
        slug="unsafe",
    )
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "javascript:" not in html
