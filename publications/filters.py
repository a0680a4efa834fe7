from publications.models import PublicationStatus, PublicationType
from unumn.filters import ChoiceFacetFilter, EntryFilterSet


class PublicationFilterSet(EntryFilterSet):
    """The shared entry filters, plus publication type and status."""

    publication_type = ChoiceFacetFilter(
        field_name="publication__publication_type",
        choices=PublicationType.choices,
        label="Publication type",
        label_plural="Publication types",
    )
    publication_status = ChoiceFacetFilter(
        field_name="publication__publication_status",
        choices=PublicationStatus.choices,
        label="Publication stage",
        label_plural="Publication stage",
    )

    facet_names = ["publication_type", "publication_status", *EntryFilterSet.SHARED_FACETS]
