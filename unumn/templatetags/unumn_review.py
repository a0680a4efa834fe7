"""The admin index's queues: what waits for this user's decision, the longest waiting
first (the first ``QUEUE_SHOWN``, how many in all, and where to see them all)."""

from django import template
from django.urls import reverse

from unumn import review
from unumn.models import Entry, ThemeProposal

register = template.Library()

QUEUE_SHOWN = 20


def _queue(element_id, heading, waiting, *, name, link, since, all_link, all_text):
    count = waiting.count()
    shown = [
        {"name": name(item), "link": link(item), "since": since(item)}
        for item in waiting[:QUEUE_SHOWN]
    ]
    return {
        "id": element_id,
        "heading": f"{heading} ({count})",
        "shown": shown,
        "count": count,
        "all_link": all_link,
        "all_text": all_text,
    }


@register.inclusion_tag("admin/unumn/queue.html")
def review_queue(user):
    """ "Awaiting your review": the entries in review this user may publish."""
    return _queue(
        "review-queue",
        "Awaiting your review",
        review.awaiting_review(user),
        name=lambda entry: entry.title,
        link=lambda entry: reverse(entry.kind_info.admin_url_name("change"), args=[entry.pk]),
        since=lambda entry: entry.updated_at,
        all_link=f"{reverse('admin:unumn_entry_changelist')}?status__exact={Entry.Status.REVIEW}",
        all_text="all entries in review",
    )


@register.inclusion_tag("admin/unumn/queue.html")
def theme_proposal_queue(user):
    """ "Theme proposals awaiting your decision", for those who decide (network editors)."""
    if not user.has_perm("unumn.change_themeproposal"):
        return {"count": 0}
    pending = ThemeProposal.Status.PENDING
    return _queue(
        "theme-proposals",
        "Theme proposals awaiting your decision",
        ThemeProposal.objects.filter(status=pending).order_by("proposed_at", "pk"),
        name=lambda proposal: proposal.name,
        link=lambda proposal: reverse("admin:unumn_themeproposal_change", args=[proposal.pk]),
        since=lambda proposal: proposal.proposed_at,
        all_link=f"{reverse('admin:unumn_themeproposal_changelist')}?status__exact={pending}",
        all_text="all proposals awaiting a decision",
    )
