"""The version of the public content: the key of everything derived from it.

``current()`` answers ``(number, latest, day)``: the number every write of content
changes (``bump()``, called by the signal handlers of ``unumn/signals.py``), the
time the most recent public entry went public, and today. The second part changes
when a scheduled entry's time comes, the third at midnight, with no write at all.
Anything derived from the content and kept between requests (facet indexes,
vocabulary counts, rendered cards, cached pages) is keyed by it, so it is
invalidated at once, in every process and on every host. Read once per request, and
remembered until its end.

The bump is an ``UPDATE`` inside the writer's transaction: other processes see
the new number exactly when they can see the change itself. With a shared cache
(Redis, several hosts) the version is also kept there: the writer puts the new one
in when its transaction commits, so a request reads it with the page it may serve
(``unumn/pagecache.py``) in one round trip, and no database query. It is kept there
until the next scheduled entry's time (then read afresh) and at most
``VERSION_TTL`` seconds (a writer that could not reach the cache at its commit
leaves it stale no longer than that).
"""

import datetime
import os
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db import connections, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from unumn.models import ContentVersion, Entry

CACHE_KEY = "content-version"
VERSION_TTL = 30  # seconds

_memo = threading.local()


class Record(NamedTuple):
    """The content version as kept: ``key`` is what derived data is keyed by; ``next_at``
    (the next scheduled entry's time) bounds how long it holds; ``changed_at`` is
    the time of the last write."""

    number: int
    latest: float  # the latest public entry's publish time (a timestamp; 0 if none)
    next_at: float | None
    changed_at: float

    @property
    def key(self):
        # And the day: what depends on today (an event being upcoming, a project's state
        # from its dates, the home page's lists) is made anew each day.
        return (self.number, self.latest, timezone.localdate().toordinal())

    def holds(self, now):
        return self.next_at is None or now < self.next_at


@receiver(request_started)
def _start(**kwargs):
    _memo.__dict__.clear()
    _memo.in_request = True


@receiver(request_finished)
def _finish(**kwargs):
    _memo.__dict__.clear()


def shared_cache():
    """Is the cache shared by every process (Redis), not each process's own?"""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def read():
    """The version as the primary database has it now: one query, written out once (the
    ORM would spend a hundred times longer building it than the database answering it,
    and it runs on every request without a shared cache)."""
    connection = connections["default"]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    published = Entry.Status.PUBLISHED
    with connection.cursor() as cursor:
        cursor.execute(_read_sql(connection), [published, now, published, now])
        row = cursor.fetchone() or (0, None, None, None)
    number, latest_at, next_at, changed_at = row
    return Record(
        number,
        _timestamp(latest_at) or 0.0,
        _timestamp(next_at),
        _timestamp(changed_at) or 0.0,
    )


def _read_sql(connection):
    def quoted(model, name=None):
        meta = model._meta
        name = meta.db_table if name is None else meta.get_field(name).column
        return connection.ops.quote_name(name)

    status, publish_at = quoted(Entry, "status"), quoted(Entry, "publish_at")
    public = f"FROM {quoted(Entry)} WHERE {status} = %s AND {publish_at}"
    return (
        f"SELECT {quoted(ContentVersion, 'number')}, (SELECT MAX({publish_at}) {public} <= %s), "
        f"(SELECT MIN({publish_at}) {public} > %s), {quoted(ContentVersion, 'changed_at')} "
        f"FROM {quoted(ContentVersion)} WHERE {quoted(ContentVersion, 'id')} = 1"
    )


def _timestamp(value):
    """A time as the database returned it (SQLite: text in UTC) as a timestamp."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value.timestamp()


def record(kept=None):
    """The current ``Record`` (remembered until the end of the request; outside a
    request, read every time). ``kept``: the record a caller has just read from the
    shared cache itself (with a page, in the same round trip)."""
    found = getattr(_memo, "record", None)
    if found is not None:
        return found
    now = timezone.now().timestamp()
    use_cache = shared_cache() and not _writing()
    generation = subscription.generation
    if use_cache and kept is None:
        kept = subscription.kept(now)
        if kept is not None:
            found = kept
            if getattr(_memo, "in_request", False):
                _memo.record = found
            return found
        kept = cache.get(CACHE_KEY)
    if use_cache and isinstance(kept, Record) and kept.holds(now):
        found = kept
    else:
        found = read()
        if use_cache:
            # ``add``, not ``set``: a writer that committed meanwhile has put its newer
            # version in; a stale one (its ``next_at`` has come) is replaced.
            if kept is None:
                cache.add(CACHE_KEY, found, _ttl(found, now))
            else:
                cache.set(CACHE_KEY, found, _ttl(found, now))
    if use_cache:
        subscription.keep(found, generation, now)
    if getattr(_memo, "in_request", False):
        _memo.record = found
    return found


def _ttl(found, now):
    if found.next_at is None:
        return VERSION_TTL
    return max(1, min(VERSION_TTL, int(found.next_at - now) + 1))


def current():
    """``(number, latest publish time, day)`` of the public content, now."""
    return record().key


def bump():
    """A change of content: a new version (visible when the transaction commits).

    The new number is random, not the next one: a transaction that is rolled back
    takes its number back with its change, and a counter would give the next change
    that same number again (every process would then take its cached data, derived
    from the rolled-back content, for current)."""
    number = secrets.randbits(62)
    changed = {"number": number, "changed_at": timezone.now()}
    if not ContentVersion.objects.filter(pk=1).update(**changed):
        ContentVersion.objects.update_or_create(pk=1, defaults=changed)
    _memo.__dict__.pop("record", None)
    subscription.forget()
    if shared_cache() and not _writing():
        transaction.on_commit(_publish)


def _writing():
    """Has this transaction changed the content (its new version not yet committed)?
    Then the version is read from the database, where this writer sees its own."""
    connection = connections["default"]
    return connection.in_atomic_block and any(
        func is _publish for _, func, _ in connection.run_on_commit
    )


def _publish():
    """After a writer's commit: its version, for every host (``set``: it is newer than
    any kept)."""
    found = read()
    cache.set(CACHE_KEY, found, _ttl(found, timezone.now().timestamp()))
    _memo.__dict__.pop("record", None)
    subscription.announce()


class Subscription:
    """This process's subscription to the changes of the content version (Redis
    publish/subscribe, on a thread of its own), so that a request need not read the
    version from the shared cache each time.

    A writer announces its new version when it has put it in the shared cache
    (``_publish``); every process that hears it forgets the copy it kept, and its next
    request reads the version again. A process takes its copy only while it is
    subscribed, for at most ``HELD`` seconds after reading it, and while no scheduled
    entry's time has come: when the subscription breaks (Redis restarted, the network),
    it reads the version every time until it is subscribed again, and any message,
    the subscription's own confirmation included, drops the copy.
    """

    HELD = 1.0  # seconds: what a message lost on its way could leave stale, at most

    def __init__(self):
        self._lock = threading.Lock()
        self._kept, self._config, self._listening = None, None, False
        self.generation = 0  # changes with every forget(): a read older than it is not kept

    def kept(self, now):
        self._follow_settings()
        found = self._kept
        if found is None or not self._listening:
            return None
        record, read_at = found
        return record if now - read_at < self.HELD and record.holds(now) else None

    def keep(self, record, generation, now):
        with self._lock:
            if self._listening and generation == self.generation:
                self._kept = (record, now)

    def forget(self):
        with self._lock:
            self._kept = None
            self.generation += 1

    def announce(self):
        """Tell every process the version has changed (after it is in the cache)."""
        self.forget()
        config = self._follow_settings()
        if config is None:
            return
        try:
            cache.client.get_client(write=True).publish(self._channel(config), "changed")
        except Exception:  # noqa: BLE001 - a cache that does not answer is not an error
            # Nobody hears it: their copies go stale for HELD seconds at most.
            return

    # --- the listening thread ---------------------------------------------

    @staticmethod
    def _channel(config):
        return f"{config[1]}:{CACHE_KEY}"

    def _follow_settings(self):
        """The (Redis address, key prefix) of the shared cache, with a thread listening
        to its channel in this process; ``None`` when the cache is not Redis."""
        backend = settings.CACHES["default"]
        if "redis" not in backend["BACKEND"].lower():
            return None
        location = backend["LOCATION"]
        config = (location[0] if isinstance(location, list | tuple) else location,
                  backend.get("KEY_PREFIX", ""))  # fmt: skip
        if config != self._config:
            with self._lock:
                if config != self._config:
                    self._config, self._listening, self._kept = config, False, None
                    threading.Thread(
                        target=self._listen, args=(config,), daemon=True, name="unumn-version"
                    ).start()
        return config

    def _listen(self, config):
        """Until the settings name another cache: subscribe, and forget the kept copy on
        every message; on any failure, stop taking the copy and subscribe again."""
        import redis

        while self._config == config:
            pubsub = None
            try:
                client = redis.Redis.from_url(
                    config[0], socket_connect_timeout=1, socket_timeout=5, health_check_interval=2
                )
                pubsub = client.pubsub()
                pubsub.subscribe(self._channel(config))
                while self._config == config:
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None:
                        self._heard(config, subscribed=message["type"] == "subscribe")
            except Exception:  # noqa: BLE001 - Redis away: read the version every time
                pass
            finally:
                if pubsub is not None:
                    pubsub.close()
                self._heard(config, listening=False)
            time.sleep(0.5)

    def _heard(self, config, *, subscribed=False, listening=True):
        """A message (or the end of listening) on ``config``'s channel: the copy is
        dropped. A thread whose settings are no longer current changes nothing."""
        with self._lock:
            if self._config != config:
                return
            self._kept = None
            self.generation += 1
            if subscribed or not listening:
                self._listening = listening


subscription = Subscription()
# A worker forked from a process that had subscribed has no listening thread: it
# subscribes on its own first request.
os.register_at_fork(after_in_child=subscription.__init__)


class VersionedCache:
    """Objects derived from the content, kept in this process until the content version
    changes (at most ``size`` of them, or of their ``weigh(value)``, the least recently
    used going first).

    For derived data that many requests read the same way (cards, an entry page's
    loaded entry, the lists of the home page); never for anything that depends on who
    asks (a preview, a draft).
    """

    every = weakref.WeakSet()  # each one made, for ``clear_every()``

    def __init__(self, size, *, weigh=None):
        self.size, self.weigh = size, weigh or (lambda value: 1)
        self._lock = threading.Lock()
        self._version, self._items, self._weight = None, OrderedDict(), 0
        VersionedCache.every.add(self)

    @classmethod
    def clear_every(cls):
        """Forget everything kept in this process (as a fresh process starts: a
        benchmark's first request, another host in a test)."""
        for kept in list(cls.every):
            kept.clear()
        subscription.forget()

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
