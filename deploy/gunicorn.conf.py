"""gunicorn settings shared by every app host of the stack (deploy/stack, deploy/README.md).

What differs from host to host -- the address, the pid file, the logs -- is given on
the command line by deploy/stack:

    gunicorn unumn.wsgi -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001 \
        --pid var/stack/app1/gunicorn.pid --access-logfile var/stack/app1/access.log \
        --error-logfile var/stack/app1/error.log --daemon

Everything here can be tuned from the environment (the stack's env file) without
editing this file.
"""

import json
import os

from gunicorn.glogging import Logger, SafeAtoms

wsgi_app = "unumn.wsgi"
chdir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Processes: WEB_CONCURRENCY sync workers (default 2). GUNICORN_THREADS > 1 switches to
# the threaded worker, which also keeps nginx's upstream connections alive (sync
# workers close every connection after one response, so nginx's `keepalive` idles).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

# A worker silent for `timeout` seconds is killed and replaced; the app's own limits are
# shorter (DB_CONNECT_TIMEOUT 5 s, statement_timeout 15 s), so a request normally ends
# with the app's 503 first. On SIGTERM (deploy/stack down) workers get
# `graceful_timeout` seconds to finish the requests in flight.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then (with jitter, so they do not all restart at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))

# nginx runs on the same machine: trust its X-Forwarded-Proto (wsgi.url_scheme). On
# several machines, list the load balancers' addresses here (FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The app's own logging (Django's console handler writes to stderr) goes to the error log.
capture_output = True
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


# Access log: one JSON object a line. X-Request-ID is set by nginx (the client's own if it
# sent a well-formed one, else nginx's $request_id), so a line here, nginx's line and the
# app's log lines of one request share the id.
access_log_format = (
    "{"
    '"time": "%(t)s", '
    '"remote_addr": "%(h)s", '
    '"x_forwarded_for": "%({x-forwarded-for}i)s", '
    '"request_id": "%({x-request-id}i)s", '
    '"method": "%(m)s", '
    '"path": "%(U)s", '
    '"query": "%(q)s", '
    '"protocol": "%(H)s", '
    '"status": %(s)s, '
    '"bytes": "%(B)s", '
    '"duration_us": %(D)s, '
    '"referer": "%(f)s", '
    '"user_agent": "%(a)s", '
    '"pid": "%(p)s"'
    "}"
)


class JsonSafeAtoms(SafeAtoms):
    """gunicorn escapes only double quotes in the atoms; JSON also needs backslashes and
    control characters escaped, or a crafted header breaks the line."""

    def __init__(self, atoms):
        dict.__init__(self)
        for key, value in atoms.items():
            if isinstance(value, str):
                value = json.dumps(value, ensure_ascii=False)[1:-1]
            self[key] = value


class JsonAccessLogger(Logger):
    atoms_wrapper_class = JsonSafeAtoms


logger_class = JsonAccessLogger
