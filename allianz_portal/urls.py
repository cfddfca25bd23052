from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from api.landing import open_data

from . import seo, views

admin.site.site_header = "Transferportal NRW – Redaktion"
admin.site.site_title = "Transferportal NRW"
admin.site.index_title = "Inhalte pflegen"
# No app list beside every page: at 1280 px it left the offer list 630 px between it and the filters, and the
# columns were cut off. The start page and the breadcrumbs lead to every list.
admin.site.enable_nav_sidebar = False

# Outside the language prefix: administration, API, machine-readable files.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": seo.SITEMAPS}, name="sitemap"),
    path("robots.txt", seo.robots_txt, name="robots"),
    path("angebote/", include("syndication.urls")),  # feeds, calendars, exports
]

# Public pages: German without a prefix, English under /en/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("angebote/", include("merkliste.urls")),
    path("angebote/", include("submissions.urls")),
    path("angebote/", include("enquiries.urls")),
    path("angebote/", include("finder.urls")),  # last: its detail page takes any slug
    path("suchauftrag/", include("alerts.urls")),
    path("transferbedarf/", include("needs.urls")),
    path("", include("demand.urls")),
    path("", include("finder.map_urls")),
    path("", include("regions.urls")),
    path("partner/", include("partners.urls")),
    path("praxisbeispiele/", include("practice.urls")),
    path("", include("alliance.urls")),
    path("offene-daten/", open_data, name="open-data"),
    prefix_default_language=False,
)

if settings.DEBUG:  # uploaded documents; production serves MEDIA_ROOT from the web server (docs/operations.md)
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCH_FLOOR:  # benchmarks only (make bench): the constant page the real ones are compared with
    from bench.views import floor

    urlpatterns.append(path("bench/floor", floor))

handler400 = "allianz_portal.views.bad_request"
handler403 = "allianz_portal.views.permission_denied"
handler404 = "allianz_portal.views.page_not_found"
handler500 = "allianz_portal.views.server_error"
