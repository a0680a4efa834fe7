"""Shared fixtures.

The network's content is loaded once per test database (``django_db_setup``);
each test runs in a transaction that is rolled back, so every test starts from
the seeded site.
"""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_network_content", verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
