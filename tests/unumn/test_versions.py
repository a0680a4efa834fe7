"""The content version (``unumn/versions.py``): what ``read()`` finds in the database,
on both databases, and the remembered ``reverse()`` every page's links go through."""

import datetime

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch
from django.utils import timezone

from tests.factories import make_publication
from unumn import versions
from unumn.models import ContentVersion, Entry, Theme
from unumn.reversing import reverse

pytestmark = pytest.mark.django_db


def test_read_reports_the_number_the_latest_public_time_and_the_next_scheduled():
    now = timezone.now().replace(microsecond=0)
    Entry.objects.update(publish_at=now - datetime.timedelta(days=30))
    make_publication(publish_at=now - datetime.timedelta(hours=1))
    make_publication(publish_at=now + datetime.timedelta(hours=3))
    make_publication(publish_at=now + datetime.timedelta(hours=2))
    make_publication(status=Entry.Status.DRAFT, publish_at=now - datetime.timedelta(minutes=1))
    make_publication(status=Entry.Status.DRAFT, publish_at=now + datetime.timedelta(minutes=1))
    versions.bump()
    row = ContentVersion.objects.get(pk=1)

    record = versions.read()

    assert record.number == row.number
    assert record.latest == (now - datetime.timedelta(hours=1)).timestamp()
    assert record.next_at == (now + datetime.timedelta(hours=2)).timestamp()
    assert record.changed_at == pytest.approx(row.changed_at.timestamp(), abs=1e-3)
    assert not record.holds(record.next_at) and record.holds(record.next_at - 1)


def test_read_with_no_scheduled_entry_and_with_no_version_row():
    past = timezone.now() - datetime.timedelta(days=1)
    Entry.objects.filter(publish_at__gt=past).update(publish_at=past)
    make_publication(publish_at=past)
    record = versions.read()
    assert (record.latest, record.next_at) == (past.timestamp(), None)
    ContentVersion.objects.all().delete()  # a database no write has reached yet
    assert versions.read() == (0, 0.0, None, 0.0)


def test_remembered_reverse_is_djangos_reverse():
    theme = Theme.objects.first()
    assert reverse("themes:detail", kwargs={"slug": theme.slug}) == f"/themes/{theme.slug}/"
    assert reverse("themes:detail", args=["a_b-1"]) == "/themes/a_b-1/"
    assert reverse("catalogue") == "/catalogue/"
    assert reverse("catalogue", query={"q": "x"}) == "/catalogue/?q=x"  # any option: Django's
    with pytest.raises(NoReverseMatch):
        reverse("themes:detail", kwargs={"slug": "not a slug"})


def test_remembered_reverse_follows_the_script_prefix_and_the_urlconf():
    from django.urls import set_script_prefix

    assert reverse("catalogue") == "/catalogue/"
    set_script_prefix("/unumn/")
    try:
        assert reverse("catalogue") == "/unumn/catalogue/"
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF="tests.fourth_kind.urls"), pytest.raises(NoReverseMatch):
        reverse("catalogue")


def test_remembered_reverse_tells_values_that_are_equal_as_keys_apart():
    assert reverse("sitemap-section", args=["pages"]) == "/sitemap-pages.xml"
    assert reverse("themes:detail", args=[1]) == "/themes/1/"
    assert reverse("themes:detail", args=[True]) == "/themes/True/"
