from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateformat import format as date_format
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from allianz_portal.pagecache import cache_public_page
from search import engine

from . import workflow
from .facets import FACETS, IndexedResults, facet_index, remembered_mask, union
from .filters import OfferFilter
from .models import COMPANY_SIZE_THRESHOLDS, Offer
from .stats import offers_by_pk

DATE_FILTERS = {"frist_bis": _("Frist bis"), "termin_von": _("Termin ab"), "termin_bis": _("Termin bis")}

MULTI_VALUE = {"art", "thema", "zielgruppe", "dimension", "groesse", "kosten", "format"}
FACET_LABELS = {
    "region": _("Region"),
    "art": _("Angebotsart"),
    "thema": _("Thema"),
    "zielgruppe": _("Zielgruppe"),
    "dimension": _("Innovationsdimension"),
    "groesse": _("Unternehmensgröße"),
    "kosten": _("Kosten"),
    "foerderung": _("Förderung ab"),
    "format": pgettext_lazy("offer format", "Format"),
    "netzwerk": _("Netzwerk"),
    "anbieter": _("Anbieter"),
}


# Markers for counting on the server (demand.middleware reads and removes them, also from cached pages):
# the public offer a detail page shows, and a list that found nothing for a search or filter.
OFFER_HEADER = "X-Portal-Offer"
EMPTY_LIST_HEADER = "X-Portal-Empty-List"


class PublicOfferMixin:
    def get_queryset(self):
        return Offer.objects.public().for_listing()


@method_decorator(cache_public_page, name="dispatch")
class OfferListView(PublicOfferMixin, ListView):
    paginate_by = 20
    page_kwarg = "seite"
    template_name = "offers/offer_list.html"

    def get_queryset(self):
        """The matching offers as an `IndexedResults`: filtered and counted in the facet index (no
        query), sorted by its stored orders or by search.engine's ranking; only the shown page is
        read from the database."""
        self.filterset = OfferFilter(self.request.GET, queryset=super().get_queryset())
        index = self.filterset.index
        query = self.filterset.cleaned("q")
        self.result = engine.search(query) if query else None
        self.suggestion = self.result.suggestion if self.result else None
        if self.suggestion:
            # The corrected words were searched: the form, chips and links show the corrected query.
            data = self.filterset.link_data()
            data["q"] = self.suggestion
            self.filterset = OfferFilter(data, queryset=super().get_queryset(), index=index)
        searchable = self.result is not None and self.result.searchable
        # A query of only punctuation or filler narrows nothing.
        self.search_bits = index.mask(self.result.pks) if searchable else index.everything
        self.base = self.candidates()
        self.matching = index.matching(self.base, self.filterset.selections())
        sort = self.filterset.ordering
        # Relevance needs words to rank by; a query of only punctuation keeps the bit order (newest first).
        rank = self.relevance_page if sort == "relevanz" and searchable else None
        return IndexedResults(index, self.matching, sort, fetch=offers_by_pk, rank=rank)

    def relevance_page(self, start, stop):
        """pks from `start` to `stop` in the engine's order, among the offers the filters leave."""
        positions = self.filterset.index.positions
        flags = self.matching.to_bytes((len(positions) + 8) // 8, "little")
        found = []
        for pk in self.result.pks:
            position = positions.get(pk)
            if position is not None and flags[position >> 3] >> (position & 7) & 1:
                found.append(pk)
                if len(found) == stop:
                    break
        return found[start:stop]

    def paginate_queryset(self, queryset, page_size):
        """Out-of-range pages show the last page, garbage shows the first – with a notice, never an error."""
        paginator = Paginator(queryset, page_size)
        raw = self.request.GET.get(self.page_kwarg, "1")
        self.page_notice = None
        try:
            page = paginator.page(raw)
        except PageNotAnInteger:
            page = paginator.page(1)
            self.page_notice = _("Die Seitenzahl war ungültig – wir zeigen die erste Seite.")
        except EmptyPage:
            number = paginator.num_pages if _is_int(raw) and int(raw) > 1 else 1
            page = paginator.page(number)
            self.page_notice = gettext("Diese Seite gibt es nicht – wir zeigen Seite %(number)s.") % {"number": number}
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        index = filterset.index
        selections = filterset.selections()
        place = filterset.place
        counts = index.count(self.base, selections)
        total = context["paginator"].count
        notices = filterset.notices()
        if self.page_notice:
            notices.append(self.page_notice)
        result = self.result
        zero_result = result is not None and result.searchable and not result.pks
        if zero_result and not self.request.GET.get("seite"):
            engine.record_zero_result(self.request.GET.get("q", ""))
        searched = result is not None and result.searchable
        full = (self.matching & index.mask(result.full)).bit_count() if searched else total
        page = context["page_obj"]
        partial_at = full - (page.start_index() - 1) if full < total else None
        context.update(
            filter=filterset,
            total=total,
            query=filterset.cleaned("q") or "",
            original_query=self.request.GET.get("q", "") if self.suggestion else "",
            suggestion=self.suggestion,
            typed_words=", ".join(typed for typed, _better in result.corrections) if result is not None else "",
            full_total=full,
            partial_at=partial_at if partial_at is not None and 0 <= partial_at < len(page.object_list) else None,
            place=place,
            facets=self.facet_groups(counts, selections),
            chips=self.chips(selections),
            notices=notices,
            relaxations=self.relaxations(selections) if total == 0 else [],
            sort_choices=[
                (value, label)
                for value, label in filterset.filters["sort"].extra["choices"]
                if value != "relevanz" or filterset.cleaned("q")
            ],
            current_sort=filterset.ordering,
            current_only=filterset.current_only,
            region_options=self.region_options(index),
            selected_region=filterset.cleaned("region") or "",
            date_filters=[
                (name, label, day.strftime("%d.%m.%Y") if (day := filterset.cleaned(name)) else "")
                for name, label in DATE_FILTERS.items()
            ],
            breadcrumbs=[(None, _("Angebote"))],
            zero_result=zero_result,
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("zero_result"):
            # Not kept in the page cache, so every search without results is counted (search.engine).
            patch_cache_control(response, no_cache=True)
        if context["total"] == 0 and (context["query"] or context["chips"]):
            response[EMPTY_LIST_HEADER] = "1"
        return response

    # -- helpers ---------------------------------------------------------------------------------

    def candidates(self, with_query=True, with_place=True, current_only=None):
        """Bitset of the offers that pass the non-facet filters (search, place, "aktuell")."""
        filterset = self.filterset
        index = filterset.index
        current_only = filterset.current_only if current_only is None else current_only
        candidates = index.current if current_only else index.everything
        query = filterset.cleaned("q")
        if with_query and query:
            candidates &= self.search_mask(query)
        place = filterset.place
        if with_place and place and place.resolved:
            candidates &= index.region(place.region.slug)
        dates = filterset.dates()
        if dates:  # the date filters' own SQL condition, its matches remembered like a search
            key = ("dates", *sorted(dates.items()))
            candidates &= remembered_mask(index, key, lambda: filterset.filter_dates(Offer.objects.public()))
        return candidates

    def search_mask(self, query):
        """Bitset of the offers the search lists – full and partial matches (search.engine)."""
        return self.search_bits

    def facet_groups(self, counts, selections):
        labels = self.filterset.index.labels
        groups = []
        for name in FACETS:
            if name == "region":
                continue  # a select of its own
            options = []
            for value, label in labels.get(name, {}).items():
                count = counts[name].get(value, 0)
                selected = value in selections.get(name, set())
                if count or selected:
                    options.append({"value": value, "label": label, "count": count, "selected": selected})
            if name == "thema":
                options.sort(key=lambda option: (not option["selected"], -option["count"], option["label"].casefold()))
            groups.append(
                {
                    "hints": size_hints() if name == "groesse" else [],
                    "name": name,
                    "label": FACET_LABELS[name],
                    "options": options,
                    "multiple": name in MULTI_VALUE,
                    "visible": options[:12] if name == "thema" else options,
                    "more": options[12:] if name == "thema" else [],
                }
            )
        return groups

    def chips(self, selections):
        """Active filters, each with a link that removes just it."""
        labels = self.filterset.index.labels
        chips = []
        query = self.filterset.cleaned("q")
        if query:
            chips.append({"label": gettext("Suche: %(query)s") % {"query": query}, "url": self.url_without("q")})
        place = self.filterset.place
        if place and place.resolved:
            label = gettext("Ort: %(place)s") % {"place": place.summary}
            chips.append({"label": label, "url": self.url_without("ort")})
        for name in FACETS:
            for value in sorted(selections.get(name, ())):
                label = labels.get(name, {}).get(value, value)
                chips.append({"label": f"{FACET_LABELS[name]}: {label}", "url": self.url_without(name, value)})
        for name, label in DATE_FILTERS.items():
            day = self.filterset.cleaned(name)
            if day:
                chips.append({"label": f"{label}: {date_format(day, 'j. F Y')}", "url": self.url_without(name)})
        if not self.filterset.current_only:
            chips.append({"label": _("Auch beendete Angebote"), "url": self.url_without("aktuell")})
        return chips

    def relaxations(self, selections):
        """For an empty result: which single filter to drop, and how many offers that would show."""
        index = self.filterset.index
        options = []
        base = self.base
        for name, values in selections.items():
            for value in values:
                relaxed = {key: (vals - {value} if key == name else vals) for key, vals in selections.items()}
                count = index.matching(base, relaxed).bit_count()
                if count:
                    label = index.labels.get(name, {}).get(value, value)
                    options.append((count, f"{FACET_LABELS[name]}: {label}", self.url_without(name, value)))
        if self.filterset.cleaned("q"):
            count = index.matching(self.candidates(with_query=False), selections).bit_count()
            if count:
                label = gettext("Suchbegriff: %(query)s") % {"query": self.filterset.cleaned("q")}
                options.append((count, label, self.url_without("q")))
        place = self.filterset.place
        if place and place.resolved:
            count = index.matching(self.candidates(with_place=False), selections).bit_count()
            if count:
                options.append((count, gettext("Ort: %(place)s") % {"place": place.summary}, self.url_without("ort")))
        if self.filterset.current_only:
            count = index.matching(self.candidates(current_only=False), selections).bit_count()
            if count:
                label = _("Zeitraum: nur aktuelle Angebote")
                options.append((count, label, self.url_with("aktuell", "nein")))
        return sorted(options, key=lambda option: -option[0])[:5]

    def url_without(self, name, value=None):
        params = self._params()
        if value is None or name not in MULTI_VALUE:
            params.pop(name, None)
        else:
            params.setlist(name, [item for item in params.getlist(name) if item != value])
        params.pop("seite", None)
        return self._url(params)

    def url_with(self, name, value):
        params = self._params()
        params[name] = value
        params.pop("seite", None)
        return self._url(params)

    def _params(self):
        params = QueryDict(mutable=True)
        for key, value in self.filterset.link_data().lists():
            if key in self.filterset.filters or key == "seite":
                params.setlist(key, value)
        return params

    def _url(self, params):
        encoded = params.urlencode()
        return reverse("offers:list") + (f"?{encoded}" if encoded else "")

    def region_options(self, index):
        kinds = index.region_kinds
        names = index.labels.get("region", {})
        groups = [
            (_("Land und Regierungsbezirke"), ("land", "regierungsbezirk")),
            (_("Kooperationsregionen"), ("kooperationsregion",)),
            (_("Kreise und kreisfreie Städte"), ("kreis", "kreisfreie-stadt")),
        ]
        return [
            (
                label,
                sorted(
                    ((slug, name) for slug, name in names.items() if kinds.get(slug) in wanted),
                    key=lambda item: (kinds[item[0]] != "land", item[1]),
                ),
            )
            for label, wanted in groups
        ]


def size_hints():
    """[(label, threshold)] of the EU size classes, explained next to the filter."""
    return [(size.label, threshold) for size, threshold in COMPANY_SIZE_THRESHOLDS.items()]


def _is_int(value):
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


@method_decorator(cache_public_page, name="dispatch")
class OfferDetailView(PublicOfferMixin, DetailView):
    def get_queryset(self):
        # Staff preview: unpublished offers for those who may see them in the admin; the public gets 404.
        return (
            workflow.preview_queryset(self.request)
            .for_listing()
            .prefetch_related(
                "target_groups",
                "dimensions",
                "coverage",
                Prefetch("funded_by", Offer.objects.select_related("provider")),
            )
            .select_related("provider__seat")
        )

    def get_context_data(self, **kwargs):
        offer = self.object
        public = Offer.objects.public().select_related("provider")
        return super().get_context_data(
            breadcrumbs=[(reverse("offers:list"), _("Angebote")), (None, offer.title)],
            related=related_offers(offer),
            funders=[funder for funder in offer.funded_by.all() if funder.is_public],
            funded=public.current().filter(funded_by=offer).order_by("title")
            if offer.offer_type == Offer.OfferType.FUNDING
            else [],
            today=timezone.localdate(),
            preview=not offer.is_public,
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("preview"):
            patch_cache_control(response, private=True, no_store=True)
        else:
            response[OFFER_HEADER] = str(self.object.pk)
        return response


def related_offers(offer, limit=4):
    """Public current offers sharing a topic with `offer`, newest first – those available where it is
    available first. Chosen in the facet index; one query reads the chosen few."""
    index = facet_index()
    topics = index.bits["thema"]
    shared = index.current & union(topics.get(topic.slug, 0) for topic in offer.topics.all())
    if offer.pk in index.positions:  # a staff preview's draft is not in the index
        shared &= ~(1 << index.positions[offer.pk])
    nearby = union(index.region(region.slug) for region in offer.coverage.all())
    pks = index.select(shared & nearby, "neu", 0, limit)
    pks += index.select(shared & ~nearby, "neu", 0, limit - len(pks))
    return offers_by_pk(pks)
