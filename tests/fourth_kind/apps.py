"""A fourth kind of entry, in its own folder only: the proof that a kind needs no
change to the core. Installed by the test settings, never by the site's."""

from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "tests.fourth_kind"
    label = "datasets"
    verbose_name = "Datasets"

    def ready(self):
        from tests.fourth_kind.filters import DatasetFilterSet
        from tests.fourth_kind.models import Dataset, Licence
        from unumn import kinds
        from unumn.structured_data import common, compact

        def json_ld(entry, url, absolute):
            return compact(
                {
                    **common(entry, url, absolute),
                    "@type": "Dataset",
                    "license": entry.get_licence_display(),
                    "encodingFormat": entry.data_format,
                }
            )

        kinds.register(
            kinds.Kind(
                model=Dataset,
                filterset=DatasetFilterSet,
                urls="tests.fourth_kind.urls",
                namespace="datasets",
                json_ld=json_ld,
                colour="#5b2a86",
                content=kinds.ContentTable("datasets", fields=("licence", "data_format")),
                benchmark=lambda rng, entry: {
                    "licence": rng.choice(Licence.values),
                    "data_format": "CSV",
                },
            )
        )
