"""A selection of entries as a page (``unumn/catalogue.py``): chips, facet links, pages, the
plain GET form, a fixed query cost; every export of a selection holds only its public entries."""

import datetime
import json
import re
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.catalogue import URL, counts, get, get_twice_within, path_of, titles
from tests.factories import in_future, make_draft, make_event, make_publication, make_theme
from unumn.models import Contribution, Country, Entry, Institute, Person, Theme

pytestmark = pytest.mark.django_db


def test_selected_value_with_no_matches_stays_visible_to_untick(client, known):
    response = get(client, theme="t3", institute="inst-a")
    assert response.context["total"] == 0
    theme = next(f for f in response.context["facets"] if f.name == "theme")
    selected = [(o.value, o.count, o.selected) for o in theme.options if o.selected]
    assert selected == [("t3", 0, True)]


def test_drafts_are_never_listed_or_counted(client, known):
    response = get(client, q="Echo")
    assert response.context["total"] == 0
    response = get(client, theme="t1")
    assert "Echo" not in titles(response)
    assert counts(response, "theme")["t1"] == 2


def test_chips_remove_one_filter_each(client, known):
    response = get(client, q="bravo", theme=["t1", "t2"], year_from="2018", year_to="2018")
    chips = {chip.label: parse_qs(urlsplit(chip.url).query) for chip in response.context["chips"]}
    assert chips["Theme: Theme 1"] == {
        "q": ["bravo"],
        "theme": ["t2"],
        "year_from": ["2018"],
        "year_to": ["2018"],
    }
    assert "q" not in chips["“bravo”"]
    assert "year_from" not in chips["Year: 2018"]
    assert b'href="?">Clear all</a>' in response.content


def test_facet_links_add_and_remove_values(client, known):
    response = get(client, theme="t1")
    theme = {
        o.value: o for o in next(f for f in response.context["facets"] if f.name == "theme").options
    }
    assert parse_qs(urlsplit(theme["t2"].url).query) == {"theme": ["t1", "t2"]}
    assert parse_qs(urlsplit(theme["t1"].url).query) == {}
    assert b'type="checkbox" name="theme" value="t1" id="f-theme-t1" checked' in response.content


def test_pagination_keeps_the_filters(client, known, settings):
    theme = Theme.objects.get(slug="t2")
    institute = Institute.objects.get(slug="inst-a")
    for i in range(25):
        make_publication(title=f"Paper {i:02}", themes=[theme], institutes=[institute])
    response = get(client, theme="t2", sort="title")
    assert response.context["total"] == 27
    assert len(response.context["entries"]) == 20
    page2 = response.context["page_obj"].next_page_number()
    assert b'href="?theme=t2&amp;sort=title&amp;page=2"' in response.content
    response = get(client, theme="t2", sort="title", page=page2)
    assert len(response.context["entries"]) == 7
    # A page past the end shows the last page; a non-number shows the first.
    assert get(client, theme="t2", page="99999").context["page_obj"].number == 2
    assert get(client, theme="t2", page="two").context["page_obj"].number == 1


def test_works_as_a_plain_get_form(client, known):
    html = get(client).content.decode()
    assert '<form class="catalogue" method="get"' in html
    assert '<button type="submit" class="button" data-apply>Apply filters</button>' in html
    for facet in ("kind", "theme", "institute", "country", "region"):
        assert f'type="checkbox" name="{facet}"' in html


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "migration"},
        {"q": "migration", "theme": ["t1", "t2", "t3"], "institute": ["inst-a", "inst-b"]},
        {"theme": ["t1"], "country": ["GH", "DE"], "region": "Africa", "year_from": "2000"},
    ],
)
def test_a_catalogue_page_costs_a_fixed_number_of_queries(
    client, known, django_assert_max_num_queries, params
):
    themes = [make_theme() for _ in range(30)]
    institute = Institute.objects.get(slug="inst-a")
    for i in range(60):
        make_publication(
            title=f"Migration paper {i}",
            themes=[*themes[: i % 7], Theme.objects.get(slug="t1")],
            institutes=[institute],
            countries=[Country.objects.get(code="GH")],
        )
    get_twice_within(client, django_assert_max_num_queries, 10, URL, params)
    with django_assert_max_num_queries(10):
        assert client.get(URL, {**params, "page": 3}).status_code == 200


def test_catalogue_advertises_the_feed_of_its_selection(client):
    html = client.get(reverse("catalogue"), {"theme": "diaspora"}).content.decode()
    feed = "/catalogue/feed.atom?theme=diaspora"
    assert f'type="application/atom+xml" title="This selection (Atom)" href="{feed}"' in html


@pytest.mark.parametrize(
    ("page", "params", "export"),
    [
        ("/publications/", {"publication_type": "book"}, r"/catalogue/cite\.json"),
        ("/projects/", {"state": "completed"}, r"/catalogue/feed\.atom"),
    ],
)
def test_exports_of_a_per_kind_list_are_that_lists_results(client, page, params, export):
    response = client.get(page, params)
    html = response.content.decode()
    shown = [e.get_absolute_url() for e in response.context["entries"]]
    match = re.search(rf'href="({export}\?[^"]+)"', html)
    assert match, "the page links to its exports"
    link = match.group(1).replace("&amp;", "&")
    response = client.get(link)
    if "cite" in link:
        exported = [path_of(item["URL"]) for item in json.loads(response.content)]
    else:
        exported = [path_of(e.link) for e in feedparser.parse(response.content).entries]
    assert exported == shown


def test_unpublished_entries_never_leak_through_an_export(client):
    theme = make_theme(slug="leak-check")
    make_draft(title="Leaky draft", themes=[theme])
    make_publication(title="Leaky scheduled", themes=[theme], publish_at=in_future())
    make_event(
        title="Leaky event",
        status=Entry.Status.REVIEW,
        themes=[theme],
        start_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    exports = [
        reverse("catalogue-atom"),
        reverse("catalogue-rss"),
        reverse("themes:atom", args=["leak-check"]),
        reverse("events:calendar"),
        reverse("citations:selection", args=["bib"]),
        reverse("citations:selection", args=["ris"]),
        reverse("citations:selection", args=["json"]),
    ]
    for url in exports:
        assert b"Leaky" not in client.get(url).content, url
        assert b"Leaky" not in client.get(url, {"theme": "leak-check"}).content, url
    for draft in Entry.objects.filter(title__startswith="Leaky"):
        kind = draft.kind
        if kind == "event":
            assert client.get(reverse("events:ics", args=[draft.slug])).status_code == 404
        if kind == "publication":
            assert (
                client.get(reverse("publications:cite", args=[draft.slug, "bib"])).status_code
                == 404
            )
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[^<]+)</loc>", index)
    assert len(sections) >= 5
    listed = "".join(client.get(section).content.decode() for section in sections)
    for draft in Entry.objects.filter(title__startswith="Leaky"):
        assert f"/{draft.slug}/</loc>" not in listed


EXPORT_URLS = [
    reverse("catalogue-atom"),
    reverse("catalogue-rss"),
    reverse("events:calendar"),
    reverse("citations:selection", args=["bib"]),
    reverse("citations:selection", args=["ris"]),
    reverse("citations:selection", args=["json"]),
]


@pytest.mark.parametrize("url", EXPORT_URLS)
@pytest.mark.parametrize(
    "params",
    [
        {"page": "x" * 300},
        {"q": "migra\x00tion"},
        {"q": '"unbalanced'},
        {"theme": ["<script>"] * 300},
        {"year_from": "abc", "sort": "drop table"},
        {"q": "x" * 5000, "country": "ZZZ"},
    ],
    ids=str,
)
def test_exports_answer_bad_input_clearly(client, url, params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert b"<script>" not in response.content


@pytest.mark.parametrize("url", EXPORT_URLS)
def test_an_export_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, url):
    institute = Institute.objects.get(slug="unu-wider")
    for i in range(40):
        entry = make_publication(title=f"Paper {i}", institutes=[institute])
        Contribution.objects.create(entry=entry, person=Person.objects.get(slug="finn-tarp"))
        make_event(
            title=f"Event {i}", institutes=[institute], start_date=in_future(days=i + 1).date()
        )
    params = {"institute": "unu-wider", "theme": ["diaspora", "integration"]}
    get_twice_within(client, django_assert_max_num_queries, 7, url, params)
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200


def test_themes_are_shown_as_topics_and_policy_frameworks(client):
    theme = next(f for f in client.get(URL).context["facets"] if f.name == "theme")
    groups = dict(theme.groups)
    assert set(groups) == {"Topics", "Policy frameworks"}
    assert "new-york-declaration" in [o.value for o in groups["Policy frameworks"]]
    assert "migration-governance" in [o.value for o in groups["Topics"]]


def test_an_unknown_person_or_organisation_is_reported_and_ignored(client):
    response = client.get(URL, {"person": "nobody-at-all", "organisation": "no-such-org"})
    notices = " ".join(response.context["notices"])
    assert "Unknown person “nobody-at-all” ignored." in notices
    assert "Unknown organisation “no-such-org” ignored." in notices
    assert response.context["total"] == Entry.objects.published().count()


def test_people_organisations_and_stages_are_facets_of_the_catalogue(client):
    response = client.get(URL, {"person": "rachel-gisselquist"})
    assert {e.slug for e in response.context["entries"]} >= {"migration-governance-global-south"}
    names = [f.name for f in response.context["facets"]]
    assert {"person", "organisation", "publication_type", "publication_status"} <= set(names)
    stage = client.get(URL, {"publication_status": "under_review"})
    assert all(e.kind == "publication" for e in stage.context["entries"])
    assert stage.context["total"] >= 1


def test_a_selection_is_counted_once_per_content_version(client, monkeypatch):
    from unumn.facets import counting

    calls = []
    real = counting.count
    monkeypatch.setattr(counting, "count", lambda *a, **k: calls.append(1) or real(*a, **k))
    params = {"theme": "diaspora"}
    first = client.get("/catalogue/", params).context["page_obj"].paginator.count
    client.get("/catalogue/", {**params, "page": 1})
    assert len(calls) == 1  # the same selection: its counts were kept
    make_publication(title="One more on diaspora", themes=[Theme.objects.get(slug="diaspora")])
    again = client.get("/catalogue/", params).context["page_obj"].paginator.count
    assert len(calls) == 2 and again == first + 1  # a change of content: counted anew
