from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("regionen/", views.region_index, name="index"),
    path("regionen/<slug:slug>/", views.RegionDetailView.as_view(), name="detail"),
    path("transferlandkarte/", views.transfer_map, name="transfer-map"),
    path("netzwerke/", views.NetworkListView.as_view(), name="network-list"),
    path("netzwerke/<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
]
