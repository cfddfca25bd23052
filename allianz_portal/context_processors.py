from django.core.cache import cache


def portal(request):
    """Site-wide flags for the base template."""
    return {"show_demo_notice": demo_offers_are_public()}


def demo_offers_are_public():
    from offers.facets import data_version
    from offers.models import Offer

    key = f"portal:demo-offers-public:{data_version()}"
    flag = cache.get(key)
    if flag is None:
        flag = Offer.objects.public().filter(is_demo=True).exists()
        cache.set(key, flag, timeout=300)  # scheduled publications may change it without a save
    return flag
