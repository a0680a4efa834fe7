"""Settings for the test suite: the site's own settings with test-only relaxations."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

import jinja2  # noqa: E402
from django.template import TemplateSyntaxError  # noqa: E402

from unumn.settings import *  # noqa: E402, F403
from unumn.settings import TEMPLATES  # noqa: E402

SECURE_SSL_REDIRECT = False
# Uploaded files of the tests: a folder of this run's own, never the site's var/media.
MEDIA_ROOT = tempfile.mkdtemp(prefix="unumn-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405


class MissingVariable(str):
    """Django's ``string_if_invalid``, made to raise: a template that prints a variable
    its context lacks fails whichever test renders it. (Tests of a variable, as in
    ``{% if %}``, never come here: an absent optional value is fine to test.)"""

    def __contains__(self, key):
        return key == "%s"

    def __mod__(self, variable):
        raise TemplateSyntaxError(f"Missing template variable: {variable}")


class UndefinedVariable(jinja2.Undefined):
    """The same rule for the Jinja2 pages: printing or looping over a variable the context
    lacks fails; testing it (``{% if x %}``, ``x is defined``) is fine."""

    __slots__ = ()
    __str__ = __iter__ = jinja2.Undefined._fail_with_undefined_error


JINJA2, DJANGO_TEMPLATES = TEMPLATES
JINJA2["OPTIONS"]["undefined"] = UndefinedVariable
DJANGO_TEMPLATES["OPTIONS"]["string_if_invalid"] = MissingVariable("(missing)")

# Serve static files straight from the apps (no collectstatic) in tests and live servers.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A fourth kind of entry that lives in tests/fourth_kind/ only: the suite runs with it,
# which shows that a kind plugs in without touching the core.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.fourth_kind"]  # noqa: F405

# A replica alias on PostgreSQL (a second connection to the test database, which sees
# what is committed, as a replica does), for the tests of the router
# (tests/unumn/test_replica.py), which install it: no other test reads from it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
