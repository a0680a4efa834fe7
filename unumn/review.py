"""Review of entries and of proposed themes: who is told, by e-mail, when an entry
changes status or a theme is proposed or decided on, and what a reviewer has waiting.

- Submitted for review: the reviewers of its institutes (the network editors when
  none of its institutes has a reviewer).
- Published, or returned to draft (with the reviewer's note): the editors of its
  institutes.
- A theme proposed: the network editors; decided on: the editor who proposed it and
  the editors of the entries it was proposed for.

One mail per change of status, sent when the change is committed (never for a change
that was rolled back), never to the person who made it. Django's mail API: the console
in development, SMTP from the environment in production (``EMAIL_*`` settings).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from unumn.models import Entry
from unumn.permissions import NETWORK_EDITORS, entries_publishable_by


def awaiting_review(user):
    """The entries in review this user may publish, the longest waiting first."""
    queryset = Entry.objects.filter(status=Entry.Status.REVIEW).order_by("updated_at", "pk")
    return entries_publishable_by(user, queryset)


def status_changed(entry, before, after, *, by=None, note=""):
    """Tell the people concerned that ``entry`` went from status ``before`` to
    ``after`` (once the transaction commits)."""
    if before == after:
        return
    institutes = list(entry.institutes.values_list("pk", flat=True))
    title = entry.title
    link = _admin_link(entry)
    who = by.get_username() if by is not None else "The site"
    if after == Entry.Status.REVIEW:
        recipients = _reviewers(institutes)
        subject = f"For your review: {title}"
        body = f"{who} submitted “{title}” for review.\n\nReview it: {link}\n"
    elif after == Entry.Status.PUBLISHED:
        recipients = _editors(institutes)
        subject = f"Published: {title}"
        body = f"{who} published “{title}”.\n\n{_site_link(entry)}\n"
    elif before in (Entry.Status.REVIEW, Entry.Status.PUBLISHED):
        recipients = _editors(institutes)
        subject = f"Returned to draft: {title}"
        body = f"{who} returned “{title}” to draft.\n\n"
        body += f"Their note:\n{note}\n\n" if note else ""
        body += f"Edit it: {link}\n"
    else:
        return
    _send(subject, body, recipients, by)


def theme_proposed(proposal, *, by=None):
    """Tell the network editors that a theme was proposed."""
    who = by.get_username() if by is not None else "An editor"
    link = _site_link(reverse("admin:unumn_themeproposal_change", args=[proposal.pk]))
    body = (
        f"{who} proposed the theme “{proposal.name}”:\n\n{proposal.description}\n\n"
        f"Approve or reject it: {link}\n"
    )
    _send(f"Theme proposed: {proposal.name}", body, _network_editors(), by)


def theme_decided(proposal, *, by=None):
    """Tell the editors concerned (who proposed it, and the editors of the entries it
    was proposed for) what became of a theme proposal."""
    who = by.get_username() if by is not None else "A network editor"
    body = f"{who} decided on the theme proposal “{proposal.name}”.\n\n{proposal.decision}\n"
    if proposal.theme is not None:
        body += f"\nIts entries now have the theme: {_site_link(proposal.theme)}\n"
    subject = f"Theme proposal {proposal.get_status_display().lower()}: {proposal.name}"
    institutes = Entry.institutes.through.objects.filter(entry__in=proposal.entries.all())
    recipients = _active_staff().filter(
        Q(pk=proposal.proposed_by_id) | Q(edited_institutes__in=institutes.values("institute_id"))
    )
    _send(subject, body, recipients.distinct(), by)


def _send(subject, body, recipients, by):
    """One mail to everyone in ``recipients`` with an address but ``by``, once the
    transaction commits. The subject is one line (a title may hold a line break)."""
    subject = " ".join(subject.split())
    addresses = sorted(
        {user.email for user in recipients if user.email and (by is None or user.pk != by.pk)}
    )
    if addresses:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
        )


def _active_staff():
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def _network_editors():
    return _active_staff().filter(Q(groups__name=NETWORK_EDITORS) | Q(is_superuser=True)).distinct()


def _reviewers(institute_ids):
    reviewers = _active_staff().filter(
        reviewed_institutes__in=institute_ids, edited_institutes__in=institute_ids
    )
    if reviewers.exists():
        return reviewers.distinct()
    return _network_editors()


def _editors(institute_ids):
    return _active_staff().filter(edited_institutes__in=institute_ids).distinct()


def _admin_link(entry):
    return _site_link(reverse(entry.kind_info.admin_url_name("change"), args=[entry.pk]))


def _site_link(target):
    """The full address of a path, or of an object's page, for a mail."""
    path = target if isinstance(target, str) else target.get_absolute_url()
    return f"{settings.SITE_URL}{path}"


NOTE = "Note to the editors: "


def history_comment(message, note):
    """The history comment of a save that carries a reviewer's note."""
    return f"{message} {NOTE}{note}".strip() if note else message


def latest_note(entry):
    """The reviewer's note that returned ``entry`` to draft, while it is a draft:
    ``(who, when, note)``, or ``None``."""
    from reversion.models import Version

    if entry.status != Entry.Status.DRAFT:
        return None
    version = Version.objects.get_for_object(entry).select_related("revision__user").first()
    comment = version.revision.comment if version else ""
    if NOTE not in comment:
        return None
    return version.revision.user, version.revision.date_created, comment.split(NOTE, 1)[1]
