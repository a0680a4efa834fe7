"""``manage.py grant_editor``: a user becomes an institute editor of the institutes named."""

import pytest

from unumn.permissions import INSTITUTE_EDITORS

pytestmark = pytest.mark.django_db


def test_grant_editor_command(django_user_model):
    from django.core.management import call_command

    user = django_user_model.objects.create_user("newbie", password="pw")
    call_command(
        "grant_editor", "newbie", "--institute", "unu-merit", stdout=open("/dev/null", "w")
    )
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name=INSTITUTE_EDITORS).exists()
    assert user.edited_institutes.filter(slug="unu-merit").exists()
