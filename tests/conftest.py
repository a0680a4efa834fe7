"""Shared fixtures.

The editor roles and the network's content are loaded once per test database
(``django_db_setup``), as ``make run`` does;
each test runs in a transaction that is rolled back, so every test starts from
the seeded site.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from unumn.content.loader import network_content_load, read_network_content

# The shared helper modules assert too: their failures show the values, as in a test module.
pytest.register_assert_rewrite("tests.assertions", "tests.catalogue", "tests.editing")


@pytest.fixture(autouse=True)
def empty_cache():
    """No page or version kept from another test: each test's transaction is rolled
    back, and the content version with it, so a page kept by one test could be taken
    as current by the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), open(os.devnull, "w") as quiet:
        call_command("setup_roles", stdout=quiet)
        call_command("load_network_content", stdout=quiet)


FOURTH_KIND_CONTENT = Path(__file__).parent / "fourth_kind" / "content.toml"


def load_fourth_kind_content():
    """An entry of the fourth kind, through the site's own content loader."""
    network_content_load(data=read_network_content(FOURTH_KIND_CONTENT), countries=[])


@pytest.fixture
def every_kind(db):
    """At least one public entry of every registered kind (the network's content has no
    entry of the fourth kind, the test-only one)."""
    load_fourth_kind_content()


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def pytest_collection_modifyitems(items):
    """Browser tests run last: their live server needs transactional databases, which
    are emptied after each test, while every other test reads the seeded content."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))
