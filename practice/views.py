from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from allianz_portal.pagecache import cache_public_page
from offers.models import Offer

from .filters import PracticeExampleFilter
from .models import PracticeExample

PAGE_SIZE = 12


@require_GET
@cache_public_page
def example_list(request):
    filterset = PracticeExampleFilter(request.GET, queryset=PracticeExample.objects.public().for_listing())
    paginator = Paginator(filterset.qs.order_by("-published_at", "title"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("seite"))
    return render(
        request,
        "practice/practiceexample_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "total": paginator.count,
            "notices": filterset.notices(),
            "selected_region": filterset.cleaned("region"),
            "selected_topic": filterset.cleaned("thema"),
            "breadcrumbs": [(None, _("Praxisbeispiele"))],
        },
    )


@require_GET
@cache_public_page
def example_detail(request, slug):
    example = get_object_or_404(
        PracticeExample.objects.public().select_related("kreis__parent").prefetch_related("networks", "topics"),
        slug=slug,
    )
    public = Offer.objects.public().select_related("provider").order_by("title")
    return render(
        request,
        "practice/practiceexample_detail.html",
        {
            "example": example,
            "used_offers": public.filter(practice_examples=example),
            "used_funding": public.filter(funded_practice_examples=example),
            "breadcrumbs": [(reverse("practice:list"), _("Praxisbeispiele")), (None, example.title)],
        },
    )
