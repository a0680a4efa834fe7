"""Loading the network's content into the database (``manage.py load_network_content``).

Table-driven: the vocabulary tables are listed here, and each kind of entry
brings its own table (``Kind.content`` in the registry, ``unumn/kinds.py``), so a
new kind's entries load without a change here.

Idempotent and respectful of editors: every object is looked up by its natural
key (country code, slug) and created only when missing. An object that exists is
never modified, so running the load again changes nothing and an edit made in the
admin is never overwritten. An entry's links (institutes, themes, countries,
people, organisations, related entries, part-of) are set only when the entry
itself is created.
"""

import csv
import datetime
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from unumn import kinds
from unumn.dates import parse_partial_date
from unumn.kinds import VocabularyTable
from unumn.models import Country, Entry, Institute, Organisation, Person, SynonymGroup, Theme
from unumn.search import reindex_once
from unumn.services import entry_links_set, record_version

CONTENT_DIR = Path(__file__).resolve().parent
COUNTRIES_FILE = CONTENT_DIR / "countries.csv"
NETWORK_FILE = CONTENT_DIR / "network.toml"
LOADED = "Loaded from the network's content file."


VOCABULARY = (
    VocabularyTable(
        "institutes",
        Institute,
        ("acronym", "name", "kind", "summary", "description", "city", "website", "order"),
        references=(("country", "countries"),),
    ),
    VocabularyTable("themes", Theme, ("name", "kind", "description")),
    VocabularyTable(
        "people",
        Person,
        ("name", "given_name", "family_name", "bio"),
        references=(("institute", "institutes"),),
    ),
    VocabularyTable(
        "organisations",
        Organisation,
        ("name", "acronym", "kind", "website", "description"),
        references=(("country", "countries"),),
    ),
)


def vocabulary_tables():
    """The core's vocabulary tables, then each kind's own (a publication's series)."""
    return VOCABULARY + tuple(spec for kind in kinds.all() for spec in kind.content.vocabularies)


# Keys every entry table may give; an entry is published unless the row says otherwise.
ENTRY_FIELDS = ("title", "summary", "body", "status", "featured")
ENTRY_DEFAULTS = {"status": Entry.Status.PUBLISHED}


class ContentError(ValueError):
    """The data file names something it does not define."""


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
    """Load the content ``data`` (a parsed ``network.toml``) and the country list, in one
    transaction; the search index is updated once, at the end. Returns a ``LoadReport``."""
    with transaction.atomic(), reindex_once():
        return ContentLoader(data, progress=progress).load(countries)


class ContentLoader:
    """One load: the objects of each table by natural key, and what was created."""

    def __init__(self, data, *, progress=None):
        self.data, self.report = data, LoadReport()
        self.say = progress or (lambda message: None)
        self.objects = {}  # table -> {slug or code: object}
        self.models = {spec.table: spec.model for spec in vocabulary_tables()}
        self.models.update(countries=Country, entries=Entry)
        self.keys = dict.fromkeys(self.models, "slug") | {"countries": "code"}

    def load(self, countries):
        self.load_countries(countries)
        for spec in vocabulary_tables():
            self.objects[spec.table] = {
                row["slug"]: self.ensure(
                    spec.model, spec.table, row, self.vocabulary_fields(spec, row)
                )[0]
                for row in self.data.get(spec.table, [])
            }
            self.say(f"{spec.table}: {len(self.objects[spec.table])}")
        self.load_synonyms()
        # Entries in two passes: first every entry, then the links between them.
        self.objects["entries"], created = {}, []
        for kind in kinds.all():
            created += self.load_entries(kind)
        for entry, row in created:
            self.link(entry, row)
        for entry, _ in created:
            record_version(entry, LOADED)
        self.say(f"links set on {len(created)} new entries")
        return self.report

    def load_countries(self, countries):
        existing = set(Country.objects.values_list("code", flat=True))
        new = [
            Country(**{key: row[key] for key in ("code", "name", "m49", "region", "subregion")})
            for row in countries
            if row["code"] not in existing
        ]
        Country.objects.bulk_create(new)
        self.objects["countries"] = Country.objects.in_bulk()
        self.report.counts["countries"] = [len(new), len(existing)]
        self.say(f"countries: {len(new)} created")

    def load_synonyms(self):
        """Groups of synonyms, each known by its terms (one per line)."""
        for row in self.data.get("synonyms", []):
            terms = "\n".join(row["terms"])
            created = not SynonymGroup.objects.filter(terms=terms).exists()
            if created:
                group = SynonymGroup(terms=terms, note=row.get("note", ""))
                group.full_clean()
                group.save()
                record_version(group, LOADED)
            self.report.count("synonyms", created)
        self.say(f"synonyms: {len(self.data.get('synonyms', []))}")

    def ensure(self, model, table, row, fields):
        """The object with ``row``'s slug, created from ``fields`` when missing."""
        obj = model.objects.filter(slug=row["slug"]).first()
        created = obj is None
        if created:
            obj = model(slug=row["slug"], **fields)
            obj.full_clean()
            obj.save()
            if not isinstance(obj, Entry):  # an entry's first version waits for its links
                record_version(obj, LOADED)
        self.report.count(table, created)
        return obj, created

    def lookup(self, table, key, where):
        """The object of ``table`` called ``key``: loaded by this file, or already in the
        database; a clear error when there is none."""
        known = self.objects.setdefault(table, {})
        if key not in known:
            found = self.models[table].objects.filter(**{self.keys[table]: key}).first()
            if found is None:
                raise ContentError(f"{where}: {table} has no {key!r}.")
            known[key] = found
        return known[key]

    def references(self, row, references, where):
        """``{key: object}`` of the keys of ``row`` that name another table's object."""
        return {
            key: self.lookup(table, row[key], where) for key, table in references if row.get(key)
        }

    def vocabulary_fields(self, spec, row):
        where = f"{spec.table} {row['slug']!r}"
        return {
            **{key: row[key] for key in spec.fields if key in row},
            **self.references(row, spec.references, where),
        }

    def load_entries(self, kind):
        """Every entry of one kind's table; answers ``[(entry, row)]`` of those created."""
        spec, created = kind.content, []
        for row in self.data.get(spec.table, []):
            where = f"{spec.table} {row['slug']!r}"
            fields = {
                **ENTRY_DEFAULTS,
                **{key: row[key] for key in (*ENTRY_FIELDS, *spec.fields) if key in row},
                **{key: datetime.date.fromisoformat(row[key]) for key in spec.dates if key in row},
                **self.references(row, spec.references, where),
            }
            if "date" in row:
                fields["date"], fields["date_precision"] = parse_partial_date(row["date"])
            if "reported_on" in row:  # when a state or stage was reported (the paper's date)
                fields["reported_on"] = datetime.date.fromisoformat(row["reported_on"])
            entry, is_new = self.ensure(kind.model, spec.table, row, fields)
            self.objects["entries"][row["slug"]] = entry
            if is_new:
                created.append((entry, row))
        self.say(f"{spec.table}: {len(self.data.get(spec.table, []))}")
        return created

    def link(self, entry, row):
        """Give a new entry the links its row lists."""
        where = f"entry {row['slug']!r}"

        def each(table, keys):
            return [self.lookup(table, key, where) for key in keys]

        entry_links_set(
            entry=entry,
            institutes=each("institutes", row["institutes"]),
            themes=each("themes", row.get("themes", [])),
            countries=each("countries", row.get("countries", [])),
            contributions=[
                (self.lookup("people", item["person"], where), item["role"])
                for item in row.get("contributors", [])
            ],
            involvements=[
                (self.lookup("organisations", item["organisation"], where), item["role"])
                for item in row.get("organisations", [])
            ],
            related=each("entries", row.get("related", [])),
            part_of=self.lookup("entries", row["part_of"], where) if row.get("part_of") else None,
        )
