from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    """Publications: books, articles, special issues, collections, papers, reports,
    and the citations of any selection of them."""

    name = "publications"

    def ready(self):
        from publications.csl import STYLES
        from publications.filters import PublicationFilterSet
        from publications.models import Publication, PublicationStatus, PublicationType, Series
        from publications.structured_data import publication
        from publications.views import cite, latest_publications
        from unumn import kinds
        from unumn.jinja2 import register_global

        def benchmark_row(rng, entry):
            return {
                "publication_type": rng.choice(PublicationType.values),
                "publication_status": rng.choice(PublicationStatus.values),
            }

        citations = tuple(
            (label, "citations:selection", (extension,))
            for label, extension in (("BibTeX", "bib"), ("RIS", "ris"), ("CSL-JSON", "json"))
        )
        references = tuple(
            (style.name, "citations:selection", ("html",), {"style": style.key})
            for style in STYLES.values()
        )
        kinds.register(
            kinds.Kind(
                model=Publication,
                filterset=PublicationFilterSet,
                urls="publications.urls",
                namespace="publications",
                json_ld=publication,
                colour="#00578a",
                content=kinds.ContentTable(
                    "publications",
                    fields=(
                        "publication_type",
                        "publication_status",
                        "number",
                        "volume",
                        "issue",
                        "pages",
                        "place",
                        "doi",
                        "isbn",
                        "url",
                        "item_count",
                    ),
                    references=(("series", "series"),),
                    vocabularies=(
                        kinds.VocabularyTable(
                            "series",
                            Series,
                            ("name", "kind", "issn", "url", "description"),
                            references=(("publisher", "organisations"),),
                        ),
                    ),
                ),
                benchmark=benchmark_row,
                benchmark_weight=6,
                exports=(
                    kinds.SelectionExport("Cite its publications:", citations),
                    kinds.SelectionExport("Reference list:", references),
                ),
                catalogue_facets=("publication_type", "publication_status"),
                export_urls="publications.export_urls",
                vocabulary=(Series,),
                root_urls="publications.series_urls",
                cite=cite,
                citation_styles=tuple((style.key, style.name) for style in STYLES.values()),
            )
        )
        register_global("latest_publications", latest_publications)
