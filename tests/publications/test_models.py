"""Publications (``publications/models.py``): a DOI, when given, is unique."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_publication

pytestmark = pytest.mark.django_db


class TestConstraints:
    def test_doi_unique_when_given(self):
        make_publication(doi="10.1234/abc")
        make_publication(doi="")
        make_publication(doi="")
        with pytest.raises(ValidationError, match="Another publication has this DOI"):
            make_publication(doi="https://doi.org/10.1234/ABC")  # one DOI, whatever its case
