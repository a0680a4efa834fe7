"""Editing scope (``unumn/permissions.py``): each role sees, changes, deletes and picks only
what it may; every cross-institute attempt, forged or not, is refused and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from publications.models import Publication
from tests.editing import ACTORS, MAY_EDIT, client_for, form_data, post_change, state, url
from tests.factories import make_publication
from unumn.models import Institute, Person, Theme

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("actor", ACTORS)
def test_list(users, entries, actor):
    response = client_for(users[actor]).get(url("changelist"))
    if actor == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        return
    shown = {entry.pk for entry in response.context["cl"].result_list}
    for key, entry in entries.items():
        assert (entry.pk in shown) == (key in MAY_EDIT[actor])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_view_history_and_delete_pages(users, entries, actor, view):
    client = client_for(users[actor])
    for key, entry in entries.items():
        response = client.get(url(view, entry.pk))
        if actor == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == (200 if key in MAY_EDIT[actor] else 403), (key, view)


@pytest.mark.parametrize("actor", ACTORS)
def test_change(users, entries, actor):
    client = client_for(users[actor])
    for key, entry in entries.items():
        before = state(entry.pk)
        if key in MAY_EDIT[actor]:
            response = post_change(client, entry, title="Retitled")
            assert response.status_code == 302
            assert Publication.objects.get(pk=entry.pk).title == "Retitled"
        else:
            # A forged POST to another institute's entry changes nothing.
            response = client.post(url("change", entry.pk), {"title": "Hijacked"})
            assert response.status_code in {302, 403} and "/admin/login/" in response.get(
                "Location", "/admin/login/"
            )
            assert state(entry.pk) == before


@pytest.mark.parametrize("actor", ACTORS)
def test_delete(users, entries, actor):
    client = client_for(users[actor])
    for key, entry in entries.items():
        response = client.post(url("delete", entry.pk), {"post": "yes"})
        deleted = not Publication.objects.filter(pk=entry.pk).exists()
        assert deleted == (key in MAY_EDIT[actor])
        if not deleted and actor != "anonymous":
            assert response.status_code == 403


@pytest.mark.parametrize("actor", ["editor_a", "editor_b", "network"])
def test_bulk_action_only_touches_entries_in_scope(users, entries, actor):
    client = client_for(users[actor])
    data = {"action": "publish_now", "_selected_action": [e.pk for e in entries.values()]}
    client.post(url("changelist"), data)
    for key, entry in entries.items():
        published = Publication.objects.get(pk=entry.pk).status == "published"
        assert published == (key in MAY_EDIT[actor])


@pytest.mark.parametrize("actor", ["editor_a", "editor_b", "network"])
def test_bulk_delete_only_touches_entries_in_scope(users, entries, actor):
    client = client_for(users[actor])
    data = {
        "action": "delete_selected",
        "post": "yes",
        "_selected_action": [e.pk for e in entries.values()],
    }
    client.post(url("changelist"), data)
    for key, entry in entries.items():
        assert Publication.objects.filter(pk=entry.pk).exists() == (key not in MAY_EDIT[actor])


@pytest.mark.parametrize("actor", ["editor_a", "network"])
def test_add_only_for_own_institutes(users, actor):
    client = client_for(users[actor])
    response = client.get(url("add"))
    data = form_data(response)
    choices = {str(pk) for pk, _ in response.context["adminform"].form.fields["institutes"].choices}
    wider, gcm = Institute.objects.get(slug="unu-wider"), Institute.objects.get(slug="unu-gcm")
    assert (str(gcm.pk) in choices) == (actor == "network")
    data.update(
        title="New paper",
        slug="new-paper",
        publication_type="working_paper",
        publication_status="published",
        status="draft",
        date_precision="year",
        institutes=[str(gcm.pk)],
    )
    response = client.post(url("add"), data)
    if actor == "network":
        assert response.status_code == 302
    else:
        # A forged institute id is a form error, and nothing is created.
        assert response.status_code == 200
        assert "institutes" in response.context["adminform"].form.errors
        assert not Publication.objects.filter(slug="new-paper").exists()
        data["institutes"] = [str(wider.pk)]
        assert client.post(url("add"), data).status_code == 302
    assert Publication.objects.filter(slug="new-paper").exists()


def test_anonymous_cannot_add(entries):
    response = Client().post(url("add"), {"title": "x", "slug": "anon"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Publication.objects.filter(slug="anon").exists()


def test_forged_institute_on_change_is_a_form_error(users, entries):
    client = client_for(users["editor_a"])
    gcm = Institute.objects.get(slug="unu-gcm")
    before = state(entries["a"].pk)
    response = post_change(client, entries["a"], institutes=[str(gcm.pk)])
    assert response.status_code == 200
    assert "institutes" in response.context["adminform"].form.errors
    assert state(entries["a"].pk) == before


def test_forged_inline_row_of_another_entry_is_refused(users, entries):
    client = client_for(users["editor_a"])
    foreign = entries["b"].contributions.get()
    before = state(entries["b"].pk)
    data = form_data(client.get(url("change", entries["a"].pk)))
    data["contributions-0-id"] = str(foreign.pk)
    data["contributions-0-role"] = "editor"
    client.post(url("change", entries["a"].pk), data)
    # The formset only edits this entry's rows: the other entry's row is untouched.
    foreign.refresh_from_db()
    assert (foreign.entry_id, foreign.role) == (entries["b"].pk, "author")
    assert state(entries["b"].pk) == before


def test_shared_entry_keeps_the_other_institutes(users):
    wider, gcm = Institute.objects.get(slug="unu-wider"), Institute.objects.get(slug="unu-gcm")
    shared = make_publication(title="Shared", institutes=[wider, gcm])
    client = client_for(users["editor_a"])
    assert post_change(client, shared, title="Shared, edited").status_code == 302
    assert set(shared.institutes.values_list("slug", flat=True)) == {"unu-wider", "unu-gcm"}


def test_related_and_part_of_only_accept_entries_the_editor_may_see(users, entries):
    client = client_for(users["editor_a"])
    before = state(entries["a"].pk)
    foreign = str(entries["b"].pk)
    response = post_change(client, entries["a"], related=[foreign], part_of=foreign)
    errors = response.context["adminform"].form.errors
    assert "related" in errors and "part_of" in errors
    assert state(entries["a"].pk) == before
    own = str(entries["a"].pk)
    response = post_change(client, entries["a"], related=[own], part_of=own)
    errors = response.context["adminform"].form.errors
    assert "itself" in str(errors["related"]) and "itself" in str(errors["part_of"])


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": term,
            "app_label": "publications",
            "model_name": model_name,
            "field_name": field_name,
        },
    )
    if response.status_code != 200:
        return response.status_code
    return {item["text"] for item in response.json()["results"]}


@pytest.mark.parametrize("actor", ACTORS)
def test_institute_autocomplete(users, actor):
    result = autocomplete(client_for(users[actor]), "publication", "institutes")
    if actor == "anonymous":
        assert result == 302
    elif actor == "network":
        assert {"UNU-WIDER", "UNU-GCM", "UNU-MERIT"} <= result
    else:
        assert result == {"editor_a": {"UNU-WIDER"}, "editor_b": {"UNU-GCM"}}[actor]


@pytest.mark.parametrize("actor", ["editor_a", "editor_b", "network"])
def test_related_entry_autocomplete_never_shows_another_institutes_draft(users, entries, actor):
    result = autocomplete(client_for(users[actor]), "publication", "related", "draft")
    assert ("A draft of WIDER" in result) == ("a" in MAY_EDIT[actor])
    assert ("A draft of GCM" in result) == ("b" in MAY_EDIT[actor])
    public = autocomplete(client_for(users[actor]), "publication", "related", "Security")
    if actor == "anonymous":
        assert public == 302  # to the sign-in page
    else:  # every editor may link to a public entry of any institute
        assert "International Migration and International Security" in " ".join(public)


def test_vocabularies_are_used_not_edited_by_institute_editors(users):
    client = client_for(users["editor_a"])
    theme = Theme.objects.get(slug="diaspora")
    assert client.get(reverse("admin:unumn_theme_changelist")).status_code == 200
    assert client.get(reverse("admin:unumn_theme_add")).status_code == 403
    response = client.post(
        reverse("admin:unumn_theme_change", args=[theme.pk]), {"name": "Renamed", "slug": "x"}
    )
    assert response.status_code == 403
    assert Theme.objects.get(pk=theme.pk).name == "Diaspora"
    response = client.post(
        reverse("admin:unumn_person_add"),
        {"name": "Ana Lima", "slug": "ana-lima", "family_name": "Lima", "given_name": "Ana"},
    )
    assert response.status_code == 302
    assert Person.objects.filter(slug="ana-lima").exists()
    assert client.get(reverse("admin:unumn_institute_add")).status_code == 403


def test_institute_editor_cannot_grant_themselves_anything(users):
    user = users["editor_a"]
    client = client_for(user)
    change = reverse("admin:auth_user_change", args=[user.pk])
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    response = client.post(change, {"username": user.username, "is_superuser": "on"})
    assert response.status_code == 403
    gcm = Institute.objects.get(slug="unu-gcm")
    response = client.post(
        reverse("admin:unumn_institute_change", args=[gcm.pk]),
        {"name": gcm.name, "slug": gcm.slug, "kind": gcm.kind, "editors": [user.pk]},
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert not user.is_superuser
    assert not gcm.editors.filter(pk=user.pk).exists()
