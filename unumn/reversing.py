"""``reverse()``, remembered: a page links to dozens of themes, institutes and entries,
and Django's ``reverse()`` spends tens of microseconds finding each address again.

The address of a name and arguments depends only on the URL configuration, the
script prefix and the language, which are part of the key; arguments that cannot be
a key, or any other option, go to Django's ``reverse()`` as they are.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

REMEMBERED = 20_000  # addresses: every vocabulary item's, and the most visited entries'


def reverse(viewname, args=None, kwargs=None, **options):
    if options:
        return django_reverse(viewname, args=args, kwargs=kwargs, **options)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    try:
        return _remembered(
            viewname,
            tuple(args or ()),
            tuple(sorted((kwargs or {}).items())),
            urlconf,
            get_script_prefix(),
            get_language(),
        )
    except TypeError:  # an argument that cannot be a key
        return django_reverse(viewname, args=args, kwargs=kwargs)


@lru_cache(maxsize=REMEMBERED)
def _remembered(viewname, args, kwargs, urlconf, prefix, language):
    return django_reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs))
