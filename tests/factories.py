"""Small factory helpers: the least a valid object needs, overridable by keyword."""

import datetime
import itertools

from django.utils import timezone

from events.models import Event
from projects.models import Project
from publications.models import Publication
from unumn.models import Entry, Institute, Organisation, Person, Theme
from unumn.search import reindex_once

_sequence = itertools.count(1)


def _n():
    return next(_sequence)


def make_institute(**fields):
    n = _n()
    fields.setdefault("slug", f"institute-{n}")
    fields.setdefault("acronym", f"UNU-T{n}")
    fields.setdefault("name", f"Test Institute {n}")
    return Institute.objects.create(**fields)


def make_theme(**fields):
    n = _n()
    fields.setdefault("name", f"Theme {n}")
    fields.setdefault("slug", f"theme-{n}")
    return Theme.objects.create(**fields)


def make_person(**fields):
    n = _n()
    fields.setdefault("slug", f"person-{n}")
    fields.setdefault("family_name", f"Family{n}")
    fields.setdefault("given_name", "Given")
    fields.setdefault("name", f"{fields['given_name']} {fields['family_name']}")
    return Person.objects.create(**fields)


def make_organisation(**fields):
    n = _n()
    fields.setdefault("slug", f"organisation-{n}")
    fields.setdefault("name", f"Organisation {n}")
    fields.setdefault("kind", Organisation.Kind.INTERGOVERNMENTAL)
    return Organisation.objects.create(**fields)


def _make_entry(model, institutes=None, themes=(), countries=(), **fields):
    n = _n()
    fields.setdefault("title", f"{model.__name__} {n}")
    fields.setdefault("slug", f"{model.__name__.lower()}-{n}")
    fields.setdefault("status", Entry.Status.PUBLISHED)
    with reindex_once():
        entry = model(**fields)
        entry.full_clean()
        entry.save()
        entry.institutes.set(institutes if institutes is not None else [make_institute()])
        entry.themes.set(list(themes))
        entry.countries.set(countries)
    return entry


def make_project(**fields):
    return _make_entry(Project, **fields)


def make_publication(**fields):
    return _make_entry(Publication, **fields)


def make_event(**fields):
    return _make_entry(Event, **fields)


def make_draft(model_factory=None, **fields):
    return (model_factory or make_publication)(status=Entry.Status.DRAFT, **fields)


def in_future(**delta):
    return timezone.now() + datetime.timedelta(**(delta or {"days": 1}))
