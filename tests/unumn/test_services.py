"""Writes that span several models (``unumn/services.py``): status changes, each entry
recorded in a version of its own."""

import pytest

from publications.models import Publication
from tests.editing import client_for, url
from tests.factories import in_future, make_publication

pytestmark = pytest.mark.django_db


def test_bulk_status_change_records_one_version_per_entry(users, entries):
    from reversion.models import Version

    client = client_for(users["network"])
    data = {"action": "submit_for_review", "_selected_action": [e.pk for e in entries.values()]}
    client.post(url("changelist"), data)
    for entry in entries.values():
        version = Version.objects.get_for_object(Publication.objects.get(pk=entry.pk)).first()
        assert version.revision.get_comment() == "Status set to in review."
        assert version.revision.version_set.filter(content_type__model="entry").count() == 1


def test_publish_now_makes_a_scheduled_entry_public_now(users, client):
    entry = make_publication(title="Scheduled far away", publish_at=in_future(days=30))
    network = client_for(users["network"])
    network.post(url("changelist"), {"action": "publish_now", "_selected_action": [entry.pk]})
    assert client.get(entry.get_absolute_url()).status_code == 200
