import hashlib
from functools import cache

from django.conf import settings

from unumn import kinds
from unumn.reversing import reverse


@cache
def kinds_stylesheet_version():
    colours = "".join(f"{kind.name}{kind.colour}" for kind in kinds.all())
    return hashlib.sha256(colours.encode()).hexdigest()[:12]


def site(request):
    """The site's name, which section of the main navigation the page is in, and the
    kinds of entry (navigation, the footer's exports, their colours)."""
    section = request.path.strip("/").split("/", 1)[0]
    return {
        "site_name": settings.SITE_NAME,
        "nav_section": section,
        "entry_kinds": kinds.all(),
        "site_exports": [export for export in kinds.exports_of() if export.site_label],
        "follow_exports": [export for export in kinds.exports_of() if export.follow_label],
        "kinds_stylesheet": f"{reverse('kinds-css')}?v={kinds_stylesheet_version()}",
    }
