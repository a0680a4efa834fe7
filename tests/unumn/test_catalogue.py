"""The catalogue's facets, filters, chips, sorting and pagination on a small known data set."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_draft,
    make_event,
    make_institute,
    make_project,
    make_publication,
    make_theme,
)
from unumn.models import Country, Entry, Institute, Theme

pytestmark = pytest.mark.django_db

URL = reverse("catalogue")


@pytest.fixture
def known():
    """Four public entries (and a draft) with known themes, institutes, countries, years.

    e1 project      A   t1      GH         2017
    e2 publication  A   t1 t2   GH ET      2018
    e3 publication  B   t2      DE         2018
    e4 event        B   t3      -          2016
    draft           A   t1      GH         2018  (never shown or counted)
    """
    Entry.objects.all().delete()
    a, b = make_institute(slug="inst-a", acronym="A"), make_institute(slug="inst-b", acronym="B")
    t1, t2, t3 = (make_theme(slug=f"t{i}", name=f"Theme {i}") for i in (1, 2, 3))
    gh, et, de = (Country.objects.get(code=c) for c in ("GH", "ET", "DE"))

    def day(year):
        return datetime.date(year, 6, 1)

    return {
        "e1": make_project(
            title="Alpha", institutes=[a], themes=[t1], countries=[gh], start=day(2017)
        ),
        "e2": make_publication(
            title="Bravo", institutes=[a], themes=[t1, t2], countries=[gh, et], date=day(2018)
        ),
        "e3": make_publication(
            title="Charlie", institutes=[b], themes=[t2], countries=[de], date=day(2018)
        ),
        "e4": make_event(title="Delta", institutes=[b], themes=[t3], start_date=day(2016)),
        "draft": make_draft(
            title="Echo", institutes=[a], themes=[t1], countries=[gh], date=day(2018)
        ),
    }


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


def test_values_of_one_facet_widen(client, known):
    assert sorted(titles(get(client, theme=["t1", "t3"]))) == ["Alpha", "Bravo", "Delta"]
    assert sorted(titles(get(client, kind=["project", "event"]))) == ["Alpha", "Delta"]


def test_different_facets_narrow(client, known):
    assert titles(get(client, theme="t2", institute="inst-b")) == ["Charlie"]
    assert titles(get(client, theme="t1", institute="inst-b")) == []
    assert titles(get(client, theme=["t1", "t2"], country="DE")) == ["Charlie"]


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


def test_selected_value_with_no_matches_stays_visible_to_untick(client, known):
    response = get(client, theme="t3", institute="inst-a")
    assert response.context["total"] == 0
    theme = next(f for f in response.context["facets"] if f.name == "theme")
    selected = [(o.value, o.count, o.selected) for o in theme.options if o.selected]
    assert selected == [("t3", 0, True)]


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


def test_drafts_are_never_listed_or_counted(client, known):
    response = get(client, q="Echo")
    assert response.context["total"] == 0
    response = get(client, theme="t1")
    assert "Echo" not in titles(response)
    assert counts(response, "theme")["t1"] == 2


def test_sorting(client, known):
    assert titles(get(client)) == ["Bravo", "Charlie", "Alpha", "Delta"] or titles(get(client)) == [
        "Charlie",
        "Bravo",
        "Alpha",
        "Delta",
    ]
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


def test_theme_and_institute_pages_link_into_the_catalogue(client):
    page = client.get(reverse("themes:detail", args=["diaspora"])).content.decode()
    assert 'href="/catalogue/?theme=diaspora"' in page
    page = client.get(reverse("institutes:detail", args=["unu-wider"])).content.decode()
    assert 'href="/catalogue/?institute=unu-wider"' in page


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
    with django_assert_max_num_queries(10):
        response = client.get(URL, params)
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        client.get(URL, {**params, "page": 3})


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


def test_publication_status_facet(client):
    response = client.get(reverse("publications:list"), {"publication_status": "accepted"})
    assert titles(response) == ["Migration Governance and Policy in the Global South"]


def test_project_state_facet(client):
    response = client.get(reverse("projects:list"), {"state": "completed"})
    assert titles(response) == ["UNU Chairmanship of the Global Migration Group, 2017"]


def test_events_list_upcoming_first_then_past(client):
    soon = make_event(title="Soon", start_date=timezone.localdate() + datetime.timedelta(days=10))
    later = make_event(title="Later", start_date=timezone.localdate() + datetime.timedelta(days=90))
    response = client.get(reverse("events:list"))
    names = titles(response)
    assert names[:2] == [soon.title, later.title]
    assert names[2] == "Sixteenth Coordination Meeting on International Migration"
    html = response.content.decode()
    assert html.index("Upcoming events") < html.index("Past events")
    upcoming = client.get(reverse("events:list"), {"when": "upcoming"})
    assert titles(upcoming) == ["Soon", "Later"]
    past = client.get(reverse("events:list"), {"when": "past"})
    assert "Soon" not in titles(past) and len(titles(past)) == 6
    assert counts(response, "when") == {"upcoming": 2, "past": 6}


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
