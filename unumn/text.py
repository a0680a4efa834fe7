"""Text as the site keeps and shows it: without control characters and non-characters.

Editors paste from word processors and PDFs: a vertical tab (``\\x0b``), a form feed, a
U+FFFE. PostgreSQL refuses NUL, and XML (feeds, sitemaps, OAI) refuses every one of
them, so they are taken out where text comes in (``CleanTextMixin``, on every model a
visitor sees) and again where XML goes out (``clean_text``), whatever is stored.
Tabs and line breaks stay.
"""

import re
import unicodedata

NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
UNSAFE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{NONCHARACTERS}]")


def clean_text(value):
    """``value`` without control characters (but tab and line breaks) and non-characters."""
    return UNSAFE.sub("", value) if value else value


class CleanTextMixin:
    """For models: their text fields are cleaned (``clean_text``) when validated, so
    every form, import and service that calls ``full_clean()`` stores clean text."""

    def clean_fields(self, exclude=None):
        for field in self._meta.concrete_fields:
            if field.get_internal_type() in {"CharField", "TextField", "SlugField"}:
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, clean_text(value))
        super().clean_fields(exclude=exclude)


def folded(text):
    """``text`` as compared by people: without case, accents or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def same_folded(name, candidates):
    """The first of ``candidates`` (objects with a ``name``) named ``name`` but for case,
    accents or spacing, if any."""
    key = folded(name)
    return next((candidate for candidate in candidates if folded(candidate.name) == key), None)
