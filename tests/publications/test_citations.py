"""Citations (``publications/citations.py`` and their views), parsed by bibtexparser, rispy
and json: BibTeX, RIS, CSL-JSON, the formatted reference and the Scholar meta tags."""

import json
import re

import bibtexparser
import pytest
import rispy
from django.urls import reverse

from publications.models import Series
from tests.catalogue import SELECTIONS, catalogue_results, path_of
from tests.factories import make_publication
from unumn.models import Contribution, Person

pytestmark = pytest.mark.django_db


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
    journal = Series.objects.create(name="Journal", slug="journal")
    publication = make_publication(
        title="A study of mobility", publication_type=publication_type, series=journal
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
    # The proposal was accepted, the articles were under review: not "in press" (issue 13).
    assert "Gisselquist, R. M., &amp; Tarp, F. (Eds.). (under review)." in html
    assert "[Special section]" in html
    assert "<i>International Migration</i>" in html
    for fmt in ("bib", "ris", "json"):
        assert reverse("publications:cite", args=["migration-governance-global-south", fmt]) in html
    book = client.get(
        reverse("publications:detail", args=["international-migration-international-security"])
    )
    assert (
        "<i>International Migration and International Security. Why Prejudice is a Global "
        "Security Threat</i>. (2017). Routledge." in book.content.decode()
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


def test_scholar_and_opengraph_meta(client):
    html = client.get("/publications/migration-governance-global-south/").content.decode()
    assert (
        '<meta name="citation_title" content="Migration Governance and Policy in the Global South">'
        in html
    )
    # Its guest editors edit the special section: Scholar's authors are authors only.
    assert re.findall(r'<meta name="citation_author" content="([^"]+)">', html) == []
    assert "Gisselquist" in html
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
