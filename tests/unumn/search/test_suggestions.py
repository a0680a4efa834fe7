"""What a search offers besides results (``unumn/search/suggestions.py``): "Did you mean
…?" from the words of public entries, and the vocabulary's pages the query names. Runs on
SQLite (difflib) and PostgreSQL (pg_trgm)."""

import pytest
from django.http import QueryDict

from tests.factories import make_draft, make_publication
from unumn.catalogue import public_selection
from unumn.search import parse
from unumn.search.suggestions import did_you_mean, vocabulary_hits

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Gisselquest", "Gisselquist"),
        ("diaspra", "diaspora"),
        ("Congolese refugess", "Congolese refugees"),
        ("refugees Rwnada", "refugees Rwanda"),
    ],
)
def test_did_you_mean(typed, meant):
    assert did_you_mean(parse(typed)) == meant


@pytest.mark.parametrize("typed", ["Gisselquist", "diaspora migration", "migr", "xqzvw"])
def test_nothing_to_suggest_for_known_or_far_words(typed):
    assert did_you_mean(parse(typed)) is None


def test_the_catalogue_offers_the_suggestion(client):
    page = client.get("/catalogue/", {"q": "Gisselquest"})
    html = page.content.decode()
    assert page.context["total"] == 0
    assert 'Did you mean <a href="?q=Gisselquist">Gisselquist</a>?' in html
    assert page.context["suggestion"] == "Gisselquist"


def test_a_drafts_words_are_never_suggested():
    make_draft(title="Zwinglefrobnicated secrets", slug="secret-draft")
    make_publication(title="Zwinglefrobnicator public", slug="public-one")
    assert did_you_mean(parse("zwinglefrobnicatd")) == "zwinglefrobnicator"


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        ("UNU-GCM", "/institutes/unu-gcm/"),
        ("unu merit", "/institutes/unu-merit/"),
        ("gissel", "/people/rachel-gisselquist/"),
        ("human security", "/institutes/unu-mn/"),
        ("xenophobia", "/themes/xenophobia-prejudice/"),
        ("Ghana", "/catalogue/?country=GH"),
        ("african research universities", "/organisations/arua/"),
    ],
)
def test_pages_the_query_names(typed, address):
    assert address in [hit[2] for hit in vocabulary_hits(parse(typed))]


def test_the_catalogue_shows_them_above_the_results(client):
    html = client.get("/catalogue/", {"q": "UNU-GCM"}).content.decode()
    hits = html.index('class="vocabulary-hits"')
    assert hits < html.index('id="results"')
    assert '<a href="/institutes/unu-gcm/">UNU-GCM</a>' in html[hits:]


def test_at_most_a_few_hits_and_none_without_a_query():
    assert len(vocabulary_hits(parse("a"))) <= 6
    assert public_selection(QueryDict("")).suggestions == (None, [])
