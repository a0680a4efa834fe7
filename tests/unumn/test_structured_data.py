"""JSON-LD (``unumn/structured_data.py`` and each kind's): the schema.org data of each page."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


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
