"""Downloading an entry's files: ``/files/<id>/<name>.<ext>``.

A file is public when its entry is; an editor who may preview the entry may also
download its files while it is a draft (never cached). The response names its
type and file name, is never sniffed or run by a browser (``nosniff``, a sandboxing
Content-Security-Policy), answers a conditional GET with 304 (the ETag is the
content's SHA-256) and, for files on the file system, a byte range with 206 (a PDF
reader fetching the pages it shows; a download resumed). Each complete or first
part of a download counts once (a counter per file, nothing about who).
"""

import re

from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from unumn.files import CHUNK
from unumn.models import Entry, EntryFile
from unumn.permissions import visible_entries_q

RANGE = re.compile(r"^bytes=([0-9]{0,19})-([0-9]{0,19})$")  # ASCII digits, at most 19


@require_safe
def download(request, pk, name):
    visible = Entry.objects.filter(visible_entries_q(request.user)).values("pk")
    try:
        stored = EntryFile.objects.select_related("entry").get(pk=pk, entry__in=visible)
    except EntryFile.DoesNotExist:
        raise Http404("No such file.") from None
    if name != stored.download_name:
        return redirect(stored, permanent=True)
    etag = quote_etag(stored.sha256)
    last_modified = stored.updated_at.timestamp()
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = _serve(request, stored, etag)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    if stored.entry.is_public:
        # Revalidated on every use (a 304 while unchanged): an entry taken back to draft
        # takes its files with it at once, from shared caches too.
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex"
    return response


def _serve(request, stored, etag):
    # Asked first: each storage backend has its own error for a missing object.
    if not stored.file.storage.exists(stored.file.name):
        raise Http404("This file is missing from storage.")
    handle = stored.file.open("rb")
    size, on_disk = stored.size, _on_disk(stored)
    wanted = _range(request, etag, size) if on_disk else None
    if wanted == "unsatisfiable":
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if request.method == "GET" and (wanted is None or wanted[0] == 0):
        EntryFile.objects.filter(pk=stored.pk).update(downloads=F("downloads") + 1)
    disposition = {"as_attachment": not stored.shown_inline}
    if wanted is None:
        response = FileResponse(handle, filename=stored.download_name, **disposition)
    else:
        start, end = wanted
        handle.seek(start)
        response = StreamingHttpResponse(_read(handle, end - start + 1), status=206)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        kind = "attachment" if disposition["as_attachment"] else "inline"
        response["Content-Disposition"] = f'{kind}; filename="{stored.download_name}"'
    response["Content-Type"] = stored.type.mime
    response["Accept-Ranges"] = "bytes" if on_disk else "none"
    return response


def _on_disk(stored):
    try:
        stored.file.path  # noqa: B018 - only the file system storage has paths
    except NotImplementedError:
        return False
    return True


def _range(request, etag, size):
    """``(first, last)`` byte of one satisfiable range asked for, ``"unsatisfiable"``,
    or ``None`` for the whole file (no range, several, malformed, or an ``If-Range``
    that no longer matches: RFC 9110 lets a server send all of it then)."""
    header = request.headers.get("Range", "")
    if not header or request.headers.get("If-Range", etag) != etag:
        return None
    match = RANGE.match(header.replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
        return (start, end) if int(last) else "unsatisfiable"
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return "unsatisfiable"
    if end < start:
        return None
    return start, end


def _read(handle, length):
    try:
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()
