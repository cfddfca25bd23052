"""Synthetic offers for load tests and benchmarks (`make bench`) – never for production or presentations.

Everything is written with `bulk_create` in batches (offers and every many-to-many row), the denormalised
search fields are filled directly, and the data version is bumped once at the end, so 100,000 offers take
well under two minutes on PostgreSQL. The offers are published and flagged `is_demo`
(`remove_demo_data` deletes them again).
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from allianz_portal.dates import add_months
from allianz_portal.freshness import bump_data_version
from allianz_portal.text import german_slugify
from offers.models import InnovationDimension, Offer, TaggedOffer, TargetGroup, Topic
from offers.signals import offers_bulk_created
from partners.models import Institution
from regions.models import Region, RegionalNetwork

BATCH = 5000

KINDS = {
    Offer.OfferType.CONSULTING: ["Beratung", "Erstberatung", "Sprechstunde", "Potenzialanalyse", "Check"],
    Offer.OfferType.FUNDING: ["Förderprogramm", "Gutschein", "Zuschuss", "Förderaufruf", "Darlehen"],
    Offer.OfferType.TRAINING: ["Seminar", "Zertifikatskurs", "Workshop-Reihe", "Lehrgang", "Online-Kurs"],
    Offer.OfferType.EVENT: ["Fachtag", "Netzwerktreffen", "Konferenz", "Praxisforum", "Unternehmerfrühstück"],
    Offer.OfferType.LAB: ["Lernfabrik", "Testfeld", "Demonstrator", "Reallabor", "Showroom"],
    Offer.OfferType.RESEARCH: ["Transferprojekt", "Forschungskooperation", "Machbarkeitsstudie", "Innovationsprojekt"],
    Offer.OfferType.NETWORK: ["Netzwerk", "Plattform", "Arbeitskreis", "Community", "Kompetenzzentrum"],
}
TYPE_WEIGHTS = [25, 15, 20, 15, 8, 7, 10]
ADJECTIVES = [
    "Digitale", "Nachhaltige", "Vernetzte", "Smarte", "Resiliente", "Agile", "Regionale", "Sichere", "Offene",
    "Mobile", "Kooperative", "Datenbasierte", "Klimaneutrale", "Innovative", "Flexible", "Faire",
]  # fmt: skip
NOUNS = [
    "Produktion", "Logistik", "Lieferketten", "Verwaltung", "Pflege", "Landwirtschaft", "Energieversorgung",
    "Bauwirtschaft", "Gastronomie", "Einzelhandel", "Werkstatt", "Instandhaltung", "Personalführung",
    "Ausbildung", "Kundenkommunikation", "Buchhaltung", "Mobilität", "Lagerhaltung", "Qualitätsprüfung",
    "Beschaffung", "Arbeitsorganisation", "Teamarbeit", "Schichtplanung", "Wartung", "Kreislaufführung",
]  # fmt: skip
AUDIENCES = [
    "für kleine Betriebe", "für das Handwerk", "für Gründerinnen und Gründer", "im Mittelstand",
    "für Beschäftigte", "für Betriebsräte", "für Führungskräfte", "für Auszubildende", "in der Region",
    "für Start-ups", "für Familienunternehmen", "für Produktionsbetriebe",
]  # fmt: skip
SENTENCES = [
    "Wir begleiten Ihr Unternehmen von der ersten Idee bis zur Umsetzung im Betrieb.",
    "Expertinnen und Experten aus Hochschulen und Praxis teilen ihre Erfahrungen.",
    "Die Teilnahme ist nach vorheriger Anmeldung möglich; die Plätze sind begrenzt.",
    "Im Mittelpunkt stehen konkrete Fragen aus Ihrem Arbeitsalltag.",
    "Beschäftigte und Geschäftsführung erarbeiten gemeinsam die nächsten Schritte.",
    "Sie lernen Werkzeuge kennen, die sich ohne große Investitionen einsetzen lassen.",
    "Ein kurzer Selbstcheck zeigt, wo Ihr Betrieb heute steht.",
    "Der Austausch mit anderen Unternehmen aus der Region ist ausdrücklich erwünscht.",
    "Förderfähig sind Sach- und Personalausgaben kleiner und mittlerer Unternehmen.",
    "Das Angebot wird aus Mitteln des Landes Nordrhein-Westfalen unterstützt.",
    "Ergebnisse werden dokumentiert und stehen allen Beteiligten zur Verfügung.",
    "Auf Wunsch kommen wir zu Ihnen in den Betrieb.",
]


class Command(BaseCommand):
    help = (
        "NUR FÜR BENCHMARKS: erzeugt N erfundene, veröffentlichte Angebote (als Beispieldaten markiert) "
        "mit Themen, Gebieten, Zielgruppen und Terminen – per bulk_create, 100.000 in unter zwei Minuten "
        "auf PostgreSQL. Nie in Produktion verwenden; `remove_demo_data` entfernt sie wieder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Anzahl der Angebote")
        parser.add_argument("--seed", type=int, default=1, help="Startwert des Zufallsgenerators (Standard 1)")
        parser.add_argument("--topics", type=int, default=300, help="zusätzliche Themen (Standard 300)")

    def handle(self, *args, count, seed, topics, verbosity=1, **options):
        if count < 0 or count > 5_000_000:
            raise CommandError("--count muss zwischen 0 und 5.000.000 liegen.")
        started = time.monotonic()
        rng = random.Random(seed)
        with transaction.atomic():
            vocab = self.vocabularies(rng, topics)
        created = 0
        start_number = (Offer.objects.aggregate(Max("pk"))["pk__max"] or 0) + 1
        for first in range(0, count, BATCH):
            size = min(BATCH, count - first)
            with transaction.atomic():
                self.create_batch(rng, vocab, start_number + first, size)
            created += size
            if verbosity > 1:
                self.stdout.write(f"  {created} Angebote ({time.monotonic() - started:.1f} s)")
        bump_data_version()
        if verbosity:
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"{created} Beispiel-Angebote erzeugt in {seconds:.1f} s."))

    # -- reference rows ------------------------------------------------------------------------

    def vocabularies(self, rng, extra_topics):
        regions = list(Region.objects.values_list("pk", "kind"))
        by_kind = {}
        for pk, kind in regions:
            by_kind.setdefault(kind, []).append(pk)
        if not by_kind.get(Region.Kind.LAND):
            raise CommandError("Keine Regionen gefunden – bitte zuerst `load_reference_data` ausführen.")
        providers = list(Institution.objects.values_list("pk", "name", "short_name"))
        if not providers:
            raise CommandError("Keine Institutionen gefunden – bitte zuerst `load_reference_data` ausführen.")
        names = set(Topic.objects.values_list("name", flat=True))
        wanted = [f"{adjective} {noun}" for adjective in ADJECTIVES for noun in NOUNS]
        rng.shuffle(wanted)
        new = [name for name in wanted[:extra_topics] if name not in names]
        Topic.objects.bulk_create(
            [Topic(name=name, slug=german_slugify(name)[:90]) for name in new], ignore_conflicts=True
        )
        topics = list(Topic.objects.values_list("pk", "name"))
        rng.shuffle(topics)  # popularity (Zipf-like) falls along this order
        return {
            "land": by_kind[Region.Kind.LAND],
            "bezirke": by_kind.get(Region.Kind.REGIERUNGSBEZIRK, []),
            "cooperation": by_kind.get(Region.Kind.COOPERATION, []),
            "kreise": by_kind.get(Region.Kind.KREIS, []) + by_kind.get(Region.Kind.KREISFREIE_STADT, []),
            "providers": [(pk, " ".join(part for part in (name, short) if part)) for pk, name, short in providers],
            "networks": list(RegionalNetwork.objects.values_list("pk", flat=True)),
            "topics": topics,
            "topic_weights": [1 / (rank + 1) ** 0.8 for rank in range(len(topics))],
            "groups": list(TargetGroup.objects.values_list("pk", flat=True)),
            "dimensions": list(InnovationDimension.objects.values_list("pk", flat=True)),
        }

    # -- offers ----------------------------------------------------------------------------------

    def create_batch(self, rng, vocab, number, size):
        now = timezone.now()
        today = timezone.localdate(now)
        offers, relations = [], []
        for n in range(number, number + size):
            offer, related = self.make_offer(rng, vocab, n, now, today)
            offers.append(offer)
            relations.append(related)
        Offer.objects.bulk_create(offers, batch_size=BATCH)
        coverage, tagged, groups, dimensions = [], [], [], []
        Coverage = Offer.coverage.through
        Groups = Offer.target_groups.through
        Dimensions = Offer.dimensions.through
        for offer, (region_ids, topic_ids, group_ids, dimension_ids) in zip(offers, relations, strict=True):
            coverage += [Coverage(offer_id=offer.pk, region_id=pk) for pk in region_ids]
            tagged += [TaggedOffer(content_object_id=offer.pk, tag_id=pk) for pk in topic_ids]
            groups += [Groups(offer_id=offer.pk, targetgroup_id=pk) for pk in group_ids]
            dimensions += [Dimensions(offer_id=offer.pk, innovationdimension_id=pk) for pk in dimension_ids]
        Coverage.objects.bulk_create(coverage, batch_size=BATCH)
        TaggedOffer.objects.bulk_create(tagged, batch_size=BATCH)
        Groups.objects.bulk_create(groups, batch_size=BATCH)
        Dimensions.objects.bulk_create(dimensions, batch_size=BATCH)
        # bulk_create bypasses save(): tell the apps that derive data from offers (the search documents)
        offers_bulk_created.send(sender=Offer, pks=[offer.pk for offer in offers])

    def make_offer(self, rng, vocab, n, now, today):
        offer_type = rng.choices(list(KINDS), weights=TYPE_WEIGHTS)[0]
        topics = rng.choices(vocab["topics"], weights=vocab["topic_weights"], k=rng.choice((1, 2, 2, 3, 3, 4)))
        topics = list(dict(topics).items())  # unique by pk, first name kept
        main = topics[0][1]
        kind = rng.choice(KINDS[offer_type])
        title = rng.choice(
            [f"{kind} {main}", f"{main}: {kind} {rng.choice(AUDIENCES)}", f"{kind} „{main}“ {rng.choice(AUDIENCES)}"]
        )[:200]
        summary = f"{kind} zu {main}" + (f" und {topics[1][1]}" if len(topics) > 1 else "") + ". "
        summary = (summary + " ".join(rng.sample(SENTENCES, 2)))[:300]
        paragraphs = [" ".join(rng.sample(SENTENCES, 3)) for _ in range(rng.randint(2, 4))]
        description = "\n\n".join([*paragraphs, "**Themen:**\n" + "\n".join(f"- {name}" for _pk, name in topics)])
        provider_id, provider_name = rng.choice(vocab["providers"])
        start = end = deadline = None
        if offer_type in (Offer.OfferType.EVENT, Offer.OfferType.TRAINING):
            start = today + datetime.timedelta(days=rng.randint(-300, 300))
            if offer_type == Offer.OfferType.TRAINING or rng.random() < 0.3:
                end = start + datetime.timedelta(days=rng.randint(0, 90))
        if offer_type in (Offer.OfferType.FUNDING, Offer.OfferType.RESEARCH) and rng.random() < 0.5:
            deadline = today + datetime.timedelta(days=rng.randint(-200, 400))
        scheduled = rng.random() < 0.002
        published_at = now + datetime.timedelta(days=rng.uniform(1, 90) if scheduled else -rng.uniform(0, 1000))
        last_verified = today - datetime.timedelta(days=rng.randint(0, 500))
        slug = f"{german_slugify(title)[:150]}-g{n}"
        offer = Offer(
            title=title,
            slug=slug,
            summary=summary,
            description=description,
            provider_id=provider_id,
            provider_name=provider_name,
            network_id=rng.choice(vocab["networks"]) if vocab["networks"] and rng.random() < 0.2 else None,
            offer_type=offer_type,
            cost=rng.choices(list(Offer.Cost), weights=[50, 30, 20])[0],
            format=rng.choices(list(Offer.Format), weights=[50, 30, 20])[0],
            contact_name="Team Transfer",
            contact_email=f"transfer{n % 97}@example.org",
            url=f"https://example.org/angebote/{n}",
            start_date=start,
            end_date=end,
            deadline=deadline,
            status=Offer.Status.PUBLISHED,
            published_at=published_at,
            last_verified=last_verified,
            review_due=add_months(last_verified, 12),
            is_demo=True,
            topic_names=", ".join(sorted(name for _pk, name in topics)),
        )
        return offer, (
            self.coverage(rng, vocab),
            [pk for pk, _name in topics],
            rng.sample(vocab["groups"], k=min(len(vocab["groups"]), rng.randint(1, 3))),
            rng.sample(vocab["dimensions"], k=min(len(vocab["dimensions"]), rng.randint(0, 2))),
        )

    def coverage(self, rng, vocab):
        roll = rng.random()
        if roll < 0.25 or not vocab["kreise"]:
            return vocab["land"][:1]
        if roll < 0.40 and vocab["bezirke"]:
            return [rng.choice(vocab["bezirke"])]
        if roll < 0.55 and vocab["cooperation"]:
            return [rng.choice(vocab["cooperation"])]
        return rng.sample(vocab["kreise"], k=min(len(vocab["kreise"]), rng.choice((1, 1, 1, 2, 3))))
