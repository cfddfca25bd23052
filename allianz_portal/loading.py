"""Idempotent loading of the reference data and the demo data from `fixtures/`.

Loading twice changes nothing: every record is looked up by its natural key (official key, slug,
number), created when missing and saved only when a value differs. Editorial texts that staff own
after the first load (the legal pages) are created when missing and never overwritten.
"""

import csv
import datetime
import re
import tomllib
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allianz_portal.text import german_slugify

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
REFERENCE = FIXTURES / "reference"
DEMO = FIXTURES / "demo"

# The bracketed placeholders of the first legal-page texts ("[E-Mail-Adresse]", "[Datum]", …), which
# the operator settings replaced (allianz_portal/operator.py); not a Markdown link "[text](url)".
OLD_PLACEHOLDER = re.compile(r"\[(?:E-Mail-Adresse|Datum|Telefonnummer|Anschrift|Name|Postleitzahl)[^\]]*\](?!\()")

NRW_KEY = "05"
BEZIRK_NAMES = {
    "051": "Düsseldorf",
    "053": "Köln",
    "055": "Münster",
    "057": "Detmold",
    "059": "Arnsberg",
}


class FixtureError(Exception):
    """The fixture files contradict themselves (an unknown slug, a bad value)."""


class Loader:
    def __init__(self, log=None):
        self.stats = Counter()
        self.log = log or (lambda message: None)
        self.unrecorded = {}  # (model, pk) -> (record, history type): changes whose history entry is still to write

    # -- generic ---------------------------------------------------------------------------------

    def upsert(self, model, lookup, values, m2m=None, create_only=(), validate=True, one_history_entry=False):
        """Create or update one record and return it; fields in `create_only` are set only on creation.

        `one_history_entry`: simple-history's entries for the save and for each relation are left out; the
        change gets one entry with its final state when `write_history` is called (later changes to the
        same record, e.g. links between the loaded records, go into that entry too)."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup, **values)
        if one_history_entry:
            obj.skip_history_when_saving = True
        if created:
            if validate:
                obj.full_clean()
            obj.save()
            status = "created"
        else:
            changes = [
                name for name, value in values.items() if name not in create_only and getattr(obj, name) != value
            ]
            for name in changes:
                setattr(obj, name, values[name])
            if changes:
                if validate:
                    obj.full_clean()
                obj.save()
                self.log(f"geändert: {model._meta.verbose_name} „{obj}“ ({', '.join(changes)})")
            status = "updated" if changes else "unchanged"
        for name, related in (m2m or {}).items():
            manager = getattr(obj, name)
            if set(manager.values_list("pk", flat=True)) != {item.pk for item in related}:
                manager.set(related)
                if status == "unchanged":
                    status = "updated"
                    self.log(f"geändert: {model._meta.verbose_name} „{obj}“ ({name})")
        if one_history_entry and status != "unchanged":
            self.changed_without_history(obj, "+" if created else "~")
        elif one_history_entry:
            del obj.skip_history_when_saving
        self.record(model, status)
        return obj

    def changed_without_history(self, obj, history_type="~"):
        """`obj` (saved with skip_history_when_saving) changed: its history entry comes with write_history."""
        self.unrecorded.setdefault((type(obj), obj.pk), (obj, history_type))

    def write_history(self, record_history):
        """One history entry per changed record that upsert(one_history_entry=True) left out."""
        for obj, history_type in self.unrecorded.values():
            del obj.skip_history_when_saving
            record_history(obj, history_type)
        self.unrecorded.clear()

    def record(self, model, status, count=1):
        self.stats[(str(model._meta.verbose_name_plural), status)] += count

    def summary(self):
        labels = sorted({label for label, _ in self.stats})
        return [
            f"{label}: {self.stats[(label, 'created')]} neu, {self.stats[(label, 'updated')]} geändert, "
            f"{self.stats[(label, 'unchanged')]} unverändert"
            for label in labels
        ]

    @property
    def changes(self):
        return sum(count for (_, status), count in self.stats.items() if status != "unchanged")

    # -- reference data --------------------------------------------------------------------------

    @transaction.atomic
    def load_reference(self):
        self.load_regions()
        self.load_municipalities()
        institutions = self.load_institutions(read_toml(REFERENCE / "institutions.toml").get("institution", []))
        self.load_board(read_toml(REFERENCE / "board.toml").get("member", []), institutions)
        self.load_networks(read_toml(REFERENCE / "networks.toml").get("network", []))
        self.load_alliance(read_toml(REFERENCE / "alliance.toml"))
        self.load_synonyms()

    def load_synonyms(self):
        """Shipped synonym groups (fixtures/reference/synonyms.json): created once, then the editors'."""
        from search.loading import load_synonyms

        for model, status in load_synonyms(REFERENCE / "synonyms.json"):
            self.record(model, status)

    def load_regions(self):
        from regions import coverage
        from regions.models import Region

        nrw = self.upsert(
            Region, {"official_key": NRW_KEY}, {"name": "Nordrhein-Westfalen", "slug": "nrw", "kind": "land"}
        )
        bezirke = {
            code: self.upsert(
                Region,
                {"official_key": code},
                {
                    "name": f"Regierungsbezirk {name}",
                    "slug": german_slugify(f"Regierungsbezirk {name}"),
                    "kind": Region.Kind.REGIERUNGSBEZIRK,
                    "parent": nrw,
                },
            )
            for code, name in BEZIRK_NAMES.items()
        }
        kreise = {}
        for row in read_csv(REFERENCE / "nrw-kreise.csv"):
            kind = Region.Kind.KREISFREIE_STADT if row["kind"] == "Kreisfreie Stadt" else Region.Kind.KREIS
            name = kreis_display_name(row["name"], kind)
            kreise[row["ags"]] = self.upsert(
                Region,
                {"official_key": row["ags"]},
                {
                    "name": name,
                    "slug": german_slugify(name),
                    "kind": kind,
                    "parent": bezirke[row["regierungsbezirk_code"]],
                },
            )
        cooperation = {}
        for row in read_csv(REFERENCE / "nrw-regionen.csv"):
            entry = cooperation.setdefault(
                row["slug"], {"name": row["name"], "organisation": row["organisation"], "members": []}
            )
            if row["kreis_ags"] not in kreise:
                raise FixtureError(f"nrw-regionen.csv: unbekannter Kreisschlüssel {row['kreis_ags']}")
            entry["members"].append(kreise[row["kreis_ags"]])
        for slug, entry in cooperation.items():
            self.upsert(
                Region,
                {"slug": slug},
                {"name": entry["name"], "kind": Region.Kind.COOPERATION, "organisation": entry["organisation"]},
                m2m={"members": entry["members"]},
            )
        coverage.clear_cache()

    def load_municipalities(self):
        from regions import places
        from regions.models import Municipality, PostalCode, Region

        kreise = {region.official_key: region for region in Region.objects.kreise()}
        rows = read_csv(REFERENCE / "nrw-plz-orte.csv")
        municipalities = {}
        for row in rows:
            key = row["gemeinde_ags"]
            if key not in municipalities:
                if row["kreis_ags"] not in kreise:
                    raise FixtureError(f"nrw-plz-orte.csv: unbekannter Kreisschlüssel {row['kreis_ags']}")
                municipalities[key] = self.upsert(
                    Municipality,
                    {"official_key": key},
                    {"name": row["gemeinde"], "kreis": kreise[row["kreis_ags"]]},
                    validate=False,
                )
        existing = set(PostalCode.objects.values_list("code", "municipality__official_key"))
        wanted = {(row["plz"], row["gemeinde_ags"]) for row in rows}
        missing = sorted(wanted - existing)
        PostalCode.objects.bulk_create(
            [PostalCode(code=code, municipality=municipalities[key]) for code, key in missing]
        )
        self.record(PostalCode, "created", len(missing))
        places.clear_cache()  # bulk_create sends no signal
        self.record(PostalCode, "unchanged", len(wanted) - len(missing))

    def load_institutions(self, rows, is_demo=False):
        from partners.models import Institution
        from regions.models import Region

        regions = {region.slug: region for region in Region.objects.all()}
        institutions = {}
        for row in rows:
            seat = row.get("seat")
            if seat and seat not in regions:
                raise FixtureError(f"Institution {row['slug']}: unbekannter Sitz {seat!r}")
            institutions[row["slug"]] = self.upsert(
                Institution,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "short_name": row.get("short_name", ""),
                    "kind": row["kind"],
                    "website": row.get("website", ""),
                    "seat": regions.get(seat) if seat else None,
                    "description": row.get("description", "").strip(),
                    "is_alliance_partner": row.get("alliance_partner", False),
                    "is_demo": is_demo,
                },
            )
        return institutions

    def load_board(self, rows, institutions):
        from partners.models import BoardMember

        for row in rows:
            if row["institution"] not in institutions:
                raise FixtureError(f"Board: unbekannte Institution {row['institution']!r}")
            self.upsert(
                BoardMember,
                {"first_name": row["first_name"], "last_name": row["last_name"], "term_start": row["term_start"]},
                {
                    "title": row.get("title", ""),
                    "function": row["function"],
                    "institution": institutions[row["institution"]],
                    "group": row["group"],
                    "order": row.get("order", 0),
                    "term_end": row.get("term_end"),
                },
            )

    def load_networks(self, rows):
        from partners.models import Institution
        from regions.models import Region, RegionalNetwork, TransferFormat

        regions = {region.slug: region for region in Region.objects.all()}
        for row in rows:
            unknown = [slug for slug in row.get("regions", []) if slug not in regions]
            if unknown:
                raise FixtureError(f"Netzwerk {row['slug']}: unbekannte Regionen {unknown}")
            institution = None
            if row.get("institution"):
                institution = Institution.objects.filter(slug=row["institution"]).first()
                if institution is None:
                    raise FixtureError(f"Netzwerk {row['slug']}: unbekannte Institution {row['institution']!r}")
            network = self.upsert(
                RegionalNetwork,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "short_name": row.get("short_name", ""),
                    "kind": row["kind"],
                    "website": row.get("website", ""),
                    "founded": row.get("founded"),
                    "institution": institution,
                    "description": row.get("description", "").strip(),
                    "offers_for_smes": row.get("offers_for_smes", "").strip(),
                    "transferable_methods": row.get("transferable_methods", "").strip(),
                    "success_factors": row.get("success_factors", "").strip(),
                    "lessons_learned": row.get("lessons_learned", "").strip(),
                },
                m2m={"regions": [regions[slug] for slug in row.get("regions", [])]},
            )
            for item in row.get("formats", []):
                self.upsert(
                    TransferFormat,
                    {"network": network, "name": item["name"]},
                    {
                        "start_year": item.get("start_year"),
                        "end_year": item.get("end_year"),
                        "description": item.get("description", "").strip(),
                    },
                )

    def load_alliance(self, data):
        from alliance.models import Page, Recommendation, Thesis
        from regions.models import RegionalNetwork

        about = data.get("about")
        if about:
            self.upsert(
                Page,
                {"slug": Page.Key.ABOUT},
                {"title": about["title"], "lead": about.get("lead", ""), "body": about["body"].strip()},
                create_only=("title", "lead", "body"),
            )
        for row in data.get("page", []):
            stored = Page.objects.filter(slug=row["slug"]).values_list("body", flat=True).first()
            self.upsert(
                Page,
                {"slug": row["slug"]},
                {"title": row["title"], "lead": row.get("lead", ""), "body": row["body"].strip()},
                # A page still showing the first seed's placeholders was never edited: replace it.
                create_only=() if stored and OLD_PLACEHOLDER.search(stored) else ("title", "lead", "body"),
            )
        for row in data.get("thesis", []):
            self.upsert(Thesis, {"number": row["number"]}, {"title": row["title"], "text": row["text"].strip()})
        networks = {network.slug: network for network in RegionalNetwork.objects.all()}
        for row in data.get("recommendation", []):
            topics = [self.topic(name) for name in row.get("topics", [])]
            unknown = [slug for slug in row.get("networks", []) if slug not in networks]
            if unknown:
                raise FixtureError(f"Empfehlung {row['number']}: unbekannte Netzwerke {unknown}")
            self.upsert(
                Recommendation,
                {"number": row["number"]},
                {"title": row["title"], "text": row["text"].strip(), "offer_types": row.get("offer_types", [])},
                m2m={"topics": topics, "networks": [networks[slug] for slug in row.get("networks", [])]},
            )

    def topic(self, name):
        from offers.models import Topic

        topic = Topic.objects.filter(name__iexact=name).first()
        if topic is None:
            topic = Topic.objects.create(name=name)
            self.record(Topic, "created")
        return topic

    # -- demo data -------------------------------------------------------------------------------

    @transaction.atomic
    def load_demo(self, today=None):
        from offers.models import InnovationDimension, Offer, TargetGroup, record_offer_history
        from partners.models import Institution
        from regions.models import Region, RegionalNetwork

        today = today or timezone.localdate()
        data = read_toml(DEMO / "offers.toml")
        self.load_institutions(data.get("institution", []), is_demo=True)
        institutions = {institution.slug: institution for institution in Institution.objects.all()}
        networks = {network.slug: network for network in RegionalNetwork.objects.all()}
        regions = {region.slug: region for region in Region.objects.all()}
        groups = {group.slug: group for group in TargetGroup.objects.all()}
        dimensions = {dimension.slug: dimension for dimension in InnovationDimension.objects.all()}

        def day(offset):
            return None if offset is None else today + datetime.timedelta(days=offset)

        def pick(mapping, keys, what, slug):
            unknown = [key for key in keys if key not in mapping]
            if unknown:
                raise FixtureError(f"Angebot {slug}: unbekannte {what} {unknown}")
            return [mapping[key] for key in keys]

        rows = data.get("offer", [])
        facts = read_toml(DEMO / "facts.toml")
        unknown = sorted(set(facts) - {row["slug"] for row in rows})
        if unknown:
            raise FixtureError(f"facts.toml: unbekannte Angebote {unknown}")
        offers = {}
        now = timezone.now()
        for index, row in enumerate(rows):
            slug = row["slug"]
            (provider,) = pick(institutions, [row["provider"]], "Anbieter", slug)
            network = pick(networks, [row["network"]], "Netzwerke", slug)[0] if row.get("network") else None
            offer = self.upsert(
                Offer,
                {"slug": slug},
                {
                    "title": row["title"],
                    "summary": row["summary"].strip(),
                    "description": row["description"].strip(),
                    "provider": provider,
                    "network": network,
                    "offer_type": row["offer_type"],
                    "cost": row["cost"],
                    "format": row["format"],
                    "contact_name": row.get("contact_name", ""),
                    "contact_email": row.get("contact_email", ""),
                    "contact_phone": row.get("contact_phone", ""),
                    "url": row.get("url", ""),
                    "start_date": day(row.get("start_in_days")),
                    "end_date": day(row.get("end_in_days")),
                    "deadline": day(row.get("deadline_in_days")),
                    "status": Offer.Status.PUBLISHED,
                    "published_at": now - datetime.timedelta(days=(index * 3) % 200, hours=index),
                    "last_verified": day(-row.get("verified_days_ago", 30)),
                    "is_demo": True,
                    **offer_facts(facts.get(slug, {})),
                },
                m2m={
                    "target_groups": pick(groups, row.get("target_groups", []), "Zielgruppen", slug),
                    "dimensions": pick(dimensions, row.get("dimensions", []), "Dimensionen", slug),
                    "coverage": pick(regions, row.get("coverage", []), "Regionen", slug),
                    "topics": [self.topic(name) for name in sorted(row.get("topics", []))],
                },
                create_only=("published_at",),
                one_history_entry=True,
            )
            offers[slug] = offer
        for row in rows:
            funders = pick(offers, row.get("funded_by", []), "Förderangebote", row["slug"])
            offer = offers[row["slug"]]
            if set(offer.funded_by.values_list("pk", flat=True)) != {funder.pk for funder in funders}:
                offer.skip_history_when_saving = True
                offer.funded_by.set(funders)
                self.changed_without_history(offer)
        self.write_history(record_offer_history)  # one entry per new or changed offer, relations included
        self.load_practice(read_toml(DEMO / "practice.toml").get("example", []), offers, networks, regions)
        self.load_demand_demo(read_toml(DEMO / "demand.toml"), institutions, regions, today)
        return offers

    def load_practice(self, rows, offers, networks, regions):
        """Demo practice examples (flagged `is_demo`), linked to the demo offers and the networks."""
        from practice.models import PracticeExample

        now = timezone.now()
        for index, row in enumerate(rows):
            slug = row["slug"]
            unknown = [key for key in (*row.get("offers", []), *row.get("funding", [])) if key not in offers]
            unknown += [key for key in row.get("networks", []) if key not in networks]
            if unknown or row["kreis"] not in regions:
                raise FixtureError(f"Praxisbeispiel {slug}: unbekannt {unknown or row['kreis']}")
            self.upsert(
                PracticeExample,
                {"slug": slug},
                {
                    "title": row["title"],
                    "summary": row["summary"].strip(),
                    "company_name": row.get("company_name", ""),
                    "company_size": row["company_size"],
                    "kreis": regions[row["kreis"]],
                    "sector": row["sector"],
                    "challenge": row["challenge"].strip(),
                    "approach": row["approach"].strip(),
                    "result": row["result"].strip(),
                    "lessons": row.get("lessons", "").strip(),
                    "status": PracticeExample.Status.PUBLISHED,
                    "published_at": now - datetime.timedelta(days=7 * index + 1),
                    "is_demo": True,
                },
                m2m={
                    "offers": [offers[key] for key in row.get("offers", [])],
                    "funding": [offers[key] for key in row.get("funding", [])],
                    "networks": [networks[key] for key in row.get("networks", [])],
                    "topics": [self.topic(name) for name in row.get("topics", [])],
                },
                create_only=("published_at",),
            )

    def load_demand_demo(self, data, institutions, regions, today):
        """Demo contact points (demo institutions with example.org addresses) and Bedarfsradar counts."""
        from demand.models import DemandCount, first_of_month
        from offers.models import Topic

        for row in data.get("contact_point", []):
            institution = institutions.get(row["institution"])
            if institution is None or not institution.is_demo:
                raise FixtureError(f"Anlaufstelle {row['institution']!r}: keine Beispiel-Institution")
            wanted = [regions[slug] for slug in row["regions"] if slug in regions]
            if len(wanted) != len(row["regions"]):
                raise FixtureError(f"Anlaufstelle {row['institution']}: unbekannte Region in {row['regions']}")
            if not institution.is_contact_point or institution.email != row["email"]:
                institution.is_contact_point, institution.email = True, row["email"]
                institution.save(update_fields=["is_contact_point", "email"])
                self.record(type(institution), "updated")
            institution.contact_regions.set(wanted)

        months = [first_of_month(today)]
        for _ in range(11):
            months.append(first_of_month(months[-1] - datetime.timedelta(days=1)))
        counts = []
        for row in data.get("demand", []):
            if row["region"] not in regions:
                raise FixtureError(f"Nachfrage: unbekannte Region {row['region']!r}")
            topics = [Topic.objects.get(name=name) for name in row["topics"]]
            series = row["per_month"][-12:]
            for month, count in zip(months[: len(series)], reversed(series), strict=True):
                for topic in [None, *topics]:
                    counts.append(
                        DemandCount(
                            month=month,
                            kind=row["kind"],
                            region=regions[row["region"]],
                            topic=topic,
                            count=count,
                            is_demo=True,
                        )
                    )
        fields = ("month", "kind", "region_id", "topic_id", "count")
        existing = DemandCount.objects.filter(is_demo=True)
        if set(existing.values_list(*fields)) == {tuple(getattr(c, f) for f in fields) for c in counts}:
            self.record(DemandCount, "unchanged", len(counts))
            return
        existing.delete()
        DemandCount.objects.bulk_create(counts)
        self.record(DemandCount, "created", len(counts))


def offer_facts(row):
    """The funding and cost fields of one entry of fixtures/demo/facts.toml (missing ones emptied)."""
    sizes = row.get("sizes", [])
    unknown = set(sizes) - {"kleinst", "klein", "mittel"}
    if unknown:
        raise FixtureError(f"facts.toml: unbekannte Unternehmensgrößen {sorted(unknown)}")
    return {
        **{name: row.get(name) for name in ("max_amount", "rate_micro", "rate_small", "rate_medium", "price_from")},
        "own_contribution": row.get("own_contribution", ""),
        "duration": row.get("duration", ""),
        "for_micro": "kleinst" in sizes,
        "for_small": "klein" in sizes,
        "for_medium": "mittel" in sizes,
    }


def kreis_display_name(name, kind):
    """ "Gütersloh" (Kreis) -> "Kreis Gütersloh"; names that already say what they are stay as they are."""
    from regions.models import Region

    lowered = name.lower()
    if kind == Region.Kind.KREIS and "kreis" not in lowered and "städteregion" not in lowered:
        return f"Kreis {name}"
    return name


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_toml(path):
    if not path.exists():
        raise FixtureError(f"Datei fehlt: {path}")
    with open(path, "rb") as handle:
        return tomllib.load(handle)
