"""Logs one can follow a request through: every request has an id (nginx's
``X-Request-ID``, or one made here), sent back in the response and written with every
line logged while it is answered; with ``LOG_FORMAT=json``, one JSON object a line
(gunicorn's access log carries the same id: deploy/gunicorn.conf.py)."""

import contextvars
import json
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default="-")
ACCEPTED = re.compile(r"[A-Za-z0-9._-]{1,100}")


def request_id():
    return _request_id.get()


class RequestIdMiddleware:
    """First of all: the request's id, from nginx or new."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        value = given if ACCEPTED.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = value
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the
    exception's traceback if any."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
