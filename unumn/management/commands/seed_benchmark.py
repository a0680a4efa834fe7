"""Fill a benchmark database with a realistic synthetic catalogue.

Never the content database: the command refuses to run unless the database's
name contains "bench". Entries get themes, institutes, countries, people and
organisations with skewed (Zipf-like) frequencies, as real catalogues have.
"""

import datetime
import itertools
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from unumn import kinds
from unumn.content.loader import network_content_load, read_countries
from unumn.db import without_statement_timeout
from unumn.models import (
    Contribution,
    Country,
    Entry,
    Institute,
    Involvement,
    Organisation,
    Person,
    Theme,
    ThemedEntry,
)
from unumn.search import entries_reindex

# Topics, most frequent first: an entry is about a few of them (Zipf-distributed),
# so a topic word matches a realistic share of the catalogue, not all of it.
TOPICS = """migration|refugees|development|labour market|diaspora|integration|remittances|
governance|displacement|asylum|mobility|return migration|climate change|host communities|
social cohesion|xenophobia|gender|children|education|health|urbanisation|border management|
trafficking|smuggling|citizenship|humanitarian protection|irregular migration|brain drain|
knowledge transfer|circular migration|seasonal work|informal sector|entrepreneurship|
conflict|security|media|discrimination|inequality|poverty|households|youth|skills|wages|
agriculture|drought|floods|pandemic|data|census|evaluation|capacity building|cooperation|
global compact|sustainable development goals|camps|settlement|networks|transnationalism|
investment|statelessness|resettlement|family reunification|detention|deportation|
naturalisation|language|identity|religion|housing|social protection|pensions|care work|
domestic work|fisheries|mining|construction|nursing|students|academics|scientists""".replace(
    "\n", ""
).split("|")
FILLER = """the of and in on for with from to a an by as at its their this that these among
across between within towards through under new evidence analysis study case lessons
approaches perspectives challenges opportunities findings policy research""".split()
SYLLABLES = "ka lo mi ne ru sa ti ve zo ba de fi go hu ja ke li mo nu pa qi ro su ta wu ya".split()
GIVEN = """Amina Tomás Li Wei Fatima João Ngozi Ahmed Sofia Kwame Priya Yusuf Elena Chen Mariam
Diego Aisha Luca Hana Omar Chiara Kofi Leila Ivan Zainab Pablo Ama Samir Nadia Jonas""".split()
FAMILY = """Mensah Okafor Haddad Silva Nguyen Kowalski Rahman Osei Fernández Abebe Tanaka Müller
Kariuki Petrov Haidari Costa Banda Yilmaz Sharma Diallo Jensen Moreau Asante Novak Ibrahim
Ortega Lindqvist Chowdhury Mwangi Rossi Tesfaye Kaya Park Santos Bello Tarp""".split()
THEME_NAMES = [
    "Diaspora", "Forced migration and refugees", "Labour markets", "Remittances",
    "Migration governance", "Capacity building", "Irregular migration", "Integration",
    "Migration and development", "South–South migration", "Internal migration",
    "Those left behind", "Inequality", "Economic crisis", "Interculturalism", "Xenophobia",
    "Media and migration", "Migration and security", "Climate and environment",
    "Urbanisation", "Gender", "Children and youth", "Health", "Education and skills",
    "Human trafficking", "Return migration", "Statelessness", "Humanitarian protection",
    "Data and statistics", "Impact evaluation", "Knowledge transfer", "Citizenship",
    "Social protection", "Circular migration", "Border management", "Entrepreneurship",
    "SDG Target 10.7", "Global Compact for Migration", "New York Declaration", "2030 Agenda",
]  # fmt: skip


def zipf_weights(n, s=1.1):
    """Cumulative Zipf weights (``random.choices(cum_weights=…)``: summed once, not at
    every draw, which a million entries would feel)."""
    return list(itertools.accumulate(1 / (rank**s) for rank in range(1, n + 1)))


class Command(BaseCommand):
    help = "Generate a synthetic catalogue for benchmarks (only into a *bench* database)."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument("--batch-size", type=int, default=2_000)

    @without_statement_timeout
    def handle(self, *args, **options):
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name:
            raise CommandError(f"Refusing to seed {name!r}: use a database whose name has 'bench'.")
        target = options["entries"]
        existing = Entry.objects.count()
        if existing == target:
            self.stdout.write(f"{existing:,} entries already there; nothing to do.")
            return
        if existing:
            raise CommandError(
                f"{existing:,} entries already there, not {target:,}: drop the database first."
            )
        self.rng = random.Random(options["seed"])
        started = time.monotonic()
        with transaction.atomic():
            self.make_vocabulary()
            self.make_entries(target, options["batch_size"])
        self.stdout.write("Building the search index…")
        entries_reindex(
            batch_size=options["batch_size"], progress=self.progress("indexed"), bulk=True
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM FULL")  # compact what indexing rewrote
                cursor.execute("VACUUM ANALYZE")  # and mark pages all-visible
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {target:,} entries in {time.monotonic() - started:.0f} s into {name}."
            )
        )

    def progress(self, verb):
        def report(done, total):
            self.stdout.write(f"\r  {verb} {done:,} of {total:,}", ending="")
            if done >= total:
                self.stdout.write("")
            self.stdout.flush()

        return report

    # --- vocabulary -----------------------------------------------------

    def make_vocabulary(self):
        if not Country.objects.exists():
            network_content_load(data={}, countries=read_countries())
        self.countries = list(Country.objects.values_list("code", flat=True))
        self.rng.shuffle(self.countries)
        self.institutes = Institute.objects.bulk_create(
            Institute(
                slug=f"unu-bench-{i}", acronym=f"UNU-B{i}", name=f"UNU Benchmark Institute {i}"
            )
            for i in range(1, 13)
        )
        self.themes = Theme.objects.bulk_create(
            Theme(name=name, slug=slugify(name)) for name in THEME_NAMES
        )
        people = {(g, f) for g in GIVEN for f in FAMILY}
        self.people = Person.objects.bulk_create(
            Person(slug=slugify(f"{g}-{f}-{i}"), name=f"{g} {f}", given_name=g, family_name=f)
            for i, (g, f) in enumerate(sorted(people))
        )
        self.organisations = Organisation.objects.bulk_create(
            Organisation(
                slug=f"org-{i}", name=f"Partner Organisation {i}", acronym=f"PO{i}", kind="academic"
            )
            for i in range(200)
        )
        self.stdout.write(
            f"  vocabulary: {len(self.institutes)} institutes, {len(self.themes)} themes, "
            f"{len(self.people):,} people, {len(self.organisations)} organisations"
        )

    # --- entries --------------------------------------------------------

    def make_words(self):
        """A long tail of made-up words (so no real query matches them by chance)."""
        words = set()
        while len(words) < 6_000:
            words.add("".join(self.rng.choices(SYLLABLES, k=self.rng.randint(2, 4))))
        self.tail = sorted(words)
        self.tail_weights = zipf_weights(len(self.tail), 1.0)
        self.topic_weights = zipf_weights(len(TOPICS), 0.7)

    def text(self, focus, count):
        """``count`` words of prose mentioning the entry's focus topics."""
        words = self.rng.choices(self.tail, cum_weights=self.tail_weights, k=count)
        for i in range(count):
            roll = self.rng.random()
            if roll < 0.35:
                words[i] = self.rng.choice(FILLER)
            elif roll < 0.45:
                words[i] = self.rng.choice(focus)
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def make_entries(self, target, batch_size):
        rng, now = self.rng, timezone.now()
        self.make_words()
        registered = kinds.all()
        weights = [kind.benchmark_weight for kind in registered]
        chosen = [kind.name for kind in rng.choices(registered, weights=weights, k=target)]
        report = self.progress("created")
        for start in range(0, target, batch_size):
            batch = []
            for i in range(start, min(start + batch_size, target)):
                date = datetime.date(1995, 1, 1) + datetime.timedelta(days=rng.randrange(11_700))
                focus = list(
                    set(rng.choices(TOPICS, cum_weights=self.topic_weights, k=rng.randint(2, 4)))
                )
                title = f"{focus[0].capitalize()} and {' '.join(rng.sample(FILLER, 2))} " + (
                    " ".join(focus[1:]) + " " + self.text(focus, rng.randint(2, 5))[:-1].lower()
                )
                batch.append(
                    Entry(
                        title=title,
                        slug=f"{slugify(title)[:90]}-{i}",
                        kind=chosen[i],
                        summary=self.text(focus, rng.randint(25, 40))[:400],
                        body="\n\n".join(self.text(focus, rng.randint(40, 70)) for _ in range(3)),
                        status="published" if rng.random() < 0.97 else "draft",
                        publish_at=now,
                        date=date,
                        date_precision=rng.choice(["day", "day", "month", "year"]),
                    )
                )
            entries = Entry.objects.bulk_create(batch)
            self.make_kind_rows(entries)
            self.make_links(entries)
            report(start + len(entries), target)

    def make_kind_rows(self, entries):
        """Each entry's row of its kind's own table, from the kind's ``benchmark``."""
        rows = {}
        for entry in entries:
            row = {"entry_ptr_id": entry.pk, **kinds.get(entry.kind).benchmark(self.rng, entry)}
            rows.setdefault(entry.kind, []).append(row)
        for name, kind_rows in rows.items():
            columns = list(kind_rows[0])
            values = [tuple(row[column] for column in columns) for row in kind_rows]
            self.insert(kinds.get(name).model, columns, values)

    def insert(self, model, columns, rows):
        """Multi-table children cannot be bulk-created: insert their rows directly,
        every other column at its empty value (NULL or '')."""
        if not rows:
            return
        others = [f for f in model._meta.local_concrete_fields if f.column not in columns]
        quote = connection.ops.quote_name
        names = ", ".join(quote(column) for column in [*columns, *(f.column for f in others)])
        placeholders = ", ".join(["%s"] * (len(columns) + len(others)))
        fill = tuple(None if f.null else "" for f in others)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({placeholders})",
                [(*row, *fill) for row in rows],
            )

    def make_links(self, entries):
        rng = self.rng
        theme_weights = zipf_weights(len(self.themes), 0.8)
        country_weights = zipf_weights(len(self.countries), 1.0)
        people_weights = zipf_weights(len(self.people), 0.6)
        themed, institutes, countries, contributions, involvements = [], [], [], [], []
        entry_institute = Entry.institutes.through
        entry_country = Entry.countries.through
        for entry in entries:
            for theme in set(
                rng.choices(self.themes, cum_weights=theme_weights, k=rng.randint(1, 4))
            ):
                themed.append(ThemedEntry(content_object_id=entry.pk, tag_id=theme.pk))
            for institute in set(rng.choices(self.institutes, k=rng.choice([1, 1, 1, 2]))):
                institutes.append(entry_institute(entry_id=entry.pk, institute_id=institute.pk))
            for code in set(
                rng.choices(self.countries, cum_weights=country_weights, k=rng.randint(0, 5))
            ):
                countries.append(entry_country(entry_id=entry.pk, country_id=code))
            people = set(rng.choices(self.people, cum_weights=people_weights, k=rng.randint(0, 4)))
            for order, person in enumerate(people, start=1):
                contributions.append(
                    Contribution(entry_id=entry.pk, person_id=person.pk, role="author", order=order)
                )
            if rng.random() < 0.4:
                involvements.append(
                    Involvement(
                        entry_id=entry.pk,
                        organisation_id=rng.choice(self.organisations).pk,
                        role=rng.choice(Involvement.Role.values),
                    )
                )
        ThemedEntry.objects.bulk_create(themed)
        entry_institute.objects.bulk_create(institutes)
        entry_country.objects.bulk_create(countries)
        Contribution.objects.bulk_create(contributions)
        Involvement.objects.bulk_create(involvements)
