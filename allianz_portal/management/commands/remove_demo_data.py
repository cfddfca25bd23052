from django.core.management.base import BaseCommand
from django.db import transaction

from demand.models import DemandCount
from offers.models import Offer
from partners.models import Institution
from practice.models import PracticeExample


class Command(BaseCommand):
    help = "Entfernt alle als Beispieldaten markierten Angebote und Institutionen."

    @transaction.atomic
    def handle(self, *args, **options):
        examples, _ = PracticeExample.objects.filter(is_demo=True).delete()
        DemandCount.objects.filter(is_demo=True).delete()
        offers, _ = Offer.objects.filter(is_demo=True).delete()
        institutions, _ = Institution.objects.filter(is_demo=True, offers__isnull=True).delete()
        self.stdout.write(
            self.style.SUCCESS(
                f"Entfernt: {offers} Einträge zu Angeboten, {examples} zu Praxisbeispielen, "
                f"{institutions} zu Institutionen."
            )
        )
