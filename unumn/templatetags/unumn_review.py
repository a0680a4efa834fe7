from django import template
from django.urls import reverse

from unumn import review
from unumn.models import ThemeProposal

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


@register.inclusion_tag("admin/unumn/theme_proposal_queue.html")
def theme_proposal_queue(user):
    """The admin index's "Theme proposals awaiting your decision", for those who decide."""
    if not user.has_perm("unumn.change_themeproposal"):
        return {"count": 0}
    pending = ThemeProposal.objects.filter(status=ThemeProposal.Status.PENDING)
    shown = [
        {"proposal": p, "link": reverse("admin:unumn_themeproposal_change", args=[p.pk])}
        for p in pending.order_by("proposed_at", "pk")[:QUEUE_SHOWN]
    ]
    return {"shown": shown, "count": pending.count()}
