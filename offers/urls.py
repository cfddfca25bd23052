from django.urls import path

from . import merkliste, submission, views

# Feeds, calendars and exports: offers/syndication_urls.py (outside the language prefix).
app_name = "offers"
urlpatterns = [
    path("", views.OfferListView.as_view(), name="list"),
    path("vorschlagen/", submission.submit_offer, name="submit"),
    path("vorschlagen/danke/", submission.submit_done, name="submit-done"),
    path("merkliste/", merkliste.merkliste, name="merkliste"),
    path("merkliste/merken/", merkliste.add, name="merkliste-add"),
    path("merkliste/entfernen/", merkliste.remove, name="merkliste-remove"),
    path("vergleich/", merkliste.compare, name="compare"),
    path("<slug:slug>/", views.OfferDetailView.as_view(), name="detail"),
]
