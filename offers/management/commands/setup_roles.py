from django.core.management.base import BaseCommand

from offers.roles import ensure_roles


class Command(BaseCommand):
    help = "Creates or completes the groups „Redaktion“ and „Partner-Redaktion“ (idempotent)."

    def handle(self, *args, **options):
        for group, count in ensure_roles().items():
            self.stdout.write(f"{group}: {count} Berechtigungen ergänzt")
