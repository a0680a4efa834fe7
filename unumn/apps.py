from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class UnumnConfig(AppConfig):
    """The network core: vocabulary (institutes, people, organisations, themes,
        countries), the shared ``Entry`` base, the registry of kinds (``unumn/kinds.py``)
    and the cross-kind public pages."""

    name = "unumn"
    verbose_name = "Network"

    def ready(self):
        from unumn import checks, db, signals  # noqa: F401 - registers checks, connects handlers

        pre_migrate.connect(db.lift_statement_timeout_for_migrate, sender=self)
        post_migrate.connect(db.restore_statement_timeout_after_migrate, sender=self)
