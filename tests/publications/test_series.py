"""Journals and series (``Series``), a publication's number in one, and the identifiers
of publications (DOI, ISBN, ISSN): checked, kept in one form, shown as links."""

import datetime
import json
import re

import feedparser
import pytest
from django.core.exceptions import ValidationError

from publications.models import Publication, Series
from tests.editing import client_for, form_data, make_user, url
from tests.factories import make_organisation, make_publication
from unumn.identifiers import normalise_doi, normalise_isbn, normalise_issn
from unumn.models import Entry
from unumn.permissions import INSTITUTE_EDITORS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("normalise", "given", "kept"),
    [
        (normalise_isbn, "9780306406157", "978-0-306-40615-7"),
        (normalise_isbn, "ISBN 0-306-40615-2", "978-0-306-40615-7"),  # ISBN-10: one form
        (normalise_issn, "ISSN 0020 7985", "0020-7985"),
        (normalise_issn, "1369-183x", "1369-183X"),
        (normalise_doi, "https://doi.org/10.1111/imig.12345", "10.1111/imig.12345"),
        (normalise_doi, "doi:10.1080/1369183X.2017.1234", "10.1080/1369183X.2017.1234"),
        (normalise_doi, "http://dx.doi.org/10.1111/imig.12345", "10.1111/imig.12345"),
        (normalise_doi, "  ", ""),
    ],
)
def test_identifiers_are_kept_in_one_form(normalise, given, kept):
    assert normalise(given) == kept


@pytest.mark.parametrize(
    ("normalise", "given", "message"),
    [
        (normalise_isbn, "978-0-306-40615-8", "check digit is wrong"),
        (normalise_isbn, "12345", "This is not an ISBN"),
        (normalise_issn, "0020-7984", "check digit is wrong"),
        (normalise_issn, "not an issn", "This is not an ISSN"),
        (normalise_doi, "10.1/x", "A DOI starts with 10."),
        (normalise_doi, "https://example.org/paper", "A DOI starts with 10."),
    ],
)
def test_wrong_identifiers_say_why(normalise, given, message):
    with pytest.raises(ValidationError, match=message):
        normalise(given)


def test_isbn_and_issn_are_unique():
    make_publication(isbn="978-0-306-40615-7")
    with pytest.raises(ValidationError, match="Another publication has this ISBN"):
        make_publication(isbn="0-306-40615-2")  # the same book as an ISBN-10
    Series.objects.create(name="International Migration X", slug="imx", issn="0020-7985")
    series = Series(name="Another", slug="another", issn="00207985")
    with pytest.raises(ValidationError, match="Another series has this ISSN"):
        series.full_clean()


def test_a_bad_identifier_is_a_form_error(django_user_model):
    entry = make_publication()
    editor = make_user(django_user_model, "ed", INSTITUTE_EDITORS, [entry.institutes.first().slug])
    client = client_for(editor)
    data = form_data(client.get(url("change", entry.pk)))
    data.update(doi="10.1111/imig", isbn="978-0-306-40615-8")
    response = client.post(url("change", entry.pk), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"isbn"} and "check digit" in errors["isbn"][0]
    data.update(doi="https://doi.org/10.1111/IMIG.2", isbn="0306406152")
    assert client.post(url("change", entry.pk), data).status_code == 302
    entry.refresh_from_db()
    assert (entry.doi, entry.isbn) == ("10.1111/IMIG.2", "978-0-306-40615-7")


def wider_series():
    return Series.objects.create(
        name="WIDER Working Paper",
        slug="wider-working-paper",
        kind=Series.Kind.WORKING_PAPERS,
        issn="1798-7237",
        publisher=make_organisation(name="UNU-WIDER press"),
    )


def test_a_series_page_lists_its_numbers_newest_first(client, django_assert_max_num_queries):
    series = wider_series()
    for n in range(1, 26):
        make_publication(
            title=f"Paper {n}",
            series=series,
            number=f"2017/{n}",
            date=datetime.date(2017, 1, 1) + datetime.timedelta(days=n),
        )
    make_publication(title="A draft paper", series=series, status=Entry.Status.DRAFT)
    client.get(series.get_absolute_url())
    with django_assert_max_num_queries(6):
        page = client.get(series.get_absolute_url())
    html = page.content.decode()
    titles = re.findall(r">Paper (\d+)<", html)
    assert titles[:3] == ["25", "24", "23"] and len(titles) == 20
    assert "A draft paper" not in html
    assert "WIDER Working Paper 2017/25" in html  # on the card: the series and number
    assert "ISSN <a" in html and "1798-7237" in html
    second = client.get(series.get_absolute_url(), {"page": 2}).content.decode()
    assert re.findall(r">Paper (\d+)<", second) == ["5", "4", "3", "2", "1"]
    assert client.get(series.get_absolute_url(), {"page": "x"}).status_code == 200
    assert client.get("/series/no-such-series/").status_code == 404
    feed = feedparser.parse(client.get(f"{series.get_absolute_url()}feed.atom").content)
    assert [e.title for e in feed.entries[:2]] == ["Paper 25", "Paper 24"]
    assert "A draft paper" not in [e.title for e in feed.entries]
    listing = client.get("/series/").content.decode()
    assert "WIDER Working Paper" in listing and "25 publications" in listing


def test_a_publication_links_its_series_number_and_doi(client):
    series = wider_series()
    paper = make_publication(
        title="Migrant remittances",
        series=series,
        number="2017/190",
        doi="10.35188/UNU-WIDER/2017/1",
    )
    html = client.get(paper.get_absolute_url()).content.decode()
    assert f'<a href="{series.get_absolute_url()}">WIDER Working Paper</a></cite> 2017/190' in html
    assert '<a href="https://doi.org/10.35188/UNU-WIDER/2017/1">' in html
    assert '<meta name="citation_issn" content="1798-7237">' in html
    assert '<meta name="citation_technical_report_number" content="2017/190">' in html
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html).group(1))
    assert data["isPartOf"]["@type"] == "CreativeWorkSeries"
    assert data["isPartOf"]["issn"] == "1798-7237"


def test_renaming_a_series_shows_at_once(client):
    series = wider_series()
    paper = make_publication(title="A paper", series=series)
    assert "WIDER Working Paper" in client.get(paper.get_absolute_url()).content.decode()
    series.name = "WIDER Working Papers (renamed)"
    series.save()
    assert "(renamed)" in client.get(paper.get_absolute_url()).content.decode()
    assert "(renamed)" in client.get("/publications/").content.decode()


def test_institute_editors_use_and_add_series_but_do_not_change_them(django_user_model):
    series = wider_series()
    editor = make_user(django_user_model, "ed", INSTITUTE_EDITORS, ["unu-wider"])
    client = client_for(editor)
    assert client.get("/admin/publications/series/add/").status_code == 200
    change = client.get(f"/admin/publications/series/{series.pk}/change/")
    assert change.status_code == 200 and b'name="_save"' not in change.content  # view only


def test_the_seed_journals_are_series():
    for slug, name in [
        ("international-migration", "International Migration"),
        ("journal-of-ethnic-and-migration-studies", "Journal of Ethnic and Migration Studies"),
    ]:
        series = Series.objects.get(slug=slug)
        assert series.name == name and series.publications.exists()
    assert Publication.objects.filter(series__slug="international-migration").count() == 2


def test_a_series_with_no_public_publication_is_not_announced(client):
    series = Series.objects.create(name="Brought by an import", slug="brought")
    make_publication(title="Its draft", series=series, status=Entry.Status.DRAFT)
    assert "Brought by an import" not in client.get("/series/").content.decode()
    assert client.get(series.get_absolute_url()).status_code == 404
