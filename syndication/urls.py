"""Feeds, calendars and exports of the offer list: machine-readable, German, outside the /en/ language prefix."""

from django.urls import path

from . import views

app_name = "data"
urlpatterns = [
    path("feed/", views.OfferFeed(), name="feed"),
    path("kalender.ics", views.list_calendar, name="calendar"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.json", views.export_json, name="export-json"),
    path("<slug:slug>/kalender.ics", views.offer_calendar, name="detail-calendar"),
]
