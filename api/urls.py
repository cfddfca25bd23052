from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from . import catalogue, landing, views

router = SimpleRouter()
router.register("angebote", views.OfferViewSet, basename="offer")
router.register("regionen", views.RegionViewSet, basename="region")
router.register("netzwerke", views.NetworkViewSet, basename="network")
router.register("institutionen", views.InstitutionViewSet, basename="institution")

app_name = "api"
urlpatterns = [
    path("", landing.api_root, name="root"),
    path("dokumentation/", landing.docs, name="docs"),
    path("", include(router.urls)),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("katalog.jsonld", catalogue.catalogue, name="catalogue"),
]
