from django.urls import path

from . import views

# Below /angebote/, after the other apps' fixed paths (the detail page takes any slug).
app_name = "finder"
urlpatterns = [
    path("", views.OfferListView.as_view(), name="list"),
    path("<slug:slug>/", views.OfferDetailView.as_view(), name="detail"),
]
