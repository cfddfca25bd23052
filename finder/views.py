from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import QueryDict
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.dateformat import format as date_format
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from allianz_portal.freshness import StateMemo
from allianz_portal.pagecache import cache_public_page
from offers import permissions
from offers.models import COMPANY_SIZE_THRESHOLDS, Offer
from search import engine

from .filters import MULTI_VALUE, OfferFilter
from .finding import find
from .index import FACETS, RELATIONS, facet_index, union
from .rows import attach_relations, offers_by_pk

# Labels as the filter form declares them.
FACET_LABELS = {name: OfferFilter.base_fields[name].label for name in FACETS}
DATE_FILTERS = {name: OfferFilter.base_fields[name].label for name in ("frist_bis", "termin_von", "termin_bis")}


# The filter sidebar (a Jinja2 template: allianz_portal.jinja), rendered per content state and process (≈ 115 KB
# each at 100k offers).
SIDEBAR = "finder/filters.html"
_sidebars = StateMemo(size=200, from_index=True)

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
    template_name = "finder/offer_list.html"

    def get_queryset(self):
        """The matching offers (finder.finding): filtered and counted in the facet index, sorted by its
        stored orders or by the search's ranking; only the shown page is read from the database."""
        self.finding = find(self.request.GET)
        return self.finding.results()

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
        finding = self.finding
        filterset = finding.filters
        selections = filterset.selections()
        place = filterset.place
        total = context["paginator"].count
        notices = filterset.notices()
        if self.page_notice:
            notices.append(self.page_notice)
        result = finding.result
        zero_result = finding.searched and not result.pks
        if zero_result and not self.request.GET.get("seite"):
            engine.record_zero_result(self.request.GET.get("q", ""))
        full = finding.full_count
        page = context["page_obj"]
        partial_at = full - (page.start_index() - 1) if full < total else None
        context.update(
            filter=filterset,
            total=total,
            query=filterset.cleaned("q") or "",
            original_query=finding.typed_query,
            suggestion=finding.suggestion,
            typed_words=", ".join(typed for typed, _better in result.corrections) if result is not None else "",
            full_total=full,
            partial_at=partial_at if partial_at is not None and 0 <= partial_at < len(page.object_list) else None,
            place=place,
            chips=self.chips(selections),
            notices=notices,
            relaxations=self.relaxations(selections) if total == 0 else [],
            sort_choices=[
                (value, label)
                for value, label in filterset.fields["sort"].choices
                if value != "relevanz" or filterset.cleaned("q")
            ],
            current_sort=filterset.ordering,
            filters_html=self.filters_html(selections),
            # The sidebar's groups and counts for code that reads the context; counted only when read.
            facets=SimpleLazyObject(lambda: self.facet_groups(self.counts(selections), selections)),
            breadcrumbs=[(None, _("Angebote"))],
            zero_result=zero_result,
        )
        return context

    def counts(self, selections):
        """{facet: Counter(value -> n)}: each option's count under the other facets' selections."""
        return self.finding.index.count(self.finding.base, selections)

    def filters_html(self, selections):
        """The filter sidebar (SIDEBAR), remembered per content state and language for the
        parameters that decide it – everything but the page number, and the sort only where the form
        keeps it. At 100k offers the sidebar is most of the page (300 topics with their counts), and
        every page and sort order of one selection shows the same one."""
        finding = self.finding
        filterset = finding.filters
        current_sort = filterset.ordering
        kept_sort = current_sort if current_sort not in ("relevanz", "neu") else ""
        params = tuple(
            sorted((key, tuple(values)) for key, values in self.request.GET.lists() if key not in ("seite", "sort"))
        )
        key = (translation.get_language(), params, kept_sort)

        def render():
            index = finding.index
            place = filterset.place
            counts = self.counts(selections)
            return mark_safe(  # a template's output, escaped there
                get_template(SIDEBAR, using="jinja2").render(
                    {
                        "filter": filterset,
                        "query": filterset.cleaned("q") or "",
                        "place": place,
                        "facets": self.facet_groups(counts, selections),
                        "current_sort": current_sort,
                        "current_only": filterset.current_only,
                        "region_options": self.region_options(index),
                        "selected_region": filterset.cleaned("region") or "",
                        "date_filters": [
                            (name, label, day.strftime("%d.%m.%Y") if (day := filterset.cleaned(name)) else "")
                            for name, label in DATE_FILTERS.items()
                        ],
                    },
                )
            )

        return _sidebars.get(key, render)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("zero_result"):
            # Not kept in the page cache, so every search without results is counted (search.engine).
            patch_cache_control(response, no_cache=True)
        if context["total"] == 0 and (context["query"] or context["chips"]):
            response[EMPTY_LIST_HEADER] = "1"
        return response

    # -- helpers ---------------------------------------------------------------------------------

    def facet_groups(self, counts, selections):
        labels = self.finding.filters.index.labels
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
        labels = self.finding.filters.index.labels
        chips = []
        query = self.finding.filters.cleaned("q")
        if query:
            chips.append({"label": gettext("Suche: %(query)s") % {"query": query}, "url": self.url_without("q")})
        place = self.finding.filters.place
        if place and place.resolved:
            label = gettext("Ort: %(place)s") % {"place": place.summary}
            chips.append({"label": label, "url": self.url_without("ort")})
        for name in FACETS:
            for value in sorted(selections.get(name, ())):
                label = labels.get(name, {}).get(value, value)
                chips.append({"label": f"{FACET_LABELS[name]}: {label}", "url": self.url_without(name, value)})
        for name, label in DATE_FILTERS.items():
            day = self.finding.filters.cleaned(name)
            if day:
                chips.append({"label": f"{label}: {date_format(day, 'j. F Y')}", "url": self.url_without(name)})
        if not self.finding.filters.current_only:
            chips.append({"label": _("Auch beendete Angebote"), "url": self.url_without("aktuell")})
        return chips

    def relaxations(self, selections):
        """For an empty result: which single filter to drop, and how many offers that would show."""
        finding = self.finding
        index = finding.index
        options = []
        base = finding.base
        for name, values in selections.items():
            for value in values:
                relaxed = {key: (vals - {value} if key == name else vals) for key, vals in selections.items()}
                count = index.matching(base, relaxed).bit_count()
                if count:
                    label = index.labels.get(name, {}).get(value, value)
                    options.append((count, f"{FACET_LABELS[name]}: {label}", self.url_without(name, value)))
        if self.finding.filters.cleaned("q"):
            count = index.matching(finding.candidates(with_query=False), selections).bit_count()
            if count:
                label = gettext("Suchbegriff: %(query)s") % {"query": self.finding.filters.cleaned("q")}
                options.append((count, label, self.url_without("q")))
        place = self.finding.filters.place
        if place and place.resolved:
            count = index.matching(finding.candidates(with_place=False), selections).bit_count()
            if count:
                options.append((count, gettext("Ort: %(place)s") % {"place": place.summary}, self.url_without("ort")))
        if self.finding.filters.current_only:
            count = index.matching(finding.candidates(current_only=False), selections).bit_count()
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
        for key, value in self.finding.filters.link_data().lists():
            if key in self.finding.filters.fields or key == "seite":
                params.setlist(key, value)
        return params

    def _url(self, params):
        encoded = params.urlencode()
        return reverse("finder:list") + (f"?{encoded}" if encoded else "")

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
    template_name = "finder/offer_detail.html"

    def get_queryset(self):
        # Staff preview: unpublished offers for those who may see them in the admin; the public gets 404.
        return permissions.preview_queryset(self.request).select_related("provider__seat", "network")

    def get_object(self, queryset=None):
        offer = super().get_object(queryset)
        # Topics, target groups, dimensions, regions and which programmes fund it: one statement.
        self.funder_pks = attach_relations({offer.pk: offer}, RELATIONS)[offer.pk]
        return offer

    def get_context_data(self, **kwargs):
        offer = self.object
        public = Offer.objects.public().select_related("provider")
        return super().get_context_data(
            breadcrumbs=[(reverse("finder:list"), _("Angebote")), (None, offer.title)],
            related=related_offers(offer),
            funders=list(public.filter(pk__in=self.funder_pks)) if self.funder_pks else [],
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


# The offers under "Ähnliche Angebote" per public offer, content state and process (≈ 4 card rows each): an offer
# page missed by the page cache again in the same state (the other language, a visitor with a Merkliste) reads
# only its own rows. The cards themselves are remembered by what they show (templatetags.finder).
_related = StateMemo(size=2_000, from_index=True)


def related_offers(offer, limit=4):
    """Public current offers sharing a topic with `offer`, newest first – those available where it is
    available first. Chosen in the facet index; one query reads the chosen few (once per content state for
    a public offer; a staff preview's draft is not remembered)."""
    if not offer.is_public:
        return _related_offers(offer, limit)
    return _related.get((offer.pk, limit), lambda: _related_offers(offer, limit))


def _related_offers(offer, limit):
    index = facet_index()
    topics = index.bits["thema"]
    shared = index.current & union(topics.get(topic.slug, 0) for topic in offer.topics.all())
    if offer.pk in index.positions:  # a staff preview's draft is not in the index
        shared &= ~(1 << index.positions[offer.pk])
    nearby = union(index.region(region.slug) for region in offer.coverage.all())
    pks = index.select(shared & nearby, "neu", 0, limit)
    pks += index.select(shared & ~nearby, "neu", 0, limit - len(pks))
    return offers_by_pk(pks)
