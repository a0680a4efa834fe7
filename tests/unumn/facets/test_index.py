"""The facet index (``unumn/facets/index.py``): the same selections, counts and orders as
the ORM's reading of the same parameters, and rebuilt when the content changes."""

import itertools

import pytest
from django.http import QueryDict
from django.utils import timezone

from tests.factories import in_future, make_publication, make_theme
from unumn import kinds
from unumn.catalogue import public_selection
from unumn.facets.index import FacetIndex
from unumn.models import Entry, Person

pytestmark = pytest.mark.django_db

SELECTIONS = [
    "",
    "theme=diaspora",
    "theme=diaspora&theme=migration-governance",
    "institute=unu-wider&kind=publication",
    "region=Africa",
    "country=GH&country=ET",
    "q=migration",
    "q=migration&sort=title",
    "q=refugees -rwanda",
    'q="special section"',
    "q=migr",
    "year_from=2017&year_to=2017",
    "person=rachel-gisselquist",
    "organisation=iom&sort=oldest",
    "publication_type=special_section&publication_type=book",
    "kind=event&sort=title",
]


def orm_ids(selection):
    """The ORM's reading of a selection: its filter set's queryset, in its order."""
    fs = selection.filterset
    return list(fs.ordered(fs.filtered()).values_list("pk", flat=True))


@pytest.mark.parametrize("params", SELECTIONS)
def test_the_index_selects_and_orders_as_the_orm(params):
    selection = public_selection(QueryDict(params))
    assert selection.ids() == orm_ids(selection)
    assert selection.total == len(orm_ids(selection))


@pytest.mark.parametrize(("kind", "params"), list(itertools.product(kinds.names(), SELECTIONS[:6])))
def test_a_kinds_list_selects_and_orders_as_the_orm(every_kind, kind, params):
    selection = public_selection(QueryDict(params), model=kinds.get(kind).model)
    assert selection.ids() == orm_ids(selection)


@pytest.mark.parametrize("params", SELECTIONS)
def test_every_count_is_the_orms(params):
    selection = public_selection(QueryDict(params))
    fs = selection.filterset
    for name, _ in fs.facets:
        for value, count in selection.counts[name].items():
            narrowed = QueryDict(params, mutable=True)
            narrowed.setlist(name, [value])
            alone = public_selection(narrowed)
            assert count == len(orm_ids(alone)), (name, value)


def test_a_change_of_content_builds_a_new_index(client):
    before = FacetIndex.current()
    assert FacetIndex.current() is before  # one per content version
    theme = make_theme(slug="brand-new")
    make_publication(title="Fresh", themes=[theme])
    client.get("/")  # a new request reads the version again
    after = FacetIndex.current()
    assert after is not before and after.size == before.size + 1
    assert public_selection(QueryDict("theme=brand-new")).total == 1


def test_a_scheduled_entry_enters_the_index_when_its_time_comes(client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    make_publication(title="Quuxplorer", slug="later", publish_at=in_future(hours=1))
    client.get("/")
    assert public_selection(QueryDict("q=quuxplorer")).total == 0
    time_machine.shift(3601)
    client.get("/")  # no write at all: the latest publication time is part of the version
    selection = public_selection(QueryDict("q=quuxplorer"))
    assert selection.ids() == [Entry.objects.get(slug="later").pk]


def test_people_and_organisations_are_facets():
    selection = public_selection(QueryDict(""))
    people = selection.counts["person"]
    gisselquist = Person.objects.get(slug="rachel-gisselquist")
    assert (
        people["rachel-gisselquist"] == gisselquist.contributions.values("entry").distinct().count()
    )
    assert selection.counts["organisation"]["iom"] >= 2
