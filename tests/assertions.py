"""Assertions shared by the model tests of several apps."""

import pytest
from django.db import IntegrityError, transaction


def assert_integrity_error(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()
