"""The site's use of its databases beyond the ORM: long commands' statement limit."""

import functools

from django.db import DatabaseError, connections


def lift_statement_timeout(using="default", *, restore=False):
    """No statement limit on this process's connection (PostgreSQL's ``statement_timeout``,
    set for the web in settings): a migration, a content load or a rebuild of the whole
    index may rightly take longer than any request should. ``restore`` puts the
    configured limit back."""
    connection = connections[using]
    if connection.vendor != "postgresql":
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
