"""Entry history in the admin (``unumn/history_admin.py``): every save recorded with who and
when; compare, revert and recover, each within the editor's institutes."""

import os

import pytest

from publications.models import Publication
from tests.editing import add_form_data, client_for, form_data, post_change, state, url
from tests.factories import make_person
from unumn import history
from unumn.models import Entry, Institute, Person, Theme
from unumn.services import record_version

pytestmark = pytest.mark.django_db


def test_every_admin_save_is_recorded_with_who_and_when(users, entries):
    from reversion.models import Version

    client = client_for(users["editor_a"])
    post_change(client, entries["a"], title="First edit")
    post_change(client, entries["a"], title="Second edit")
    versions = Version.objects.get_for_object(Publication.objects.get(pk=entries["a"].pk))
    assert versions.count() == 2
    assert {v.revision.user.username for v in versions} == {"wider"}
    page = client.get(url("history", entries["a"].pk)).content.decode()
    assert "Compare two versions" in page and "wider" in page


def test_compare_two_versions(users, entries):
    from reversion.models import Version

    client = client_for(users["editor_a"])
    post_change(client, entries["a"], title="Version one")
    theme = Theme.objects.get(slug="xenophobia-prejudice")
    post_change(client, entries["a"], title="Version two", themes=[str(theme.pk)])
    older, newer = reversed(
        Version.objects.get_for_object(Publication.objects.get(pk=entries["a"].pk))
    )
    response = client.get(url("compare", entries["a"].pk), {"from": older.pk, "to": newer.pk})
    assert response.status_code == 200
    changes = {c.label: (c.before, c.after) for c in response.context["changes"] if c.changed}
    assert changes["Title"] == ("Version one", "Version two")
    assert changes["Themes"] == ("Diaspora, Integration", "Xenophobia and prejudice")
    assert "People" not in changes
    # Another institute's editor cannot compare (or even see) this history.
    other = client_for(users["editor_b"]).get(
        url("compare", entries["a"].pk), {"from": older.pk, "to": newer.pk}
    )
    assert other.status_code == 403


def test_revert_restores_the_exact_prior_state(users, entries):
    from reversion.models import Version

    client = client_for(users["editor_a"])
    entry = entries["a"]
    assert post_change(client, entry, title="Saved once").status_code == 302
    saved = state(entry.pk)
    version = Version.objects.get_for_object(Publication.objects.get(pk=entry.pk)).get()

    # Change everything an editor can: fields, themes, countries, people, links.
    data = form_data(client.get(url("change", entry.pk)))
    data.update(
        title="Changed",
        summary="Different",
        themes=[],
        countries=["DE"],
        related=[str(Entry.objects.get(slug="mimak-kosovo").pk)],
    )
    data["contributions-0-DELETE"] = "on"
    assert client.post(url("change", entry.pk), data).status_code == 302
    assert state(entry.pk) != saved

    # Revert through the admin: open the old version, save it.
    revision_page = client.get(url("revision", entry.pk, version.pk))
    assert revision_page.status_code == 200
    assert (
        client.post(url("revision", entry.pk, version.pk), form_data(revision_page)).status_code
        == 302
    )
    assert state(entry.pk) == saved


def test_other_institutes_cannot_revert(users, entries):
    from reversion.models import Version

    post_change(client_for(users["editor_b"]), entries["b"], title="B saved")
    version = Version.objects.get_for_object(Publication.objects.get(pk=entries["b"].pk)).get()
    before = state(entries["b"].pk)
    client = client_for(users["editor_a"])
    assert client.get(url("revision", entries["b"].pk, version.pk)).status_code == 403
    assert (
        client.post(url("revision", entries["b"].pk, version.pk), {"title": "x"}).status_code == 403
    )
    assert state(entries["b"].pk) == before


def test_reverting_one_entry_never_reverts_another(users, entries):
    from reversion.models import Version

    network = client_for(users["network"])
    data = {"action": "submit_for_review", "_selected_action": [e.pk for e in entries.values()]}
    network.post(url("changelist"), data)
    post_change(client_for(users["editor_b"]), entries["b"], title="B's later edit")
    version = Version.objects.get_for_object(Publication.objects.get(pk=entries["a"].pk)).first()
    client = client_for(users["editor_a"])
    page = client.get(url("revision", entries["a"].pk, version.pk))
    client.post(url("revision", entries["a"].pk, version.pk), form_data(page))
    assert Publication.objects.get(pk=entries["b"].pk).title == "B's later edit"


@pytest.mark.parametrize("actor", ["editor_a", "network"])
def test_recover_a_deleted_entry_with_its_links(users, entries, actor):
    from reversion.models import Version

    entry = entries["a"]
    make_person(slug="second-author")
    saved = state(entry.pk)
    client = client_for(users[actor])
    assert client.post(url("delete", entry.pk), {"post": "yes"}).status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()

    listing = client.get(url("recoverlist"))
    assert listing.status_code == 200
    version = Version.objects.get_deleted(Publication).get(object_id=str(entry.pk))
    assert version in list(listing.context["deleted"])
    recover_page = client.get(url("recover", version.pk))
    assert recover_page.status_code == 200
    assert client.post(url("recover", version.pk), form_data(recover_page)).status_code == 302
    assert state(entry.pk) == saved


def test_other_institutes_cannot_see_or_recover_a_deleted_entry(users, entries):
    from reversion.models import Version

    client_for(users["editor_b"]).post(url("delete", entries["b"].pk), {"post": "yes"})
    version = Version.objects.get_deleted(Publication).get(object_id=str(entries["b"].pk))
    client = client_for(users["editor_a"])
    assert version not in list(client.get(url("recoverlist")).context["deleted"])
    assert client.get(url("recover", version.pk)).status_code == 403
    assert client.post(url("recover", version.pk), {"title": "x"}).status_code == 403
    assert not Entry.objects.filter(pk=entries["b"].pk).exists()


def test_bulk_delete_can_be_recovered(users, entries):
    from reversion.models import Version

    client = client_for(users["editor_a"])
    data = {"action": "delete_selected", "post": "yes", "_selected_action": [entries["a"].pk]}
    client.post(url("changelist"), data)
    assert not Entry.objects.filter(pk=entries["a"].pk).exists()
    assert Version.objects.get_deleted(Publication).filter(object_id=str(entries["a"].pk)).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_recovering_an_entry_the_content_load_added_again_names_the_clash(users, method):
    """The network's content load re-creates a deleted seed entry under a new id; its
    old version cannot come back beside it, and the editor is told which entry is in
    the way (not "missing dependency")."""
    from django.core.management import call_command
    from reversion.models import Version

    seeded = Publication.objects.order_by("pk").first()
    client = client_for(users["network"])
    assert client.post(url("delete", seeded.pk), {"post": "yes"}).status_code == 302
    call_command("load_network_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    again = Publication.objects.get(slug=seeded.slug)
    assert again.pk != seeded.pk

    version = Version.objects.get_deleted(Publication).get(object_id=str(seeded.pk))
    response = getattr(client, method)(url("recover", version.pk), follow=True)
    page = response.content.decode()
    assert "missing dependency" not in page
    assert f"page address “{seeded.slug}” now belongs to" in page
    assert url("change", again.pk) in page
    assert Publication.objects.filter(slug=seeded.slug).count() == 1
    assert Publication.objects.get(slug=seeded.slug).pk == again.pk


# --- defects of history and revert (each failed before its fix) ---------------------


def revert(client, entry, version):
    page = client.get(url("revision", entry.pk, version.pk))
    assert page.status_code == 200
    return client.post(url("revision", entry.pk, version.pk), form_data(page))


def add_publication(client, slug, author):
    """A WIDER publication added through the admin's form, with one theme, one country
    and ``author``."""
    data = add_form_data(
        client,
        slug,
        [Institute.objects.get(slug="unu-wider")],
        themes=[str(Theme.objects.get(slug="diaspora").pk)],
        countries=["GH"],
    )
    data["contributions-0-person"] = str(author.pk)
    data["contributions-0-role"] = "author"
    data["contributions-0-order"] = "1"
    data["contributions-TOTAL_FORMS"] = "1"
    assert client.post(url("add"), data).status_code == 302
    return Publication.objects.get(slug=slug)


def versions_of(entry):
    from reversion.models import Version

    return Version.objects.get_for_object(Publication.objects.get(pk=entry.pk))


def test_a_revert_keeps_the_institutes_the_editor_may_not_remove(users, entries):
    """Saved while only WIDER held it, shared with GCM by a network editor, reverted by
    WIDER's editor to the WIDER-only version: GCM keeps it, as after a save."""
    entry = entries["a"]
    wider, gcm = Institute.objects.get(slug="unu-wider"), Institute.objects.get(slug="unu-gcm")
    editor = client_for(users["editor_a"])
    assert post_change(editor, entry, title="WIDER only").status_code == 302
    wider_only = versions_of(entry).get()
    shared = post_change(
        client_for(users["network"]), entry, institutes=[str(wider.pk), str(gcm.pk)]
    )
    assert shared.status_code == 302
    assert revert(editor, entry, wider_only).status_code == 302
    entry.refresh_from_db()
    assert entry.title == "WIDER only"
    assert set(entry.institutes.values_list("slug", flat=True)) == {"unu-wider", "unu-gcm"}
    listed = client_for(users["editor_b"]).get(url("changelist")).context["cl"].result_list
    assert entry.pk in {row.pk for row in listed}


def test_the_first_version_of_an_added_entry_is_the_entry_as_saved(users):
    """Versions are taken after the many-to-many and inline writes of the same save."""
    client = client_for(users["editor_a"])
    entry = add_publication(client, "added-in-the-admin", make_person(name="Ama Owusu"))
    first = versions_of(entry).get()
    saved = history.snapshot(first.revision, Publication, entry.pk)
    assert saved["Institutes"] == "UNU-WIDER"
    assert saved["Themes"] == "Diaspora"
    assert saved["Countries"] == "Ghana"
    assert saved["People"] == "Ama Owusu (author)"

    # A later save: its version holds the new links, not the previous ones.
    data = form_data(client.get(url("change", entry.pk)))
    data.update(themes=[], countries=["KE"])
    data["contributions-0-DELETE"] = "on"
    assert client.post(url("change", entry.pk), data).status_code == 302
    second = history.snapshot(versions_of(entry).first().revision, Publication, entry.pk)
    assert (second["Themes"], second["Countries"], second["People"]) == ("", "Kenya", "")

    # The editor's own entry goes back to its first version (it used to be refused).
    before = state(entry.pk)
    assert revert(client, entry, first).status_code == 302
    after = state(entry.pk)
    assert after["themes"] == ["diaspora"] and after["countries"] == ["GH"]
    assert after["people"] == [(Person.objects.get(name="Ama Owusu").slug, "author", 1)]
    assert after["institutes"] == before["institutes"] == ["unu-wider"]


@pytest.mark.parametrize("page", ["compare", "conflict"])
def test_history_names_no_entry_the_viewer_may_not_see(users, entries, page):
    """GCM's draft, linked from a WIDER entry by a network editor: WIDER's editor sees
    that there is a link, not the draft's title; a network editor sees the title."""
    entry, secret = entries["a"], entries["b"]
    editor = client_for(users["editor_a"])
    assert post_change(editor, entry, title="Before the link").status_code == 302
    opened = form_data(editor.get(url("change", entry.pk)))  # WIDER's editor opens the form
    network = client_for(users["network"])
    linked = post_change(network, entry, related=[str(secret.pk)], part_of=str(secret.pk))
    assert linked.status_code == 302
    if page == "compare":
        older, newer = reversed(versions_of(entry))
        versions = {"from": older.pk, "to": newer.pk}
        editor_page = editor.get(url("compare", entry.pk), versions).content.decode()
        assert secret.title not in editor_page
        assert history.HIDDEN_ENTRY in editor_page
        assert secret.title in network.get(url("compare", entry.pk), versions).content.decode()
    else:
        # The form opened before the network editor's save: the conflict message lists
        # what they changed.
        response = editor.post(url("change", entry.pk), {**opened, "title": "Mine"})
        assert response.status_code == 200
        page_text = response.content.decode()
        assert "after you opened it" in page_text
        assert secret.title not in page_text
        assert history.HIDDEN_ENTRY in page_text


@pytest.mark.parametrize("actor", ["editor_a", "network"])
def test_recover_restores_what_it_can_and_names_what_was_deleted_since(users, actor):
    """A publication with a new author is deleted, then the author: recovering the
    publication restores it without them and says so (it was a 500)."""
    from reversion.models import Version

    client = client_for(users[actor])
    author = make_person(name="Kofi Mensah")
    record_version(author, "Added.")  # as the admin does for a person it adds
    entry = add_publication(client, "with-a-deleted-author", author)
    related = Entry.objects.get(slug="migration-those-left-behind")
    entry.related.add(related)
    post_change(client, entry, title="With a deleted author")
    assert client.post(url("delete", entry.pk), {"post": "yes"}).status_code == 302
    author.delete()
    version = Version.objects.get_deleted(Publication).get(object_id=str(entry.pk))

    page = client.get(url("recover", version.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kofi Mensah" in text and "deleted since" in text
    response = client.post(url("recover", version.pk), form_data(page), follow=True)
    assert response.status_code == 200
    assert "Kofi Mensah" in response.content.decode()
    restored = state(entry.pk)
    assert restored["title"] == "With a deleted author"
    assert restored["people"] == []
    assert restored["themes"] == ["diaspora"] and restored["countries"] == ["GH"]
    assert restored["related"] == [related.slug]
    assert restored["institutes"] == ["unu-wider"]
