"""Publications on other pages: ``{% latest_publications 6 as publications %}``."""

from django import template

from publications.models import Publication
from unumn.models import Entry

register = template.Library()


@register.simple_tag
def latest_publications(count=6):
    """The newest public publications, as cards."""
    return (
        Entry.objects.published().filter(kind=Publication.KIND).for_cards().newest_first()[:count]
    )
