"""The site's use of its databases beyond the ORM: long commands' statement limit, and
the routing of public reads to a replica."""

import contextvars
import functools
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections


def lift_statement_timeout(using="default", *, restore=False):
    """No statement limit on this process's connection (PostgreSQL's ``statement_timeout``,
    set for the web in settings): a migration, a content load or a rebuild of the whole
    index may rightly take longer than any request should. ``restore`` puts the
    configured limit back."""
    connection = connections[using]
    if connection.vendor != "postgresql" or settings.DB_POOLED:
        # Through PgBouncer's transaction pooling a session's SET would stay with a server
        # connection other clients get: long commands connect to the primary itself
        # (deploy/README.md), where the database's own limit is lifted the same way.
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SET statement_timeout TO DEFAULT" if restore else "SET statement_timeout = 0"
            )
    except DatabaseError:
        if not restore:
            raise
        # A failed transaction refuses even this; its connection is rolled back or
        # closed, and a new one starts with the configured limit.


def without_statement_timeout(handle):
    """Decorator for a command's ``handle``: no statement limit while it runs."""

    @functools.wraps(handle)
    def wrapper(*args, **kwargs):
        lift_statement_timeout()
        try:
            return handle(*args, **kwargs)
        finally:
            lift_statement_timeout(restore=True)

    return wrapper


def lift_statement_timeout_for_migrate(sender, using="default", **kwargs):
    """``pre_migrate`` receiver (unumn/apps.py)."""
    lift_statement_timeout(using)


def restore_statement_timeout_after_migrate(sender, using="default", **kwargs):
    """``post_migrate`` receiver: the process may go on to serve (the test suite does)."""
    lift_statement_timeout(using, restore=True)


# --- a streaming replica for public reads ---------------------------------------------
#
# With DATABASE_REPLICA_URL set, ``PrimaryReplicaRouter`` sends the reads of public
# requests to the replica, and everything else to the primary: writes, the admin, any
# request of a signed-in editor (who sees their own write at once), and every read for
# ``REPLICA_MAX_LAG`` seconds after a change of content (so a page is never rendered,
# and kept, from a replica that has not replayed the change yet). A replica that lags
# more than that, or does not answer, is left alone for a while; a request that failed
# on it is answered again from the primary (``ReplicaFallbackMiddleware``).


REPLICA = "replica"
ROUTER = "unumn.db.PrimaryReplicaRouter"
RECHECK = 2.0  # seconds between two looks at the replica's lag, per process
DOWN_FOR = 10.0  # seconds a replica that failed is left alone

logger = logging.getLogger("unumn.db")
# Outside a public request (a command, a test's own queries) everything is read from
# the primary.
_primary_only = contextvars.ContextVar("primary_only", default=True)
_used_replica = contextvars.ContextVar("used_replica", default=False)


class _Replica:
    """What this process knows of the replica: usable or not, until when."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at, self.usable, self.lag = 0.0, False, None
        self.down_until = 0.0

    def is_usable(self):
        now = time.monotonic()
        if now < self.down_until:
            return False
        if now - self.checked_at > RECHECK and self.lock.acquire(blocking=False):
            try:
                self.checked_at = now
                self.lag = replica_lag()
                self.usable = self.lag is not None and self.lag <= settings.REPLICA_MAX_LAG
                if self.lag is None:
                    self.failed()  # not asked again for a while: no request waits on it
            finally:
                self.lock.release()
        return self.usable

    def failed(self):
        self.down_until = time.monotonic() + DOWN_FOR
        self.usable = False
        logger.warning("The replica failed; reads go to the primary for %s s.", DOWN_FOR)


replica = _Replica()

LAG = """
SELECT pg_is_in_recovery(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


def replica_lag():
    """Seconds the replica is behind the primary (0 when it has replayed all it was
    sent), or ``None`` if it cannot be asked or has lost its primary."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return 0.0
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG)
            in_recovery, streaming, lag = cursor.fetchone()
    except (OperationalError, InterfaceError):
        connection.close()
        return None
    if not in_recovery:
        return 0.0  # not a standby at all (a test's mirror of the primary)
    return float(lag) if streaming else None


def has_replica():
    """Is there a replica, and is the router that uses it installed?"""
    return REPLICA in settings.DATABASES and ROUTER in settings.DATABASE_ROUTERS


def reads_from_replica():
    """May this read go to the replica, now?"""
    if _primary_only.get():
        return False
    from unumn import versions

    changed_at = versions.record().changed_at
    if time.time() - changed_at < settings.REPLICA_MAX_LAG:
        return False
    return replica.is_usable()


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in {"sessions", "auth", "axes", "reversion", "admin"}:
            return "default"
        if reads_from_replica():
            _used_replica.set(True)
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaFallbackMiddleware:
    """Which requests may read from the replica, and a second chance on the primary
    for a public request whose read failed on it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        primary_only = (
            not has_replica()
            or request.method not in {"GET", "HEAD"}
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or request.path.startswith("/admin/")
        )
        tokens = _primary_only.set(primary_only), _used_replica.set(False)
        try:
            return self.get_response(request)
        finally:
            _primary_only.reset(tokens[0])
            _used_replica.reset(tokens[1])

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not _used_replica.get() or not connections[REPLICA].errors_occurred:
            return None  # not the replica's failure
        replica.failed()
        connections[REPLICA].close()
        _primary_only.set(True)
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
