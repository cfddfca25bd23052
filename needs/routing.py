"""Which contact points a need goes to: institutions flagged "Anlaufstelle" with an e-mail address whose
regions include the need's Kreis (the coverage rule of regions/coverage.py)."""

from partners.models import Institution
from regions import coverage


def contact_points(kreis):
    sets = coverage.kreis_sets()
    candidates = (
        Institution.objects.filter(is_contact_point=True)
        .exclude(email="")
        .prefetch_related("contact_regions")
        .order_by("name")
    )
    return [
        institution
        for institution in candidates
        if any(kreis.pk in sets.get(region.pk, ()) for region in institution.contact_regions.all())
    ]
