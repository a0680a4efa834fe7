from tests.fourth_kind.models import Licence
from unumn.filters import ChoiceFacetFilter, EntryFilterSet


class DatasetFilterSet(EntryFilterSet):
    licence = ChoiceFacetFilter(
        field_name="dataset__licence",
        choices=Licence.choices,
        label="Licence",
        label_plural="Licences",
    )

    facet_names = ["licence", *EntryFilterSet.SHARED_FACETS]
