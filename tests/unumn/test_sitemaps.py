"""The sitemap (``unumn/sitemaps.py``), valid by the sitemap schema, and robots.txt."""

from pathlib import Path

import pytest
from lxml import etree

from tests.catalogue import path_of
from unumn.models import Entry, Institute

pytestmark = pytest.mark.django_db


DATA = Path(__file__).resolve().parents[1] / "data"


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
    assert "/series/international-migration/" in locations  # a kind's own vocabulary


def test_robots_txt(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_a_kind_with_many_entries_has_several_pages(client, monkeypatch):
    from unumn import sitemaps

    monkeypatch.setattr(sitemaps, "ENTRIES_PER_PAGE", 3)
    publications = Entry.objects.published().filter(kind="publication").order_by("pk")
    index = client.get("/sitemap.xml").content.decode()
    pages = -(-publications.count() // 3)
    assert f"/sitemap-publications.xml?p={pages}</loc>" in index
    assert f"/sitemap-publications.xml?p={pages + 1}</loc>" not in index
    second = client.get("/sitemap-publications.xml", {"p": 2}).content.decode()
    assert publications[3].get_absolute_url() in second
    assert publications[0].get_absolute_url() not in second
    for page in ("0", str(pages + 1), "junk", "99999999999"):
        assert client.get("/sitemap-publications.xml", {"p": page}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404
