"""Events on other pages: ``{% upcoming_events 4 as events %}``, ``{% recent_events 4 as … %}``."""

from django import template

from events.models import Event

register = template.Library()


@register.simple_tag
def upcoming_events(count=4):
    """The public events that have not ended yet, soonest first, as cards."""
    return Event.objects.published().upcoming().for_cards()[:count]


@register.simple_tag
def recent_events(count=4):
    """The public events that are over, most recent first, as cards."""
    return Event.objects.published().past().for_cards()[:count]
