"""For load balancers and operators: ``/healthz`` (this process answers) and
``/readyz`` (it can serve: the primary database answers; the replica's lag and the
cache are reported, and their failure only degrades it, as the site then reads from the
primary and renders what the cache would have kept)."""

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from unumn import db


@never_cache
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain")


def _timed(check):
    started = time.perf_counter()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database():
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        connections["default"].close()
        raise


def _replica():
    lag = db.replica_lag()
    if lag is None:
        raise DatabaseError("the replica does not answer or does not stream")
    if lag > settings.REPLICA_MAX_LAG:
        raise DatabaseError(
            f"the replica lags {lag:.1f} s (more than {settings.REPLICA_MAX_LAG} s)"
        )
    return {"lag_s": round(lag, 3)}


def _cache():
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    if cache.get(key) != value:
        raise ConnectionError("the cache did not keep a value")
    cache.delete(key)
    return {"backend": type(cache).__name__}


@never_cache
def readyz(request):
    checks = {"database": _timed(_database), "cache": _timed(_cache)}
    if db.has_replica():
        checks["replica"] = _timed(_replica)
    if not checks["database"]["ok"]:
        status = "down"
    elif all(check["ok"] for check in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "down" else 200
    )
