from django.urls import path

from . import views

app_name = "enquiries"
urlpatterns = [
    path("<slug:slug>/anfrage/", views.enquire, name="enquire"),
    path("<slug:slug>/anfrage/danke/", views.done, name="done"),
]
