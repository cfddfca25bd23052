from django.urls import path

from . import views

app_name = "practice"
urlpatterns = [
    path("", views.example_list, name="list"),
    path("<slug:slug>/", views.example_detail, name="detail"),
]
