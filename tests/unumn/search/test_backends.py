"""Full-text search: what visitors of the seed's content try, ranking, highlighting,
and an index that follows every change. Runs on SQLite and PostgreSQL."""

import datetime

import pytest
from django.urls import reverse

from tests.catalogue import search
from tests.factories import make_organisation, make_person, make_publication, make_theme
from unumn.models import Contribution, Entry, Institute, Involvement, Person, Theme

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("diaspora", {"cd4d-impact-evaluation"}),
        ("Congolese refugees", {"congolese-refugees-rwanda"}),
        ("Kosovo", {"mimak-kosovo", "unu-merit-capacity-building"}),
        ("Gisselquist", {"migration-governance-global-south", "migration-those-left-behind"}),
        ("Bello", {"migration-and-crises"}),
        ("UNU-GCM", {"migration-and-crises", "international-migration-international-security"}),
        ("Routledge", {"international-migration-international-security"}),
        ("Accra", {"wider-development-conference-migration-mobility-2017"}),
    ],
)
def test_what_visitors_of_the_seed_would_search(client, query, expected):
    found = set(search(client, query))
    assert expected <= found, found


def test_a_surname_finds_every_entry_of_that_person(client):
    found = set(search(client, "gisselquist"))
    edited = set(
        Contribution.objects.filter(person__family_name="Gisselquist").values_list(
            "entry__slug", flat=True
        )
    )
    assert edited <= found
    assert len(edited) == 3


def test_every_word_must_match(client):
    assert search(client, "diaspora Kosovo") == []
    assert search(client, "diaspora Ghana") == ["cd4d-impact-evaluation"]


def test_case_insensitive_and_last_word_as_prefix(client):
    assert "cd4d-impact-evaluation" in search(client, "DIASPORA")
    assert "mimak-kosovo" in search(client, "Koso")
    assert set(search(client, "Gissel")) == set(search(client, "Gisselquist"))


def test_quotes_and_exclusion(client):
    phrase = set(search(client, '"special issue"'))
    assert "forced-migration-inequality" in phrase
    without = set(search(client, "Gisselquist -Tarp"))
    assert "forced-migration-inequality" in without
    assert "migration-governance-global-south" not in without


def test_a_phrase_finds_its_words_side_by_side_and_in_order_only(client):
    def entry(body):
        return make_publication(title="Survey", body=body).slug

    side_by_side = entry("Access to the labour market integration of women.")
    apart = entry("The market for labour; integration later.")
    reversed_order = entry("A market labour integration survey.")
    stop_word = entry("The right to work, and the right of work.")
    three = entry("Labour market integration of refugees.")
    edited = entry("Nothing on this yet.")
    mine = {side_by_side, apart, reversed_order, stop_word, three, edited}

    def found(query):
        return set(search(client, query)) & mine

    assert found('"labour market"') == {side_by_side, three}
    assert found('"market labour"') == {reversed_order}
    assert found('"labour market integration"') == {side_by_side, three}
    assert found('"market integration"') == {side_by_side, three}
    assert found('"integration of refugees"') == {three}  # a stop word inside
    assert found('"right to work"') == {stop_word}
    assert found('"labour market" refugees') == {three}
    assert found('"labour market" -refugees') == {side_by_side}
    assert found('survey -"labour market"') == {apart, reversed_order, stop_word, edited}
    publication = Entry.objects.get(slug=edited)
    publication.body = "Their labour market outcomes."
    publication.save()
    assert found('"labour market"') == {side_by_side, three, edited}


def test_long_words_side_by_side_are_indexed(client):
    """Two words whose pair is longer than a lexeme may be (two long addresses): the
    entry is saved, indexed anew and found, by a word and by a phrase."""
    first, second = "a" * 1100, "b" * 1100
    body = f"Visit https://x.org/{first} https://x.org/{second} archived copies."
    entry = make_publication(title="Long words", body=body)
    assert search(client, "long words") == [entry.slug]
    assert search(client, '"long words"') == [entry.slug]
    entry.body += " Again."
    entry.save()  # indexed anew
    assert search(client, '"archived copies"') == [entry.slug]


def test_title_matches_rank_above_body_matches_then_newest(client):
    body_only = make_publication(
        title="Household surveys", body="A note on remittances.", date=datetime.date(2020, 1, 1)
    )
    old_title = make_publication(title="Remittances in 2010", date=datetime.date(2010, 1, 1))
    new_title = make_publication(title="Remittances in 2019", date=datetime.date(2019, 1, 1))
    assert search(client, "remittances") == [new_title.slug, old_title.slug, body_only.slug]


def test_snippets_are_highlighted_and_escaped(client):
    entry = make_publication(
        title="A study",
        summary="<script>alert('x')</script> Circular migration in West Africa.",
    )
    response = client.get(reverse("catalogue"), {"q": "circular"})
    [result] = response.context["entries"]
    assert result.pk == entry.pk
    html = response.content.decode()
    assert "<mark>Circular</mark>" in html
    assert "<script>alert" not in html


def test_relevance_is_the_default_order_with_a_query(client):
    response = client.get(reverse("catalogue"), {"q": "migration"})
    assert response.context["filterset"].sort_order == "relevance"
    by_title = search(client, "migration", sort="title")
    assert by_title == sorted(by_title, key=lambda slug: Entry.objects.get(slug=slug).title)


class TestTheIndexFollowsChanges:
    def test_new_entry(self, client):
        make_publication(title="Seasonal labour mobility")
        assert len(search(client, "seasonal")) == 1

    def test_edited_entry(self, client):
        entry = Entry.objects.get(slug="mimak-kosovo").specific
        entry.title = "Strengthening authorities in Pristina"
        entry.save()
        assert "mimak-kosovo" in search(client, "Pristina")

    def test_theme_added_and_renamed(self, client):
        entry = Entry.objects.get(slug="mimak-kosovo")
        theme = make_theme(name="Border management")
        entry.themes.add(theme)
        assert "mimak-kosovo" in search(client, "border")
        theme.name = "Frontier administration"
        theme.save()
        assert "mimak-kosovo" in search(client, "frontier")
        assert "mimak-kosovo" not in search(client, "border")
        entry.themes.remove(theme)
        assert "mimak-kosovo" not in search(client, "frontier")

    def test_person_added_and_renamed(self, client):
        entry = Entry.objects.get(slug="mimak-kosovo")
        person = make_person(name="Amina Okonkwo", family_name="Okonkwo")
        Contribution.objects.create(entry=entry, person=person, role="researcher")
        assert search(client, "Okonkwo") == ["mimak-kosovo"]
        Person.objects.filter(pk=person.pk).update(name="x")  # no signal: not re-indexed
        person.name = "Amina Adeyemi"
        person.save()
        assert search(client, "Adeyemi") == ["mimak-kosovo"]
        assert search(client, "Okonkwo") == []

    def test_institute_and_organisation_renamed(self, client):
        institute = Institute.objects.get(slug="unu-gcm")
        institute.acronym = "UNU-GCMX"
        institute.save()
        assert "migration-and-crises" in search(client, "UNU-GCMX")
        entry = Entry.objects.get(slug="mimak-kosovo")
        organisation = make_organisation(name="Balkan Mobility Forum", acronym="BMF")
        Involvement.objects.create(entry=entry, organisation=organisation, role="partner")
        assert search(client, "Balkan") == ["mimak-kosovo"]
        organisation.name = "Adriatic Mobility Forum"
        organisation.save()
        assert search(client, "Adriatic") == ["mimak-kosovo"]

    def test_institute_link_removed(self, client):
        entry = Entry.objects.get(slug="mimak-kosovo")
        entry.institutes.add(Institute.objects.get(slug="unu-wider"))
        assert "mimak-kosovo" in search(client, "UNU-WIDER Kosovo")
        entry.institutes.remove(Institute.objects.get(slug="unu-wider"))
        assert "mimak-kosovo" not in search(client, "UNU-WIDER Kosovo")


def test_theme_names_are_searchable(client):
    theme = Theme.objects.get(slug="those-left-behind")
    found = set(search(client, theme.name))
    assert "migration-those-left-behind" in found


def test_editing_an_institute_without_renaming_it_does_not_reindex(django_assert_max_num_queries):
    institute = Institute.objects.get(slug="unu-merit")
    institute.description = "New text"
    with django_assert_max_num_queries(3):  # read the names, save; no re-indexing
        institute.save()
