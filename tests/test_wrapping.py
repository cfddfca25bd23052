"""Long German labels wrap between words: after each slash and by hyphenation (lang="de"), never at a random
letter ("Forschungskooperation/Transferproje|kt")."""

import re

import pytest
from django.conf import settings

from allianz_portal.templatetags.portal import slash_breaks
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db


def test_slash_breaks_escapes_and_marks_each_slash():
    assert slash_breaks("Labor/Testumgebung/Demonstrator") == "Labor/<wbr>Testumgebung/<wbr>Demonstrator"
    assert slash_breaks("<b>A/B</b>") == "&lt;b&gt;A/<wbr>B&lt;/<wbr>b&gt;"


def test_home_list_and_map_offer_break_points_after_slashes(client):
    make_offer(offer_type="forschung", coverage=["nrw"])
    make_offer(offer_type="labor", coverage=["nrw"])
    home = client.get("/").content.decode()
    assert '<html lang="de"' in home
    assert ">Forschungskooperation/<wbr>Transferprojekt</a>" in home

    listing = client.get("/angebote/", {"art": "labor"}).content.decode()
    assert 'for="f-art-labor">Labor/<wbr>Testumgebung/<wbr>Demonstrator <span class="count">' in listing
    assert "<span>Angebotsart: Labor/<wbr>Testumgebung/<wbr>Demonstrator</span>" in listing  # the chip
    assert '<p class="offer-card__type">Labor/<wbr>Testumgebung/<wbr>Demonstrator</p>' in listing

    matrix = client.get("/transferlandkarte/").content.decode()
    assert 'matrix__column">Förderprogramm/<wbr>Finanzierung</th>' in matrix
    assert "\u200b" not in matrix


def test_labels_hyphenate_instead_of_breaking_anywhere():
    css = (settings.BASE_DIR / "static/css/portal.css").read_text(encoding="utf-8")
    rules = {
        selector.strip(): body
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        if any(name in selector for name in (".facet .kern-label", ".chip {", "h1, h2, h3", ".chip"))
    }
    labelled = [body for selector, body in rules.items() if ".kern-label" in selector or selector.startswith("h1")]
    assert labelled and all("hyphens: auto" in body and "anywhere" not in body for body in labelled)
    assert all("anywhere" not in body for selector, body in rules.items() if selector == ".chip")
