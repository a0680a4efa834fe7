"""Persistent identifiers of people (ORCID), organisations (ROR) and publications
(DOI, ISBN, ISSN): read as people paste them (a bare identifier or its address),
checked by their check digits, and kept in one form.

- ORCID: 16 characters in four groups (``0000-0002-1825-0097``), the last a check
  digit (ISO 7064 MOD 11-2, ``X`` for ten); https://orcid.org/<id>.
- ROR: ``0`` and six characters of Crockford's base 32, then two check digits (ISO
  7064 MOD 97-10 of the number the first seven encode); https://ror.org/<id>.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from stdnum import isbn, issn
from stdnum.exceptions import ValidationError as NumberError

DOI_URL = "https://doi.org/"
# A DOI: the directory indicator 10, a registrant code, a slash and a suffix (Crossref's
# pattern for the DOIs it holds); compared without regard to case, kept as given.
DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+$")
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


def normalise_doi(value):
    """``value`` as ``10.1111/imig.12345`` (an address or ``doi:`` taken off; empty
    stays empty); ValidationError if it is not a DOI."""
    if not value or not value.strip():
        return ""
    doi = re.sub(r"^(doi:\s*|(https?://)?(dx\.)?doi\.org/)", "", value.strip(), flags=re.I)
    if not DOI.fullmatch(doi):
        raise ValidationError(
            "A DOI starts with 10., then a slash and the rest, e.g. 10.1111/imig.12345 "
            "(or its address, https://doi.org/10.1111/imig.12345).",
            code="doi",
        )
    return doi


def _standard_number(module, value, *, example, name, convert=lambda number: number):
    if not value or not value.strip():
        return ""
    value = re.sub(rf"^\s*{name}(-1[03])?:?\s*", "", value, flags=re.IGNORECASE)  # "ISBN 0-…"
    try:
        return module.format(convert(module.validate(value)))
    except NumberError as error:
        checksum = "checksum" in type(error).__name__.lower()
        raise ValidationError(
            f"This {name}'s check digit is wrong: copy it again from the publication."
            if checksum
            else f"This is not an {name}, e.g. {example}.",
            code=f"{name.lower()}_checksum" if checksum else name.lower(),
        ) from None


def normalise_isbn(value):
    """``value`` as a hyphenated ISBN-13 (``978-0-306-40615-7``; an ISBN-10 converted),
    so one book has one form; ValidationError if it is not one or its check digit is
    wrong."""
    return _standard_number(
        isbn, value, example="978-0-306-40615-7", name="ISBN", convert=isbn.to_isbn13
    )


def normalise_issn(value):
    """``value`` as ``0020-7985``; ValidationError if it is not an ISSN or its check
    digit is wrong."""
    return _standard_number(issn, value, example="0020-7985", name="ISSN")


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


class DoiField(_IdentifierField):
    normalise = staticmethod(normalise_doi)

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": 250, **kwargs})


class IsbnField(_IdentifierField):
    normalise = staticmethod(normalise_isbn)


class IssnField(_IdentifierField):
    normalise = staticmethod(normalise_issn)
