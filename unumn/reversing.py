"""``reverse()``, remembered: a page links to dozens of themes, institutes and entries,
and Django's ``reverse()`` spends tens of microseconds finding each address again.

The address of a name and arguments depends only on the URL configuration, the
script prefix and the language, which are part of the key; arguments that cannot be
a key (anything but text and whole numbers), or any other option, go to Django's
``reverse()`` as they are. Kept addresses are forgotten when the URL settings change.
"""

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

REMEMBERED = 20_000  # addresses: every vocabulary item's, and the most visited entries'


def reverse(viewname, args=None, kwargs=None, **options):
    if options:
        return django_reverse(viewname, args=args, kwargs=kwargs, **options)
    args, kwargs = tuple(args or ()), tuple(sorted((kwargs or {}).items()))
    values = args + tuple(value for _, value in kwargs)
    if not all(type(value) in KEYS for value in values):
        return django_reverse(viewname, args=args or None, kwargs=dict(kwargs))
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _remembered(viewname, args, kwargs, urlconf, get_script_prefix(), get_language())


# What addresses are made of here, of exactly these types (True, equal to 1 as a key,
# is not an int here); anything else is not remembered.
KEYS = {str, int}


@lru_cache(maxsize=REMEMBERED)
def _remembered(viewname, args, kwargs, urlconf, prefix, language):
    return django_reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs))


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"} or setting.startswith("LANGUAGE"):
        _remembered.cache_clear()
