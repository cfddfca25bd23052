from django.core.cache import cache

DEMO_NOTICE_CACHE_KEY = "portal:demo-offers-public"


def portal(request):
    """Site-wide flags for the base template."""
    return {"show_demo_notice": demo_offers_are_public()}


def demo_offers_are_public():
    flag = cache.get(DEMO_NOTICE_CACHE_KEY)
    if flag is None:
        from offers.models import Offer

        flag = Offer.objects.public().filter(is_demo=True).exists()
        cache.set(DEMO_NOTICE_CACHE_KEY, flag, timeout=300)
    return flag
