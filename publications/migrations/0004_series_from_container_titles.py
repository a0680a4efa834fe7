"""Each journal or series named in ``container_title`` becomes a ``Series`` the
publication belongs to; DOIs and ISBNs take their one form where they are valid (an
invalid one is left as it is, for an editor to correct: the form says why)."""

from django.core.exceptions import ValidationError
from django.db import migrations
from django.utils.text import slugify

WORKING_PAPER_TYPES = {"working_paper"}


def forwards(apps, schema_editor):
    from unumn.identifiers import normalise_doi, normalise_isbn

    Publication = apps.get_model("publications", "Publication")
    Series = apps.get_model("publications", "Series")
    for publication in Publication.objects.exclude(container_title="").order_by("pk"):
        name = publication.container_title.strip()
        series = Series.objects.filter(name__iexact=name).first()
        if series is None:
            kind = (
                "working_papers"
                if publication.publication_type in WORKING_PAPER_TYPES
                else "journal"
            )
            slug, n = slugify(name)[:110] or "series", 1
            while Series.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{slugify(name)[:100]}-{n}"
            series = Series.objects.create(name=name, slug=slug, kind=kind)
        Publication.objects.filter(pk=publication.pk).update(series=series)
    for publication in Publication.objects.exclude(doi="", isbn="").order_by("pk"):
        changes = {}
        for field, normalise in (("doi", normalise_doi), ("isbn", normalise_isbn)):
            try:
                changes[field] = normalise(getattr(publication, field))
            except ValidationError:
                continue
        Publication.objects.filter(pk=publication.pk).update(**changes)


def backwards(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    for publication in Publication.objects.exclude(series=None).select_related("series"):
        Publication.objects.filter(pk=publication.pk).update(
            container_title=publication.series.name
        )


class Migration(migrations.Migration):
    dependencies = [("publications", "0003_series")]

    operations = [migrations.RunPython(forwards, backwards)]
