"""The page types of the public site, each with an example address: the one list that the
view, accessibility and HTML-validity tests walk.

Every registered kind adds its list and the page of one of its public entries, so a new
kind (the fourth, in ``tests/fourth_kind/``, included) is checked like the others. The
``every_kind`` fixture (``tests/conftest.py``) makes sure each kind has an entry.
"""

from unumn import kinds
from unumn.models import Entry

CORE_PAGES = {
    "home": "/",
    "institutes": "/institutes/",
    "institute": "/institutes/unu-wider/",
    "themes": "/themes/",
    "theme": "/themes/diaspora/",
    "people": "/people/",
    "person": "/people/rachel-gisselquist/",
    "organisations": "/organisations/",
    "organisation": "/organisations/iom/",
    "catalogue": "/catalogue/?theme=diaspora&region=Africa",
    "catalogue-search": "/catalogue/?q=refugees",
    "catalogue-empty": "/catalogue/?q=zzzzqqq",
    "catalogue-bad-input": "/catalogue/?year_from=abc&theme=nope",
    "book": "/publications/international-migration-international-security/",
    "book-cited-chicago": "/publications/migration-governance-global-south/?style=chicago",
    "reference-list": "/catalogue/cite.html?style=harvard&q=migration",
    "reports": "/reports/",
    "report": "/reports/network-contribution-2018/",
    "not-found": "/no-such-page/",
    "admin-login": "/admin/login/",
}


def page_names():
    """Every page type's name (known before the database is: for parametrised tests)."""
    names = list(CORE_PAGES)
    for kind in kinds.all():
        names += [kind.namespace, kind.name]
    return names


def kind_example(kind):
    """The address of one public entry of ``kind`` (the oldest)."""
    example = Entry.objects.published().filter(kind=kind.name).order_by("pk").first()
    assert example is not None, f"No public {kind.name} to show: use the every_kind fixture."
    return example.get_absolute_url()


def page_url(name):
    """The example address of the page type ``name``."""
    if name in CORE_PAGES:
        return CORE_PAGES[name]
    for kind in kinds.all():
        if name == kind.namespace:
            return kind.list_url
        if name == kind.name:
            return kind_example(kind)
    raise KeyError(name)


def page_types():
    """``{name: address}`` of every page type."""
    return {name: page_url(name) for name in page_names()}
