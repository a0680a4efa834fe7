"""Open formats, each parsed by a real client library: feeds (feedparser), calendars
(icalendar), citations (bibtexparser, rispy, JSON), JSON-LD, the sitemap (lxml and
the sitemap schema). Exports of a selection hold exactly the catalogue's results."""

import datetime
import json
import re
from pathlib import Path

import bibtexparser
import feedparser
import icalendar
import pytest
import rispy
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from events.models import Event
from publications.models import Publication
from tests.factories import in_future, make_draft, make_event, make_publication, make_theme
from unumn.models import Contribution, Entry, Institute, Person

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data"
SELECTIONS = [
    {},
    {"theme": "diaspora"},
    {"institute": "unu-wider"},
    {"q": "migration", "sort": "title"},
    {"region": "Africa", "kind": ["project", "event"]},
    {"year_from": "2017", "year_to": "2017"},
]


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


# --- feeds -----------------------------------------------------------------


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


def test_catalogue_advertises_the_feed_of_its_selection(client):
    html = client.get(reverse("catalogue"), {"theme": "diaspora"}).content.decode()
    feed = "/catalogue/feed.atom?theme=diaspora"
    assert f'type="application/atom+xml" title="This selection (Atom)" href="{feed}"' in html


def test_unknown_theme_feed_is_404(client):
    assert client.get(reverse("themes:atom", args=["no-such-theme"])).status_code == 404


# --- calendars ---------------------------------------------------------------


def ics(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_accra_conference_calendar(client):
    event = Event.objects.get(slug="wider-development-conference-migration-mobility-2017")
    calendar = ics(client, reverse("events:ics", args=[event.slug]))
    [vevent] = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart") == datetime.date(2017, 10, 5)
    assert vevent.decoded("dtend") == datetime.date(2017, 10, 7)  # all-day: the day after
    assert "Accra" in str(vevent["location"]) and "Ghana" in str(vevent["location"])
    assert str(vevent["url"]).endswith(event.get_absolute_url())
    assert "221 participants" in str(vevent["description"])
    # The same UID every time, so subscribed calendars update rather than duplicate.
    again = ics(client, reverse("events:ics", args=[event.slug])).walk("VEVENT")[0]
    assert str(vevent["uid"]) == str(again["uid"]) == f"event-{event.pk}@migration.unu.edu"


def test_timed_event_has_its_time_zone(client):
    event = make_event(
        title="Evening panel",
        start_date=datetime.date(2030, 3, 4),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(20, 0),
        timezone="America/New_York",
        city="New York",
    )
    calendar = ics(client, reverse("events:ics", args=[event.slug]))
    [vevent] = calendar.walk("VEVENT")
    start = vevent.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (18, 30, "America/New_York")
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]


def test_calendar_of_a_selection_is_upcoming_by_default(client):
    soon = make_event(title="Soon", start_date=timezone.localdate() + datetime.timedelta(days=5))
    calendar = ics(client, reverse("events:calendar"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [soon.title]


@pytest.mark.parametrize("params", [{"when": "past"}, {"when": "past", "institute": "unu-wider"}])
def test_calendar_of_a_selection_is_the_catalogues_dated_events(client, params):
    calendar = ics(client, reverse("events:calendar"), params)
    listed = [path_of(str(e["url"])) for e in calendar.walk("VEVENT")]
    dated = [
        url
        for url in catalogue_results(client, {**params, "kind": "event"})
        if Event.objects.get(slug=url.strip("/").split("/")[-1]).start_date
    ]
    assert listed == dated


# --- citations ---------------------------------------------------------------


def bibtex_entries(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    return library.entries


def read_ris(text):
    """rispy, told about the standard ``ED`` (editor) tag, which it does not map itself."""
    mapping = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}
    return rispy.loads(text, mapping=mapping, list_tags=[*rispy.LIST_TYPE_TAGS, "ED"])


def test_routledge_book_in_bibtex(client):
    [entry] = bibtex_entries(
        client,
        reverse(
            "publications:cite", args=["international-migration-international-security", "bib"]
        ),
    )
    assert entry.entry_type == "book"
    assert entry.fields_dict["publisher"].value == "Routledge"
    assert entry.fields_dict["year"].value == "2017"


def test_special_issue_editors_in_order(client):
    slug = "migration-governance-global-south"
    [entry] = bibtex_entries(client, reverse("publications:cite", args=[slug, "bib"]))
    assert entry.entry_type == "periodical"
    assert entry.fields_dict["editor"].value == "Gisselquist, Rachel M. and Tarp, Finn"
    assert entry.fields_dict["title"].value == "International Migration"
    ris = read_ris(client.get(reverse("publications:cite", args=[slug, "ris"])).content.decode())
    assert ris[0]["type_of_reference"] == "JFULL"
    assert ris[0]["editors"] == ["Gisselquist, Rachel M.", "Tarp, Finn"]
    csl = json.loads(client.get(reverse("publications:cite", args=[slug, "json"])).content)
    assert [p["family"] for p in csl[0]["editor"]] == ["Gisselquist", "Tarp"]
    assert csl[0]["container-title"] == "International Migration"


@pytest.mark.parametrize(
    ("publication_type", "bibtex_type", "ris_type", "csl_type"),
    [
        ("book", "book", "BOOK", "book"),
        ("journal_article", "article", "JOUR", "article-journal"),
        ("special_issue", "periodical", "JFULL", "periodical"),
        ("special_section", "periodical", "JFULL", "periodical"),
        ("edited_collection", "collection", "EDBOOK", "book"),
        ("working_paper", "techreport", "RPRT", "report"),
        ("report", "techreport", "RPRT", "report"),
    ],
)
def test_entry_types(client, publication_type, bibtex_type, ris_type, csl_type):
    publication = make_publication(
        title="A study of mobility", publication_type=publication_type, container_title="Journal"
    )
    Contribution.objects.create(entry=publication, person=Person.objects.get(slug="finn-tarp"))

    def cite(fmt):
        return client.get(
            reverse("publications:cite", args=[publication.slug, fmt])
        ).content.decode()

    [entry] = bibtexparser.parse_string(cite("bib")).entries
    assert entry.entry_type == bibtex_type
    assert read_ris(cite("ris"))[0]["type_of_reference"] == ris_type
    assert json.loads(cite("json"))[0]["type"] == csl_type


def test_cite_this_block(client):
    html = client.get(
        reverse("publications:detail", args=["migration-governance-global-south"])
    ).content.decode()
    assert "Cite this" in html
    assert "Gisselquist, R. M., &amp; Tarp, F. (Eds.). (in press)." in html
    assert "<i>International Migration</i>" in html
    for fmt in ("bib", "ris", "json"):
        assert reverse("publications:cite", args=["migration-governance-global-south", fmt]) in html
    book = client.get(
        reverse("publications:detail", args=["international-migration-international-security"])
    )
    assert (
        "(2017, April). <i>International Migration and International Security."
        in book.content.decode()
    )


@pytest.mark.parametrize("params", SELECTIONS, ids=str)
def test_citations_of_a_selection_are_the_catalogues_publications(client, params):
    response = client.get(reverse("citations:selection", args=["json"]), params)
    cited = [path_of(item["URL"]) for item in json.loads(response.content)]
    publications = [u for u in catalogue_results(client, params) if u.startswith("/publications/")]
    assert cited == publications
    keys = [
        e.key for e in bibtex_entries(client, reverse("citations:selection", args=["bib"]), params)
    ]
    assert len(keys) == len(set(keys)) == len(publications)


# --- discovery ---------------------------------------------------------------


def json_ld(html):
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_json_ld_of_every_kind(client):
    book = json_ld(
        client.get("/publications/international-migration-international-security/").content.decode()
    )
    assert book["@context"] == "https://schema.org" and book["@type"] == "Book"
    assert book["publisher"] == [{"@type": "Organization", "name": "Routledge"}]
    assert book["datePublished"] == "2017-04"
    section = json_ld(
        client.get("/publications/migration-governance-global-south/").content.decode()
    )
    assert section["@type"] == "PublicationIssue"
    assert [p["name"] for p in section["editor"]] == ["Rachel M. Gisselquist", "Finn Tarp"]
    assert section["isPartOf"]["name"] == "International Migration"
    collection = json_ld(client.get("/publications/migration-those-left-behind/").content.decode())
    assert collection["@type"] == "Collection" and collection["numberOfItems"] == 7
    event = json_ld(
        client.get("/events/wider-development-conference-migration-mobility-2017/").content.decode()
    )
    assert (event["@type"], event["startDate"], event["endDate"]) == (
        "Event",
        "2017-10-05",
        "2017-10-06",
    )
    assert event["location"]["address"]["addressLocality"] == "Accra"
    assert {o["name"] for o in event["organizer"]} >= {"African Research Universities Alliance"}
    project = json_ld(client.get("/projects/cd4d-impact-evaluation/").content.decode())
    assert project["@type"] == "ResearchProject"
    assert project["funder"][0]["name"] == "Dutch Ministry of Foreign Affairs"
    assert project["sponsor"][0]["alternateName"] == "IOM"
    institute = json_ld(client.get("/institutes/unu-wider/").content.decode())
    assert (
        institute["@type"] == "ResearchOrganization" and institute["alternateName"] == "UNU-WIDER"
    )
    person = json_ld(client.get("/people/rachel-gisselquist/").content.decode())
    assert (person["@type"], person["familyName"]) == ("Person", "Gisselquist")


def test_scholar_and_opengraph_meta(client):
    html = client.get("/publications/migration-governance-global-south/").content.decode()
    assert (
        '<meta name="citation_title" content="Migration Governance and Policy in the Global South">'
        in html
    )
    authors = re.findall(r'<meta name="citation_author" content="([^"]+)">', html)
    assert authors == ["Gisselquist, Rachel M.", "Tarp, Finn"]
    assert '<meta name="citation_journal_title" content="International Migration">' in html
    book = client.get(
        "/publications/international-migration-international-security/"
    ).content.decode()
    assert '<meta name="citation_publication_date" content="2017/04">' in book
    assert '<meta name="citation_publisher" content="Routledge">' in book
    assert '<meta property="og:type" content="article">' in book
    assert (
        '<meta property="og:title" content="International Migration and International Security.'
        in book
    )


def test_sitemap_is_valid_and_lists_every_public_page(client):
    index_xml = client.get("/sitemap.xml").content
    etree.XMLSchema(etree.parse(str(DATA / "siteindex.xsd"))).assertValid(
        etree.fromstring(index_xml)
    )
    schema = etree.XMLSchema(etree.parse(str(DATA / "sitemap.xsd")))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations, lastmods = set(), {}
    for section in etree.fromstring(index_xml).findall("s:sitemap/s:loc", ns):
        document = etree.fromstring(client.get(path_of(section.text)).content)
        schema.assertValid(document)
        for url in document.findall("s:url", ns):
            locations.add(path_of(url.find("s:loc", ns).text))
            lastmod = url.find("s:lastmod", ns)
            lastmods[path_of(url.find("s:loc", ns).text)] = (
                lastmod.text if lastmod is not None else None
            )
    entries = {e.get_absolute_url() for e in Entry.objects.published()}
    assert entries <= locations
    assert all(lastmods[url] for url in entries)
    assert {i.get_absolute_url() for i in Institute.objects.all()} <= locations
    assert {"/", "/catalogue/"} <= locations


def test_robots_txt(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


# --- only published, bad input, fixed cost ------------------------------------------


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
    for section in ("entries",):
        assert b"leaky" not in client.get(f"/sitemap-{section}.xml").content


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
    with django_assert_max_num_queries(7):
        assert (
            client.get(
                url, {"institute": "unu-wider", "theme": ["diaspora", "integration"]}
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200


# --- findings of the review -------------------------------------------------------


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
