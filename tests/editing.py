"""Editors and their drafts for the tests of the editorial admin: a user of each role, a
draft of each of two institutes, the admin addresses of a publication, the form a browser
would post, and an exact record of what an editor can change."""

import datetime

from django.contrib.auth.models import Group
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse

from publications.models import Publication
from tests.factories import make_publication
from unumn.models import Contribution, Country, Entry, Institute, Person, Theme


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
        if f.name not in {"updated_at", "search_keywords"}
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


def add_form_data(client, slug, institutes, **fields):
    """What the admin's add form of a publication posts: a draft working paper ``slug``
    of ``institutes``, with ``fields`` on top."""
    data = form_data(client.get(url("add")))
    data.update(
        title=slug.replace("-", " ").capitalize(),
        slug=slug,
        publication_type="working_paper",
        publication_status="published",
        status="draft",
        date_precision="year",
        institutes=[str(institute.pk) for institute in institutes],
    )
    data.update(fields)
    return data


def post_change(client, entry, **changes):
    data = form_data(client.get(url("change", entry.pk)))
    data.update(changes)
    return client.post(url("change", entry.pk), data)


ACTORS = ["anonymous", "editor_a", "editor_b", "network"]
# Which of the two drafts each actor may touch.
MAY_EDIT = {
    "anonymous": set(),
    "editor_a": {"a"},
    "editor_b": {"b"},
    "network": {"a", "b"},
}
