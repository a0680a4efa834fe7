"""The version of the public content: the key of everything derived from it.

``current()`` answers ``(number, latest)``: the number every write of content
changes (``bump()``, called by the signal handlers of ``unumn/signals.py``) and the
time the most recent public entry went public. The second part changes when a
scheduled entry's time comes, with no write at all. Anything derived from the
content and kept between requests (facet indexes, vocabulary counts, rendered
cards, cached pages) is keyed by it, so it is invalidated at once, in every
process and on every host. One small query per request (both parts come from a
one-row table and the end of an index), remembered until the next request.

The bump is an ``UPDATE`` inside the writer's transaction: other processes see
the new number exactly when they can see the change itself.
"""

import secrets
import threading
from collections import OrderedDict

from django.core.signals import request_finished, request_started
from django.db.models import Subquery
from django.dispatch import receiver
from django.utils import timezone

from unumn.models import ContentVersion, Entry

_memo = threading.local()


@receiver(request_started)
def _start(**kwargs):
    _memo.__dict__.clear()
    _memo.in_request = True


@receiver(request_finished)
def _finish(**kwargs):
    _memo.__dict__.clear()


def current():
    """``(number, latest publish time)`` of the public content, now (remembered until
    the end of the request; outside a request, read every time)."""
    key = getattr(_memo, "key", None)
    if key is None:
        public = Entry.objects.filter(status=Entry.Status.PUBLISHED, publish_at__lte=timezone.now())
        latest = public.order_by("-publish_at").values("publish_at")[:1]
        number, at = (
            ContentVersion.objects.filter(pk=1)
            .annotate(latest=Subquery(latest))
            .values_list("number", "latest")
            .first()
        ) or (0, None)
        key = (number, at.timestamp() if at else 0.0)
        if getattr(_memo, "in_request", False):
            _memo.key = key
    return key


def bump():
    """A change of content: a new version (visible when the transaction commits).

    The new number is random, not the next one: a transaction that is rolled back
    takes its number back with its change, and a counter would give the next change
    that same number again (every process would then take its cached data, derived
    from the rolled-back content, for current)."""
    number = secrets.randbits(62)
    if not ContentVersion.objects.filter(pk=1).update(number=number):
        ContentVersion.objects.update_or_create(pk=1, defaults={"number": number})
    _memo.__dict__.pop("key", None)


class VersionedCache:
    """Objects derived from the content, kept in this process until the content version
    changes (at most ``size`` of them, or of their ``weigh(value)``, the least recently
    used going first).

    For derived data that many requests read the same way (cards, an entry page's
    loaded entry, the lists of the home page); never for anything that depends on who
    asks (a preview, a draft).
    """

    def __init__(self, size, *, weigh=None):
        self.size, self.weigh = size, weigh or (lambda value: 1)
        self._lock = threading.Lock()
        self._version, self._items, self._weight = None, OrderedDict(), 0

    def _current(self):
        version = current()
        with self._lock:
            if self._version != version:
                self._version, self._items, self._weight = version, OrderedDict(), 0
            return self._items

    def clear(self):
        with self._lock:
            self._version, self._items, self._weight = None, OrderedDict(), 0

    def get_many(self, keys):
        """``{key: value}`` of the ``keys`` kept."""
        items = self._current()
        with self._lock:
            found = {key: items[key] for key in keys if key in items}
            for key in found:
                items.move_to_end(key)
        return found

    def set_many(self, values):
        items = self._current()
        with self._lock:
            for key, value in values.items():
                if key in items:
                    self._weight -= self.weigh(items.pop(key))
                items[key] = value
                self._weight += self.weigh(value)
            while self._weight > self.size and items:
                self._weight -= self.weigh(items.popitem(last=False)[1])

    def get(self, key, compute):
        """The value kept for ``key``, or ``compute()``'s, kept."""
        found = self.get_many([key])
        if key in found:
            return found[key]
        value = compute()
        self.set_many({key: value})
        return value
