from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from unumn.permissions import role_permissions


class Command(BaseCommand):
    """Create the editor groups with exactly their permissions (idempotent: run it
    again after a change to ``unumn/permissions.py`` and the groups follow)."""

    help = "Create or update the 'Network editors' and 'Institute editors' groups."

    def handle(self, *args, **options):
        for name, models in role_permissions().items():
            group, created = Group.objects.get_or_create(name=name)
            permissions = []
            for label, actions in models.items():
                app_label, model = label.split(".")
                for action in actions:
                    permissions.append(
                        Permission.objects.get(
                            content_type__app_label=app_label, codename=f"{action}_{model}"
                        )
                    )
            group.permissions.set(permissions)
            verb = "created" if created else "updated"
            self.stdout.write(f"{name}: {verb}, {len(permissions)} permissions")
