"""The content corrections of issue 13, read against the network's contribution paper:
what a visitor sees on each page, the citation exports of the paper itself, and the data
migration that brings the corrections into a database loaded before them
(``unumn/migrations/0022_content_corrections.py``)."""

import datetime
import importlib
import json
import re
from types import SimpleNamespace

import bibtexparser
import pytest
import rispy
from django.apps import apps
from django.db import connection
from django.urls import reverse
from lxml import html as lxml_html

from publications.csl import STYLES
from publications.models import Publication
from unumn.models import ContentVersion, Entry, Institute, Involvement, Organisation

pytestmark = pytest.mark.django_db

corrections = importlib.import_module("unumn.migrations.0022_content_corrections")

CONFERENCE = "/events/wider-development-conference-migration-mobility-2017/"
JEMS_ISSUE = "/publications/forced-migration-inequality/"
SPECIAL_SECTION = "/publications/migration-governance-global-south/"
PANEL_SERIES = "/events/unu-panel-series-academic-thinking-migration/"
SUMMARY_REPORT = "/publications/panel-series-summary-report/"
MEETING = "/events/sixteenth-coordination-meeting-international-migration/"
GMG_CHAIRMANSHIP = "/projects/gmg-chairmanship-2017/"
PAPER = "unu-contribution-sixteenth-coordination-meeting"
WORKSHOP = "/events/forced-migration-contributors-workshop-2017/"


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml_html.fromstring(response.content)


def text(node):
    return " ".join(node.text_content().split())


def sections(tree):
    """``{heading: [links]}`` of the page's main column sections (parts, related work)."""
    found = {}
    for section in tree.xpath('//div[@class="entry__main"]/section'):
        heading = text(section.xpath(".//h2")[0])
        found[heading] = section.xpath('.//h3[@class="card__title"]/a/@href')
    return found


def facts(tree):
    """``{term: text}`` of the page's "At a glance" list."""
    terms = tree.xpath('//dl[@class="facts"]/dt')
    return {text(dt): text(dt.getnext()) for dt in terms}


def prose(tree):
    return " ".join(text(node) for node in tree.xpath('//div[@class="prose"]'))


def test_the_jems_special_issue_is_not_shown_as_work_of_the_accra_conference(client):
    conference = sections(page(client, CONFERENCE))
    assert JEMS_ISSUE not in conference["Related work"]
    # The paper says it of the special section (and of Those Left Behind), and so does the page.
    assert SPECIAL_SECTION in conference["Related work"]
    assert "/publications/migration-those-left-behind/" in conference["Related work"]
    assert CONFERENCE not in sections(page(client, JEMS_ISSUE)).get("Related work", [])


@pytest.mark.parametrize("path", [SPECIAL_SECTION, JEMS_ISSUE])
def test_accepted_proposals_under_review_are_not_cited_in_press(client, path):
    tree = page(client, path)
    citation = text(tree.xpath('//p[@class="citation"]')[0])
    assert "in press" not in citation
    # Cited by its status, in every style: "(under review)", never a date or "in press".
    assert "(under review)" in citation
    assert facts(tree)["Status"] == "Under review, as reported in February 2018"
    # The page still says what the paper says of the proposal.
    assert "accepted the proposal" in prose(tree)
    slug = path.strip("/").split("/")[-1]
    bib = client.get(reverse("publications:cite", args=[slug, "bib"])).content.decode()
    [entry] = bibtexparser.parse_string(bib).entries
    assert entry.fields_dict["pubstate"].value == "under review"
    csl = json.loads(client.get(reverse("publications:cite", args=[slug, "json"])).content)
    assert csl[0]["status"] == "under review"


def test_no_citation_says_in_press(client):
    for publication in Publication.objects.published():
        for style in STYLES:
            tree = page(client, f"{publication.get_absolute_url()}?style={style}")
            assert "in press" not in text(tree.xpath('//p[@class="citation"]')[0]).lower()


def test_the_panel_series_has_no_date(client):
    tree = page(client, PANEL_SERIES)
    assert "When" not in facts(tree)
    assert not tree.xpath('//p[@class="add-to-calendar"]')
    # Lists, the catalogue by year and calendars cope with an event without a date.
    listing = page(client, reverse("events:list"))
    cards = listing.xpath('//article[contains(@class, "card")]')
    [card] = [c for c in cards if PANEL_SERIES in c.xpath(".//a/@href")]
    assert not card.xpath(".//time")
    of_2017 = client.get("/catalogue/", {"year_from": "2017", "year_to": "2017"}).content.decode()
    assert PANEL_SERIES not in of_2017
    assert client.get(reverse("events:ics", args=[PANEL_SERIES.split("/")[2]])).status_code == 200
    everything = client.get(reverse("events:calendar"), {"when": "past"}).content.decode()
    assert "Panel Series" not in everything
    assert client.get("/").status_code == 200


def test_the_sixteenth_coordination_meeting_is_not_attributed_to_the_new_york_office(client):
    tree = page(client, MEETING)
    assert facts(tree)["Institute"] == "UNU-MN"
    assert "/institutes/unu-new-york/" not in tree.xpath("//a/@href")
    office = client.get("/institutes/unu-new-york/").content.decode()
    assert MEETING not in office
    assert PANEL_SERIES in office  # what the paper does say the office did


def test_the_contributors_workshop_is_an_event_of_the_special_issue_not_one_of_its_papers(
    client,
):
    found = sections(page(client, JEMS_ISSUE))
    assert "In this special issue" not in found
    assert found["Events"] == [WORKSHOP]


def test_the_summary_report_is_a_publication_of_the_panel_series_not_a_session(client):
    found = sections(page(client, PANEL_SERIES))
    assert "Sessions" not in found
    assert found["Publications"] == [SUMMARY_REPORT]


def test_a_programme_still_lists_its_projects_and_activities_together(client):
    found = sections(page(client, "/projects/unu-merit-capacity-building/"))
    listed = found["Projects and activities in this programme"]
    assert "/events/migration-management-diploma-programme/" in listed
    assert "/projects/mimak-kosovo/" in listed


def test_the_gmg_and_the_srsg_are_not_partners(client):
    shown = facts(page(client, GMG_CHAIRMANSHIP))
    assert "Partner" not in shown
    assert shown["Group chaired"] == "Global Migration Group (GMG)"
    assert shown["In support of"] == (
        "Special Representative of the Secretary-General for International Migration"
    )


def test_the_contribution_paper_is_cited_as_a_united_nations_university_document(client):
    path = reverse("publications:detail", args=[PAPER])
    tree = page(client, path)
    citation = text(tree.xpath('//p[@class="citation"]')[0])
    assert citation.startswith(
        "United Nations University. (2018). Contribution of the UNU Migration Network"
    )
    assert "UNU-WIDER" not in citation and "Maastricht" not in citation
    assert tree.xpath('//meta[@name="citation_author"]/@content') == ["United Nations University"]
    assert tree.xpath('//meta[@name="citation_technical_report_institution"]/@content') == [
        "United Nations University"
    ]
    assert facts(tree)["Author"] == "United Nations University (UNU)"

    def cite(fmt):
        response = client.get(reverse("publications:cite", args=[PAPER, fmt]))
        assert response.status_code == 200
        return response.content.decode()

    [entry] = bibtexparser.parse_string(cite("bib")).entries
    assert entry.entry_type == "techreport"
    # Braced: an institution, not a person called "University, United Nations".
    assert entry.fields_dict["author"].value == "{United Nations University}"
    assert entry.fields_dict["institution"].value == "United Nations University"
    assert entry.key.startswith("unitednationsuniversity2018")
    [record] = rispy.loads(cite("ris"))
    assert record["authors"] == ["United Nations University"]
    assert record["publisher"] == "United Nations University"
    [item] = json.loads(cite("json"))
    assert item["author"] == [{"literal": "United Nations University"}]
    assert item["publisher"] == "United Nations University"
    # The same in a selection's exports.
    selection = client.get(reverse("citations:selection", args=["json"]), {"q": "Sixteenth"})
    [cited] = [i for i in json.loads(selection.content) if i["id"] == PAPER]
    assert cited["author"] == [{"literal": "United Nations University"}]
    # Its JSON-LD names the university as its author too.
    [data] = [json.loads(s) for s in tree.xpath('//script[@type="application/ld+json"]/text()')]
    assert [a["name"] for a in data["author"]] == ["United Nations University"]


NOT_ONLINE = [
    (SUMMARY_REPORT, "this summary report"),
    (PANEL_SERIES, "summary report of the series"),
    (GMG_CHAIRMANSHIP, "its summary report"),
    (CONFERENCE, "informal summary"),
    ("/institutes/unu-mn/", "summary report"),
]


@pytest.mark.parametrize(("path", "what"), NOT_ONLINE)
def test_what_has_no_address_is_said_not_to_be_online(client, path, what):
    tree = page(client, path)
    words = prose(tree)
    assert what in words
    assert not re.search(r"\b(is|are) available\b", words)
    assert "not online here" in words
    assert "gives no address" in words


def test_no_page_says_something_is_available(client):
    paths = [entry.get_absolute_url() for entry in Entry.objects.published()]
    paths += [institute.get_absolute_url() for institute in Institute.objects.all()]
    for path in paths:
        assert not re.search(r"\b(is|are) available\b", prose(page(client, path))), path


# --- the data migration -----------------------------------------------------


def run(direction):
    getattr(corrections, direction)(apps, SimpleNamespace(connection=connection))


def entry(slug):
    return Entry.objects.get(slug=slug)


def make_old():
    """The rows as the data file had them before the corrections."""
    Publication.objects.filter(slug="migration-governance-global-south").update(
        publication_status="accepted"
    )
    Publication.objects.filter(slug="forced-migration-inequality").update(
        publication_status="forthcoming"
    )
    Entry.objects.filter(slug="unu-panel-series-academic-thinking-migration").update(
        date=datetime.date(2017, 1, 1), date_precision="year"
    )
    entry("sixteenth-coordination-meeting-international-migration").institutes.add(
        Institute.objects.get(slug="unu-new-york")
    )
    Involvement.objects.filter(entry__slug="gmg-chairmanship-2017").update(role="partner")
    entry("wider-development-conference-migration-mobility-2017").related.add(
        entry("forced-migration-inequality")
    )
    Involvement.objects.filter(entry__slug=PAPER).delete()
    Organisation.objects.filter(slug="unu").delete()
    for model_name, slug, field, old, new in corrections.TEXTS:
        model = Institute if model_name == "Institute" else Entry
        row = model.objects.get(slug=slug)
        assert new in getattr(row, field)  # the data file's text is the migration's
        model.objects.filter(pk=row.pk).update(**{field: getattr(row, field).replace(new, old)})


def assert_corrected():
    statuses = dict(
        Publication.objects.filter(
            slug__in=["migration-governance-global-south", "forced-migration-inequality"]
        ).values_list("slug", "publication_status")
    )
    assert set(statuses.values()) == {"under_review"}
    assert entry("unu-panel-series-academic-thinking-migration").date is None
    meeting = entry("sixteenth-coordination-meeting-international-migration")
    assert list(meeting.institutes.values_list("slug", flat=True)) == ["unu-mn"]
    assert "UNU Office" not in meeting.search_keywords
    roles = Involvement.objects.filter(entry__slug="gmg-chairmanship-2017")
    assert set(roles.values_list("organisation__slug", "role")) == {
        ("gmg", "chaired"),
        ("srsg-international-migration", "in_support_of"),
    }
    assert not entry("forced-migration-inequality").related.exists()
    paper = Involvement.objects.filter(entry__slug=PAPER)
    assert list(paper.values_list("organisation__slug", "role")) == [
        ("unu", "author"),
        ("unu", "publisher"),
    ]
    assert "United Nations University" in entry(PAPER).search_keywords
    assert not Entry.objects.filter(body__contains="is available").exists()
    assert "not online here" in Institute.objects.get(slug="unu-mn").description


def test_the_migration_corrects_a_database_loaded_before_the_corrections(client):
    def found(q):
        return client.get("/catalogue/", {"q": q}).content.decode()

    make_old()
    assert "Partner" in facts(page(client, GMG_CHAIRMANSHIP))
    assert MEETING in found("Sixteenth Office")
    before = ContentVersion.objects.get().number
    run("forwards")
    assert_corrected()
    assert ContentVersion.objects.get().number != before
    # What a visitor sees follows at once: the content version changed, the search
    # index was brought up to date.
    assert "Group chaired" in facts(page(client, GMG_CHAIRMANSHIP))
    assert MEETING not in found("Sixteenth Office")


def test_the_migration_keeps_an_editors_later_changes():
    make_old()
    Publication.objects.filter(slug="forced-migration-inequality").update(
        publication_status="published"
    )
    Entry.objects.filter(slug="unu-panel-series-academic-thinking-migration").update(
        date=datetime.date(2017, 5, 1), date_precision="month"
    )
    Entry.objects.filter(slug="panel-series-summary-report").update(body="Rewritten by an editor.")
    gmg = Involvement.objects.get(entry__slug="gmg-chairmanship-2017", organisation__slug="gmg")
    gmg.role = "funded_by"
    gmg.save()
    routledge = Organisation.objects.get(slug="routledge")
    Involvement.objects.create(entry=entry(PAPER), organisation=routledge, role="publisher")

    run("forwards")

    assert Publication.objects.get(slug="forced-migration-inequality").publication_status == (
        "published"
    )
    assert entry("unu-panel-series-academic-thinking-migration").date == datetime.date(2017, 5, 1)
    assert entry("panel-series-summary-report").body == "Rewritten by an editor."
    assert Involvement.objects.get(pk=gmg.pk).role == "funded_by"
    assert list(Involvement.objects.filter(entry__slug=PAPER).values_list("role", flat=True)) == [
        "publisher"
    ]
    assert not Organisation.objects.filter(slug="unu").exists()
    # The corrections the editor did not touch are made.
    assert Publication.objects.get(slug="migration-governance-global-south").publication_status == (
        "under_review"
    )


def test_the_migration_changes_nothing_already_corrected_and_is_reversible():
    version = ContentVersion.objects.get().number
    run("forwards")  # the tests' database is loaded from the corrected data file
    assert ContentVersion.objects.get().number == version
    assert_corrected()
    run("backwards")
    meeting = entry("sixteenth-coordination-meeting-international-migration")
    assert set(meeting.institutes.values_list("slug", flat=True)) == {"unu-mn", "unu-new-york"}
    assert Publication.objects.get(slug="forced-migration-inequality").publication_status == (
        "forthcoming"
    )
    assert not Organisation.objects.filter(slug="unu").exists()
    assert Entry.objects.filter(body__contains="is available").count() == 3
    run("forwards")
    assert_corrected()


def test_the_migration_does_nothing_on_an_empty_database():
    Entry.objects.all().delete()
    Organisation.objects.all().delete()
    Institute.objects.all().delete()
    version = ContentVersion.objects.get().number
    run("forwards")
    run("backwards")
    assert not Organisation.objects.exists()
    assert not Entry.objects.exists()
    assert ContentVersion.objects.get().number == version
