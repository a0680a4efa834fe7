"""Every admin page answers, and an entry can be curated through the admin forms."""

import pytest
from django.contrib import admin
from django.urls import reverse

from publications.models import Publication
from unumn.models import Entry, Institute, Person, Theme

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
    }
    response = admin_client.post(admin_url(Event, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Event.objects.filter(slug="bad-dates").exists()
