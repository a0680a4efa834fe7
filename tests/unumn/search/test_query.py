"""A visitor's query, parsed once (``unumn/search/query.py``), and the editors' synonyms,
which mean the same on SQLite and PostgreSQL."""

import pytest

from tests.catalogue import search
from tests.factories import make_publication
from unumn.models import SynonymGroup
from unumn.search import parse
from unumn.search.query import Term

pytestmark = pytest.mark.django_db


def test_clauses_phrases_exclusions_and_or():
    query = parse('refugees "labour market" -Rwanda kosovo or ghana migr')
    assert [[t.text for t in clause] for clause in query.clauses] == [
        ["refugees"],
        ["labour market"],
        ["kosovo", "ghana"],
        ["migr"],
    ]
    assert [t.text for t in query.excluded] == ["Rwanda"]
    assert query.clauses[1][0].phrase and query.clauses[-1][0].prefix
    assert not parse("-only -exclusions") and not parse('"" ... ')


def test_spellings_of_one_query_share_a_key():
    assert parse("refugees  OR   kosovo").key == parse("refugees or kosovo").key


def test_synonyms_add_alternatives_to_a_term_and_to_a_phrase_typed_plainly():
    synonyms = {
        "jems": [Term("JEMS"), Term("Journal of Ethnic and Migration Studies", phrase=True)],
        "journal of ethnic and migration studies": [
            Term("JEMS"),
            Term("Journal of Ethnic and Migration Studies", phrase=True),
        ],
    }
    assert [t.text for t in parse("JEMS", synonyms).clauses[0]] == [
        "JEMS",
        "Journal of Ethnic and Migration Studies",
    ]
    plain = parse("journal of ethnic and migration studies refugees", synonyms)
    # The typed phrase, and its synonym; the synonym's own long form is the same words.
    assert [t.text for t in plain.clauses[0]] == ["journal of ethnic and migration studies", "JEMS"]
    assert [t.text for t in plain.clauses[1]] == ["refugees"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("JEMS", "forced-migration-inequality"),
        ("16th coordination meeting", "sixteenth-coordination-meeting-international-migration"),
        ("GCM contribution", "unu-contribution-sixteenth-coordination-meeting"),
    ],
)
def test_the_networks_synonyms_find_what_people_type(client, query, expected):
    assert expected in search(client, query)


def test_a_synonym_an_editor_adds_works_at_once_both_ways(client):
    make_publication(title="Findings on the ZQX programme", slug="zqx")
    assert search(client, "Zebra Quartz Xylophone") == []
    SynonymGroup.objects.create(terms="ZQX\nZebra Quartz Xylophone")
    assert search(client, "Zebra Quartz Xylophone") == ["zqx"]
    assert "zqx" in search(client, "zqx")
