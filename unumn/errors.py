"""The site's answers to errors, in its own pages: 400, 403 (a CSRF failure included),
404, 500, and 503 when the database cannot be reached (with ``Retry-After``).

Django's own handlers render some of these without the request, which the site's
pages need; these render with it. The 500 and 503 pages stand alone (no database,
no shared layout): whatever failed must not fail them too.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

RETRY_AFTER = 30  # seconds: a database restarting, a failover


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """500, or 503 when what failed is the database: the visitor is told to come back."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER)
    else:
        response = render(request, "500.html", status=500)
    add_never_cache_headers(response)
    return response
