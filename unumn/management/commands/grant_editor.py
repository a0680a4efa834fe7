from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from unumn.models import Institute
from unumn.permissions import INSTITUTE_EDITORS, NETWORK_EDITORS


class Command(BaseCommand):
    """Make a user an editor: of one or more institutes, or of the whole network.

    manage.py grant_editor alice --institute unu-wider
    manage.py grant_editor carol --reviewer --institute unu-wider   # also publishes them
    manage.py grant_editor bob --network
    """

    help = (
        "Make a staff user an institute editor (--institute SLUG, repeatable), a reviewer "
        "of those institutes (--reviewer: publishes, schedules, features), or a network editor."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--institute", action="append", default=[], metavar="SLUG")
        parser.add_argument("--network", action="store_true", help="Edit everything.")
        parser.add_argument(
            "--reviewer",
            action="store_true",
            help="Also publish, schedule and feature the --institute entries.",
        )
        parser.add_argument(
            "--create", action="store_true", help="Create the account (no password yet)."
        )

    def handle(self, *args, username, institute, network, create, reviewer=False, **options):
        if not institute and not network:
            raise CommandError("Give --institute SLUG (one or more) or --network.")
        if reviewer and not institute:
            raise CommandError("--reviewer needs the institutes: --institute SLUG.")
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None and not create:
            raise CommandError(f"No user called {username!r}: add --create to create it.")
        if user is None:
            user = users.create_user(username)  # unusable password: set it with changepassword
        call_command("setup_roles", stdout=open("/dev/null", "w"))
        institutes = list(Institute.objects.filter(slug__in=institute))
        unknown = set(institute) - {i.slug for i in institutes}
        if unknown:
            raise CommandError(f"No institute called {', '.join(sorted(unknown))}.")
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        group = NETWORK_EDITORS if network else INSTITUTE_EDITORS
        user.groups.add(Group.objects.get(name=group))
        for item in institutes:
            item.editors.add(user)
            if reviewer:
                item.reviewers.add(user)
        scope = "the whole network" if network else ", ".join(i.short_name for i in institutes)
        role = "an editor and reviewer" if reviewer else "an editor"
        self.stdout.write(self.style.SUCCESS(f"{username} is now {role} of {scope}."))
