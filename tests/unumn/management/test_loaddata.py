"""``manage.py loaddata`` (``unumn/management/commands/loaddata.py``): a dump of the site
loads back with searches finding what they found before (the search index is rebuilt
after the load, not mid-load). The dump format that round-trips is Django's plain one:
``dumpdata unumn projects publications events taggit`` (see the README)."""

import io

import pytest
from django.core.management import call_command

from tests.catalogue import search
from unumn.models import Entry

pytestmark = pytest.mark.django_db

# People's, organisations', institutes' and countries' names: found through the
# names the index keeps for each entry.
QUERIES = ["Gisselquist", "Tarp", "IOM", "Routledge", "UNU-MERIT", "Kosovo", "diaspora"]


def test_a_dump_loads_back_with_the_same_search_results(client, tmp_path):
    before = {query: sorted(search(client, query)) for query in QUERIES}
    assert all(before.values())
    dump = tmp_path / "site.json"
    call_command(
        "dumpdata", "unumn", "projects", "publications", "events", "taggit",
        output=str(dump), stdout=io.StringIO(),
    )  # fmt: skip
    call_command("flush", interactive=False, stdout=io.StringIO())
    assert Entry.objects.count() == 0
    out = io.StringIO()
    call_command("loaddata", str(dump), stdout=out)
    assert "Search index rebuilt for 21 entries." in out.getvalue()
    after = {query: sorted(search(client, query)) for query in QUERIES}
    assert after == before
