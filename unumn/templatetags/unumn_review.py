from django import template
from django.urls import reverse

from unumn import review

register = template.Library()

QUEUE_SHOWN = 20


@register.inclusion_tag("admin/unumn/review_queue.html")
def review_queue(user):
    """The admin index's "Awaiting your review": what this user may publish, the
    longest waiting first (the first ``QUEUE_SHOWN``, and how many in all)."""
    waiting = review.awaiting_review(user)
    shown = []
    for entry in waiting[:QUEUE_SHOWN]:
        link = reverse(entry.kind_info.admin_url_name("change"), args=[entry.pk])
        shown.append({"entry": entry, "link": link})
    return {"shown": shown, "count": waiting.count()}
