from django.http import HttpResponse


def floor(request):
    """The floor: a constant page through the same middleware, without database or template.

    Routed only when settings.BENCH_FLOOR is on (`make bench`), never in normal production.
    """
    return HttpResponse("Transferportal NRW – Messboden\n", content_type="text/plain; charset=utf-8")
