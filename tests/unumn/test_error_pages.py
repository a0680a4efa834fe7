"""Every error has the site's own page: 400, 403 (the CSRF failure too), 404, 500, and
503 with ``Retry-After`` when the database cannot be reached; the database's own waits
are bounded (connect and statement timeouts). Runs on both databases."""

import pytest
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from tests.factories import make_publication
from tests.unumn.conftest import refuse_connection
from unumn import views

pytestmark = pytest.mark.django_db


def test_a_bad_host_gets_the_sites_400_page(client):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "could not be understood" in response.content.decode()


def test_a_form_without_its_csrf_token_gets_the_sites_page():
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "someone", "password": "x"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "This form could not be sent" in page
    assert "UNU Migration Network" in page


def test_a_refused_permission_gets_the_sites_403_page(client, rf):
    from unumn import errors

    response = errors.permission_denied(rf.get("/"))
    assert response.status_code == 403
    assert "You may not see this page" in response.content.decode()


def test_an_unknown_address_gets_the_sites_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "UNU Migration Network" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/catalogue/?q=migration", "/institutes/"])
def test_a_database_that_is_down_answers_503_with_retry_after(path, unreachable_database):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "no-cache" in response["Cache-Control"]
    assert "Back in a moment" in response.content.decode()


def test_any_other_failure_is_the_sites_500_page(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.HomeView, "get_context_data", fail)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Retry-After" not in response


def test_an_entry_page_still_answers_after_the_database_comes_back(client, monkeypatch):
    entry = make_publication(slug="comes-back")
    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse_connection)
    assert Client(raise_request_exception=False).get(entry.get_absolute_url()).status_code == 503
    monkeypatch.undo()
    assert client.get(entry.get_absolute_url()).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own timeouts")
def test_postgresql_statements_and_connections_are_bounded(settings):
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == settings.DB_CONNECT_TIMEOUT
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
    assert shown not in {"0", "0ms"}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        with pytest.raises(OperationalError):
            cursor.execute("SELECT pg_sleep(1)")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's busy timeout")
def test_sqlite_waits_a_bounded_time_for_a_lock(settings):
    assert connection.settings_dict["OPTIONS"]["timeout"] == settings.DB_CONNECT_TIMEOUT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own timeouts")
def test_long_commands_lift_the_statement_limit_for_themselves_only():
    from unumn.db import without_statement_timeout

    def shown():
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    configured = shown()
    assert without_statement_timeout(shown)() == "0"
    assert shown() == configured != "0"
