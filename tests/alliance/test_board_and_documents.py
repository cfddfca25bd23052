"""The board's terms (current and former members, several terms per person) and the alliance's PDF documents,
uploaded by editors: only real PDFs, listed with title, date, language and size, with an accessibility statement."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.models import Document
from partners.models import BoardMember, Institution
from tests.curation.conftest import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


@pytest.fixture
def terms():
    BoardMember.objects.all().delete()
    institution = Institution.objects.filter(is_alliance_partner=True).first()

    def term(first, last, start, end=None, group="wissenschaft", function="Präsidentin"):
        return BoardMember.objects.create(
            first_name=first, last_name=last, function=function, institution=institution, group=group,
            term_start=start, term_end=end,
        )  # fmt: skip

    term("Anna", "Beispiel", datetime.date(2016, 4, 1), datetime.date(2019, 3, 31))
    term("Anna", "Beispiel", datetime.date(2021, 5, 1))
    term("Bernd", "Früher", datetime.date(2016, 4, 1), datetime.date(2018, 6, 30), group="wirtschaft")
    term("Bernd", "Früher", datetime.date(2019, 1, 1), datetime.date(2020, 12, 31), group="wirtschaft")
    return institution


def test_board_shows_terms_and_former_members_in_their_own_section(client, terms):
    html = client.get("/allianz/board/").content.decode()
    current, former = html.split('id="former-title"')
    assert "Anna Beispiel" in current and "im Board seit Mai 2021; zuvor April 2016 – März 2019" in current
    assert "Bernd Früher" not in current
    assert ">Frühere Mitglieder</h2>" in former
    assert "Bernd Früher" in former and "(April 2016 – Juni 2018; Januar 2019 – Dezember 2020)" in former
    assert "Anna Beispiel" not in former


def test_english_board_translates_the_terms(client, terms):
    html = client.get("/en/allianz/board/").content.decode()
    assert "on the board since May 2021; before April 2016 – March 2019" in html


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_user(django_user_model, "redakteurin", "Redaktion"))
    return client


def upload(client, name="thesenpapier.pdf", content=PDF, content_type="application/pdf", **fields):
    data = {
        "title": "Thesenpapier Transfer",
        "slug": "thesenpapier-transfer",
        "kind": "thesenpapier",
        "date": "12.03.2024",
        "language": "de",
        "summary": "Zehn Thesen zum Wissenstransfer.",
        "file": SimpleUploadedFile(name, content, content_type=content_type),
        "accessibility_note": "",
        **fields,
    }
    return client.post(reverse("admin:alliance_document_add"), data, follow=True)


def test_editor_uploads_a_pdf_and_the_alliance_pages_list_it(editor_client, client, media):
    response = upload(editor_client, is_accessible="on")
    assert response.status_code == 200
    document = Document.objects.get()
    assert document.size == len(PDF)
    assert (media / document.file.name).read_bytes() == PDF
    assert document.history.count() == 1
    client.logout()
    listing = client.get("/allianz/dokumente/").content.decode()
    assert 'href="/allianz/dokumente/thesenpapier-transfer/">Thesenpapier Transfer</a>' in listing
    assert f"Thesenpapier · 12. März 2024 · Deutsch · PDF, {len(PDF)}\xa0Bytes" in listing
    assert "barrierefrei" in listing
    assert "Thesenpapier Transfer" in client.get("/allianz/").content.decode()
    detail = client.get(document.get_absolute_url()).content.decode()
    assert '<h1 class="kern-heading-large">Thesenpapier Transfer</h1>' in detail
    assert "Dieses PDF ist barrierefrei" in detail
    assert f'href="/medien/{document.file.name}"' in detail


def test_a_document_page_says_when_the_pdf_is_not_accessible(editor_client, client, media):
    upload(editor_client, accessibility_note="Die Grafik auf Seite 4 hat keinen Alternativtext.")
    client.logout()
    detail = client.get(Document.objects.get().get_absolute_url()).content.decode()
    assert "Dieses PDF ist nicht barrierefrei." in detail
    assert "Die Grafik auf Seite 4 hat keinen Alternativtext." in detail


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("papier.docx", PDF, "application/pdf", "Bitte nur PDF-Dateien (.pdf) hochladen."),
        ("papier.pdf", b"Hallo, ich bin Text.", "application/pdf", "Diese Datei ist kein PDF"),
        ("papier.pdf", PDF, "text/html", "Bitte nur PDF-Dateien hochladen."),
    ],
)
def test_only_pdf_files_are_accepted_with_a_german_message(editor_client, media, name, content, content_type, message):
    response = upload(editor_client, name=name, content=content, content_type=content_type)
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert not list(media.rglob("*.*"))


def test_files_over_the_size_limit_are_refused(editor_client, media, monkeypatch):
    monkeypatch.setattr("alliance.models.MAX_DOCUMENT_MB", 0.0001)
    response = upload(editor_client)
    assert "Die Datei ist zu groß" in response.content.decode()
    assert not Document.objects.exists()


def test_without_documents_the_list_says_so(client):
    html = client.get("/allianz/dokumente/").content.decode()
    assert "Noch sind keine Dokumente eingestellt." in html
