"""Every public list has a defined order, whatever order the rows were added in:
institutes by their position (then name), people by family name, organisations and
themes by name (themes grouped by kind on their page), an entry's links likewise."""

import pytest
from django.urls import reverse

from tests.factories import (
    make_institute,
    make_organisation,
    make_person,
    make_publication,
    make_theme,
)
from unumn.models import Institute, Organisation, Person, Theme

pytestmark = pytest.mark.django_db


def positions(page, names):
    """The names in the order the page shows them."""
    found = {name: page.find(f">{name}<") for name in names}
    assert all(at >= 0 for at in found.values()), found
    return sorted(names, key=found.get)


@pytest.fixture
def institutes():
    """Added in the reverse of their positions, with names against them too."""
    return [
        make_institute(name="Zeta Institute", acronym="UNU-ZZ", order=3),
        make_institute(name="Beta Institute", acronym="UNU-BB", order=2),
        make_institute(name="Alpha Institute", acronym="UNU-AA", order=2),
        make_institute(name="Omega Institute", acronym="UNU-OO", order=1),
    ]


@pytest.mark.parametrize("page_name", ["institutes:list", "home"])
def test_institutes_come_by_position_then_name(client, institutes, page_name):
    for institute in institutes:
        make_publication(institutes=[institute])
    expected = [i.name for i in Institute.objects.exclude(kind=Institute.Kind.NETWORK)]
    assert expected.index("Omega Institute") < expected.index("Alpha Institute")
    assert expected.index("Alpha Institute") < expected.index("Beta Institute")
    shown = positions(client.get(reverse(page_name)).content.decode(), expected)
    assert shown == expected


def test_people_come_by_family_name(client):
    names = [("Zoe", "Adams"), ("Adam", "Young"), ("Mia", "Baker"), ("Al", "Adams")]
    people = [make_person(given_name=g, family_name=f, name=f"{g} {f}") for g, f in names]
    page = client.get(reverse("people:list")).content.decode()
    everyone = [p.name for p in Person.objects.order_by("family_name", "given_name", "slug")]
    shown = positions(page, [p.name for p in people])
    assert shown == [name for name in everyone if name in shown]
    assert shown == ["Al Adams", "Zoe Adams", "Mia Baker", "Adam Young"]


def test_organisations_come_by_name(client):
    for name in ["Zebra Foundation", "Acme Council", "Migration Lab"]:
        make_organisation(name=name)
    shown = positions(
        client.get(reverse("organisations:list")).content.decode(),
        ["Zebra Foundation", "Acme Council", "Migration Lab"],
    )
    assert shown == ["Acme Council", "Migration Lab", "Zebra Foundation"]
    assert list(Organisation._meta.ordering) == ["name"]


def test_themes_come_grouped_by_kind_then_by_name(client):
    for name in ["Zoning", "Asylum law", "Mobility"]:
        make_publication(themes=[make_theme(name=name, slug=name.lower().replace(" ", "-"))])
    page = client.get(reverse("themes:list")).content.decode()
    in_group = [
        t.name
        for t in Theme.objects.order_by("kind", "name")
        if t.kind == Theme.objects.get(name="Zoning").kind
    ]
    shown = positions(page, in_group)
    assert shown == in_group
    assert shown.index("Asylum law") < shown.index("Mobility") < shown.index("Zoning")


def test_an_entrys_links_come_in_their_lists_order(client, institutes):
    themes = [make_theme(name=n, slug=n.lower()) for n in ["Zulu", "Alpha", "Mike"]]
    entry = make_publication(institutes=institutes, themes=themes)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert positions(page, ["Alpha", "Mike", "Zulu"]) == ["Alpha", "Mike", "Zulu"]
    acronyms = [i.acronym for i in sorted(institutes, key=lambda i: (i.order, i.name))]
    assert positions(page, acronyms) == acronyms
