"""Reading the catalogue in tests: a page of it, its titles and facet counts, a search,
and every result of a selection across its pages (to compare an export with)."""

import re

from django.test import override_settings
from django.urls import reverse

URL = reverse("catalogue")
SELECTIONS = [
    {},
    {"theme": "diaspora"},
    {"institute": "unu-wider"},
    {"q": "migration", "sort": "title"},
    {"region": "Africa", "kind": ["project", "event"]},
    {"year_from": "2017", "year_to": "2017"},
]


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def titles(response):
    return [entry.title for entry in response.context["entries"]]


def counts(response, facet):
    facets = {f.name: f for f in response.context["facets"]}
    facets["year"] = response.context["year_facet"]
    return {option.value: option.count for option in facets[facet].options}


def search(client, q, **params):
    response = client.get(reverse("catalogue"), {"q": q, **params})
    assert response.status_code == 200
    return [entry.slug for entry in response.context["entries"]]


def catalogue_results(client, params):
    """Every result of the catalogue for these parameters, across its pages, in order."""
    results, page = [], 1
    while True:
        response = client.get(reverse("catalogue"), {**params, "page": page})
        results += [entry.get_absolute_url() for entry in response.context["entries"]]
        if not response.context["page_obj"].has_next():
            return results
        page += 1


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


# What the first request after a change of content reads once, whatever the size of
# the collection: the vocabulary of the new content version (6 queries, and 5 for its
# objects) and its facet index (the public ids, two queries per facet, an order).
# Later requests read none of it.
NEW_VERSION_QUERIES = 40


def get_twice_within(client, assert_max_queries, budget, url, params=None):
    """Request ``url`` right after a change (reading the new content version's index)
    and again, asserting the query budgets of both; answers the second response. The
    page itself is rendered both times (the page cache would answer the second with
    no query at all: ``tests/unumn/test_pagecache.py``)."""
    with override_settings(PAGE_CACHE=False):
        with assert_max_queries(budget + NEW_VERSION_QUERIES):
            first = client.get(url, params or {})
        assert first.status_code == 200
        with assert_max_queries(budget):
            response = client.get(url, params or {})
    assert response.status_code == 200
    return response
