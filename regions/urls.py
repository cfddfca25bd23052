from django.urls import path

from . import views

# The region overview (/regionen/) and the transfer map are the finder's (finder/map_urls.py).
app_name = "regions"
urlpatterns = [
    path("regionen/<slug:slug>/", views.RegionDetailView.as_view(), name="detail"),
    path("netzwerke/", views.NetworkListView.as_view(), name="network-list"),
    path("netzwerke/<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
]
