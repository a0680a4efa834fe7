"""Writes that span several models.

Each service is a keyword-only ``<entity>_<action>()`` function that validates
with ``full_clean()`` before saving.
"""

import csv
import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from unumn.dates import parse_partial_date
from unumn.models import (
    Contribution,
    Country,
    Entry,
    Institute,
    Involvement,
    Organisation,
    Person,
    Theme,
)
from unumn.search import reindex_once

CONTENT_DIR = Path(__file__).resolve().parent / "content"
COUNTRIES_FILE = CONTENT_DIR / "countries.csv"
NETWORK_FILE = CONTENT_DIR / "network.toml"

# Entry tables of the data file, with the model that holds them and the
# keys that are plain fields of that model (dates parsed as ISO dates).
ENTRY_TABLES = {
    "projects": ("projects.Project", ["project_type", "state", "duration_months", "url"]),
    "publications": (
        "publications.Publication",
        [
            "publication_type",
            "publication_status",
            "container_title",
            "volume",
            "issue",
            "pages",
            "place",
            "doi",
            "isbn",
            "url",
            "item_count",
        ],
    ),
    "events": (
        "events.Event",
        [
            "event_type",
            "timezone",
            "venue",
            "city",
            "participants",
            "registration_url",
            "programme_url",
        ],
    ),
}
ENTRY_DATE_KEYS = {"projects": ["start", "end"], "events": ["start_date", "end_date"]}


@dataclass
class LoadReport:
    """What a content load did, table by table: ``{"institutes": [created, kept]}``."""

    counts: dict = field(default_factory=dict)

    def count(self, table, created):
        created_kept = self.counts.setdefault(table, [0, 0])
        created_kept[0 if created else 1] += 1

    @property
    def created(self):
        return sum(created for created, _ in self.counts.values())

    def lines(self):
        for table, (created, kept) in self.counts.items():
            yield f"{table:<14} {created:>4} created, {kept:>4} already there (left as they are)"


def read_network_content(path=NETWORK_FILE):
    with open(path, "rb") as file:
        return tomllib.load(file)


def read_countries(path=COUNTRIES_FILE):
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def network_content_load(*, data, countries, progress=None):
    """See ``_network_content_load``; the search index is updated once, at the end."""
    with transaction.atomic(), reindex_once():
        return _network_content_load(data=data, countries=countries, progress=progress)


LOADED = "Loaded from the network's content file."


def record_version(obj, comment, user=None):
    """Start or continue ``obj``'s history with its current state, in a revision of its
    own (reverting one object must never revert another)."""
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(obj)


def _network_content_load(*, data, countries, progress=None):
    """Load the network's content (and the country list) into the database.

    Idempotent and respectful of editors: every object is looked up by its
    natural key (country code, slug) and created only when missing. An
    object that already exists is never modified, so running the load again
    changes nothing and an edit made in the admin is never overwritten. Links
    of an entry (institutes, themes, countries, people, organisations,
    related entries, part-of) are set only when the entry itself is created.
    """
    report = LoadReport()
    say = progress or (lambda message: None)

    def ensure(model, table, lookup, defaults):
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup, **defaults)
            obj.full_clean()
            obj.save()
            if not isinstance(obj, Entry):  # an entry's first version waits for its links
                record_version(obj, LOADED)
        report.count(table, created)
        return obj, created

    existing_countries = set(Country.objects.values_list("code", flat=True))
    new_countries = [
        Country(
            code=row["code"],
            name=row["name"],
            m49=row["m49"],
            region=row["region"],
            subregion=row["subregion"],
        )
        for row in countries
        if row["code"] not in existing_countries
    ]
    Country.objects.bulk_create(new_countries)
    report.counts["countries"] = [len(new_countries), len(existing_countries)]
    say(f"countries: {len(new_countries)} created")

    def country(code):
        return Country.objects.get(code=code) if code else None

    institutes = {}
    for row in data.get("institutes", []):
        institutes[row["slug"]], _ = ensure(
            Institute,
            "institutes",
            {"slug": row["slug"]},
            {
                "acronym": row.get("acronym", ""),
                "name": row["name"],
                "kind": row["kind"],
                "summary": row.get("summary", ""),
                "description": row.get("description", ""),
                "city": row.get("city", ""),
                "country": country(row.get("country")),
                "website": row.get("website", ""),
                "order": row.get("order", 100),
            },
        )
    say(f"institutes: {len(institutes)}")

    themes = {}
    for row in data.get("themes", []):
        themes[row["slug"]], _ = ensure(
            Theme,
            "themes",
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "kind": row.get("kind", Theme.Kind.TOPIC),
                "description": row.get("description", ""),
            },
        )
    say(f"themes: {len(themes)}")

    people = {}
    for row in data.get("people", []):
        people[row["slug"]], _ = ensure(
            Person,
            "people",
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "given_name": row.get("given_name", ""),
                "family_name": row["family_name"],
                "institute": institutes.get(row.get("institute")),
                "bio": row.get("bio", ""),
            },
        )
    say(f"people: {len(people)}")

    organisations = {}
    for row in data.get("organisations", []):
        organisations[row["slug"]], _ = ensure(
            Organisation,
            "organisations",
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "acronym": row.get("acronym", ""),
                "kind": row["kind"],
                "country": country(row.get("country")),
                "website": row.get("website", ""),
                "description": row.get("description", ""),
            },
        )
    say(f"organisations: {len(organisations)}")

    # Entries in two passes: first every entry, then the links between them.
    entries, created_rows = {}, []
    for table, (model_label, keys) in ENTRY_TABLES.items():
        model = apps.get_model(model_label)
        for row in data.get(table, []):
            fields = {
                "title": row["title"],
                "summary": row.get("summary", ""),
                "body": row.get("body", ""),
                "status": row.get("status", Entry.Status.PUBLISHED),
                "featured": row.get("featured", False),
                **{key: row[key] for key in keys if key in row},
                **{
                    key: datetime.date.fromisoformat(row[key])
                    for key in ENTRY_DATE_KEYS.get(table, [])
                    if key in row
                },
            }
            if "date" in row:
                fields["date"], fields["date_precision"] = parse_partial_date(row["date"])
            if table == "events" and row.get("country"):
                fields["country"] = country(row["country"])
            entry, created = ensure(model, table, {"slug": row["slug"]}, fields)
            entries[row["slug"]] = entry
            if created:
                created_rows.append((entry, row))
        say(f"{table}: {len(data.get(table, []))}")

    for entry, row in created_rows:
        entry_links_set(
            entry=entry,
            institutes=[institutes[slug] for slug in row["institutes"]],
            themes=[themes[slug] for slug in row.get("themes", [])],
            countries=[country(code) for code in row.get("countries", [])],
            contributions=[
                (people[item["person"]], item["role"]) for item in row.get("contributors", [])
            ],
            involvements=[
                (organisations[item["organisation"]], item["role"])
                for item in row.get("organisations", [])
            ],
            related=[entries[slug] for slug in row.get("related", [])],
            part_of=entries.get(row.get("part_of")),
        )
    for entry, _ in created_rows:
        record_version(entry, LOADED)
    say(f"links set on {len(created_rows)} new entries")
    return report


def entry_links_set(
    *,
    entry,
    institutes,
    themes=(),
    countries=(),
    contributions=(),
    involvements=(),
    related=(),
    part_of=None,
):
    """Give an entry its institutes, themes, countries, people (in order, with
    roles), organisations (with roles), related entries and containing entry."""
    entry.institutes.set(institutes)
    entry.themes.set(list(themes))
    entry.countries.set(countries)
    entry.contributions.all().delete()
    for order, (person, role) in enumerate(contributions, start=1):
        contribution = Contribution(entry=entry, person=person, role=role, order=order)
        contribution.full_clean()
        contribution.save()
    entry.involvements.all().delete()
    for order, (organisation, role) in enumerate(involvements, start=1):
        involvement = Involvement(entry=entry, organisation=organisation, role=role, order=order)
        involvement.full_clean()
        involvement.save()
    entry.related.add(*related)
    if part_of is not None and entry.part_of_id != part_of.pk:
        entry.part_of = part_of
        entry.full_clean()
        entry.save(update_fields=["part_of", "updated_at"])


def entries_set_status(*, entries, status, user=None):
    """Move entries to a workflow status (draft, in review, published), each saved and
    recorded in its own history. Publishing now makes a scheduled entry public now."""
    count, now = 0, timezone.now()
    comment = f"Status set to {Entry.Status(status).label.lower()}."
    with transaction.atomic(), reindex_once():
        for entry in entries:
            entry = entry.specific
            entry.status = status
            if status == Entry.Status.PUBLISHED and entry.publish_at and entry.publish_at > now:
                entry.publish_at = now
            entry.full_clean()
            entry.save()
            record_version(entry, comment, user)
            count += 1
    return count
