"""Publications: books, articles, special issues, collections, papers and reports."""

import reversion
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from unumn.identifiers import DOI_URL, DoiField, IsbnField, IssnField
from unumn.models import Entry, EntryQuerySet, Organisation, choices_constraint
from unumn.reversing import reverse
from unumn.text import CleanTextMixin


class PublicationType(models.TextChoices):
    BOOK = "book", "Book"
    JOURNAL_ARTICLE = "journal_article", "Journal article"
    SPECIAL_ISSUE = "special_issue", "Special issue"
    SPECIAL_SECTION = "special_section", "Special section"
    EDITED_COLLECTION = "edited_collection", "Edited collection"
    WORKING_PAPER = "working_paper", "Working paper"
    REPORT = "report", "Report"
    SUMMARY_REPORT = "summary_report", "Summary report"


class PublicationStatus(models.TextChoices):
    IN_PREPARATION = "in_preparation", "In preparation"
    UNDER_REVIEW = "under_review", "Under review"
    ACCEPTED = "accepted", "Accepted"
    FORTHCOMING = "forthcoming", "Forthcoming"
    PUBLISHED = "published", "Published"


class SeriesKind(models.TextChoices):
    JOURNAL = "journal", "Journal"
    WORKING_PAPERS = "working_papers", "Working paper series"
    BOOKS = "books", "Book series"
    REPORTS = "reports", "Report series"


@reversion.register()
class Series(CleanTextMixin, models.Model):
    """A journal or a numbered series that publications appear in ("WIDER Working
    Paper", "International Migration"), with its publisher and ISSN; its page lists
    its numbers, newest first, with a feed."""

    Kind = SeriesKind

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=15, choices=SeriesKind.choices, default=SeriesKind.JOURNAL)
    publisher = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="series",
        help_text="Who publishes it, if known.",
    )
    issn = IssnField(
        "ISSN", max_length=9, blank=True, help_text="e.g. 0020-7985; its check digit is verified."
    )
    url = models.URLField("its website", blank=True)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "series"
        ordering = ["name"]
        constraints = [
            choices_constraint("kind", SeriesKind, name="series_kind_valid"),
            models.UniqueConstraint(
                fields=["issn"],
                condition=~Q(issn=""),
                name="series_issn_unique",
                violation_error_message="Another series has this ISSN.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("series:detail", args=[self.slug])


# History follows the parent row (and through it themes, people, organisations).
@reversion.register(follow=("entry_ptr",))
class Publication(Entry):
    """A published or forthcoming piece of research.

    A special issue, special section or edited collection is a publication that
    its papers are ``part_of``; ``item_count`` records how many studies it
    holds even before each has its own entry.
    """

    PublicationType = PublicationType

    PublicationStatus = PublicationStatus

    publication_type = models.CharField(
        "type", max_length=20, choices=PublicationType.choices, default=PublicationType.REPORT
    )
    publication_status = models.CharField(
        "publication stage",
        max_length=15,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
        help_text="Where the publication stands as research (in preparation, under review, "
        "forthcoming, published): not whether this page is public (its web status).",
    )
    series = models.ForeignKey(
        Series,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name="journal or series",
        help_text="The journal or series it appears in, e.g. International Migration.",
    )
    number = models.CharField(
        max_length=30, blank=True, help_text="Its number in the series, e.g. 2017/190."
    )
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True, help_text="e.g. 12–34")
    place = models.CharField(
        "place of publication", max_length=100, blank=True, help_text="e.g. London"
    )
    doi = DoiField(
        "DOI",
        max_length=200,
        blank=True,
        help_text="e.g. 10.1111/imig.12345 (or its address, https://doi.org/…).",
    )
    isbn = IsbnField(
        "ISBN", max_length=17, blank=True, help_text="Its check digit is verified; kept as ISBN-13."
    )
    url = models.URLField("link to the full text", blank=True)
    item_count = models.PositiveSmallIntegerField(
        "number of studies",
        null=True,
        blank=True,
        help_text="For collections: how many papers or studies it holds.",
    )

    objects = EntryQuerySet.as_manager()

    KIND = "publication"

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]
        constraints = [
            choices_constraint("publication_type", PublicationType, name="publication_type_valid"),
            choices_constraint(
                "publication_status", PublicationStatus, name="publication_status_valid"
            ),
            models.UniqueConstraint(
                Lower("doi"),
                condition=~Q(doi=""),
                name="publication_doi_unique",
                violation_error_message="Another publication has this DOI.",
            ),
            models.UniqueConstraint(
                fields=["isbn"],
                condition=~Q(isbn=""),
                name="publication_isbn_unique",
                violation_error_message="Another publication has this ISBN.",
            ),
        ]

    @property
    def container_title(self):
        """The name of its journal or series (citations, cards, Scholar)."""
        return self.series.name if self.series_id else ""

    @property
    def stage_label(self):
        """ "Under review"; a reported stage says when ("Under review, as reported in
        February 2018"): "published" is known, not reported."""
        label = self.get_publication_status_display()
        if self.publication_status != PublicationStatus.PUBLISHED and self.reported_on:
            return f"{label}, {self.reported_label}"
        return label

    @property
    def doi_url(self):
        return f"{DOI_URL}{self.doi}" if self.doi else ""

    def card_details(self):
        """Its stage unless published ("Under review"), and where it appears
        ("International Migration 55(2)")."""
        details = []
        if self.publication_status != PublicationStatus.PUBLISHED:
            details.append(self.stage_label)
        if self.container_title:
            source = self.container_title + (f" {self.volume}" if self.volume else "")
            if self.issue:
                source += f"({self.issue})" if self.volume else f", issue {self.issue}"
            if self.number:
                source += f" {self.number}"
            details.append(source)
        return details
