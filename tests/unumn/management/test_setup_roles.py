"""``manage.py setup_roles``: the editor roles and their permissions, idempotently."""

import pytest
from django.contrib.auth.models import Group

from unumn.permissions import INSTITUTE_EDITORS

pytestmark = pytest.mark.django_db


def test_setup_roles_is_idempotent():
    from django.core.management import call_command

    before = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("setup_roles", stdout=open("/dev/null", "w"))
    after = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert before == after
    assert "change_publication" in after[INSTITUTE_EDITORS]
    assert "change_theme" not in after[INSTITUTE_EDITORS]
