from django.urls import path

from . import views

app_name = "needs"
urlpatterns = [
    path("", views.report_need, name="report"),
    path("danke/", views.done, name="done"),
]
