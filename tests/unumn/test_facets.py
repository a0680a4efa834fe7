"""Facet counts (``unumn/facets.py``): disjunctive, exact on a small known data set, and
estimated from a sample for large selections."""

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


class TestEstimatedCounts:
    """Large selections: counts over a sample, marked as estimates (unumn/facets.py)."""

    @pytest.fixture
    def large(self, monkeypatch):
        from unumn import facets

        # Scale the limits down so that a few hundred entries count as "large".
        monkeypatch.setattr(facets, "EXACT_LIMIT", 50)
        monkeypatch.setattr(facets, "SAMPLE_TARGET", 60)
        monkeypatch.setattr(facets, "BUCKETS", 10)
        monkeypatch.setattr(facets, "PROBE_BUCKETS", 5)
        Entry.objects.all().delete()
        institute = make_institute(slug="big")
        common, rare = make_theme(slug="common"), make_theme(slug="rare")
        for i in range(300):
            themes = [common] + ([rare] if i % 10 == 0 else [])
            factory = make_event if i % 3 == 0 else make_publication
            factory(title=f"Item {i}", institutes=[institute], themes=themes)

    def test_large_selection_shows_estimates(self, client, large):
        response = get(client)
        assert response.context["total_estimated"]
        assert 200 <= response.context["total"] <= 400
        theme = next(f for f in response.context["facets"] if f.name == "theme")
        assert theme.estimated
        counts = {o.value: o.count for o in theme.options}
        assert 200 <= counts["common"] <= 400
        html = response.content.decode()
        assert 'About <strong id="result-count">' in html
        assert "≈" in html and "estimated from a sample" in html

    def test_small_result_of_a_large_base_is_counted_exactly(self, client, large):
        response = get(client, kind="project")
        assert response.context["total"] == 0
        assert not response.context["total_estimated"]
        response = get(client, theme="rare", kind="event")
        assert response.context["total"] == 10  # i % 30 == 0 among 0..299
        assert not response.context["total_estimated"]

    def test_same_query_count_when_estimating(self, client, large, django_assert_max_num_queries):
        with django_assert_max_num_queries(10):
            get(client, theme="common", kind="event", year_from="2000")
