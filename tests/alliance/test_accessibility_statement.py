"""The Erklärung zur Barrierefreiheit and the Leichte-Sprache page carry what BITV NRW asks for."""

import pytest

pytestmark = pytest.mark.django_db


def test_accessibility_statement_meets_bitv_nrw(client):
    html = client.get("/barrierefreiheit/").content.decode()
    assert "BITV NRW" in html
    assert "teilweise vereinbar" in html  # status of compliance
    assert "Nicht barrierefreie Inhalte" in html  # known limitations
    assert "innerhalb eines Monats" in html  # feedback is answered within a month
    assert "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen" in html
    assert 'href="https://www.lbbp.nrw.de/ombudsstelle"' in html


def test_easy_language_page_explains_content_navigation_and_feedback(client):
    html = client.get("/leichte-sprache/").content.decode()
    for heading in ("Was finden Sie hier?", "Wie finden Sie sich auf der Seite zurecht?", "Probleme mit der Seite?"):
        assert heading in html
    assert "Erklärung zur Barriere·freiheit" in html
