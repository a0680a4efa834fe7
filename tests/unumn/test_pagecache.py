"""The page cache (``unumn/pagecache.py``): anonymous pages kept in the shared cache and
served while the content version is the one they were rendered for. Every change an
editor makes (publish, edit, delete, a theme renamed) shows on the next request on any
host; a scheduled entry on the first request after its time; editors and previews are
never served from it, nor kept. Run with each process's own cache and with Redis (the
shared cache of several hosts)."""

import datetime
import time
import uuid

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.editing import client_for, post_change, url
from tests.factories import make_publication, make_theme
from unumn import versions
from unumn.models import ContentVersion, Entry, Theme

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["own", "redis"])
def page_cache(request, settings):
    """The cache as one host has it (each process its own) or as several share it."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": REDIS,
                "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
                "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
            }
        }
        try:
            cache.set("ping", 1)
        except Exception:  # noqa: BLE001
            pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.PAGE_CACHE = True
    return request.param


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Writes as they are outside a test: their commit's callbacks run (the new version
    goes to the shared cache then)."""

    def commit():
        return django_capture_on_commit_callbacks(execute=True)

    return commit


def other_host():
    """A client as a request reaching another app host sees it: nothing kept in this
    process (only what is in the database and the shared cache)."""
    versions.VersionedCache.clear_every()
    return Client()


def get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response


def test_an_anonymous_page_is_kept_and_served_again(page_cache, django_assert_max_num_queries):
    entry = Entry.objects.filter(status=Entry.Status.PUBLISHED).first().specific
    first = get(Client(), entry.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    # Served from the cache: no query with Redis (the version comes with the page), one
    # to read the version with each process's own cache.
    with django_assert_max_num_queries(0 if page_cache == "redis" else 1):
        again = get(other_host(), entry.get_absolute_url())
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_an_unchanged_page_is_a_304(page_cache):
    first = get(Client(), "/catalogue/?q=migration")
    answer = Client().get("/catalogue/?q=migration", HTTP_IF_NONE_MATCH=first["ETag"])
    assert answer.status_code == 304
    assert answer["ETag"] == first["ETag"]
    assert not answer.content


def test_head_is_answered_from_the_kept_page(page_cache):
    get(Client(), "/institutes/")
    head = Client().head("/institutes/")
    assert head.status_code == 200
    assert head["X-Page-Cache"] == "hit"


CHANGES = ["publish", "edit", "delete", "theme renamed", "unpublish"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_shows_on_the_next_request_on_another_host(page_cache, committing, users, change):
    """An editor's change through the admin, seen at once by a visitor served by the
    other host: the kept pages of the catalogue, the entry and the home page are stale."""
    editor = client_for(users["network"])
    theme = make_theme(name="Circular mobility", slug="circular-mobility")
    with committing():
        entry = make_publication(
            title="Seasonal workers in Spain", themes=[theme], status=Entry.Status.DRAFT
        )
        if change != "publish":
            entry.status = Entry.Status.PUBLISHED
            entry.save()
    pages = ["/catalogue/?q=seasonal", "/themes/circular-mobility/", "/"]
    before = {path: Client().get(path).content.decode() for path in pages}
    for path in pages:  # kept now
        assert other_host().get(path)["X-Page-Cache"] == "hit"

    with committing():
        if change == "publish":
            editor.post(
                url("changelist"), {"action": "publish_now", "_selected_action": [entry.pk]}
            )
        elif change == "edit":
            assert post_change(editor, entry, title="Seasonal harvest workers").status_code == 302
        elif change == "delete":
            assert editor.post(url("delete", entry.pk), {"post": "yes"}).status_code == 302
        elif change == "unpublish":
            entry.status = Entry.Status.DRAFT
            entry.save()
        else:
            renamed = Theme.objects.get(pk=theme.pk)
            renamed.name = "Circular migration"
            renamed.save()

    # This host too: the home page it keeps in its own memory was made before the change.
    assert get(Client(), "/")["X-Page-Cache"] == "miss"
    visitor = other_host()
    catalogue = get(visitor, "/catalogue/?q=seasonal")
    assert catalogue["X-Page-Cache"] == "miss"
    shown = catalogue.content.decode()
    if change == "publish":
        assert "Seasonal workers in Spain" in shown
        assert "Seasonal workers in Spain" not in before["/catalogue/?q=seasonal"]
    elif change == "edit":
        assert "Seasonal harvest workers" in shown
    elif change in {"delete", "unpublish"}:
        assert "Seasonal workers in Spain" not in shown
    else:
        theme_page = get(visitor, "/themes/circular-mobility/").content.decode()
        assert "Circular migration" in theme_page
        assert "Circular migration" not in before["/themes/circular-mobility/"]


def test_a_scheduled_entry_appears_on_the_first_request_after_its_time(page_cache, settings):
    settings.PAGE_MAX_AGE = 600
    now = timezone.now().replace(microsecond=0)
    make_publication(
        title="Embargoed remittances report", publish_at=now + datetime.timedelta(minutes=3)
    )
    with time_machine.travel(now, tick=False):
        before = get(Client(), "/catalogue/?q=remittances")
        assert "Embargoed remittances report" not in before.content.decode()
        # Neither a browser nor nginx may keep it past the entry's time.
        assert before["Cache-Control"] == "public, max-age=180"
        assert get(Client(), "/catalogue/?q=remittances")["X-Page-Cache"] == "hit"
    with time_machine.travel(now + datetime.timedelta(minutes=2, seconds=59), tick=False):
        assert get(Client(), "/catalogue/?q=remittances")["Cache-Control"] == ("public, max-age=1")
    with time_machine.travel(now + datetime.timedelta(minutes=3), tick=False):
        after = get(other_host(), "/catalogue/?q=remittances")
        assert "Embargoed remittances report" in after.content.decode()


def test_editors_are_never_served_kept_pages_nor_kept(page_cache, users):
    entry = Entry.objects.filter(status=Entry.Status.PUBLISHED).first().specific
    get(Client(), entry.get_absolute_url())
    editor = client_for(users["network"])
    response = get(editor, entry.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_preview_is_never_kept(page_cache, users):
    draft = make_publication(title="Unfinished draft", status=Entry.Status.DRAFT)
    editor = client_for(users["network"])
    assert "Unfinished draft" in get(editor, draft.get_absolute_url()).content.decode()
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_what_differs_by_visitor_is_not_kept(page_cache, admin_client):
    # Not found, a form with a CSRF cookie, a POST: none is kept.
    assert Client().get("/no-such-page/").status_code == 404
    assert "X-Page-Cache" not in Client().get("/no-such-page/")
    login = Client().get("/admin/login/")
    assert "X-Page-Cache" not in login
    assert "X-Page-Cache" not in Client().post("/catalogue/", {"q": "x"})
    assert "X-Page-Cache" not in Client().get("/healthz")


def test_a_redis_that_does_not_answer_is_a_miss_never_an_error(settings, users):
    settings.PAGE_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    first, second = (get(Client(), "/catalogue/?q=migration") for _ in range(2))
    assert first["X-Page-Cache"] == "miss"
    # Kept by this process, and checked against the version the database gives (the
    # shared cache's copy of it does not answer either).
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    # Sessions fall back to the database: an editor can sign in and work.
    client = Client()
    page = client.get("/admin/login/")
    assert page.status_code == 200
    client.force_login(users["network"])
    assert client.get("/admin/").status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one engine is enough")
def test_the_page_of_a_kind_list_changes_with_an_entry_of_that_kind(page_cache, committing):
    get(Client(), "/publications/")
    with committing():
        make_publication(title="A brand new working paper")
    assert "A brand new working paper" in get(other_host(), "/publications/").content.decode()


def wait_for(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.02)


def test_a_version_announced_by_another_host_is_taken_at_once(page_cache, monkeypatch):
    """Each process keeps the version it read while it is subscribed to its changes; a
    change announced by another host's process drops that copy, so the next request
    reads the new version (not after ``HELD`` seconds: held for a minute here)."""
    if page_cache != "redis":
        pytest.skip("the subscription is to the shared cache")
    monkeypatch.setattr(versions.Subscription, "HELD", 60.0)
    get(Client(), "/catalogue/")
    wait_for(lambda: versions.subscription._listening)
    get(Client(), "/catalogue/")  # the version read, and kept
    assert get(Client(), "/catalogue/")["X-Page-Cache"] == "hit"
    assert versions.subscription.kept(time.time()) is not None

    # Another host's write: its new version in the database and in the shared cache,
    # and its announcement; nothing of this process's memory touched.
    ContentVersion.objects.filter(pk=1).update(number=12345, changed_at=timezone.now())
    cache.set(versions.CACHE_KEY, versions.read())
    channel = f"{settings.CACHES['default']['KEY_PREFIX']}:{versions.CACHE_KEY}"
    cache.client.get_client(write=True).publish(channel, "changed")
    wait_for(lambda: versions.subscription.kept(time.time()) is None)
    response = get(Client(), "/catalogue/")
    assert response["X-Page-Cache"] == "miss"
