from django.urls import path

from . import submission, syndication, views

app_name = "offers"
urlpatterns = [
    path("", views.OfferListView.as_view(), name="list"),
    path("vorschlagen/", submission.submit_offer, name="submit"),
    path("vorschlagen/danke/", submission.submit_done, name="submit-done"),
    path("feed/", syndication.OfferFeed(), name="feed"),
    path("kalender.ics", syndication.list_calendar, name="calendar"),
    path("export.csv", syndication.export_csv, name="export-csv"),
    path("export.json", syndication.export_json, name="export-json"),
    path("<slug:slug>/", views.OfferDetailView.as_view(), name="detail"),
    path("<slug:slug>/kalender.ics", syndication.offer_calendar, name="detail-calendar"),
]
