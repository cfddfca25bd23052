from django.urls import path

from . import views

app_name = "merkliste"
urlpatterns = [
    path("merkliste/", views.merkliste, name="list"),
    path("merkliste/merken/", views.add, name="add"),
    path("merkliste/entfernen/", views.remove, name="remove"),
    path("vergleich/", views.compare, name="compare"),
]
