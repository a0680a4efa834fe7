"""The network's content (``unumn/content/loader.py``): complete, faithful, idempotent, and
each entry's history starts at the load."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from events.models import Event
from projects.models import Project
from publications.models import Publication
from unumn.content.loader import read_network_content
from unumn.models import Country, Entry, Institute, Organisation, Person, Theme

pytestmark = pytest.mark.django_db


DATA = read_network_content()


def load():
    out = io.StringIO()
    call_command("load_network_content", stdout=out)
    return out.getvalue()


def dump():
    out = io.StringIO()
    call_command(
        "dumpdata",
        "unumn",
        "projects",
        "publications",
        "events",
        "taggit",
        stdout=out,
    )
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("model", "table"),
    [
        (Institute, "institutes"),
        (Theme, "themes"),
        (Person, "people"),
        (Organisation, "organisations"),
        (Project, "projects"),
        (Publication, "publications"),
        (Event, "events"),
    ],
)
def test_every_row_of_the_data_file_is_loaded(model, table):
    assert model.objects.count() == len(DATA[table])
    assert set(model.objects.values_list("slug", flat=True)) == {row["slug"] for row in DATA[table]}


def test_counts_of_the_papers_content():
    assert Country.objects.count() == 250
    assert Institute.objects.count() == 5
    assert Project.objects.count() == 7
    assert Publication.objects.count() == 8
    assert Event.objects.count() == 6
    assert Entry.objects.published().count() == 21


def test_the_network_and_its_institutes():
    assert set(Institute.objects.values_list("slug", flat=True)) == {
        "unu-mn",
        "unu-new-york",
        "unu-merit",
        "unu-wider",
        "unu-gcm",
    }
    office = Institute.objects.get(slug="unu-new-york")
    assert (office.kind, office.city, office.country_id) == ("office", "New York", "US")
    assert Institute.objects.get(slug="unu-mn").kind == "network"


def test_accra_conference():
    event = Event.objects.get(slug="wider-development-conference-migration-mobility-2017")
    assert event.start_date == datetime.date(2017, 10, 5)
    assert event.end_date == datetime.date(2017, 10, 6)
    assert event.participants == 221
    assert (event.city, event.country_id) == ("Accra", "GH")
    assert event.event_type == "conference"
    assert "ARUA" in event.organisations.values_list("acronym", flat=True)
    assert list(event.institutes.values_list("slug", flat=True)) == ["unu-wider"]


def test_cd4d_countries_commissioner_and_funder():
    project = Project.objects.get(slug="cd4d-impact-evaluation")
    assert set(project.countries.values_list("code", flat=True)) == {
        "AF",
        "ET",
        "GH",
        "MA",
        "SL",
        "SO",
    }
    roles = {(i.role, i.organisation.slug) for i in project.involvements.all()}
    assert ("commissioned_by", "iom") in roles
    assert ("funded_by", "dutch-ministry-of-foreign-affairs") in roles
    assert project.duration_months == 42
    assert project.project_type == "impact_evaluation"


def test_special_section_editors_in_order():
    collection = Publication.objects.get(slug="migration-governance-global-south")
    editors = [
        (c.person.family_name, c.role) for c in collection.contributions.select_related("person")
    ]
    assert editors == [("Gisselquist", "editor"), ("Tarp", "editor")]
    assert collection.container_title == "International Migration"
    assert collection.series.get_absolute_url() == "/series/international-migration/"
    assert collection.item_count == 8
    assert collection.countries.count() == 10


def test_routledge_book():
    book = Publication.objects.get(slug="international-migration-international-security")
    assert book.publication_type == "book"
    assert book.date_label == "April 2017"
    assert [i.organisation.name for i in book.involvements.all()] == ["Routledge"]
    # The paper does not name the author, so none is invented.
    assert not book.contributions.exists()


def test_collections_and_programmes_hold_their_parts():
    programme = Project.objects.get(slug="unu-merit-capacity-building")
    parts = set(programme.parts.values_list("slug", flat=True))
    assert {"mimak-kosovo", "migration-management-diploma-programme"} <= parts
    assert Project.objects.get(slug="mimak-kosovo").countries.filter(code="XK").exists()


def test_related_entries_are_linked_both_ways():
    conference = Entry.objects.get(slug="wider-development-conference-migration-mobility-2017")
    collection = Entry.objects.get(slug="migration-governance-global-south")
    assert conference in collection.related.all()
    assert collection in conference.related.all()


def test_loading_twice_changes_nothing():
    before = dump()
    output = load()
    assert "Done: 0 objects created." in output
    assert dump() == before


def test_loading_again_keeps_an_editors_changes():
    book = Publication.objects.get(slug="international-migration-international-security")
    book.title = "Edited by an editor"
    book.save()
    book.themes.clear()
    Institute.objects.filter(slug="unu-gcm").update(description="Rewritten")

    load()

    book.refresh_from_db()
    assert book.title == "Edited by an editor"
    assert not book.themes.exists()
    assert Institute.objects.get(slug="unu-gcm").description == "Rewritten"


def test_loading_into_an_empty_database_reports_progress():
    Entry.objects.all().delete()
    for model in (Person, Organisation, Theme, Institute, Country):
        model.objects.all().delete()
    output = load()
    assert "countries" in output and "events" in output
    assert "Done: 320 objects created." in output
    assert Entry.objects.count() == 21


def test_nothing_is_invented_where_the_paper_is_silent():
    # The paper gives no dates for the WIDER collections and no URLs anywhere.
    assert Publication.objects.get(slug="migration-those-left-behind").date is None
    assert not Publication.objects.exclude(url="").exists()
    assert not Institute.objects.exclude(website="").exists()


def test_seeded_entries_start_their_history_at_the_content_load():
    from reversion.models import Version

    entry = Publication.objects.get(slug="migration-and-crises")
    [version] = Version.objects.get_for_object(entry)
    assert version.revision.get_comment() == "Loaded from the network's content file."


def test_each_content_load_version_is_one_entry_with_its_links():
    from reversion.models import Version

    entry = Publication.objects.get(slug="migration-governance-global-south")
    [version] = Version.objects.get_for_object(entry)
    entries_in_revision = version.revision.version_set.filter(content_type__model="entry")
    assert [v.object_id for v in entries_in_revision] == [str(entry.pk)]
    assert set(entries_in_revision.get().field_dict["institutes"]) == {
        Institute.objects.get(slug="unu-wider").pk
    }
