"""Public reads from a replica (``unumn/db.py``): anonymous pages read it; writes, the
admin and signed-in editors use the primary, and so does everyone for a moment after a
change; a replica that lags or fails is left alone and the request is answered from the
primary. The replica here is a second connection to the test database (it sees what is
committed, as a replica does)."""

import datetime

import pytest
from django.db import connection, connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.editing import client_for
from unumn import db
from unumn.models import ContentVersion, Entry

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="streaming replicas are PostgreSQL's"
    ),
    pytest.mark.django_db(databases=["default", "replica"]),
]


@pytest.fixture(autouse=True)
def replica(settings):
    """The router, as DATABASE_REPLICA_URL installs it (tests/settings.py has the alias)."""
    settings.DATABASE_ROUTERS = ["unumn.db.PrimaryReplicaRouter"]
    router._routers = None  # read again from the settings
    router.__dict__.pop("routers", None)
    settings.REPLICA_MAX_LAG = 5
    db.replica.__init__()
    # The content last changed long ago (as when visitors read a quiet site).
    ContentVersion.objects.update(changed_at=timezone.now() - datetime.timedelta(hours=1))
    yield connections["replica"]
    connections["replica"].close()  # or the test database cannot be dropped at the end
    router._routers = None
    router.__dict__.pop("routers", None)
    db.replica.__init__()


def reads(path, client=None, method="get"):
    """(queries on the primary, queries on the replica) of one request."""
    client = client or Client()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = getattr(client, method)(path)
    assert response.status_code in {200, 302}, (path, response.status_code)
    return len(primary), len(replica)


def public_entry():
    return Entry.objects.filter(status=Entry.Status.PUBLISHED).first().specific


@pytest.mark.parametrize("path", ["/", "/catalogue/?q=migration", "/institutes/"])
def test_a_visitors_page_reads_from_the_replica(settings, path):
    settings.PAGE_CACHE = False
    primary, replica = reads(path)
    assert replica > 0
    assert primary <= 1  # the content version: it decides where to read


def test_an_editor_reads_the_primary(settings, users):
    settings.PAGE_CACHE = False
    primary, replica = reads(public_entry().get_absolute_url(), client_for(users["network"]))
    assert replica == 0
    assert primary > 0
    assert reads("/admin/", client_for(users["network"]))[1] == 0


def test_a_form_sent_reads_the_primary(settings):
    settings.PAGE_CACHE = False
    assert reads("/admin/login/", method="post")[1] == 0


def test_just_after_a_change_everyone_reads_the_primary(settings):
    settings.PAGE_CACHE = False
    ContentVersion.objects.update(changed_at=timezone.now())
    assert reads("/catalogue/")[1] == 0


def test_a_lagging_replica_is_left_alone(settings, monkeypatch):
    settings.PAGE_CACHE = False
    monkeypatch.setattr(db, "replica_lag", lambda: 60.0)
    assert reads("/catalogue/")[1] == 0
    ready = Client().get("/readyz").json()
    assert ready["status"] == "degraded"
    assert not ready["checks"]["replica"]["ok"]
    assert "lags 60.0 s" in ready["checks"]["replica"]["error"]


def test_a_replica_that_fails_mid_request_costs_the_visitor_nothing(settings, monkeypatch):
    settings.PAGE_CACHE = False
    monkeypatch.setattr(db, "replica_lag", lambda: 0.0)
    replica = connections["replica"]
    original = type(replica).ensure_connection

    def refuse(self):
        if self.alias == "replica":
            with self.wrap_database_errors:
                raise replica.Database.OperationalError("the replica has gone away")
        return original(self)

    monkeypatch.setattr(type(replica), "ensure_connection", refuse)
    response = Client().get(public_entry().get_absolute_url())
    assert response.status_code == 200
    # Left alone for a while: the next request does not try it.
    assert db.replica.is_usable() is False
    monkeypatch.undo()
    assert reads("/catalogue/")[1] == 0


def test_a_database_error_of_the_primary_is_not_blamed_on_the_replica(settings, monkeypatch):
    settings.PAGE_CACHE = False
    monkeypatch.setattr(db, "replica_lag", lambda: 0.0)
    from unumn import views

    def fail(*args, **kwargs):
        with connections["default"].wrap_database_errors:
            raise connections["default"].Database.OperationalError("primary down")

    monkeypatch.setattr(views.HomeView, "get_context_data", fail)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert db.replica.is_usable()


def test_commands_and_code_outside_requests_read_the_primary():
    assert router.db_for_read(Entry) == "default"


def test_readyz_reports_every_part(settings):
    answer = Client().get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "replica"}
    assert body["checks"]["replica"]["lag_s"] == 0
    assert "no-cache" in answer["Cache-Control"]


def test_readyz_is_503_when_the_primary_does_not_answer(unreachable_database):
    answer = Client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "down"


def test_healthz_needs_nothing_but_the_process(unreachable_database):
    answer = Client().get("/healthz")
    assert answer.status_code == 200
    assert answer.content == b"ok\n"
