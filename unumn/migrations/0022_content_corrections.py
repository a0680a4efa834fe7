"""Corrections of the network's content, read against its contribution paper (issue 13).

The content loader never modifies what exists, so a database loaded before the
corrections of ``unumn/content/network.toml`` keeps the old statements: this brings
them in. Each correction applies to the row named by its slug only while it still
holds the old, wrong value, so an editor's later change is kept; on an empty
database (a new site, the tests' database before its content is loaded) it does
nothing. Backwards, each is undone the same way (only where the corrected value is
still there).

Touched entries get a new ``updated_at``, their search index is brought up to date,
and the content version changes, so no cached page keeps the old statement. (No
django-reversion version is recorded: a migration's historical models are not
registered with it; this file is the record of the change.)
"""

import datetime
import re
import secrets

from django.db import migrations
from django.utils import timezone

# "... is available" where the paper gives no address: (model, slug, field, old, new).
TEXTS = [
    (
        "Institute",
        "unu-mn",
        "description",
        "a series of five panels whose summary report is available.",
        "a series of five panels with a summary report (the paper gives no address for the "
        "report; it is not online here).",
    ),
    (
        "Entry",
        "gmg-chairmanship-2017",
        "body",
        "its summary report is available;",
        "the paper mentions its summary report but gives no address for it, and it is not "
        "online here;",
    ),
    (
        "Entry",
        "panel-series-summary-report",
        "body",
        "The summary report is available.",
        "The contribution paper mentions this summary report but gives no address for it; it "
        "is not online here.",
    ),
    (
        "Entry",
        "unu-panel-series-academic-thinking-migration",
        "body",
        "A summary report of the series is available.",
        "There is a summary report of the series; the contribution paper gives no address for "
        "it, and it is not online here.",
    ),
    (
        "Entry",
        "wider-development-conference-migration-mobility-2017",
        "body",
        "The papers and presentations of the conference, and an informal summary of it, are "
        "available.",
        "The contribution paper points to the papers and presentations of the conference and "
        "to an informal summary of it, but gives no address for them; they are not online "
        "here.",
    ),
]

# Fields: (app, model, slug, old values, new values).
FIELDS = [
    # The proposals were accepted; the articles were still under peer review ("in press"
    # in their citations said more than the paper).
    (
        "publications",
        "Publication",
        "migration-governance-global-south",
        {"publication_status": "accepted"},
        {"publication_status": "under_review"},
    ),
    (
        "publications",
        "Publication",
        "forced-migration-inequality",
        {"publication_status": "forthcoming"},
        {"publication_status": "under_review"},
    ),
    # The paper gives the panel series no date.
    (
        "unumn",
        "Entry",
        "unu-panel-series-academic-thinking-migration",
        {"date": datetime.date(2017, 1, 1), "date_precision": "year"},
        {"date": None, "date_precision": "day"},
    ),
]

# An organisation's part in an entry: (entry, organisation, old role, new role).
ROLES = [
    ("gmg-chairmanship-2017", "gmg", "partner", "chaired"),
    ("gmg-chairmanship-2017", "srsg-international-migration", "partner", "in_support_of"),
]

# The JEMS special issue is not work of the Accra conference (related both ways).
UNRELATED = ("wider-development-conference-migration-mobility-2017", "forced-migration-inequality")

# The meeting is not the UNU Office in New York's: (entry, old institutes, new institutes).
INSTITUTES = (
    "sixteenth-coordination-meeting-international-migration",
    {"unu-mn", "unu-new-york"},
    {"unu-mn"},
)

# The contribution paper is a United Nations University document: its author and publisher.
PAPER = "unu-contribution-sixteenth-coordination-meeting"
UNU = {
    "slug": "unu",
    "name": "United Nations University",
    "acronym": "UNU",
    "kind": "un_system",
    "description": "The university whose Institutes working on migration form the UNU "
    "Migration Network; author of the contribution to the Sixteenth Coordination Meeting on "
    "International Migration (February 2018).",
}
UNU_ROLES = ("author", "publisher")


def forwards(apps, schema_editor):
    Corrections(apps, schema_editor).apply(backwards=False)


def backwards(apps, schema_editor):
    Corrections(apps, schema_editor).apply(backwards=True)


class Corrections:
    def __init__(self, apps, schema_editor):
        self.apps, self.connection = apps, schema_editor.connection
        self.Entry = apps.get_model("unumn", "Entry")
        self.Involvement = apps.get_model("unumn", "Involvement")
        self.Organisation = apps.get_model("unumn", "Organisation")
        self.Institute = apps.get_model("unumn", "Institute")
        self.touched = set()  # ids of the entries changed
        self.changed = False

    def apply(self, *, backwards):
        self.texts(backwards)
        self.fields(backwards)
        self.roles(backwards)
        self.related(backwards)
        self.institutes(backwards)
        self.paper(backwards)
        if self.touched:
            self.Entry.objects.filter(pk__in=self.touched).update(updated_at=timezone.now())
            self.reindex(sorted(self.touched))
        if self.changed:
            ContentVersion = self.apps.get_model("unumn", "ContentVersion")
            ContentVersion.objects.filter(pk=1).update(
                number=secrets.randbits(62), changed_at=timezone.now()
            )

    def entry_id(self, slug):
        return self.Entry.objects.filter(slug=slug).values_list("pk", flat=True).first()

    def touch(self, entry_id):
        self.changed = True
        if entry_id is not None:
            self.touched.add(entry_id)

    def texts(self, backwards):
        for model_name, slug, field, old, new in TEXTS:
            if backwards:
                old, new = new, old
            model = self.apps.get_model("unumn", model_name)
            row = model.objects.filter(slug=slug).values("pk", field).first()
            if row is None or old not in row[field]:
                continue
            model.objects.filter(pk=row["pk"]).update(**{field: row[field].replace(old, new)})
            self.touch(row["pk"] if model is self.Entry else None)

    def fields(self, backwards):
        for app, model_name, slug, old, new in FIELDS:
            if backwards:
                old, new = new, old
            model = self.apps.get_model(app, model_name)
            if model.objects.filter(slug=slug, **old).update(**new):
                self.touch(self.entry_id(slug))

    def roles(self, backwards):
        for entry_slug, organisation_slug, old, new in ROLES:
            if backwards:
                old, new = new, old
            mine = self.Involvement.objects.filter(
                entry__slug=entry_slug, organisation__slug=organisation_slug
            )
            if mine.filter(role=new).exists():  # already there: leave it as it is
                continue
            if mine.filter(role=old).update(role=new):
                self.touch(self.entry_id(entry_slug))

    def related(self, backwards):
        first, second = (self.entry_id(slug) for slug in UNRELATED)
        if first is None or second is None:
            return
        through = self.Entry.related.through
        pairs = [(first, second), (second, first)]
        linked = through.objects.filter(from_entry_id=first, to_entry_id=second).exists()
        if not backwards and linked:
            for a, b in pairs:
                through.objects.filter(from_entry_id=a, to_entry_id=b).delete()
        elif backwards and not linked:
            through.objects.bulk_create(
                [through(from_entry_id=a, to_entry_id=b) for a, b in pairs],
                ignore_conflicts=True,
            )
        else:
            return
        self.touch(first)
        self.touch(second)

    def institutes(self, backwards):
        slug, old, new = INSTITUTES
        if backwards:
            old, new = new, old
        entry = self.Entry.objects.filter(slug=slug).first()
        if entry is None or set(entry.institutes.values_list("slug", flat=True)) != old:
            return
        entry.institutes.set(self.Institute.objects.filter(slug__in=new))
        self.touch(entry.pk)

    def paper(self, backwards):
        entry_id = self.entry_id(PAPER)
        if entry_id is None:
            return
        theirs = self.Involvement.objects.filter(entry_id=entry_id, role__in=UNU_ROLES)
        if backwards:
            ours = theirs.filter(organisation__slug=UNU["slug"])
            if ours.count() != len(UNU_ROLES) or theirs.count() != len(UNU_ROLES):
                return  # not as the correction left it: an editor's
            ours.delete()
            self.Organisation.objects.filter(slug=UNU["slug"], involvements=None).delete()
        else:
            if theirs.exists():  # an author or publisher given already
                return
            unu = (
                self.Organisation.objects.filter(slug=UNU["slug"]).first()
                or self.Organisation.objects.filter(name=UNU["name"]).first()
                or self.Organisation.objects.create(**UNU)
            )
            order = self.Involvement.objects.filter(entry_id=entry_id).count()
            self.Involvement.objects.bulk_create(
                self.Involvement(entry_id=entry_id, organisation=unu, role=role, order=order + i)
                for i, role in enumerate(UNU_ROLES)
            )
        self.touch(entry_id)

    # --- the search index of the touched entries (as unumn/search/indexing.py keeps it,
    # frozen here as a migration must be) ---------------------------------------

    def reindex(self, ids):
        for entry in self.Entry.objects.filter(pk__in=ids).prefetch_related(
            "institutes", "countries", "themed_links__tag", "contributions__person",
            "involvements__organisation",
        ):
            keywords = self.keywords(entry)
            if keywords != entry.search_keywords:
                self.Entry.objects.filter(pk=entry.pk).update(search_keywords=keywords)
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute(UPSERT_VECTORS, [ids])
        self.add_words(ids)

    @staticmethod
    def keywords(entry):
        names = [link.tag.name for link in sorted(entry.themed_links.all(), key=lambda l: l.pk)]
        names += [c.person.name for c in sorted(entry.contributions.all(), key=by_order)]
        names += [f"{i.acronym} {i.name}" for i in entry.institutes.all()]
        names += [
            f"{i.organisation.acronym} {i.organisation.name}"
            for i in sorted(entry.involvements.all(), key=by_order)
        ]
        names += [country.name for country in entry.countries.all()]
        return " ".join(name.strip() for name in names if name.strip())

    def add_words(self, ids):
        SearchWord = self.apps.get_model("unumn", "SearchWord")
        words = set()
        public = self.Entry.objects.filter(
            pk__in=ids, status="published", publish_at__lte=timezone.now()
        )
        for title, keywords in public.values_list("title", "search_keywords"):
            words |= {
                w for w in re.findall(r"\w+", f"{title} {keywords}".lower()) if 3 <= len(w) <= 60
            }
        SearchWord.objects.bulk_create([SearchWord(word=w) for w in words], ignore_conflicts=True)


def by_order(row):
    return (row.order, row.pk)


UPSERT_VECTORS = """
INSERT INTO unumn_entrysearch (entry_id, vector, names_vector, title_vector)
SELECT id,
       to_tsvector('english', title || ' ' || search_keywords || ' ' || summary
                   || ' ' || left(body, 200000)),
       to_tsvector('english', title || ' ' || search_keywords),
       to_tsvector('english', title)
FROM unumn_entry WHERE id = ANY(%s)
ON CONFLICT (entry_id) DO UPDATE SET vector = EXCLUDED.vector,
    names_vector = EXCLUDED.names_vector, title_vector = EXCLUDED.title_vector
"""


class Migration(migrations.Migration):

    dependencies = [
        ("unumn", "0021_involvement_roles"),
        ("publications", "0002_editorial_labels"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
