"""Facet counts (``unumn/facets/``): disjunctive and exact, on a known data set and on a
larger one."""

import pytest

from tests.catalogue import counts, get, titles
from tests.factories import make_event, make_institute, make_publication, make_theme
from unumn.models import Entry

pytestmark = pytest.mark.django_db


def test_no_filter_counts_every_public_entry(client, known):
    response = get(client)
    assert response.context["total"] == 4
    assert sorted(titles(response)) == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert counts(response, "kind") == {"project": 1, "publication": 2, "event": 1}
    assert counts(response, "theme") == {"t1": 2, "t2": 2, "t3": 1}
    assert counts(response, "institute") == {"inst-a": 2, "inst-b": 2}
    assert counts(response, "country") == {"GH": 2, "ET": 1, "DE": 1}
    # Bravo has two African countries but counts once in Africa.
    assert counts(response, "region") == {"Africa": 2, "Europe": 1}
    assert counts(response, "year") == {"2018": 2, "2017": 1, "2016": 1}
    assert b'id="result-count">4<' in response.content


def test_counts_are_disjunctive(client, known):
    response = get(client, theme="t1")
    assert response.context["total"] == 2
    # A facet's own filter does not narrow its counts: ticking t2 or t3 would add entries.
    assert counts(response, "theme") == {"t1": 2, "t2": 2, "t3": 1}
    # Every other facet counts within theme t1.
    assert counts(response, "institute") == {"inst-a": 2}
    assert counts(response, "kind") == {"project": 1, "publication": 1}
    assert counts(response, "region") == {"Africa": 2}

    response = get(client, kind="publication", institute="inst-b")
    assert counts(response, "kind") == {"publication": 1, "event": 1}
    assert counts(response, "institute") == {"inst-a": 1, "inst-b": 1}
    assert response.context["total"] == 1


def test_counts_stay_exact_for_large_selections(client):
    """Every count comes from the facet index, exactly, whatever the selection's size."""
    Entry.objects.all().delete()
    institute = make_institute(slug="big")
    common, rare = make_theme(slug="common"), make_theme(slug="rare")
    for i in range(300):
        themes = [common] + ([rare] if i % 10 == 0 else [])
        factory = make_event if i % 3 == 0 else make_publication
        factory(institutes=[institute], themes=themes)
    response = get(client)
    assert response.context["total"] == 300
    assert counts(response, "theme") == {"common": 300, "rare": 30}
    assert counts(response, "kind") == {"publication": 200, "event": 100}
    narrowed = get(client, theme="rare", kind="event")
    assert narrowed.context["total"] == 10
    assert counts(narrowed, "kind") == {"publication": 20, "event": 10}
    assert counts(narrowed, "theme") == {"common": 100, "rare": 10}
