"""The network core: its vocabulary and the one ``Entry`` base.

``Entry`` is concrete and every kind of entry (a feature app's model,
registered in ``unumn/kinds.py``) extends it by multi-table inheritance, as
Wagtail's ``Page`` is extended. The catalogue, its facet
counts and its search index are therefore single queries over one table;
``Entry.specific`` reaches the subclass when a page needs its own fields.
"""

import datetime

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from unumn import files, kinds
from unumn.dates import format_date_range, format_partial_date
from unumn.identifiers import ORCID_URL, ROR_URL, OrcidField, RorField
from unumn.reversing import reverse
from unumn.text import CleanTextMixin, same_folded

MIN_YEAR = 1900
MAX_YEAR = 2100


def choices_constraint(field, choices, *, name, allow_blank=False):
    """A check constraint that keeps ``field`` inside ``choices`` in the database."""
    values = list(choices.values)
    if allow_blank:
        values.append("")
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


class Region(models.TextChoices):
    """UN M49 regions."""

    AFRICA = "Africa", "Africa"
    AMERICAS = "Americas", "Americas"
    ASIA = "Asia", "Asia"
    EUROPE = "Europe", "Europe"
    OCEANIA = "Oceania", "Oceania"


@reversion.register()
class Country(CleanTextMixin, models.Model):
    """A country or area of ISO 3166-1, placed in its UN M49 region.

    The alpha-2 code is the primary key, so filtering entries by country
    needs no join to this table. Kosovo carries the user-assigned code XK.
    """

    code = models.CharField(
        "ISO code",
        max_length=2,
        primary_key=True,
        help_text="ISO 3166-1 alpha-2 code in capitals, e.g. GH for Ghana.",
    )
    name = models.CharField(max_length=100, unique=True)
    m49 = models.CharField("UN M49 code", max_length=3, blank=True)
    region = models.CharField(max_length=10, choices=Region.choices, blank=True)
    subregion = models.CharField("sub-region", max_length=60, blank=True)

    class Meta:
        verbose_name_plural = "countries"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_alpha2"
            ),
            choices_constraint("region", Region, name="country_region_valid", allow_blank=True),
        ]

    def __str__(self):
        return self.name


class InstituteKind(models.TextChoices):
    NETWORK = "network", "Network"
    INSTITUTE = "institute", "Institute"
    OFFICE = "office", "Office"


@reversion.register(exclude=("editors", "reviewers"))  # who edits is not content history
class Institute(CleanTextMixin, models.Model):
    """A member of the network: the network itself, a UNU institute, or a UNU office."""

    Kind = InstituteKind

    slug = models.SlugField(
        unique=True,
        max_length=60,
        help_text="Web address of the institute page, e.g. unu-wider.",
    )
    acronym = models.CharField(
        max_length=30, blank=True, help_text="Short name, e.g. UNU-WIDER. Leave empty if none."
    )
    name = models.CharField(max_length=200, help_text="Full official name.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INSTITUTE)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One plain sentence shown in lists."
    )
    description = models.TextField(
        blank=True, help_text="Shown on the institute page. Markdown: **bold**, [link](url), lists."
    )
    city = models.CharField(max_length=100, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="institutes"
    )
    website = models.URLField(blank=True)
    order = models.PositiveSmallIntegerField(
        default=100, help_text="Position in institute lists; lower comes first."
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_institutes",
        help_text="Staff who curate this institute's entries (its institute editors).",
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reviewed_institutes",
        help_text="Editors who may publish, schedule and feature this institute's entries.",
    )

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            choices_constraint("kind", InstituteKind, name="institute_kind_valid"),
            models.UniqueConstraint(
                fields=["acronym"], condition=~Q(acronym=""), name="institute_acronym_unique"
            ),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("institutes:detail", kwargs={"slug": self.slug})

    @property
    def short_name(self):
        return self.acronym or self.name


@reversion.register()
class Person(CleanTextMixin, models.Model):
    """A researcher, editor, author, organiser or speaker."""

    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(
        max_length=200, help_text="Name as it should be displayed, e.g. Rachel M. Gisselquist."
    )
    given_name = models.CharField(
        max_length=100, blank=True, help_text="Used in citations, e.g. Rachel M."
    )
    family_name = models.CharField(
        max_length=100, help_text="Used for sorting and in citations, e.g. Gisselquist."
    )
    institute = models.ForeignKey(
        Institute,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        help_text="The network institute this person works with, if any.",
    )
    bio = models.TextField(blank=True, help_text="Short biography. Markdown allowed.")
    orcid = OrcidField(
        "ORCID iD",
        max_length=19,
        blank=True,
        help_text="e.g. 0000-0002-1825-0097 or its https://orcid.org/ address; checked.",
    )

    class Meta:
        verbose_name_plural = "people"
        ordering = ["family_name", "given_name", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["orcid"], condition=~models.Q(orcid=""), name="person_orcid_unique"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("people:detail", kwargs={"slug": self.slug})

    @property
    def orcid_url(self):
        return f"{ORCID_URL}{self.orcid}" if self.orcid else ""


class OrganisationKind(models.TextChoices):
    UN_SYSTEM = "un_system", "UN system"
    INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental organisation"
    GOVERNMENT = "government", "Government"
    ACADEMIC = "academic", "Academic"
    CIVIL_SOCIETY = "civil_society", "Civil society"
    PUBLISHER = "publisher", "Publisher"


@reversion.register()
class Organisation(CleanTextMixin, models.Model):
    """A partner, funder, commissioner, publisher or organiser outside the network."""

    Kind = OrganisationKind

    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    ror = RorField(
        "ROR ID",
        max_length=9,
        blank=True,
        help_text="e.g. 03vek6s52 or its https://ror.org/ address (Research Organization "
        "Registry); checked.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_constraint("kind", OrganisationKind, name="organisation_kind_valid"),
            models.UniqueConstraint(
                fields=["ror"], condition=~models.Q(ror=""), name="organisation_ror_unique"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def ror_url(self):
        return f"{ROR_URL}{self.ror}" if self.ror else ""

    @property
    def short_name(self):
        return self.acronym or self.name


class ThemeKind(models.TextChoices):
    TOPIC = "topic", "Topic"
    FRAMEWORK = "framework", "Policy framework"


@reversion.register()
class Theme(CleanTextMixin, TagBase):
    """A curated theme: the one tagging vocabulary of projects, publications and events.

    A django-taggit tag (``TagBase``) with a description and a kind, so policy
    frameworks (SDG target 10.7, the Global Compact for Migration) can be told
    apart from research topics.
    """

    Kind = ThemeKind

    description = models.TextField(blank=True, help_text="Shown on the theme page.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TOPIC)

    class Meta:
        ordering = ["name"]
        constraints = [choices_constraint("kind", ThemeKind, name="theme_kind_valid")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("themes:detail", kwargs={"slug": self.slug})

    def clean(self):
        """No second theme that differs only by case, accents or spacing ("Integration",
        "intégration ")."""
        super().clean()
        same = Theme.named_like(self.name, exclude=self.pk)
        if same is not None:
            raise ValidationError({"name": f"There is already a theme “{same}”: use it."})

    @classmethod
    def named_like(cls, name, *, exclude=None):
        """The theme whose name is ``name`` but for case, accents or spacing, if any."""
        return same_folded(name, cls.objects.exclude(pk=exclude).only("pk", "name", "slug"))


class ThemeRedirect(models.Model):
    """The address of a theme merged into another: ``/themes/<old_slug>/`` answers 301
    to the theme it went into."""

    old_slug = models.SlugField(unique=True, max_length=100)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.theme.slug}"


class ThemeProposalStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ThemeProposal(CleanTextMixin, models.Model):
    """A theme an editor asked for from an entry's form. A network editor approves it
    (as a new theme, or as an existing one), and the entries it was proposed for get
    the theme; or rejects it, saying why. The proposer sees the decision."""

    Status = ThemeProposalStatus

    name = models.CharField(max_length=100)
    description = models.TextField(help_text="What the theme covers: shown on its page.")
    entries = models.ManyToManyField(
        "Entry", blank=True, related_name="theme_proposals", help_text="Proposed for these."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="theme_proposals",
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        help_text="The theme it became, or was approved as.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="The decision's reason, shown to the proposer.")

    class Meta:
        ordering = ["-proposed_at", "pk"]
        constraints = [
            choices_constraint("status", ThemeProposalStatus, name="themeproposal_status_valid"),
            # One pending proposal per name: two editors proposing it at once join one.
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(status=ThemeProposalStatus.PENDING),
                name="themeproposal_one_pending_per_name",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.name = " ".join(self.name.split())  # one line
        if self.name and not slugify(self.name, allow_unicode=True):
            raise ValidationError({"name": "A theme's name needs letters or digits."})

    @property
    def decision(self):
        """The decision in words, for the proposer ("Approved as “Labour migration”")."""
        if self.status == self.Status.APPROVED and self.theme is not None:
            label = f"Approved as “{self.theme.name}”"
        else:
            label = self.get_status_display()
        return f"{label}: {self.note}" if self.note else label


@reversion.register()
class ThemedEntry(ItemBase):
    """Links an entry to a theme with real foreign keys (taggit's custom-through
    pattern), so filtering by theme joins on integers, not a generic relation."""

    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="themed_entries")
    content_object = models.ForeignKey(
        "Entry", on_delete=models.CASCADE, related_name="themed_links"
    )

    class Meta:
        verbose_name = "theme of entry"
        verbose_name_plural = "themes of entries"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="themed_entry_unique")
        ]


NEWEST_FIRST = (models.F("date").desc(nulls_last=True), models.F("pk").desc())


def published_q(prefix="", now=None):
    """The one rule of public visibility, as a ``Q`` usable across relations:
    ``published_q("entries__")`` counts only an institute's public entries."""
    return Q(
        **{
            f"{prefix}status": EntryStatus.PUBLISHED,
            f"{prefix}publish_at__lte": now or timezone.now(),
        }
    )


class EntryQuerySet(models.QuerySet):
    """The read vocabulary every public view composes."""

    def published(self, now=None):
        """Entries the public may see: published, with their publish time passed."""
        return self.filter(published_q(now=now))

    def without_search_index(self):
        """Leave the search keywords in the database."""
        return self.defer("search_keywords")

    def with_specific(self):
        """Each entry's own kind's row read with it (and the kind's own vocabulary it
        names: a publication's series), so ``entry.specific`` costs no query."""
        return self.select_related(
            *(
                path
                for kind in kinds.all()
                for path in (
                    kind.model._meta.model_name,
                    *(f"{kind.model._meta.model_name}__{name}" for name in kind.vocabulary_fields),
                )
            )
        )

    def for_cards(self, *, with_body=False):
        """The rows of a list of cards, without the columns a card does not show (the
        cards themselves come from ``unumn/cards.py``: ``as_cards()``)."""
        qs = self.without_search_index()
        return qs if with_body else qs.defer("body")

    def as_cards(self):
        """The entries, each with its card (``entry.card``): a list, in this order."""
        from unumn import cards

        return cards.attach(self.for_cards())

    def search(self, text):
        """Entries matching a visitor's query (``unumn/search/``: every clause must match)."""
        from unumn import search

        return search.backend().filter(self, search.parse(text))

    def by_relevance(self, text):
        """Best matches first (the title, then the names, then anywhere), then the newest."""
        from unumn import search

        tier = search.backend().relevance(search.parse(text))
        return self.annotate(tier=tier).order_by("tier", *NEWEST_FIRST)

    def newest_first(self):
        """Newest first: by date (undated last), then the latest added. PostgreSQL has an
        index in this very order (migration 0005)."""
        return self.order_by(*NEWEST_FIRST)


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class EntryStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


@reversion.register(follow=("themed_links", "contributions", "involvements", "files"))
class Entry(CleanTextMixin, models.Model):
    """What the network publishes: the concrete base of every kind of entry.

    ``kind`` is denormalised from the subclass so lists and facets filter
    without joining the subclass tables. ``date`` is the date that sorts the
    entry (a project's start, a publication's date, an event's first day);
    ``date_precision`` records how much of it is known, so "April 2017" is
    never shown as "1 April 2017".
    """

    Status = EntryStatus

    title = models.CharField(max_length=255)
    slug = models.SlugField(
        unique=True,
        max_length=120,
        help_text="The last part of the page address. Letters, numbers and hyphens; unique.",
    )
    # The registered kinds (unumn/kinds.py); a callable, so adding a kind needs no migration.
    kind = models.CharField(max_length=30, choices=kinds.choices, editable=False)
    summary = models.CharField(
        max_length=400,
        blank=True,
        help_text="One or two plain sentences shown in lists, search results and link previews.",
    )
    body = models.TextField(
        blank=True,
        help_text="The full text. Markdown: **bold**, *italic*, [link](https://…), - lists.",
    )
    status = models.CharField(
        "web status",
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Whether this page is on the public site: only published entries are.",
    )
    publish_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        help_text=(
            "When a published entry goes public. Leave empty to publish at once when the status "
            "is set to published; a future time keeps it off the site until then."
        ),
    )
    featured = models.BooleanField(default=False, help_text="Highlight on the home page.")
    date = models.DateField(
        null=True,
        blank=True,
        help_text="The date that sorts this entry. Leave empty if unknown.",
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the date is known: a month shows as 'April 2017', a year as '2017'.",
    )
    institutes = models.ManyToManyField(
        Institute, related_name="entries", help_text="The network institutes responsible."
    )
    themes = TaggableManager(
        "themes",
        through=ThemedEntry,
        blank=True,
        related_name="entries",
        help_text="Themes of this entry.",
    )
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="entries",
        help_text="Countries the work is about or takes place in.",
    )
    contributors = models.ManyToManyField(
        Person, through="Contribution", blank=True, related_name="entries"
    )
    organisations = models.ManyToManyField(
        Organisation, through="Involvement", blank=True, related_name="entries"
    )
    related = models.ManyToManyField(
        "self",
        blank=True,
        help_text="Other entries a reader should see; the link shows on both pages.",
    )
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="parts",
        help_text="The programme, collection or series this entry belongs to.",
    )
    reported_on = models.DateField(
        "state reported on",
        null=True,
        blank=True,
        help_text="When its state or stage (“ongoing”, “under review”) was reported, if it was "
        "reported rather than known: the page says “as reported in February 2018”.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The names the entry is found by (its themes, people, institutes, organisations
    # and countries), kept current on every change (unumn/search/): the SQLite
    # full-text table reads it with the entry's own text; PostgreSQL's vectors are
    # built from it (EntrySearch).
    search_keywords = models.TextField(blank=True, editable=False)

    objects = EntryQuerySet.as_manager()

    # Set by each subclass; stored in ``kind``.
    KIND = None

    class Meta:
        verbose_name_plural = "entries"
        ordering = [models.F("date").desc(nulls_last=True), "title"]
        constraints = [
            # Which kinds exist is the registry's business (manage.py check verifies
            # every subclass is registered); the database keeps the value well-formed.
            models.CheckConstraint(
                condition=Q(kind__regex=r"^[a-z][a-z_]*$"), name="entry_kind_format"
            ),
            choices_constraint("status", EntryStatus, name="entry_status_valid"),
            choices_constraint("date_precision", DatePrecision, name="entry_date_precision_valid"),
            models.CheckConstraint(
                condition=Q(date__isnull=True)
                | Q(
                    date__gte=datetime.date(MIN_YEAR, 1, 1),
                    date__lte=datetime.date(MAX_YEAR, 12, 31),
                ),
                name="entry_date_year_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="entry_published_has_publish_at",
            ),
        ]
        indexes = [
            # Covers the visibility filter and the columns lists and facets read
            # (kind, date), so counting never reads the wide rows.
            models.Index(
                fields=["status", "publish_at", "date", "kind", "id"], name="entry_visible_idx"
            ),
            models.Index(fields=["date"], name="entry_date_idx"),
            models.Index(fields=["title"], name="entry_title_idx"),
            # The home page's few featured entries, found without reading the others.
            models.Index(fields=["-date"], condition=Q(featured=True), name="entry_featured_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(kinds.get(self.kind).detail_url_name, kwargs={"slug": self.slug})

    def clean(self):
        # Derived before constraints are validated, so full_clean() sees the saved values.
        self.derive_fields()
        if kinds.find(self.kind) is None:  # not editable, so Django does not check it
            raise ValidationError({"kind": f"“{self.kind}” is not a registered kind of entry."})

    def derive_fields(self):
        """Fill the fields that follow from others: the kind, and the publish time of
        an entry published without one. Subclasses derive their sort ``date``."""
        if self.KIND:
            self.kind = self.KIND
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()

    @cached_property
    def specific(self):
        """This entry as its own kind (a Project, a Publication…): the subclass row,
        reached through Django's parent-to-child accessor, named after the model."""
        if type(self) is not Entry:
            return self
        return getattr(self, kinds.get(self.kind).model._meta.model_name)

    @property
    def kind_info(self):
        """This entry's ``Kind`` in the registry (labels, URL names, colour)."""
        return kinds.get(self.kind)

    def card_people(self):
        """Its authors, else its editors, as a card names them: the first three, then
        "et al." ("Rachel M. Gisselquist and Finn Tarp (eds.)"). Reads the prefetched
        contributions."""
        contributions = list(self.contributions.all())
        for role, one, several in (("author", "", ""), ("editor", " (ed.)", " (eds.)")):
            names = [c.person.name for c in contributions if c.role == role]
            if names:
                suffix = one if len(names) == 1 else several
                if len(names) > 3:
                    return f"{', '.join(names[:3])} et al.{suffix}"
                listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
                return listed + suffix
        return ""

    def card_details(self):
        """What a card says of this entry besides its date (each kind adds its own:
        a publication's stage and journal, a project's period and state)."""
        return []

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def date_label(self):
        return format_partial_date(self.date, self.date_precision)

    @property
    def reported_label(self):
        """ "as reported in February 2018" ('' when the state was not reported)."""
        if not self.reported_on:
            return ""
        return f"as reported in {format_partial_date(self.reported_on, DatePrecision.MONTH)}"

    @property
    def date_iso(self):
        """The date as precisely as it is known, for ``<time datetime>``: 2017, 2017-04…"""
        if self.date is None:
            return ""
        return self.date.isoformat()[: {"year": 4, "month": 7}.get(self.date_precision, 10)]


class ContributionRole(models.TextChoices):
    AUTHOR = "author", "Author"
    EDITOR = "editor", "Editor"
    ORGANISER = "organiser", "Organiser"
    RESEARCHER = "researcher", "Researcher"
    SPEAKER = "speaker", "Speaker"


@reversion.register()
class Contribution(models.Model):
    """A person's part in an entry, in the order the entry lists its people."""

    Role = ContributionRole

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="contributions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.AUTHOR)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the list of names.")

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "person", "role"], name="contribution_unique_role"
            ),
            choices_constraint("role", ContributionRole, name="contribution_role_valid"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display().lower()})"


class InvolvementRole(models.TextChoices):
    """What an organisation was to one entry. Say only what the source says: a body the
    network chaired, or someone its work supported, is not a partner."""

    COMMISSIONED_BY = "commissioned_by", "Commissioned by"
    FUNDED_BY = "funded_by", "Funded by"
    PARTNER = "partner", "Partner"
    CO_ORGANISER = "co_organiser", "Co-organiser"
    ORGANISER = "organiser", "Organiser"
    # An institutional author ("United Nations University"): cited as the work's author.
    AUTHOR = "author", "Author"
    PUBLISHER = "publisher", "Publisher"
    CHAIRED = "chaired", "Group chaired"
    IN_SUPPORT_OF = "in_support_of", "In support of"


@reversion.register()
class Involvement(models.Model):
    """An organisation's part in an entry: commissioner, funder, partner, publisher…"""

    Role = InvolvementRole

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="involvements"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "organisation", "role"], name="involvement_unique_role"
            ),
            choices_constraint("role", InvolvementRole, name="involvement_role_valid"),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.organisation}"


@reversion.register()
class EntryFile(models.Model):
    """A file an entry carries: a publication's full text, slides, data, a summary.

    Checked by content when uploaded (``unumn/files.py``), stored under a random name,
    downloaded from ``/files/<id>/<name>.<ext>`` as long as the entry is public (its
    editors also while it is a draft). Part of the entry's history: what is stored is
    never deleted with the row (removed, replaced, or with its entry), so reverting or
    recovering the entry brings its files back."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=files.stored_name, max_length=200)
    label = models.CharField(
        max_length=120,
        help_text="What the file is, as readers see it: “Full text”, “Slides”, “Data”.",
    )
    language = models.CharField(
        max_length=2, choices=files.languages, default="en", help_text="The file's language."
    )
    full_text = models.BooleanField(
        "main full text",
        default=False,
        help_text="The entry's own text (Google Scholar and feeds point to it). One per entry.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the list of files.")
    # What the upload was found to be (unumn/files.py), set when it is saved.
    name = models.CharField(max_length=80, editable=False)
    file_type = models.CharField(max_length=10, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True, editable=False)
    downloads = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(full_text=True),
                name="entryfile_one_full_text",
                violation_error_message="An entry has one main full text.",
            ),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        upload = self.file
        if upload and not upload._committed and not getattr(upload, "checked", False):
            self.clean()  # saved without a form: checked all the same
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("file", args=[self.pk, self.download_name])

    def clean(self):
        upload = self.file
        if upload and not upload._committed:  # a new upload: check what it holds
            try:
                checked = files.check(upload)
            except ValidationError as error:
                raise ValidationError({"file": error}) from None
            self.name = files.safe_name(upload.name)
            self.file_type = checked.type.extension
            self.size, self.sha256, self.pages = checked.size, checked.sha256, checked.pages
            upload.checked = True

    @property
    def type(self):
        return files.file_type(self.file_type)

    @property
    def shown_inline(self):
        return self.file_type in files.SHOWN_INLINE

    @property
    def download_name(self):
        return f"{self.name}.{self.file_type}"


class EntrySearch(models.Model):
    """PostgreSQL's full-text index of an entry, in a narrow table of its own.

    ``vector`` holds everything searchable (title, names, summary, body) and
    ``names_vector`` the title and the names (themes, people, institutes,
    organisations, countries), ``title_vector`` the title alone: each has a GIN
    index, and which of them a query matches is the entry's relevance tier. The
    vectors are stored out of line (``toast_tuple_target``, migration 0010), so
    the table's rows are a few dozen bytes: listing the ids of every match reads
    little more than the index. SQLite searches its FTS5 table instead.
    """

    entry = models.OneToOneField(
        Entry, primary_key=True, on_delete=models.CASCADE, related_name="search_index"
    )
    vector = SearchVectorField(null=True)
    names_vector = SearchVectorField(null=True)
    title_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name_plural = "entry search index"
        ordering = ["entry"]

    def __str__(self):
        return f"Search index of entry {self.entry_id}"


class SearchWord(models.Model):
    """A word of the public entries' titles and of the names they are found by: the
    words "Did you mean …?" suggests (``unumn/search/suggestions.py``). Kept by the
    search index; on PostgreSQL with a trigram index."""

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word


@reversion.register()
class SynonymGroup(CleanTextMixin, models.Model):
    """Words and phrases a visitor may type for one another: an acronym and its long
    form ("JEMS", "Journal of Ethnic and Migration Studies"), "16th" and "Sixteenth".
    A search for any of them finds entries with any of them, on both databases."""

    terms = models.TextField(
        help_text="One word or phrase per line, e.g. “GCM” and “Global Compact for Migration”. "
        "A search for one of them also finds the others."
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why they belong together.")

    class Meta:
        verbose_name = "synonyms"
        verbose_name_plural = "synonyms"
        ordering = ["terms"]

    def __str__(self):
        return " = ".join(self.term_list)

    @property
    def term_list(self):
        return [line.strip() for line in self.terms.splitlines() if line.strip()]


class ContentVersion(models.Model):
    """One row: a number that every change of the public content bumps.

    Whatever is derived from the content and kept between requests (facet
    indexes, vocabulary counts, rendered cards, cached pages) is keyed by this
    number and by the time the latest public entry went public
    (``unumn/versions.py``), so one write, or a scheduled entry's time coming,
    invalidates it everywhere, in every process and on every app host.
    """

    number = models.PositiveBigIntegerField(default=1)
    # When it last changed: for that long after a change, public reads go to the primary
    # database, not to a replica that may not have it yet (unumn/db.py).
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="content_version_one_row")]

    def __str__(self):
        return f"Content version {self.number}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class Report(CleanTextMixin, models.Model):
    """A contribution to a UN meeting (or any audience), generated from the catalogue: the
    entries of one catalogue selection in a period, institute by institute, with a table
    of counts and a bibliography (``unumn/reports.py``). Finalised, its text is frozen
    and published at ``/reports/<slug>/``; the next one starts as a copy of it."""

    Status = ReportStatus

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True, help_text="Its address: /reports/<slug>/.")
    audience = models.CharField(
        max_length=300,
        blank=True,
        help_text="The meeting or readers it is for, e.g. “Sixteenth Coordination Meeting on "
        "International Migration, UN DESA, New York, 15–16 February 2018”.",
    )
    introduction = models.TextField(
        blank=True, help_text="Opens the report. Markdown: **bold**, [link](url), lists."
    )
    selection = models.CharField(
        max_length=2000,
        blank=True,
        help_text="Which entries: the catalogue's own parameters, as in its address after "
        "the “?” (e.g. theme=diaspora&kind=project); empty for every entry.",
    )
    institutes = models.ManyToManyField(
        Institute,
        blank=True,
        related_name="reports",
        help_text="Only the work of these institutes (empty: every institute).",
    )
    period_start = models.DateField("from", null=True, blank=True)
    period_end = models.DateField("until", null=True, blank=True)
    include_undated = models.BooleanField(
        "include undated entries",
        default=True,
        help_text="Entries without a date (an ongoing project reported without dates, a "
        "series) cannot be placed in the period: list them too?",
    )
    include_unfinished = models.BooleanField(
        "include work in preparation or under review",
        default=False,
        help_text="Publications still in preparation or under review; the report says so.",
    )
    citation_style = models.CharField(
        max_length=20,
        default="apa",
        help_text="The style of its bibliography.",
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT, editable=False
    )
    finalised_at = models.DateTimeField(null=True, blank=True, editable=False)
    final_html = models.TextField(blank=True, editable=False)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_reports",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-finalised_at", "-updated_at"]
        constraints = [
            choices_constraint("status", ReportStatus, name="report_status_valid"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="report_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="final") | Q(finalised_at__isnull=False),
                name="report_final_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("report", args=[self.slug])

    @property
    def is_final(self):
        return self.status == ReportStatus.FINAL

    @property
    def period_label(self):
        """'1 January 2017 – 15 February 2018', 'from …', 'until …', or ''."""
        if self.period_start and self.period_end:
            return format_date_range(self.period_start, self.period_end)
        if self.period_start:
            return f"from {format_partial_date(self.period_start, 'day')}"
        if self.period_end:
            return f"until {format_partial_date(self.period_end, 'day')}"
        return ""

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period ends before it starts."})
        from unumn.reports import selection_errors

        if self.citation_style not in kinds.citation_styles():
            raise ValidationError({"citation_style": "Choose one of the styles offered."})
        errors = selection_errors(self.selection)
        if errors:
            raise ValidationError({"selection": errors})
