"""Feeds, calendars and exports of the offer list: machine-readable, German, outside the /en/ language prefix."""

from django.urls import path

from . import syndication

app_name = "data"
urlpatterns = [
    path("feed/", syndication.OfferFeed(), name="feed"),
    path("kalender.ics", syndication.list_calendar, name="calendar"),
    path("export.csv", syndication.export_csv, name="export-csv"),
    path("export.json", syndication.export_json, name="export-json"),
    path("<slug:slug>/kalender.ics", syndication.offer_calendar, name="detail-calendar"),
]
