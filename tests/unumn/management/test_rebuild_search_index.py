"""``manage.py rebuild_search_index``: an emptied search index is rebuilt from the entries."""

import io

import pytest
from django.core.management import call_command

from tests.catalogue import search
from tests.factories import make_person
from unumn.models import Contribution, Entry, EntrySearch

pytestmark = pytest.mark.django_db


def test_rebuild_command_restores_the_index(client):
    entry = Entry.objects.get(slug="mimak-kosovo")
    person = make_person(name="Zenobia Quartermaine", family_name="Quartermaine")
    Contribution.objects.create(entry=entry, person=person)
    Entry.objects.update(search_keywords="")
    EntrySearch.objects.all().delete()
    assert search(client, "Quartermaine") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Search index rebuilt for 21 entries." in out.getvalue()
    assert search(client, "Quartermaine") == ["mimak-kosovo"]
