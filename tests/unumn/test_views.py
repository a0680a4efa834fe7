"""Every public page answers, shows only public entries (and drafts only as previews to their
editors), and costs a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from publications.models import Publication
from tests.catalogue import get_twice_within
from tests.editing import ACTORS, MAY_EDIT, client_for
from tests.factories import (
    in_future,
    make_draft,
    make_event,
    make_institute,
    make_person,
    make_project,
    make_publication,
    make_theme,
)
from tests.pages import page_types
from unumn.models import Contribution, Entry, Institute, Person, Theme

pytestmark = pytest.mark.django_db


def public_urls():
    urls = [url for url in page_types().values() if url != "/no-such-page/"]
    urls += [i.get_absolute_url() for i in Institute.objects.all()]
    urls += [t.get_absolute_url() for t in Theme.objects.all()]
    urls += [p.get_absolute_url() for p in Person.objects.all()]
    urls += [e.get_absolute_url() for e in Entry.objects.all()]
    return urls


def test_every_public_page_answers(client, every_kind):
    # A missing template variable raises in the tests (tests/settings.py).
    urls = public_urls()
    assert len(urls) > 60
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    [
        "/institutes/no-such-institute/",
        "/themes/no-such-theme/",
        "/people/nobody/",
        "/projects/no-such-project/",
        "/publications/no-such-publication/",
        "/events/no-such-event/",
        "/no/such/page/",
        # An entry's slug under the wrong kind is not found either.
        "/events/cd4d-impact-evaluation/",
    ],
)
def test_unknown_addresses_are_404_pages(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_institute_pages_show_their_work_from_the_paper(client):
    wider = client.get("/institutes/unu-wider/").content.decode()
    assert "United Nations University World – Institute for Development Economics Research" in wider
    assert "Migration Governance and Policy in the Global South" in wider
    assert "Migration and Mobility" in wider
    merit = client.get("/institutes/unu-merit/").content.decode()
    assert "Connecting Diaspora for Development" in merit
    assert "Congolese Refugees in Rwanda" in merit
    gcm = client.get("/institutes/unu-gcm/").content.decode()
    assert "Why Prejudice is a Global Security Threat" in gcm


def test_home_page_shows_the_network(client):
    page = client.get("/").content.decode()
    assert "United Nations University Migration Network" in page
    for acronym in ("UNU-MERIT", "UNU-WIDER", "UNU-GCM"):
        assert acronym in page
    assert "Sixteenth Coordination Meeting" in page  # a recent event


def test_event_page_shows_its_facts(client):
    page = client.get("/events/wider-development-conference-migration-mobility-2017/")
    text = page.content.decode()
    assert "5–6 October 2017" in text
    assert "221" in text
    assert "Accra" in text and "Ghana" in text
    assert "African Research Universities Alliance" in text


def test_detail_page_shows_people_in_order_and_relations_both_ways(client):
    text = client.get("/publications/migration-governance-global-south/").content.decode()
    assert text.index("Rachel M. Gisselquist") < text.index("Finn Tarp")
    assert "Migration and Mobility" in text  # related conference
    conference = client.get("/events/wider-development-conference-migration-mobility-2017/")
    assert "Migration Governance and Policy in the Global South" in conference.content.decode()


class TestUnpublishedEntriesAreInvisible:
    @pytest.fixture
    def hidden(self):
        theme = make_theme(name="Hidden theme")
        institute = Institute.objects.get(slug="unu-wider")
        person = make_person(family_name="Hiddenperson")
        entries = [
            make_draft(title="Xyzzy draft", institutes=[institute], themes=[theme]),
            make_publication(
                title="Xyzzy in review", status=Entry.Status.REVIEW, institutes=[institute]
            ),
            make_event(title="Xyzzy scheduled", publish_at=in_future(), institutes=[institute]),
        ]
        for entry in entries:
            Contribution.objects.create(entry=entry, person=person)
        return entries, theme, person

    def test_detail_pages_are_404(self, client, hidden):
        for entry in hidden[0]:
            assert client.get(entry.get_absolute_url()).status_code == 404

    def test_lists_do_not_show_or_count_them(self, client, hidden):
        entries, theme, person = hidden
        for url in (
            "/",
            "/publications/",
            "/events/",
            "/institutes/unu-wider/",
            theme.get_absolute_url(),
            person.get_absolute_url(),
        ):
            assert b"Xyzzy" not in client.get(url).content, url
        themes = client.get("/themes/").context["themes"]
        assert next(t for t in themes if t.pk == theme.pk).entry_count == 0

    def test_a_public_entry_does_not_list_a_hidden_related_one(self, client, hidden):
        public = make_publication(slug="public-one")
        public.related.add(*hidden[0])
        hidden[0][0].parts.add(public)  # hidden container
        page = client.get(public.get_absolute_url()).content
        assert b"Xyzzy" not in page


def make_many(count):
    institute = Institute.objects.filter(slug="busy").first() or make_institute(slug="busy")
    theme = Theme.objects.filter(slug="busy-theme").first() or make_theme(slug="busy-theme")
    person = Person.objects.filter(slug="busy-person").first() or make_person(slug="busy-person")
    for _ in range(count):
        for factory in (make_project, make_publication, make_event):
            entry = factory(institutes=[institute], themes=[theme, make_theme()])
            Contribution.objects.create(entry=entry, person=person)
    return institute, theme, person


# (page, address, most queries it may cost)
LIST_PAGES = [
    ("home", lambda: reverse("home"), 1),
    ("institute list", lambda: reverse("institutes:list"), 2),
    ("institute page", lambda: reverse("institutes:detail", args=["busy"]), 3),
    ("theme list", lambda: reverse("themes:list"), 2),
    ("theme page", lambda: reverse("themes:detail", args=["busy-theme"]), 3),
    ("people", lambda: reverse("people:list"), 2),
    ("person page", lambda: reverse("people:detail", args=["busy-person"]), 3),
    ("organisations", lambda: reverse("organisations:list"), 2),
    ("projects", lambda: reverse("projects:list"), 10),
    ("publications", lambda: reverse("publications:list"), 10),
    ("events", lambda: reverse("events:list"), 10),
    ("catalogue", lambda: reverse("catalogue"), 10),
]


@pytest.mark.parametrize(("name", "url", "budget"), LIST_PAGES, ids=[p[0] for p in LIST_PAGES])
def test_list_pages_cost_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, name, url, budget
):
    make_many(3)
    get_twice_within(client, django_assert_max_num_queries, budget, url())
    make_many(30)
    get_twice_within(client, django_assert_max_num_queries, budget, url())


@pytest.mark.parametrize("model", ["projects", "publications", "events"])
def test_detail_pages_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries, model):
    factory = {"projects": make_project, "publications": make_publication, "events": make_event}
    entry = factory[model]()
    for _ in range(25):
        other = make_publication(themes=[make_theme()])
        entry.related.add(other)
        Contribution.objects.create(entry=entry, person=make_person())
        make_publication(part_of=entry)
    # The content version's shared reads (vocabulary, facet index) come first…
    client.get("/")
    client.get(Entry.objects.published().exclude(pk=entry.pk).first().get_absolute_url())
    # …then the page of an entry costs a fixed number of queries: the version, the
    # entry, its links, its related entries and parts, and their cards.
    with django_assert_max_num_queries(8):
        assert client.get(entry.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(1):  # and then only the version
        assert client.get(entry.get_absolute_url()).status_code == 200


def test_server_error_page(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_institute_pages_show_the_newest_of_each_kind_and_link_to_the_rest(client):
    make_many(15)  # 15 of each kind at "busy"
    page = client.get(reverse("institutes:detail", args=["busy"]))
    kinds = {group["kind"]: group for group in page.context["kinds"]}
    assert len(kinds["publication"]["entries"]) == 12
    assert kinds["publication"]["total"] == 15
    assert (
        b'href="/catalogue/?institute=busy&amp;kind=publication">All 15 publications'
        in page.content
    )
    # Kept for the content version: a new entry shows at once, newest first.
    newest = make_publication(
        title="The newest of all", institutes=[Institute.objects.get(slug="busy")]
    )
    page = client.get(reverse("institutes:detail", args=["busy"]))
    kinds = {group["kind"]: group for group in page.context["kinds"]}
    assert kinds["publication"]["total"] == 16
    assert kinds["publication"]["entries"][0].pk == newest.pk


def test_people_count_each_entry_once(client):
    person = make_person(family_name="Twice")
    entry = make_publication()
    Contribution.objects.create(entry=entry, person=person, role="author")
    Contribution.objects.create(entry=entry, person=person, role="editor")
    people = client.get(reverse("people:list")).context["people"]
    assert next(p for p in people if p.pk == person.pk).entry_count == 1


def test_theme_and_institute_pages_link_into_the_catalogue(client):
    page = client.get(reverse("themes:detail", args=["diaspora"])).content.decode()
    assert 'href="/catalogue/?theme=diaspora"' in page
    page = client.get(reverse("institutes:detail", args=["unu-wider"])).content.decode()
    assert 'href="/catalogue/?institute=unu-wider"' in page


@pytest.mark.parametrize("actor", ACTORS)
def test_preview_of_a_draft(users, entries, actor):
    client = client_for(users[actor])
    for key, entry in entries.items():
        response = client.get(entry.get_absolute_url())
        if key in MAY_EDIT[actor]:
            assert response.status_code == 200
            assert b"Draft \xe2\x80\x94 not public." in response.content
            assert "no-store" in response["Cache-Control"]
        else:
            assert response.status_code == 404


def test_scheduled_entry_appears_exactly_when_its_time_comes(client):
    now = timezone.now()
    theme = make_theme(slug="scheduled-theme")
    entry = make_publication(
        title="Embargoed report", themes=[theme], publish_at=now + datetime.timedelta(hours=2)
    )
    catalogue = reverse("catalogue")

    def visible():
        detail = client.get(entry.get_absolute_url()).status_code == 200
        listed = entry.title in [
            e.title for e in client.get(catalogue, {"theme": theme.slug}).context["entries"]
        ]
        themes = client.get(reverse("themes:list")).context["themes"]
        counted = next(t for t in themes if t.pk == theme.pk).entry_count
        return detail, listed, counted

    with time_machine.travel(now + datetime.timedelta(hours=1, minutes=59), tick=False):
        assert visible() == (False, False, 0)
    with time_machine.travel(now + datetime.timedelta(hours=2), tick=False):
        assert visible() == (True, True, 1)


def test_view_on_site_shortcut_does_not_reveal_other_drafts(users, entries):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Publication)
    client = client_for(users["editor_a"])
    assert client.get(f"/admin/r/{content_type.pk}/{entries['b'].pk}/").status_code == 404
    own = client.get(f"/admin/r/{content_type.pk}/{entries['a'].pk}/")
    assert own.status_code == 302 and own["Location"].endswith(entries["a"].get_absolute_url())


def test_organisation_pages(client):
    listing = client.get(reverse("organisations:list"))
    iom = next(o for o in listing.context["organisations"] if o.slug == "iom")
    assert iom.entry_count >= 2
    page = client.get(reverse("organisations:detail", args=["iom"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Connecting Diaspora for Development" in html
    assert 'href="/catalogue/?organisation=iom"' in html
    assert client.get(reverse("organisations:detail", args=["nobody"])).status_code == 404


def test_entry_pages_lead_into_the_catalogue_by_organisation_and_country(client):
    html = client.get("/projects/cd4d-impact-evaluation/").content.decode()
    assert '<a href="/catalogue/?organisation=iom">' in html
    assert '<a href="/catalogue/?country=GH">Ghana</a>' in html


def test_cards_say_who_when_and_where(client):
    html = client.get("/catalogue/", {"institute": "unu-wider"}).content.decode()
    assert "Rachel M. Gisselquist and Finn Tarp (eds.)" in html
    assert '<p class="card__details">Under review, as reported in February 2018</p>' in html
    assert ">5–6 October 2017</time>" in html  # an event's whole date range
    gcm = client.get("/catalogue/", {"institute": "unu-gcm"}).content.decode()
    assert "International Migration" in gcm and "Valeria Bello and Tendayi Bloom (eds.)" in gcm


def test_more_than_three_people_are_cut_with_et_al(client):
    entry = make_publication(title="Many authors", slug="many-authors")
    for i in range(5):
        Contribution.objects.create(
            entry=entry, person=make_person(name=f"Author {i}"), role="author", order=i
        )
    (card,) = [e.card for e in client.get("/catalogue/", {"q": "many authors"}).context["entries"]]
    assert "Author 0, Author 1, Author 2 et al." in card
    assert "Author 3" not in card
