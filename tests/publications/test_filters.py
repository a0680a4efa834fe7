"""The publications list's own facets (``publications/filters.py``)."""

import pytest
from django.urls import reverse

from tests.catalogue import titles

pytestmark = pytest.mark.django_db


def test_publication_status_facet(client):
    response = client.get(reverse("publications:list"), {"publication_status": "accepted"})
    assert titles(response) == ["Migration Governance and Policy in the Global South"]
