"""References in CSL styles (``publications/csl.py``): the cases a citation gets wrong
most often, each against the expected reference in APA 7, Chicago author-date and
Harvard (Cite Them Right); the style picker of "Cite this"; reference lists of a
selection (``style=``)."""

import datetime

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from publications import citations, csl
from publications.models import PublicationStatus, PublicationType, Series, SeriesKind
from tests.catalogue import path_of
from tests.factories import make_draft, make_organisation, make_person, make_publication
from unumn.models import Contribution, Involvement, Organisation

pytestmark = pytest.mark.django_db

URL = "https://unumn.test/p/"


def publication(*, authors=(), editors=(), bodies=(), publishers=(), year=None, **fields):
    if year:
        fields.update(date=datetime.date(year, 1, 1), date_precision="year")
    made = make_publication(**fields)
    for order, (role, names) in enumerate([("author", authors), ("editor", editors)]):
        for position, (family, given) in enumerate(names):
            person = make_person(family_name=family, given_name=given)
            Contribution.objects.create(
                entry=made, person=person, role=role, order=order * 10 + position
            )
    for name in bodies:
        Involvement.objects.create(entry=made, organisation=body(name), role="author")
    for name in publishers:
        Involvement.objects.create(entry=made, organisation=body(name), role="publisher")
    return citations.prepare(type(made).objects.filter(pk=made.pk)).get()


def book(title, family, **fields):
    return publication(
        title=title, publication_type=PublicationType.BOOK, authors=[(family, "Ann")], **fields
    )


def body(name):
    return Organisation.objects.filter(name=name).first() or make_organisation(name=name)


def references(made):
    item = citations.csl_item(made, url=URL)
    return {key: csl.plain(csl.reference(item, key)) for key in csl.STYLES}


def journal(name, kind=SeriesKind.JOURNAL):
    series, _ = Series.objects.update_or_create(
        name=name, defaults={"slug": name.lower().replace(" ", "-"), "kind": kind}
    )
    return series


def test_an_authorless_work_starts_with_its_title_and_names_it_once():
    made = publication(
        title="Migration in Numbers",
        publication_type=PublicationType.REPORT,
        date=datetime.date(2017, 4, 1),
        date_precision="month",
        publishers=["Routledge"],
    )
    assert references(made) == {
        "apa": f"Migration in Numbers. (2017). Routledge. {URL}",
        "chicago": f"Migration in Numbers. 2017. Routledge. {URL}.",
        "harvard": f"Migration in Numbers (2017). Routledge. Available at: {URL}.",
    }


def test_an_edited_volume_names_its_editors_once_as_editors():
    made = publication(
        title="Migration and Those Left Behind",
        publication_type=PublicationType.EDITED_COLLECTION,
        editors=[("Gisselquist", "Rachel M."), ("Tarp", "Finn")],
        year=2019,
        publishers=["Oxford University Press"],
    )
    assert references(made) == {
        "apa": "Gisselquist, R. M., & Tarp, F. (Eds.). (2019). Migration and Those Left Behind "
        f"[Edited collection]. Oxford University Press. {URL}",
        "chicago": "Gisselquist, Rachel M., and Finn Tarp, eds. 2019. Migration and Those Left "
        f"Behind. Edited collection. Oxford University Press. {URL}.",
        "harvard": "Gisselquist, R.M. and Tarp, F. (eds) (2019) Migration and Those Left Behind. "
        f"Oxford University Press. Available at: {URL}.",
    }


def test_a_special_issue_is_cited_by_its_editor_in_its_journal():
    made = publication(
        title="Forced Migration and Inequality",
        publication_type=PublicationType.SPECIAL_ISSUE,
        editors=[("Gisselquist", "Rachel M.")],
        series=journal("Journal of Ethnic and Migration Studies"),
        volume="44",
        issue="6",
        year=2018,
    )
    assert references(made) == {
        "apa": "Gisselquist, R. M. (Ed.). (2018). Forced Migration and Inequality [Special issue]. "
        f"Journal of Ethnic and Migration Studies, 44(6). {URL}",
        "chicago": "Gisselquist, Rachel M., ed. 2018. “Forced Migration and Inequality”. Special "
        f"issue, Journal of Ethnic and Migration Studies 44 (6). {URL}.",
        "harvard": "Gisselquist, R.M. (ed.) (2018) ‘Forced Migration and Inequality’, Journal of "
        f"Ethnic and Migration Studies, 44(6). Available at: {URL}.",
    }


def test_an_article_in_an_issue_without_a_volume():
    made = publication(
        title="Remittances and Poverty",
        publication_type=PublicationType.JOURNAL_ARTICLE,
        authors=[("Lee", "Ann"), ("Kim", "Bo")],
        series=journal("International Migration"),
        issue="3",
        pages="10-25",
        year=2018,
    )
    assert references(made) == {
        "apa": f"Lee, A., & Kim, B. (2018). Remittances and Poverty. International Migration, (3), "
        f"10–25. {URL}",
        "chicago": "Lee, Ann, and Bo Kim. 2018. “Remittances and Poverty”. International "
        f"Migration, no. 3 (2018): 10–25. {URL}.",
        "harvard": "Lee, A. and Kim, B. (2018) ‘Remittances and Poverty’, International Migration, "
        f"(3), pp. 10–25. Available at: {URL}.",
    }


@pytest.mark.parametrize(
    ("status", "apa", "chicago", "harvard"),
    [
        # An accepted or forthcoming work is "in press" in APA, "forthcoming" elsewhere.
        (PublicationStatus.FORTHCOMING, "(in press)", "Forthcoming.", "(forthcoming)"),
        (PublicationStatus.ACCEPTED, "(in press)", "Forthcoming.", "(forthcoming)"),
        (PublicationStatus.UNDER_REVIEW, "(under review)", "Under review.", "(under review)"),
        (
            PublicationStatus.IN_PREPARATION,
            "(in preparation)",
            "In preparation.",
            "(in preparation)",
        ),
    ],
)
def test_a_work_not_yet_published_says_only_what_the_data_says(status, apa, chicago, harvard):
    made = publication(
        title="Return Migration",
        publication_type=PublicationType.JOURNAL_ARTICLE,
        authors=[("Lee", "Ann")],
        series=journal("International Migration"),
        publication_status=status,
        year=2018,  # when it is expected: not a date of issue
    )
    made_references = references(made)
    assert made_references["apa"].startswith(f"Lee, A. {apa}. Return Migration.")
    assert made_references["chicago"].startswith(f"Lee, Ann. {chicago} “Return Migration”.")
    assert made_references["harvard"].startswith(f"Lee, A. {harvard} ‘Return Migration’")
    for reference in made_references.values():
        assert "2018" not in reference
        assert "preprint" not in reference.lower()
    unpublished = {PublicationStatus.UNDER_REVIEW, PublicationStatus.IN_PREPARATION}
    if status in unpublished:  # under review is never "in press", nor "forthcoming"
        for reference in made_references.values():
            assert "in press" not in reference.lower() and "orthcoming" not in reference


def test_an_institutional_author():
    made = publication(
        title="Contribution of the UNU Migration Network",
        publication_type=PublicationType.REPORT,
        bodies=["United Nations University"],
        publishers=["United Nations University"],
        year=2018,
    )
    assert references(made) == {
        # APA leaves out a publisher that is the author; the others repeat it.
        "apa": "United Nations University. (2018). Contribution of the UNU Migration Network. "
        f"{URL}",
        "chicago": "United Nations University. 2018. Contribution of the UNU Migration Network. "
        f"United Nations University. {URL}.",
        "harvard": "United Nations University (2018) Contribution of the UNU Migration Network. "
        f"United Nations University. Available at: {URL}.",
    }


def test_a_working_paper_is_cited_by_its_series_and_number():
    made = publication(
        title="Migration and Development",
        publication_type=PublicationType.WORKING_PAPER,
        authors=[("Lee", "Ann")],
        series=journal("WIDER Working Paper", kind=SeriesKind.WORKING_PAPERS),
        number="2017/190",
        publishers=["UNU-WIDER"],
        doi="10.35188/UNU-WIDER/2017/190-1",
        year=2017,
    )
    refs = references(made)
    assert refs["apa"] == (
        "Lee, A. (2017). Migration and Development (Working Paper 2017/190; WIDER Working "
        "Paper). UNU-WIDER. https://doi.org/10.35188/UNU-WIDER/2017/190-1"
    )
    for reference in refs.values():
        assert "2017/190" in reference
        assert "WIDER Working Paper" in reference or "Working paper 2017/190" in reference


def test_titles_are_in_italics_and_text_is_escaped():
    made = publication(
        title="Borders <script>alert(1)</script> & Rights",
        publication_type=PublicationType.BOOK,
        authors=[("Lee", "Ann")],
        year=2017,
    )
    item = citations.csl_item(made, url=URL)
    for key in csl.STYLES:
        reference = csl.reference(item, key)
        assert "<script>" not in reference
        assert "<i>Borders &lt;script&gt;" in reference


def test_cite_this_offers_each_style_and_shows_the_chosen_one(client):
    made = book("Return Migration", "Lee", year=2017)
    page = client.get(made.get_absolute_url())
    tree = lxml_html.fromstring(page.content)
    options = tree.xpath('//form[contains(@class, "cite__style")]//option')
    assert [o.get("value") for o in options] == list(csl.STYLES)
    assert [o.get("value") for o in options if o.get("selected") is not None] == ["apa"]
    assert "Lee, A. (2017). <i>Return Migration</i>." in page.content.decode()
    chicago = client.get(made.get_absolute_url(), {"style": "chicago"}).content.decode()
    assert "Lee, Ann. 2017. <i>Return Migration</i>." in chicago
    assert '<option value="chicago" selected>' in chicago


@pytest.mark.parametrize("style", ["mla", "../apa", "APA", "apa "])
def test_an_unknown_style_is_a_bad_request(client, style):
    made = publication(title="Return Migration", publication_type=PublicationType.BOOK)
    assert client.get(made.get_absolute_url(), {"style": style}).status_code == 400
    export = reverse("citations:selection", args=["html"])
    assert client.get(export, {"style": style}).status_code == 400
    assert client.get(export, {"style": style, "q": "x"}).status_code == 400


def test_a_selection_as_a_reference_list_in_each_style(client):
    for family in ("Zed", "Abel", "Moss"):
        publication(
            title=f"Migration by {family}",
            publication_type=PublicationType.BOOK,
            authors=[(family, "Ann")],
            date=datetime.date(2017, 1, 1),
            date_precision="year",
        )
    make_draft(title="Migration by a draft")
    export = reverse("citations:selection", args=["html"])
    for key, style in csl.STYLES.items():
        response = client.get(export, {"q": "migration", "style": key})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        tree = lxml_html.fromstring(response.content)
        assert tree.get("lang") == "en"
        items = [li.text_content() for li in tree.xpath("//main//li")]
        mine = [text for text in items if "Migration by" in text]
        assert [text.split(",")[0].split(" ")[0] for text in mine] == ["Abel", "Moss", "Zed"]
        assert style.name in tree.xpath("//title")[0].text
        assert "draft" not in response.content.decode()
        text = client.get(reverse("citations:selection", args=["txt"]), {"style": key})
        assert text["Content-Type"] == "text/plain; charset=utf-8"
        assert "<i>" not in text.content.decode()
        assert "Migration by Abel" in text.content.decode()
    # Without a style: APA.
    default = client.get(reverse("citations:selection", args=["txt"]), {"q": "Abel"})
    assert "Abel, A. (2017). Migration by Abel." in default.content.decode()


def test_the_catalogue_offers_reference_lists_of_its_selection(client):
    page = client.get(reverse("catalogue"), {"q": "migration"})
    tree = lxml_html.fromstring(page.content)
    links = tree.xpath('//aside[contains(@class, "exports")]//a/@href')
    styled = [link for link in links if "cite.html" in link]
    assert len(styled) == len(csl.STYLES)
    for link, key in zip(styled, csl.STYLES, strict=True):
        assert f"style={key}" in link and "q=migration" in link
        assert client.get(path_of(link) + "?" + link.split("?", 1)[1]).status_code == 200


def test_one_publication_as_a_reference_in_a_style(client):
    made = book("Return Migration", "Lee", year=2017)
    response = client.get(
        reverse("publications:cite", args=[made.slug, "txt"]), {"style": "harvard"}
    )
    assert response.content.decode().startswith("Lee, A. (2017) Return Migration.")


def test_a_special_section_is_not_called_a_special_issue():
    made = publication(
        title="Migration and Crises",
        publication_type=PublicationType.SPECIAL_SECTION,
        editors=[("Bello", "Valeria")],
        series=journal("International Migration"),
        year=2017,
    )
    refs = references(made)
    assert "[Special section]" in refs["apa"]
    assert "Special section, International Migration" in refs["chicago"]
    assert all("pecial issue" not in reference for reference in refs.values())
