"""Atom and RSS feeds (``unumn/feeds.py``), parsed by feedparser: a selection's feed holds
exactly the catalogue's results, with authors and themes, as text."""

import feedparser
import pytest
from django.urls import reverse

from publications.models import Publication
from tests.catalogue import SELECTIONS, catalogue_results, path_of
from tests.factories import make_publication

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("params", SELECTIONS, ids=str)
@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_feed_of_a_selection_is_the_catalogues_results(client, params, kind):
    response = client.get(reverse(f"catalogue-{kind}"), params)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert [path_of(e.link) for e in feed.entries] == catalogue_results(client, params)


def test_feed_entries_carry_title_summary_date_authors_and_themes(client):
    feed = feedparser.parse(
        client.get(reverse("catalogue-atom"), {"institute": "unu-wider"}).content
    )
    entry = next(e for e in feed.entries if e.title == "Migration and Those Left Behind")
    publication = Publication.objects.get(slug="migration-those-left-behind")
    assert entry.summary == publication.summary
    assert [a.name for a in entry.authors] == ["Rachel M. Gisselquist", "Finn Tarp"]
    assert {t.term for t in entry.tags} == set(publication.themes.values_list("name", flat=True))
    assert entry.published_parsed and entry.updated_parsed
    rss = feedparser.parse(client.get(reverse("catalogue-rss"), {"institute": "unu-wider"}).content)
    item = next(e for e in rss.entries if e.title == "Migration and Those Left Behind")
    assert item.author == "Rachel M. Gisselquist, Finn Tarp"


@pytest.mark.parametrize(
    ("page", "feed", "params"),
    [
        ("themes:detail", "themes:atom", {"theme": "diaspora"}),
        ("institutes:detail", "institutes:atom", {"institute": "unu-gcm"}),
    ],
)
def test_theme_and_institute_feeds_are_advertised_and_match(client, page, feed, params):
    slug = next(iter(params.values()))
    html = client.get(reverse(page, args=[slug])).content.decode()
    url = reverse(feed, args=[slug])
    assert '<link rel="alternate" type="application/atom+xml"' in html and url in html
    assert f'<a href="{url}">Atom feed</a>' in html
    parsed = feedparser.parse(client.get(url).content)
    assert [path_of(e.link) for e in parsed.entries] == catalogue_results(client, params)


def test_unknown_theme_feed_is_404(client):
    assert client.get(reverse("themes:atom", args=["no-such-theme"])).status_code == 404


@pytest.mark.parametrize("url", [reverse("catalogue-atom"), reverse("catalogue-rss")])
def test_control_characters_never_break_a_feed(client, url):
    make_publication(title="Bell\x07 in a title", summary="Escape\x1b in a summary")
    response = client.get(url, {"q": "\x1b\x07migration"})
    assert response.status_code == 200
    assert not feedparser.parse(response.content).bozo


def test_feed_summaries_are_text_not_markup(client):
    make_publication(title="Gaps", summary="Gaps <img src=x onerror=alert(1)>")
    entry = next(
        e
        for e in feedparser.parse(client.get(reverse("catalogue-atom")).content).entries
        if e.title == "Gaps"
    )
    # The reader shows the text as written, and no image element.
    assert entry.summary == "Gaps &lt;img src=x onerror=alert(1)&gt;"
