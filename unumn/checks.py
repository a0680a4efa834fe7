"""System checks (``manage.py check``, run by CI and before every deploy): every kind
of entry is registered, and every registered kind has every piece the site needs.

A forgotten piece is an error here, never a visitor's 500.
"""

import re

from django.apps import apps
from django.contrib import admin
from django.core import checks
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, resolve, reverse

from unumn import kinds

KIND_NAME = re.compile(r"^[a-z][a-z_]*$")


def _error(message, obj, number, hint=None):
    return checks.Error(message, hint=hint, obj=obj, id=f"unumn.E{number:03d}")


@checks.register()
def check_kinds(app_configs=None, **kwargs):
    from unumn.filters import EntryFilterSet
    from unumn.models import Entry

    errors = []
    for model in apps.get_models():
        if issubclass(model, Entry) and model is not Entry and kinds.for_model(model) is None:
            errors.append(
                _error(
                    f"{model._meta.label} extends Entry but is not a registered kind.",
                    model,
                    1,
                    hint="Register it with unumn.kinds.register(Kind(...)) in its app's "
                    "AppConfig.ready().",
                )
            )
    max_length = Entry._meta.get_field("kind").max_length
    for kind in kinds.all():
        errors += _check_kind(kind, EntryFilterSet, max_length)
    return errors


def _check_kind(kind, base_filterset, max_length):
    errors = []
    model = kind.model
    if not isinstance(kind.name, str) or not KIND_NAME.match(kind.name):
        errors.append(_error(f"{model._meta.label}.KIND must be a lower-case name.", model, 2))
    elif len(kind.name) > max_length:
        errors.append(_error(f"Kind {kind.name!r} is longer than {max_length}.", model, 2))
    if not (isinstance(kind.filterset, type) and issubclass(kind.filterset, base_filterset)):
        errors.append(
            _error(f"Kind {kind.name!r}: its filterset is not an EntryFilterSet.", model, 3)
        )
    for callback in ("json_ld", "benchmark"):
        if not callable(getattr(kind, callback)):
            errors.append(_error(f"Kind {kind.name!r}: {callback} is not callable.", model, 4))
    if not isinstance(kind.content, kinds.ContentTable) or not kind.content.table:
        errors.append(_error(f"Kind {kind.name!r} names no content table.", model, 5))
    if not admin.site.is_registered(model):
        errors.append(
            _error(
                f"Kind {kind.name!r}: {model._meta.label} has no admin.",
                model,
                6,
                hint="Register a subclass of unumn.admin.BaseEntryAdmin for it.",
            )
        )
    errors += _check_pages(kind)
    errors += _check_exports(kind)
    return errors


def _check_pages(kind):
    """Its list and detail pages resolve, and their templates exist."""
    errors = []
    for url_name, kwargs in ((kind.list_url_name, {}), (kind.detail_url_name, {"slug": "x"})):
        try:
            view = resolve(reverse(url_name, kwargs=kwargs)).func
        except NoReverseMatch:
            errors.append(
                _error(
                    f"Kind {kind.name!r}: no URL named {url_name!r}.",
                    kind.model,
                    7,
                    hint=f"Its URLconf {kind.urls!r} needs app_name = {kind.namespace!r} and "
                    "views named 'list' and 'detail'.",
                )
            )
            continue
        template_name = getattr(getattr(view, "view_class", None), "template_name", None)
        try:
            if template_name:
                get_template(template_name)
        except TemplateDoesNotExist:
            errors.append(
                _error(f"Kind {kind.name!r}: no template {template_name!r}.", kind.model, 8)
            )
    return errors


def _check_exports(kind):
    errors = []
    for export in kind.exports:
        for _text, url_name, args, *_query in export.formats:
            try:
                reverse(url_name, args=args)
            except NoReverseMatch:
                errors.append(
                    _error(
                        f"Kind {kind.name!r}: its export {export.label!r} names the URL "
                        f"{url_name!r}, which does not exist.",
                        kind.model,
                        9,
                    )
                )
    return errors


@checks.register()
def check_file_storage(app_configs=None, **kwargs):
    """Files in a bucket need boto3, which only the ``s3`` extra installs."""
    from django.conf import settings

    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.startswith("storages.backends.s3"):
        try:
            import boto3  # noqa: F401
        except ImportError:
            return [
                _error(
                    "AWS_STORAGE_BUCKET_NAME is set, but boto3 is not installed.",
                    None,
                    10,
                    hint="Install the project with its s3 extra: pip install '.[s3]'.",
                )
            ]
    return []
