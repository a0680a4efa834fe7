"""Editing scope (``unumn/permissions.py``): each role sees, changes, deletes and picks only
what it may; every cross-institute attempt, forged or not, is refused and changes nothing."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from publications.models import Publication
from tests.editing import (
    ACTORS,
    MAY_EDIT,
    add_form_data,
    client_for,
    form_data,
    make_user,
    post_change,
    state,
    url,
)
from tests.factories import make_person, make_publication
from unumn.models import Contribution, Institute, Person, Theme
from unumn.permissions import INSTITUTE_EDITORS, may_publish

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
    data = {"action": "submit_for_review", "_selected_action": [e.pk for e in entries.values()]}
    client.post(url("changelist"), data)
    for key, entry in entries.items():
        submitted = Publication.objects.get(pk=entry.pk).status == "review"
        assert submitted == (key in MAY_EDIT[actor])


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
    choices = {str(pk) for pk, _ in response.context["adminform"].form.fields["institutes"].choices}
    wider, gcm = Institute.objects.get(slug="unu-wider"), Institute.objects.get(slug="unu-gcm")
    assert (str(gcm.pk) in choices) == (actor == "network")
    data = add_form_data(client, "new-paper", [gcm])
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


# --- review: publishing, scheduling and featuring belong to reviewers ------------------


@pytest.fixture
def reviewer_a(django_user_model):
    """UNU-WIDER's reviewer: an editor of its entries who may also publish them."""
    user = make_user(django_user_model, "wider-reviewer", INSTITUTE_EDITORS, ["unu-wider"])
    Institute.objects.get(slug="unu-wider").reviewers.add(user)
    return user


def status_of(entry):
    return Publication.objects.values_list("status", "featured", "publish_at").get(pk=entry.pk)


def test_an_institute_editor_cannot_publish_schedule_or_feature_by_any_form(users, entries):
    editor, entry = client_for(users["editor_a"]), entries["a"]
    before = status_of(entry)
    for forged in (
        {"status": "published"},
        {"featured": "on"},
        {"publish_at_0": "2030-01-01", "publish_at_1": "09:00:00"},
    ):
        response = post_change(editor, entry, **forged)
        assert response.status_code == 200, forged  # the form again, with the reason
        assert "only a reviewer of its institute or a network editor" in response.content.decode()
        assert status_of(entry) == before
    # Submitting for review and editing are theirs.
    assert post_change(editor, entry, status="review", title="Ready").status_code == 302
    assert status_of(entry)[0] == "review"
    # Adding an entry as published is refused the same way.
    wider = Institute.objects.get(slug="unu-wider")
    data = add_form_data(editor, "straight-to-the-site", [wider], status="published")
    assert editor.post(url("add"), data).status_code == 200
    assert not Publication.objects.filter(slug="straight-to-the-site").exists()


def test_an_institute_editor_cannot_publish_in_bulk(users, entries):
    editor = client_for(users["editor_a"])
    data = {"action": "publish_now", "_selected_action": [entries["a"].pk]}
    response = editor.post(url("changelist"), data, follow=True)
    assert "only a reviewer of their institute" in response.content.decode()
    assert status_of(entries["a"])[0] == "draft"


def test_an_institute_editor_cannot_publish_by_reverting(users, entries):
    from reversion.models import Version

    entry, network = entries["a"], client_for(users["network"])
    assert post_change(network, entry, status="published").status_code == 302
    published = Version.objects.get_for_object(Publication.objects.get(pk=entry.pk)).first()
    network.post(url("changelist"), {"action": "return_to_draft", "_selected_action": [entry.pk]})
    assert status_of(entry)[0] == "draft"
    editor = client_for(users["editor_a"])
    page = editor.get(url("revision", entry.pk, published.pk))
    assert page.status_code == 200
    response = editor.post(url("revision", entry.pk, published.pk), form_data(page))
    assert response.status_code == 200
    assert status_of(entry)[0] == "draft"


def test_editing_a_published_entry_keeps_it_published(users, entries):
    entry = entries["a"]
    client_for(users["network"]).post(
        url("changelist"), {"action": "publish_now", "_selected_action": [entry.pk]}
    )
    status, featured, publish_at = status_of(entry)
    assert post_change(client_for(users["editor_a"]), entry, title="Typo fixed").status_code == 302
    assert status_of(entry) == (status, featured, publish_at.replace(microsecond=0))  # as shown


def test_a_reviewer_publishes_and_features_their_institutes_entries(reviewer_a, entries):
    client = client_for(reviewer_a)
    assert post_change(client, entries["a"], status="published", featured="on").status_code == 302
    assert status_of(entries["a"])[:2] == ("published", True)
    # Another institute's entry stays out of reach, in bulk too.
    data = {"action": "publish_now", "_selected_action": [entries["b"].pk]}
    client.post(url("changelist"), data)
    assert status_of(entries["b"])[0] == "draft"


def test_grant_editor_makes_a_reviewer(django_user_model):
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command(
        "grant_editor", "carol", "--create", "--reviewer", "--institute", "unu-gcm", stdout=out
    )
    assert "editor and reviewer of UNU-GCM" in out.getvalue()
    carol = django_user_model.objects.get(username="carol")
    assert may_publish(carol, [Institute.objects.get(slug="unu-gcm").pk])
    assert not may_publish(carol, [Institute.objects.get(slug="unu-wider").pk])
    with pytest.raises(CommandError, match="--reviewer needs"):
        call_command("grant_editor", "carol", "--reviewer", "--network", stdout=out)


def test_review_flow_mails_once_per_change_and_keeps_the_note(
    users, entries, reviewer_a, mailoutbox, django_capture_on_commit_callbacks
):
    """Submitted: the institute's reviewers are told; returned with a note: its editors,
    with the note, which stays in the history and on the form; published: its editors."""
    for user, address in ((users["editor_a"], "wider@unu.edu"), (reviewer_a, "reviewer@unu.edu")):
        user.email = address
        user.save()
    entry, editor = entries["a"], client_for(users["editor_a"])
    reviewer = client_for(reviewer_a)

    def change(client, **changes):  # committed, as outside a test: mail goes then
        with django_capture_on_commit_callbacks(execute=True):
            assert post_change(client, entry, **changes).status_code == 302

    assert "Awaiting your review" not in reviewer.get(reverse("admin:index")).content.decode()

    change(editor, status="review")
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["reviewer@unu.edu"], f"For your review: {entry.title}")
    ]
    index = reviewer.get(reverse("admin:index")).content.decode()
    assert "Awaiting your review (1)" in index and entry.title in index
    assert "Awaiting your review" not in editor.get(reverse("admin:index")).content.decode()

    note = "Please add the DOI and fix the second author's name."
    change(reviewer, status="draft", review_note=note)
    returned = mailoutbox[1]
    assert returned.subject == f"Returned to draft: {entry.title}" and note in returned.body
    assert returned.to == ["wider@unu.edu"]  # not the reviewer who returned it
    assert escape(note) in editor.get(url("change", entry.pk)).content.decode()
    assert escape(note) in editor.get(url("history", entry.pk)).content.decode()

    change(editor, status="review", title="Fixed")
    change(reviewer, status="published")
    assert [m.subject for m in mailoutbox[2:]] == [
        "For your review: Fixed",
        "Published: Fixed",
    ]
    assert len(mailoutbox) == 4  # one per change, none twice


def test_institute_editors_edit_the_people_and_organisations_that_are_theirs(users, entries):
    """Those an editor of their institute added, and those on their entries only; the
    others stay read-only to them."""
    editor, other = client_for(users["editor_a"]), client_for(users["editor_b"])
    person_change = lambda person: reverse("admin:unumn_person_change", args=[person.pk])  # noqa: E731
    fields = {"name": "Ana Lima", "slug": "ana-lima", "family_name": "Lima", "given_name": "Ana"}
    assert editor.post(reverse("admin:unumn_person_add"), fields).status_code == 302
    added = Person.objects.get(slug="ana-lima")
    renamed = {**fields, "name": "Ana P. Lima"}
    assert editor.post(person_change(added), renamed).status_code == 302
    assert Person.objects.get(pk=added.pk).name == "Ana P. Lima"
    assert other.post(person_change(added), fields).status_code == 403  # GCM did not add her

    # On WIDER's draft only: WIDER's editor may edit; on another institute's too: not.
    only_here = make_person(name="Kwame Asante")
    Contribution.objects.create(entry=entries["a"], person=only_here, order=5)
    data = {"name": "Kwame A. Asante", "slug": only_here.slug, "family_name": "Asante"}
    assert editor.post(person_change(only_here), data).status_code == 302
    Contribution.objects.create(entry=entries["b"], person=only_here, order=5)
    assert editor.post(person_change(only_here), data).status_code == 403
    page = editor.get(person_change(only_here))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # read-only
    finn = Person.objects.get(slug="finn-tarp")  # the network's content: on several
    assert editor.post(person_change(finn), {"name": "x", "slug": finn.slug}).status_code == 403
    assert client_for(users["network"]).get(person_change(finn)).status_code == 200
