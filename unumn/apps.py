from django.apps import AppConfig


class UnumnConfig(AppConfig):
    """The network core: vocabulary (institutes, people, organisations, themes,
    countries), the shared ``Entry`` base and the cross-kind public pages."""

    name = "unumn"
    verbose_name = "Network"

    def ready(self):
        from unumn import signals  # noqa: F401 - connects the search-index handlers
