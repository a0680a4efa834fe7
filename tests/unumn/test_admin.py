"""The admin (``unumn/admin.py``): every page answers, an entry is curated through its forms,
status badges, the all-entries list, the user admin and the sign-in lockout page."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from publications.models import Publication
from tests.editing import client_for, form_data, post_change, url
from unumn.models import Entry, Institute, Person, Theme, ThemeProposal
from unumn.permissions import INSTITUTE_EDITORS, NETWORK_EDITORS
from unumn.services import theme_proposal_create

pytestmark = pytest.mark.django_db


MODELS = [model for model in admin.site._registry if model._meta.app_label != "axes"]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_changelist_search_and_add_pages(admin_client, superuser, rf, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "migration"}).status_code == 200
    request = rf.get("/")
    request.user = superuser
    can_add = admin.site._registry[model].has_add_permission(request)
    assert admin_client.get(admin_url(model, "add")).status_code == (200 if can_add else 403)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_change_pages(admin_client, superuser, every_kind, model):
    if model is ThemeProposal:  # the network's content holds none
        theme_proposal_create(name="Return", description="…", entry=Entry.objects.first())
    obj = model.objects.first()
    response = admin_client.get(admin_url(model, "change", obj.pk), follow=True)
    assert response.status_code == 200


def test_changelist_filters(admin_client):
    url = admin_url(Publication, "changelist")
    theme = Theme.objects.get(slug="diaspora")
    for params in ({"status__exact": "published"}, {"themes__id__exact": theme.pk}):
        assert admin_client.get(url, params).status_code == 200


def test_entry_admin_sends_editors_to_the_kind_admin(admin_client):
    entry = Entry.objects.get(slug="forced-migration-inequality")
    response = admin_client.get(admin_url(Entry, "change", entry.pk))
    assert response.status_code == 302
    assert response["Location"] == admin_url(Publication, "change", entry.pk)


def test_view_on_site(admin_client):
    entry = Publication.objects.get(slug="forced-migration-inequality")
    page = admin_client.get(admin_url(Publication, "change", entry.pk)).content.decode()
    assert "View on site" in page


def test_autocomplete_for_themes_and_people(admin_client):
    url = reverse("admin:autocomplete")
    themes = admin_client.get(
        url,
        {
            "term": "diasp",
            "app_label": "publications",
            "model_name": "publication",
            "field_name": "themes",
        },
    )
    assert themes.status_code == 200
    assert [r["text"] for r in themes.json()["results"]] == ["Diaspora"]
    people = admin_client.get(
        url,
        {
            "term": "gissel",
            "app_label": "unumn",
            "model_name": "contribution",
            "field_name": "person",
        },
    )
    assert [r["text"] for r in people.json()["results"]] == ["Rachel M. Gisselquist"]


def inline_management(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def publication_form(**overrides):
    gisselquist = Person.objects.get(slug="rachel-gisselquist")
    tarp = Person.objects.get(slug="finn-tarp")
    data = {
        "title": "Remittances and those left behind",
        "slug": "remittances-left-behind",
        "summary": "A working paper.",
        "body": "Text.",
        "institutes": [Institute.objects.get(slug="unu-wider").pk],
        "themes": [
            Theme.objects.get(slug="diaspora").pk,
            Theme.objects.get(slug="those-left-behind").pk,
        ],
        "countries": ["GH", "ET"],
        "date": "2018-03-01",
        "date_precision": "month",
        "publication_type": "working_paper",
        "publication_status": "published",
        "status": "published",
        **inline_management("contributions", 2),
        "contributions-0-order": "2",
        "contributions-0-person": tarp.pk,
        "contributions-0-role": "author",
        "contributions-1-order": "1",
        "contributions-1-person": gisselquist.pk,
        "contributions-1-role": "author",
        **inline_management("involvements"),
        **inline_management("files"),
    }
    data.update(overrides)
    return data


def test_create_a_publication_with_authors_themes_and_institute(admin_client, client):
    response = admin_client.post(admin_url(Publication, "add"), publication_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    publication = Publication.objects.get(slug="remittances-left-behind")
    assert set(publication.themes.values_list("slug", flat=True)) == {
        "diaspora",
        "those-left-behind",
    }
    assert [c.person.family_name for c in publication.contributions.all()] == [
        "Gisselquist",
        "Tarp",
    ]
    assert publication.date_label == "March 2018"
    assert publication.is_public
    assert client.get(publication.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "forced-migration-inequality"}, "slug"),
        ({"institutes": []}, "institutes"),
        ({"date": "2017-13-45"}, "date"),
        ({"date": "1066-01-01"}, None),
        ({"themes": ["999999"]}, "themes"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"publication_type": "podcast"}, "publication_type"),
    ],
)
def test_bad_input_is_a_form_error_not_a_500(admin_client, overrides, field):
    response = admin_client.post(admin_url(Publication, "add"), publication_form(**overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors if field is None else field in errors
    assert not Publication.objects.filter(slug="remittances-left-behind").exists()


def test_event_with_end_before_start_is_a_form_error(admin_client):
    from events.models import Event

    data = {
        "title": "Bad dates",
        "slug": "bad-dates",
        "institutes": [Institute.objects.get(slug="unu-wider").pk],
        "date_precision": "day",
        "event_type": "workshop",
        "start_date": "2018-02-16",
        "end_date": "2018-02-15",
        "status": "draft",
        **inline_management("contributions"),
        **inline_management("involvements"),
        **inline_management("files"),
    }
    response = admin_client.post(admin_url(Event, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Event.objects.filter(slug="bad-dates").exists()


def test_status_badges_and_filters_in_the_list(users, entries):
    client = client_for(users["network"])
    response = client.get(url("changelist"), {"status__exact": "draft"})
    assert {e.pk for e in response.context["cl"].result_list} >= {e.pk for e in entries.values()}
    assert b'class="status-badge status-badge--draft">Draft<' in response.content


def test_save_and_view_on_site(users, entries):
    client = client_for(users["editor_a"])
    response = post_change(client, entries["a"], _viewonsite="Save and view on site")
    assert response.status_code == 302
    assert response["Location"] == entries["a"].get_absolute_url()


def test_the_all_entries_list_cannot_delete(users, entries):
    client = client_for(users["editor_a"])
    entry_url = reverse("admin:unumn_entry_delete", args=[entries["a"].pk])
    response = client.get(entry_url)
    assert response.status_code == 302
    assert response["Location"] == url("delete", entries["a"].pk)
    changelist = client.get(reverse("admin:unumn_entry_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_network_editor_cannot_make_a_superuser(users):
    user = users["network"]
    client = client_for(user)
    response = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields and "user_permissions" not in form.fields
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == {
        NETWORK_EDITORS,
        INSTITUTE_EDITORS,
    }
    data = form_data(response)
    data["is_superuser"] = "on"
    client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    user.refresh_from_db()
    assert not user.is_superuser


def test_repeated_failed_logins_are_locked_out(django_user_model):
    django_user_model.objects.create_user("target", password="right-password", is_staff=True)
    login = reverse("admin:login")
    client = Client()
    for _ in range(4):
        response = client.post(login, {"username": "target", "password": "wrong"})
        assert response.status_code == 200  # the usual "wrong password" form
    # The fifth failure locks the account out, even with the right password after it.
    assert client.post(login, {"username": "target", "password": "wrong"}).status_code == 429
    response = client.post(login, {"username": "target", "password": "right-password"})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


class TestTwoEditorsAtOnce:
    """A second save over the first is refused with both versions; races and a busy
    database bring the form back: nothing an editor typed is lost."""

    @pytest.fixture
    def entry(self):
        return Publication.objects.get(slug="forced-migration-inequality")

    def test_the_second_save_is_refused_with_both_versions(self, admin_client, entry):
        from tests.editing import form_data, url

        first, second = (form_data(admin_client.get(url("change", entry.pk))) for _ in "ab")
        first["summary"] = "The first editor's summary."
        assert admin_client.post(url("change", entry.pk), first).status_code == 302
        second["title"] = "The second editor's title"
        response = admin_client.post(url("change", entry.pk), second)
        assert response.status_code == 200  # the form, again
        html = response.content.decode()
        assert "saved this entry at" in html and "The first editor&#x27;s summary." in html
        assert 'value="The second editor&#x27;s title"' in html  # their input, kept
        title = entry.title
        entry.refresh_from_db()
        assert (entry.summary, entry.title) == (first["summary"], title)
        # Saving the form again, knowingly, keeps the second editor's change.
        second["edit_token"] = response.context["adminform"].form["edit_token"].value()
        assert admin_client.post(url("change", entry.pk), second).status_code == 302
        entry.refresh_from_db()
        assert entry.title == "The second editor's title"

    def test_a_unique_link_race_brings_the_form_back(self, admin_client, entry, monkeypatch):
        from tests.editing import form_data, url
        from unumn.models import Contribution

        data = form_data(admin_client.get(url("change", entry.pk)))
        person = Person.objects.get(slug="finn-tarp")
        prefix = "contributions-"
        total = int(data[f"{prefix}TOTAL_FORMS"])
        data.update(
            {
                f"{prefix}TOTAL_FORMS": str(total + 1),
                f"{prefix}{total}-person": str(person.pk),
                f"{prefix}{total}-role": "author",
                f"{prefix}{total}-order": "9",
            }
        )
        # Another editor adds the same person in the same role between our form's
        # validation and its save (validation cannot see it).
        real_save = Contribution.save

        def racing_save(contribution, *args, **kwargs):
            if (
                contribution.person_id == person.pk
                and not Contribution.objects.filter(
                    entry=contribution.entry, person=person, role="author"
                ).exists()
            ):
                other = Contribution(entry=entry, person=person, role="author", order=99)
                real_save(other)
            return real_save(contribution, *args, **kwargs)

        monkeypatch.setattr(Contribution, "save", racing_save)
        response = admin_client.post(url("change", entry.pk), data)
        assert response.status_code == 200
        assert "another editor saved the same link" in response.content.decode()

    def test_a_busy_database_brings_the_form_back(self, admin_client, entry, monkeypatch):
        from django.db import OperationalError

        from publications.admin import PublicationAdmin
        from tests.editing import form_data, url

        data = form_data(admin_client.get(url("change", entry.pk)))
        data["title"] = "Typed while the database was busy"

        def busy(*args, **kwargs):
            raise OperationalError("database is locked")

        monkeypatch.setattr(PublicationAdmin, "save_model", busy)
        response = admin_client.post(url("change", entry.pk), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "the database was busy" in html
        assert 'value="Typed while the database was busy"' in html


def test_labels_say_what_they_mean(admin_client):
    """Themes are "themes" (not taggit's "Tags"); a month shows as "Feb 2018" in lists;
    the web status and a publication's stage are named so nobody confuses them."""
    entry = Publication.objects.filter(date_precision="month").exclude(date=None).first()
    listing = admin_client.get(url("changelist")).content.decode()
    assert "By themes" in listing and "By tags" not in listing
    assert "Web status" in listing
    assert entry.date.strftime("%b %Y") in listing
    form = admin_client.get(url("change", entry.pk)).content.decode()
    assert "Publication stage" in form and "Web status" in form


def test_merging_a_theme_gives_its_entries_and_its_address_to_the_other(admin_client, client):
    from reversion.models import Version

    source, target = Theme.objects.get(slug="diaspora"), Theme.objects.get(slug="integration")
    Entry.objects.filter(themes=target).first().themes.add(source)  # one with both
    had_source = set(Entry.objects.filter(themes=source).values_list("pk", flat=True))
    had_target = set(Entry.objects.filter(themes=target).values_list("pk", flat=True))
    assert had_source and had_source & had_target  # some have both
    change = reverse("admin:unumn_theme_change", args=[source.pk])
    data = {"name": source.name, "slug": source.slug, "kind": source.kind}
    refused = admin_client.post(change, {**data, "merge_into": source.pk})
    assert "cannot merge into itself" in refused.content.decode()

    response = admin_client.post(change, {**data, "merge_into": target.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:unumn_theme_change", args=[target.pk])
    assert not Theme.objects.filter(pk=source.pk).exists()
    now = list(Entry.objects.filter(themes=target).values_list("pk", flat=True))
    assert sorted(now) == sorted(had_source | had_target)  # each once
    moved = client.get("/themes/diaspora/")
    assert moved.status_code == 301 and moved["Location"] == "/themes/integration/"
    assert client.get("/themes/no-such-theme/").status_code == 404
    entry = Entry.objects.get(pk=min(had_source - had_target)).specific
    assert "merged into" in Version.objects.get_for_object(entry).first().revision.comment
    # Merged again, the first address follows.
    third = Theme.objects.get(slug="xenophobia-prejudice")
    data = {"name": target.name, "slug": target.slug, "kind": target.kind, "merge_into": third.pk}
    admin_client.post(reverse("admin:unumn_theme_change", args=[target.pk]), data)
    assert client.get("/themes/diaspora/")["Location"] == "/themes/xenophobia-prejudice/"
