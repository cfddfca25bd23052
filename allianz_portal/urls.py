from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Transferportal NRW – Redaktion"
admin.site.site_title = "Transferportal NRW"
admin.site.index_title = "Inhalte pflegen"

urlpatterns = [
    path("", views.home, name="home"),
    path("angebote/", include("offers.urls")),
    path("", include("regions.urls")),
    path("partner/", include("partners.urls")),
    path("", include("alliance.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "allianz_portal.views.page_not_found"
handler500 = "allianz_portal.views.server_error"
