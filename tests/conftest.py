"""Shared fixtures.

The editor roles and the network's content are loaded once per test database
(``django_db_setup``), as ``make run`` does;
each test runs in a transaction that is rolled back, so every test starts from
the seeded site.
"""

import os

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), open(os.devnull, "w") as quiet:
        call_command("setup_roles", stdout=quiet)
        call_command("load_network_content", stdout=quiet)


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
