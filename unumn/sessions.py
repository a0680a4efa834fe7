"""The session store (``SESSION_ENGINE``): Django's cache-backed database sessions, that
take a malformed cookie for no cookie.

Sessions are read from the shared cache (Redis, when configured) and kept in the
database, so a cache outage costs a database read, never a login. A session key is
what Django makes (lower-case letters and digits): a cookie holding anything else
(``sessionid="\\x00aaaa"``, which PostgreSQL would refuse) starts an empty session
instead of reaching the database.
"""

import re

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore

SESSION_KEY = re.compile(r"^[a-z0-9]{8,40}$")


class SessionStore(CachedDbSessionStore):
    def _validate_session_key(self, key):
        return bool(key) and isinstance(key, str) and SESSION_KEY.match(key) is not None
