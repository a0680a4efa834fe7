"""Persistent identifiers of people (ORCID) and organisations (ROR): read as people
paste them (a bare identifier or its address), checked by their check digits, and
kept in one form.

- ORCID: 16 characters in four groups (``0000-0002-1825-0097``), the last a check
  digit (ISO 7064 MOD 11-2, ``X`` for ten); https://orcid.org/<id>.
- ROR: ``0`` and six characters of Crockford's base 32, then two check digits (ISO
  7064 MOD 97-10 of the number the first seven encode); https://ror.org/<id>.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models

ORCID_URL = "https://orcid.org/"
ROR_URL = "https://ror.org/"
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def _bare(value, prefix):
    value = value.strip()
    return re.sub(
        rf"^(https?://)?(www\.)?{re.escape(prefix.removeprefix('https://'))}",
        "",
        value,
        flags=re.IGNORECASE,
    )


def normalise_orcid(value):
    """``value`` as ``0000-0002-1825-0097`` (empty stays empty); ValidationError if it
    is not an ORCID iD or its check digit is wrong."""
    if not value or not value.strip():
        return ""
    digits = re.sub(r"[\s-]", "", _bare(value, ORCID_URL)).upper()
    if not re.fullmatch(r"\d{15}[\dX]", digits):
        raise ValidationError(
            "An ORCID iD has 16 digits (the last may be X), e.g. 0000-0002-1825-0097.",
            code="orcid",
        )
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        raise ValidationError(
            "This ORCID iD's check digit is wrong: check it against the person's ORCID record.",
            code="orcid_checksum",
        )
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def normalise_ror(value):
    """``value`` as ``03vek6s52`` (empty stays empty); ValidationError if it is not a
    ROR ID or its check digits are wrong."""
    if not value or not value.strip():
        return ""
    ror = _bare(value, ROR_URL).strip("/").lower()
    if not re.fullmatch(rf"0[{CROCKFORD}]{{6}}\d{{2}}", ror):
        raise ValidationError(
            "A ROR ID is 9 characters starting with 0, e.g. 03vek6s52 or https://ror.org/03vek6s52.",
            code="ror",
        )
    number = 0
    for character in ror[:7]:
        number = number * 32 + CROCKFORD.index(character)
    if 98 - (number * 100) % 97 != int(ror[7:]):
        raise ValidationError(
            "This ROR ID's check digits are wrong: check it against the organisation's ROR record.",
            code="ror_checksum",
        )
    return ror


class _IdentifierField(models.CharField):
    """A CharField that keeps its identifier in one form: what is typed or pasted (an
    address included) is normalised, and refused with the reason when it is wrong."""

    normalise = staticmethod(lambda value: value)

    def to_python(self, value):
        return self.normalise(super().to_python(value) or "")

    def formfield(self, **kwargs):
        # Wide enough for the identifier's address, which is normalised away.
        return super().formfield(**{"max_length": 100, **kwargs})


class OrcidField(_IdentifierField):
    normalise = staticmethod(normalise_orcid)


class RorField(_IdentifierField):
    normalise = staticmethod(normalise_ror)
