from django.urls import path, register_converter

from . import views
from .models import Page


class PageSlugConverter:
    """Matches only the slugs of the editable pages (impressum, datenschutz, …) at the site root."""

    regex = "|".join(key for key in Page.Key.values if key != Page.Key.ABOUT)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PageSlugConverter, "page")

app_name = "alliance"
urlpatterns = [
    path("allianz/", views.about, name="about"),
    path("allianz/board/", views.board, name="board"),
    path("allianz/thesen/", views.theses, name="theses"),
    path("allianz/empfehlungen/", views.recommendations, name="recommendations"),
    path("allianz/dokumente/", views.documents, name="documents"),
    path("allianz/dokumente/<slug:slug>/", views.document, name="document"),
    path("<page:slug>/", views.page, name="page"),
]
