from django.urls import path

from . import maps

app_name = "maps"
urlpatterns = [
    path("regionen/", maps.region_index, name="regions"),
    path("transferlandkarte/", maps.transfer_map, name="transfer-map"),
]
