"""The editorial workflow through real admin requests: roles and their scope, drafts
and scheduled publishing, previews, history (compare, revert, recover), login
protection. Every cross-institute attempt is refused and changes nothing."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from publications.models import Publication
from tests.factories import in_future, make_person, make_publication, make_theme
from unumn.models import Contribution, Country, Entry, Institute, Person, Theme
from unumn.permissions import INSTITUTE_EDITORS, NETWORK_EDITORS

pytestmark = pytest.mark.django_db


# --- people and entries ----------------------------------------------------


def make_user(django_user_model, username, group=None, institutes=()):
    user = django_user_model.objects.create_user(
        username, f"{username}@unu.edu", "pw", is_staff=True
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    for slug in institutes:
        Institute.objects.get(slug=slug).editors.add(user)
    return user


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def users(django_user_model):
    return {
        "anonymous": None,
        "editor_a": make_user(django_user_model, "wider", INSTITUTE_EDITORS, ["unu-wider"]),
        "editor_b": make_user(django_user_model, "gcm", INSTITUTE_EDITORS, ["unu-gcm"]),
        "network": make_user(django_user_model, "network", NETWORK_EDITORS),
    }


@pytest.fixture
def entries():
    """A draft of each institute (A: UNU-WIDER, B: UNU-GCM)."""
    wider, gcm = Institute.objects.get(slug="unu-wider"), Institute.objects.get(slug="unu-gcm")
    return {
        "a": make_draft_with_links("A draft of WIDER", wider),
        "b": make_draft_with_links("A draft of GCM", gcm),
    }


def make_draft_with_links(title, institute):
    entry = make_publication(
        title=title,
        status=Entry.Status.DRAFT,
        institutes=[institute],
        themes=list(Theme.objects.filter(slug__in=["diaspora", "integration"])),
        countries=list(Country.objects.filter(code__in=["GH", "KE"])),
    )
    Contribution.objects.create(entry=entry, person=Person.objects.get(slug="finn-tarp"), order=1)
    entry.related.add(Entry.objects.get(slug="migration-those-left-behind"))
    return entry


def url(name, *args):
    return reverse(f"admin:publications_publication_{name}", args=args)


def state(entry_id):
    """Everything an editor can change about a publication, for exact comparisons."""
    publication = Publication.objects.get(pk=entry_id)
    fields = {
        f.name: to_milliseconds(getattr(publication, f.attname))
        for f in Publication._meta.concrete_fields
        if f.name not in {"updated_at", "search_keywords", "search_vector", "search_rank_vector"}
    }
    return {
        **fields,
        "institutes": sorted(publication.institutes.values_list("slug", flat=True)),
        "themes": sorted(publication.themes.values_list("slug", flat=True)),
        "countries": sorted(publication.countries.values_list("code", flat=True)),
        "related": sorted(publication.related.values_list("slug", flat=True)),
        "people": list(publication.contributions.values_list("person__slug", "role", "order")),
        "organisations": list(publication.involvements.values_list("organisation__slug", "role")),
    }


def to_milliseconds(value):
    """History is stored as JSON, whose times keep milliseconds, not microseconds."""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def form_data(response):
    """The POST data a browser would send for the admin form rendered in ``response``."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            key, value = form.add_prefix(name), form[name].value()
            if isinstance(field.widget, MultiWidget):
                parts = field.widget.decompress(value) if value else []
                for i, part in enumerate(parts):
                    data[f"{key}_{i}"] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def post_change(client, entry, **changes):
    data = form_data(client.get(url("change", entry.pk)))
    data.update(changes)
    return client.post(url("change", entry.pk), data)


# --- the matrix --------------------------------------------------------------

ACTORS = ["anonymous", "editor_a", "editor_b", "network"]
# Which of the two drafts each actor may touch.
MAY_EDIT = {
    "anonymous": set(),
    "editor_a": {"a"},
    "editor_b": {"b"},
    "network": {"a", "b"},
}


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


# --- autocompletes -------------------------------------------------------------


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
    public = autocomplete(client_for(users[actor]), "publication", "related", "Routledge")
    assert public is not None


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


# --- users and roles ------------------------------------------------------------


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


def test_setup_roles_is_idempotent():
    from django.core.management import call_command

    before = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("setup_roles", stdout=open("/dev/null", "w"))
    after = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert before == after
    assert "change_publication" in after[INSTITUTE_EDITORS]
    assert "change_theme" not in after[INSTITUTE_EDITORS]


def test_grant_editor_command(django_user_model):
    from django.core.management import call_command

    user = django_user_model.objects.create_user("newbie", password="pw")
    call_command(
        "grant_editor", "newbie", "--institute", "unu-merit", stdout=open("/dev/null", "w")
    )
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name=INSTITUTE_EDITORS).exists()
    assert user.edited_institutes.filter(slug="unu-merit").exists()


# --- workflow and preview -------------------------------------------------------


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
        counted = client.get(reverse("themes:list")).context["themes"].get(pk=theme.pk).entry_count
        return detail, listed, counted

    with time_machine.travel(now + datetime.timedelta(hours=1, minutes=59), tick=False):
        assert visible() == (False, False, 0)
    with time_machine.travel(now + datetime.timedelta(hours=2), tick=False):
        assert visible() == (True, True, 1)


# --- history: record, compare, revert, recover ----------------------------------


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


# --- login protection -------------------------------------------------------------


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


def test_logout_and_password_change_end_sessions(django_user_model):
    user = django_user_model.objects.create_user("editor", password="old-password-1", is_staff=True)
    first, second = Client(), Client()
    for client in (first, second):
        assert (
            client.post(
                reverse("admin:login"), {"username": "editor", "password": "old-password-1"}
            ).status_code
            == 302
        )
        assert client.get(reverse("admin:index")).status_code == 200
    response = first.post(
        reverse("admin:password_change"),
        {
            "old_password": "old-password-1",
            "new_password1": "A-new-pass-2026",
            "new_password2": "A-new-pass-2026",
        },
    )
    assert response.status_code == 302
    # The other browser's session ended with the password change.
    assert second.get(reverse("admin:index")).status_code == 302
    first.post(reverse("admin:logout"))
    assert first.get(reverse("admin:index")).status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-new-pass-2026")


def test_seeded_entries_start_their_history_at_the_content_load():
    from reversion.models import Version

    entry = Publication.objects.get(slug="migration-and-crises")
    [version] = Version.objects.get_for_object(entry)
    assert version.revision.get_comment() == "Loaded from the network's content file."


# --- findings of the review: history integrity and scope ---------------------------


def test_each_content_load_version_is_one_entry_with_its_links():
    from reversion.models import Version

    entry = Publication.objects.get(slug="migration-governance-global-south")
    [version] = Version.objects.get_for_object(entry)
    entries_in_revision = version.revision.version_set.filter(content_type__model="entry")
    assert [v.object_id for v in entries_in_revision] == [str(entry.pk)]
    assert set(entries_in_revision.get().field_dict["institutes"]) == {
        Institute.objects.get(slug="unu-wider").pk
    }


def test_bulk_status_change_records_one_version_per_entry(users, entries):
    from reversion.models import Version

    client = client_for(users["network"])
    data = {"action": "submit_for_review", "_selected_action": [e.pk for e in entries.values()]}
    client.post(url("changelist"), data)
    for entry in entries.values():
        version = Version.objects.get_for_object(Publication.objects.get(pk=entry.pk)).first()
        assert version.revision.get_comment() == "Status set to in review."
        assert version.revision.version_set.filter(content_type__model="entry").count() == 1


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


def test_bulk_delete_can_be_recovered(users, entries):
    from reversion.models import Version

    client = client_for(users["editor_a"])
    data = {"action": "delete_selected", "post": "yes", "_selected_action": [entries["a"].pk]}
    client.post(url("changelist"), data)
    assert not Entry.objects.filter(pk=entries["a"].pk).exists()
    assert Version.objects.get_deleted(Publication).filter(object_id=str(entries["a"].pk)).exists()


def test_the_all_entries_list_cannot_delete(users, entries):
    client = client_for(users["editor_a"])
    entry_url = reverse("admin:unumn_entry_delete", args=[entries["a"].pk])
    response = client.get(entry_url)
    assert response.status_code == 302
    assert response["Location"] == url("delete", entries["a"].pk)
    changelist = client.get(reverse("admin:unumn_entry_changelist"))
    assert "delete_selected" not in changelist.content.decode()


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


def test_view_on_site_shortcut_does_not_reveal_other_drafts(users, entries):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Publication)
    client = client_for(users["editor_a"])
    assert client.get(f"/admin/r/{content_type.pk}/{entries['b'].pk}/").status_code == 404
    own = client.get(f"/admin/r/{content_type.pk}/{entries['a'].pk}/")
    assert own.status_code == 302 and own["Location"].endswith(entries["a"].get_absolute_url())


def test_publish_now_makes_a_scheduled_entry_public_now(users, client):
    entry = make_publication(title="Scheduled far away", publish_at=in_future(days=30))
    network = client_for(users["network"])
    network.post(url("changelist"), {"action": "publish_now", "_selected_action": [entry.pk]})
    assert client.get(entry.get_absolute_url()).status_code == 200
