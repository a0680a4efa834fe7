"""A report as PDF (WeasyPrint) and DOCX (python-docx), read back by pypdf and
python-docx: headings, pages, the table of contents, links, lists."""

import io
import re

import docx
import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.tools import unavailable
from tests.unumn.test_reports import NAMED
from unumn.models import Entry, Report

pytestmark = pytest.mark.django_db

SLUG = "network-contribution-2018"  # loaded, final


@pytest.fixture
def report():
    return Report.objects.get(slug=SLUG)


def fetch(client, report, format):
    response = client.get(reverse("report-file", args=[report.slug, format]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{report.slug}.{format}"'
    return response


def listed_urls():
    slugs = [slug for slugs in NAMED.values() for slug in slugs]
    return {
        f"http://testserver{entry.get_absolute_url()}"
        for entry in Entry.objects.filter(slug__in=slugs)
    }


def test_the_pdf_has_pages_a_running_header_contents_with_page_numbers_and_links(client, report):
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # Pango missing
        unavailable(f"WeasyPrint cannot load its libraries: {error}")
    response = fetch(client, report, "pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) >= 5  # one section per page, at least
    assert pages[0].startswith("Contribution of the UNU Migration")
    # The contents give each section's page, and the page says so.
    contents = dict(re.findall(r"^(UNU-[A-Z]+)[ .]+(\d+)$", pages[0], re.MULTILINE))
    assert list(contents) == ["UNU-MN", "UNU-MERIT", "UNU-WIDER", "UNU-GCM"]
    for acronym, number in contents.items():
        assert f"({acronym})" in pages[int(number) - 1]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in text
        assert "Contribution of the UNU Migration Network" in text  # the running header
    links = {
        annotation.get_object()["/A"].get("/URI")
        for page in pdf.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }
    assert listed_urls() <= links
    assert "221 participants" in " ".join(pages)


def test_the_docx_has_word_headings_numbered_items_and_links(client, report):
    response = fetch(client, report, "docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(io.BytesIO(response.content))
    by_style = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["Title"] == [report.title]
    assert by_style["Heading 1"][:2] == [
        "Introduction",
        "United Nations University Migration Network (UNU-MN)",
    ]
    assert "Annex: bibliography" in by_style["Heading 1"]
    assert set(by_style["Heading 2"]) == {"Projects", "Publications", "Events"}
    items = by_style["List Number"]
    titles = set(Entry.objects.filter(slug__in=NAMED["unu-merit"]).values_list("title", flat=True))
    assert titles <= set(items)
    assert any("221 participants" in text for text in by_style["List Continue"])
    addresses = {
        relation.target_ref
        for relation in document.part.rels.values()
        if relation.reltype.endswith("/hyperlink")
    }
    assert listed_urls() <= addresses
    [table] = document.tables
    assert table.rows[0].cells[0].text == "Institute"
    assert [row.cells[0].text for row in table.rows[1:5]] == [
        "UNU-MN",
        "UNU-MERIT",
        "UNU-WIDER",
        "UNU-GCM",
    ]


def test_a_final_reports_files_are_kept_and_do_not_change(client, report):
    first = fetch(client, report, "docx").content
    entry = Entry.objects.get(slug="cd4d-impact-evaluation")
    entry.title = "A new title"
    entry.save()
    assert fetch(client, report, "docx").content == first


def test_a_drafts_files_are_its_editors_only(client):
    from django.core.management import call_command

    call_command("make_report", "a-draft", "--from", "2017-01-01", "--until", "2018-02-15")
    for format in ("pdf", "docx"):
        assert client.get(reverse("report-file", args=["a-draft", format])).status_code == 404
    assert client.get("/reports/no-such-report.pdf").status_code == 404
    assert client.get(f"/reports/{SLUG}.odt").status_code == 404
