from django.apps import AppConfig


class UnumnConfig(AppConfig):
    """The network core: vocabulary (institutes, people, organisations, themes,
        countries), the shared ``Entry`` base, the registry of kinds (``unumn/kinds.py``)
    and the cross-kind public pages."""

    name = "unumn"
    verbose_name = "Network"

    def ready(self):
        from unumn import checks, signals  # noqa: F401 - registers checks, connects handlers
