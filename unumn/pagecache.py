"""Whole pages for anonymous visitors, kept in the shared cache (``PAGE_CACHE``).

A page is kept under its address (scheme, host, path and query) with the content
version it was rendered for (``unumn/versions.py``), and served while that is still
the current version: any write of content (publish, edit, delete, a theme renamed)
makes every kept page stale at once, on every host, and so does a scheduled entry's
time coming (the version holds only until then). A kept page is also dropped from
the cache by then.

Only what is the same for every visitor is kept: a ``GET`` or ``HEAD`` without a
session (editors, previews and the admin have one, and are never served from here
nor kept), answered ``200`` with no cookie set, and nothing in its ``Cache-Control``
that forbids it. Each page carries an ``ETag`` and
``Cache-Control: public, max-age=0, must-revalidate`` (or a short ``PAGE_MAX_AGE``,
never past the next scheduled entry's time): browsers and nginx ask again and get a
``304`` when nothing changed.

With Redis, a hit is one round trip (the version and the page together) and no
database query; without it (one host), the version is one query.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

from unumn import versions

PAGE_TTL = 60 * 60 * 24
MAX_PAGE_BYTES = 2 * 2**20
NEVER_KEPT = ("/admin/", "/healthz", "/readyz")  # signed-in work; what must be live
SKIPPED_HEADERS = {"set-cookie", "date", "x-page-cache", "x-request-id"}
FORBIDDING = ("private", "no-store", "no-cache")


# Pages kept in this process too (for the content version they were made for, at most
# KEPT_HERE_BYTES of them): a hit then costs one small read of the shared cache (the
# version), not the page's transfer and decompression.
KEPT_HERE_BYTES = 32 * 2**20
KEPT_HERE = versions.VersionedCache(KEPT_HERE_BYTES, weigh=lambda page: len(page.content))


class Page:
    """A response as kept: the version it was rendered for, and what to send again."""

    __slots__ = ("version", "status", "headers", "content", "etag")
    # ``headers`` keep the view's own ``Cache-Control`` (a stylesheet kept for a year).

    def __init__(self, version, response):
        self.version = version
        self.status = response.status_code
        self.content = response.content
        self.etag = f'"{hashlib.md5(self.content, usedforsecurity=False).hexdigest()}"'
        self.headers = [
            (name, value) for name, value in response.items() if name.lower() not in SKIPPED_HEADERS
        ]

    def response(self):
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


def key_of(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "page:" + hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()


def served_to_everyone(request):
    """Is this a request every visitor would get the same answer to?"""
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(NEVER_KEPT)
    )


def keepable(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # ``Vary: Cookie`` comes with any page that looked at ``request.user``: for a request
    # without a session it is the anonymous page all such requests get (served only to
    # them, and a page that set a cookie is not kept). Any other ``Vary`` is not known.
    varies = {name.strip().lower() for name in response.get("Vary", "").split(",") if name}
    if varies - {"cookie", "accept-encoding"}:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in FORBIDDING):
        return False
    return len(response.content) <= MAX_PAGE_BYTES


def seconds_until(record, now):
    return None if record.next_at is None else max(0, int(record.next_at - now))


class PageCacheMiddleware:
    """Serves and keeps pages for anonymous visitors (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE:
            return self.get_response(request)
        if not served_to_everyone(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # An editor's page: never kept by a browser for anyone else, nor by nginx.
                patch_vary_headers(response, ["Cookie"])
                if "Cache-Control" not in response:
                    patch_cache_control(response, private=True, no_cache=True)
            return response
        key = key_of(request)
        page, record = self.lookup(key)
        if page is not None and page.version == record.key:
            return self.send(request, page, record, hit=True)
        response = self.get_response(request)
        if not keepable(response):
            return response
        page = Page(record.key, response)
        now = time.time()
        until = seconds_until(record, now)
        self.keep(key, page, PAGE_TTL if until is None else max(1, min(PAGE_TTL, until)))
        return self.send(request, page, record, hit=False, response=response)

    @staticmethod
    def lookup(key):
        """The page kept under ``key`` and the current version. With a shared cache, the
        version is read from it on every request (a small value), and the page from this
        process's own copy when it has one for that version, else from the shared cache."""
        if not versions.shared_cache():
            return cache.get(key), versions.record()
        record = versions.record()
        page = KEPT_HERE.get_many([key]).get(key)
        if page is None:
            page = cache.get(key)
            if page is not None and page.version == record.key:
                KEPT_HERE.set_many({key: page})
        return page, record

    @staticmethod
    def keep(key, page, timeout):
        cache.set(key, page, timeout)
        if versions.shared_cache():
            KEPT_HERE.set_many({key: page})

    @staticmethod
    def send(request, page, record, *, hit, response=None):
        if request.META.get("HTTP_IF_NONE_MATCH") == page.etag:
            response = HttpResponseNotModified()
        elif response is None:
            response = page.response()
        max_age = settings.PAGE_MAX_AGE
        until = seconds_until(record, time.time())
        if until is not None:
            max_age = min(max_age, until)
        own = next((value for name, value in page.headers if name == "Cache-Control"), None)
        response["Cache-Control"] = own or (
            f"public, max-age={max_age}" + (", must-revalidate" if not max_age else "")
        )
        response["ETag"] = page.etag
        response["X-Page-Cache"] = "hit" if hit else "miss"
        return response
