"""Publications: books, articles, special issues, collections, papers and reports."""

import reversion
from django.db import models
from django.db.models import Q

from unumn.models import Entry, EntryQuerySet, choices_constraint


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
    container_title = models.CharField(
        "journal or series",
        max_length=255,
        blank=True,
        help_text="The journal or series it appears in, e.g. International Migration.",
    )
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True, help_text="e.g. 12–34")
    place = models.CharField(
        "place of publication", max_length=100, blank=True, help_text="e.g. London"
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        help_text="Without https://doi.org/, e.g. 10.1111/imig.12345",
    )
    isbn = models.CharField("ISBN", max_length=20, blank=True)
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
                fields=["doi"], condition=~Q(doi=""), name="publication_doi_unique"
            ),
        ]

    def card_details(self):
        """Its stage unless published ("Under review"), and where it appears
        ("International Migration 55(2)")."""
        details = []
        if self.publication_status != PublicationStatus.PUBLISHED:
            details.append(self.get_publication_status_display())
        if self.container_title:
            source = self.container_title + (f" {self.volume}" if self.volume else "")
            if self.issue:
                source += f"({self.issue})" if self.volume else f", issue {self.issue}"
            details.append(source)
        return details
