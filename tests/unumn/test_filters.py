"""The catalogue's parameters (``unumn/filters.py``): values of one facet widen, facets
narrow, input is cleaned and unknown values reported, sorting, each kind's own facets."""

import pytest
from django.urls import reverse

from tests.catalogue import counts, get, titles

pytestmark = pytest.mark.django_db


def test_values_of_one_facet_widen(client, known):
    assert sorted(titles(get(client, theme=["t1", "t3"]))) == ["Alpha", "Bravo", "Delta"]
    assert sorted(titles(get(client, kind=["project", "event"]))) == ["Alpha", "Delta"]


def test_different_facets_narrow(client, known):
    assert titles(get(client, theme="t2", institute="inst-b")) == ["Charlie"]
    assert titles(get(client, theme="t1", institute="inst-b")) == []
    assert titles(get(client, theme=["t1", "t2"], country="DE")) == ["Charlie"]


def test_region_year_and_country_filters(client, known):
    assert sorted(titles(get(client, region="Africa"))) == ["Alpha", "Bravo"]
    assert sorted(titles(get(client, region="africa"))) == ["Alpha", "Bravo"]  # normalised
    assert titles(get(client, country="et")) == ["Bravo"]  # normalised to ET
    assert sorted(titles(get(client, year_from="2017", year_to="2017"))) == ["Alpha"]
    assert sorted(titles(get(client, year_from="2017"))) == ["Alpha", "Bravo", "Charlie"]
    assert titles(get(client, year_to="2016")) == ["Delta"]
    response = get(client, year_from="2018")
    assert counts(response, "year") == {"2018": 2, "2017": 1, "2016": 1}  # disjunctive
    assert counts(response, "kind") == {"publication": 2}


def test_sorting(client, known):
    assert titles(get(client)) in (
        ["Bravo", "Charlie", "Alpha", "Delta"],
        ["Charlie", "Bravo", "Alpha", "Delta"],
    )
    assert titles(get(client, sort="oldest"))[:2] == ["Delta", "Alpha"]
    assert titles(get(client, sort="title")) == ["Alpha", "Bravo", "Charlie", "Delta"]
    # Relevance without a query falls back to newest.
    assert get(client, sort="relevance").context["filterset"].sort_order == "newest"


def test_unknown_values_are_ignored_with_a_message(client, known):
    response = get(client, theme=["t1", "no-such-theme"], institute="nowhere", kind="podcast")
    assert sorted(titles(response)) == ["Alpha", "Bravo"]
    notices = " ".join(response.context["notices"])
    assert "no-such-theme" in notices and "nowhere" in notices and "podcast" in notices
    assert b"no-such-theme" in response.content  # shown, escaped, in the notice


@pytest.mark.parametrize(
    ("url", "facet", "value"),
    [
        (reverse("projects:list"), "project_type", "research"),
        (reverse("publications:list"), "publication_type", "special_section"),
        (reverse("events:list"), "event_type", "conference"),
    ],
)
def test_per_kind_lists_add_their_own_facets(client, url, facet, value):
    response = client.get(url, {facet: value})
    assert response.status_code == 200
    facets = {f.name: f for f in response.context["facets"]}
    assert facet in facets and "kind" not in facets
    assert all(entry.kind == url.strip("/")[:-1] for entry in response.context["entries"])
    assert response.context["total"] == len(response.context["entries"]) > 0
