"""Imports never overwrite later edits and never block editors (issue 13, findings 5 and 6)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from allianz_portal.models import DataVersion
from offers import importing
from offers.models import Offer, OfferImport
from tests.conftest import make_offer
from tests.curation.conftest import admin_form_data
from tests.curation.test_import import HEADERS, confirm, dataset, row, upload

pytestmark = pytest.mark.django_db

# -- finding 6: no silent overwrite --------------------------------------------------------------------


def test_export_carries_the_version(editor_client, institution_a):
    offer = make_offer(slug="mit-version", provider=institution_a)
    offer.title = "Zweimal gespeichert"
    offer.save()
    response = editor_client.post(
        reverse("admin:offers_offer_export"),
        {"format": "0", "resource": "0", **{f"offerresource_{name}": "on" for name in HEADERS}},
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("slug,version,")
    assert any(line.startswith("mit-version,2,") for line in lines)


def test_reimporting_an_old_export_is_refused_with_the_row_number(editor_client, institution_a):
    first = make_offer(slug="erstes", provider=institution_a)
    changed = make_offer(slug="spaeter-geaendert", title="Neuer Titel der Redaktion", provider=institution_a)
    for _ in range(4):  # four saves after the export: version 1 -> 5
        changed.save()
    old_export = dataset(
        row("erstes", version="1"),
        *[row(f"neu-{n}") for n in range(4)],
        row("spaeter-geaendert", title="Alter Titel", version="1"),
    )
    response = upload(editor_client, old_export)
    job = response.context["job"]
    assert job.status == OfferImport.Status.INVALID
    assert job.errors == [
        "Zeile 7: Das Angebot „Neuer Titel der Redaktion“ wurde nach dem Export geändert (Version 5 statt 1). "
        "Bitte neu exportieren."
    ]
    assert "Zeile 7: Das Angebot „Neuer Titel der Redaktion“" in response.content.decode()
    changed.refresh_from_db()
    first.refresh_from_db()
    assert changed.title == "Neuer Titel der Redaktion" and first.version == 1
    assert not Offer.objects.filter(slug__startswith="neu-").exists()


def test_a_preview_is_refused_at_confirm_when_the_offer_changed_meanwhile(editor_client, institution_a):
    offer = make_offer(slug="dazwischen", title="Vorher", provider=institution_a)
    response = upload(editor_client, dataset(row("dazwischen", title="Aus der Datei"), row("ganz-neu")))
    assert response.context["job"].status == OfferImport.Status.READY

    offer.title = "Von Hand geändert"  # an editor saves between preview and confirm
    offer.save()
    page = confirm(editor_client, response).content.decode()
    job = OfferImport.objects.get()
    assert job.status == OfferImport.Status.REFUSED
    assert "Zeile 2: Das Angebot „Von Hand geändert“ wurde nach der Vorschau geändert (Version 2 statt 1)." in page
    offer.refresh_from_db()
    assert offer.title == "Von Hand geändert"
    assert not Offer.objects.filter(slug="ganz-neu").exists()  # nothing of the file is written


def test_duplicate_slugs_in_one_file_are_refused_naming_both_rows(editor_client, institution_a):
    response = upload(editor_client, dataset(row("doppelt"), row("anders"), row("doppelt", title="Zweite")))
    job = response.context["job"]
    assert job.status == OfferImport.Status.INVALID
    assert "Zeilen 2 und 4: Der Kurzname „doppelt“ kommt mehrfach vor." in job.errors[0]
    assert not Offer.objects.filter(slug__in=["doppelt", "anders"]).exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            "slug,title\nlatin,Bürgschaft\n".encode("latin-1"),
            "angebote.csv",
            "nicht als UTF-8 gespeichert (erstes unlesbares Zeichen in Zeile 2)",
        ),
        (b"slug,title\nnul,Ti\x00tel\n", "angebote.csv", "Zeile 2: Die Datei enthält ein Null-Zeichen (NUL)"),
        (b"slug,title\nkeine,Tabelle\n", "angebote.xlsx", "ist keine Excel-Arbeitsmappe (.xlsx)"),
        (b"slug,title\n", "angebote.pdf", "Bitte eine CSV-Datei (.csv, UTF-8) oder eine Excel-Arbeitsmappe"),
    ],
)
def test_unreadable_files_get_a_german_message_at_upload(editor_client, content, name, message):
    response = upload(editor_client, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OfferImport.objects.exists()


def test_bad_cells_are_named_with_row_and_column(editor_client, institution_a):
    response = upload(editor_client, dataset(row("zu-lang", description="x" * 25_000), row("gut")))
    job = response.context["job"]
    assert job.status == OfferImport.Status.INVALID
    assert job.errors == ["Zeile 2, Spalte „description“: 25.000 Zeichen sind zu viel (höchstens 20.000)."]
    nul_in_xlsx = dataset(row("nul", title="Ti\x00tel"))
    with pytest.raises(importing.ImportFileError, match="Zeile 2, Spalte „title“: enthält ein Null-Zeichen"):
        importing._check_cells(nul_in_xlsx)


def test_unknown_columns_and_a_missing_slug_column_are_refused(editor_client):
    job = upload(editor_client, "slug,titel\nx,y\n").context["job"]
    assert job.errors == ["Unbekannte Spalten: titel. Erlaubt sind die Spalten des Exports."]
    job = upload(editor_client, "title\ny\n").context["job"]
    assert "Die Spalte „slug“ (Kurzname) fehlt" in job.errors[0]
    job = upload(editor_client, "slug,title\n").context["job"]
    assert job.errors == ["Die Datei enthält nur die Kopfzeile, aber keine Angebote."]


def test_semicolon_csv_from_german_excel(editor_client, institution_a):
    text = dataset(row("mit-semikolon")).export("csv").replace(",", ";").replace("nrw;kreis-lippe", "nrw,kreis-lippe")
    response = upload(editor_client, text)
    assert response.context["job"].status == OfferImport.Status.READY


# -- finding 5: no lock for the run, editors keep saving -------------------------------------------------


def test_data_version_is_raised_once_at_the_end(institution_a):
    plan = importing.check(dataset(*[row(f"einmal-{n}") for n in range(7)]))
    before = DataVersion.objects.get_or_create(pk=1, defaults={"changed_at": "2026-01-01T00:00Z"})[0].counter
    outcome = importing.write(plan)
    assert outcome.created == 7
    assert DataVersion.objects.get(pk=1).counter == before + 1


def test_an_edit_between_batches_is_kept_and_its_row_refused(settings, editor_client, institution_a):
    """Sequential variant of the two-connection test below (runs on SQLite too)."""
    settings.IMPORT_BATCH_SIZE = 2
    target = make_offer(slug="ziel", title="Original", provider=institution_a)
    plan = importing.check(dataset(*[row(f"stapel-{n}") for n in range(4)], row("ziel", title="Aus dem Import")))

    def edit_after_first_batch(done, total):
        if done == 2:
            target.title = "Von der Redaktion"
            target.save()

    outcome = importing.write(plan, progress=edit_after_first_batch)
    target.refresh_from_db()
    assert target.title == "Von der Redaktion"
    assert outcome.refused == [
        "Zeile 6: Das Angebot „Original“ wurde nach der Vorschau geändert (Version 2 statt 1). "
        "Bitte laden Sie die Datei erneut hoch."
    ]
    assert Offer.objects.filter(slug__startswith="stapel-").count() == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="two connections need PostgreSQL")
def test_editors_save_through_the_admin_while_an_import_runs(reseeded, settings, editor, institution_a):
    """Two real connections: the import runs in a thread; an editor saves two offers through the admin meanwhile.

    Neither save waits for the import, neither is lost: the offer that is also in the file keeps the editor's
    text and the import refuses its row with the row number.
    """
    assert connection.vendor == "postgresql"
    settings.IMPORT_BATCH_SIZE = 50
    elsewhere = make_offer(slug="anderes", title="Anderes", provider=institution_a)
    in_file = make_offer(slug="auch-in-der-datei", title="Vorher", provider=institution_a)
    rows = [row(f"last-{n}") for n in range(300)] + [row("auch-in-der-datei", title="Import", version="1")]
    content = dataset(*rows).export("csv").encode()
    job = OfferImport.objects.create(file_name="gross.csv", content=content, created_by=editor)
    importing.check_job(job)
    assert job.status == OfferImport.Status.READY

    client = Client()
    client.force_login(editor)
    forms = {}
    for offer in (elsewhere, in_file):
        url = reverse("admin:offers_offer_change", args=[offer.pk])
        forms[url] = admin_form_data(client.get(url))

    first_batch_done, editor_done, finished = threading.Event(), threading.Event(), []

    def progress(done, total):
        if done == 50:
            first_batch_done.set()
            editor_done.wait(timeout=30)

    def run():
        try:
            finished.append(importing.run_job(OfferImport.objects.get(pk=job.pk), progress=progress))
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    assert first_batch_done.wait(timeout=60)
    assert OfferImport.objects.get(pk=job.pk).status == OfferImport.Status.RUNNING
    for url, data in forms.items():
        data["title"] = "Redaktion " + data["slug"]
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    editor_done.set()
    worker.join(timeout=120)

    job.refresh_from_db()
    assert job.status == OfferImport.Status.DONE
    assert (job.created_count, job.refused_count) == (300, 1)
    assert job.errors == [
        "Zeile 302: Das Angebot „Vorher“ wurde nach dem Export geändert (Version 2 statt 1). Bitte neu exportieren."
    ]
    assert Offer.objects.get(slug="anderes").title == "Redaktion anderes"
    assert Offer.objects.get(slug="auch-in-der-datei").title == "Redaktion auch-in-der-datei"
    assert Offer.objects.filter(slug__startswith="last-").count() == 300


def test_partner_editors_cannot_see_imports(partner_client, editor):
    job = OfferImport.objects.create(file_name="x.csv", content=b"", created_by=editor)
    assert partner_client.get(reverse("admin:offers_offerimport_change", args=[job.pk])).status_code == 403
    assert partner_client.post(reverse("admin:offers_offerimport_confirm", args=[job.pk])).status_code == 403


def test_upload_page_explains_the_import(editor_client):
    page = editor_client.get(reverse("admin:offers_offer_import")).content.decode()
    assert "<h1>Angebote importieren</h1>" in page and "Hochladen und prüfen" in page
