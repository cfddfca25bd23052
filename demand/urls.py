from django.urls import path

from . import views

app_name = "demand"
urlpatterns = [path("bedarfsradar/", views.demand_radar, name="radar")]
