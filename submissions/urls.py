from django.urls import path

from . import views

app_name = "submissions"
urlpatterns = [
    path("vorschlagen/", views.submit_offer, name="submit"),
    path("vorschlagen/danke/", views.submit_done, name="done"),
]
