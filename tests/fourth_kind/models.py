from django.db import models

from unumn.models import Entry, EntryQuerySet


class Licence(models.TextChoices):
    CC_BY = "cc-by", "CC BY 4.0"
    CC0 = "cc0", "CC0 1.0"


class Dataset(Entry):
    """Data a network institute releases."""

    licence = models.CharField(max_length=10, choices=Licence.choices, default=Licence.CC_BY)
    data_format = models.CharField("format", max_length=30, blank=True)

    objects = EntryQuerySet.as_manager()

    KIND = "dataset"

    class Meta:
        ordering = [models.F("date").desc(nulls_last=True), "title"]
