"""Settings for the test suite: the site's own settings with test-only relaxations."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from unumn.settings import *  # noqa: E402, F403
from unumn.settings import TEMPLATES  # noqa: E402

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# A missing template variable is a bug: fail loudly in tests.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID_TEMPLATE_VARIABLE_%s"

# Serve static files straight from the apps (no collectstatic) in tests and live servers.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
