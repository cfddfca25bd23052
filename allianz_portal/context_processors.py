def portal(request):
    """Site-wide flags for the base template."""
    return {"show_demo_notice": demo_offers_are_public()}


def demo_offers_are_public():
    from allianz_portal.freshness import per_state
    from offers.models import Offer

    return per_state("demo-offers-public", lambda: Offer.objects.public().filter(is_demo=True).exists())
