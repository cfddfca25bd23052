"""CSV/Excel import and export: dry-run preview, German row messages, all or nothing, progress on the command line."""

import datetime
import io

import pytest
import tablib
from django.core.management import CommandError, call_command
from django.urls import reverse

from offers.models import Offer, OfferImport
from tests.conftest import make_offer

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:offers_offer_import")
HEADERS = [
    "slug",
    "version",
    "title",
    "summary",
    "description",
    "provider",
    "offer_type",
    "target_groups",
    "coverage",
    "topics",
    "cost",
    "format",
    "status",
    "deadline",
]


def row(slug, **overrides):
    values = {
        "slug": slug,
        "version": "",
        "title": f"Import {slug}",
        "summary": "Kurz.",
        "description": "Lang.",
        "provider": "hochschule-a",
        "offer_type": "beratung",
        "target_groups": "kmu",
        "coverage": "nrw,kreis-lippe",
        "topics": "",
        "cost": "kostenfrei",
        "format": "online",
        "status": "entwurf",
        "deadline": "",
    }
    values.update(overrides)
    return [values[name] for name in HEADERS]


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def upload(client, data, fmt="csv", name=None):
    content = data.export(fmt) if isinstance(data, tablib.Dataset) else data
    content = content.encode() if isinstance(content, str) else content
    file = io.BytesIO(content)
    file.name = name or f"angebote.{fmt}"
    return client.post(IMPORT_URL, {"import_file": file}, follow=True)


def confirm(client, response):
    job = response.context["job"]
    return client.post(reverse("admin:offers_offerimport_confirm", args=[job.pk]), follow=True)


@pytest.fixture
def topic():
    make_offer(topics=["Robotik"])  # creates the topic "robotik"


def test_preview_then_confirm_imports_in_the_background(editor_client, editor, institution_a, topic):
    response = upload(editor_client, dataset(row("neu-eins", topics="robotik"), row("neu-zwei")))
    html = response.content.decode()
    assert "Vorschau: 2 Zeilen geprüft – 2 neu, 0 geändert, 0 unverändert" in html
    assert "Import bestätigen" in html and "neu-eins" in html
    assert not Offer.objects.filter(slug__startswith="neu-").exists()  # nothing saved yet

    done = confirm(editor_client, response).content.decode()
    assert "Import abgeschlossen: 2 Zeilen – 2 neu, 0 aktualisiert, 0 unverändert" in done
    job = OfferImport.objects.get()
    assert (job.status, job.rows_done, job.created_by) == (OfferImport.Status.DONE, 2, editor)
    offer = Offer.objects.get(slug="neu-eins")
    assert offer.provider == institution_a and offer.provider_name == institution_a.search_name
    assert set(offer.coverage.values_list("slug", flat=True)) == {"nrw", "kreis-lippe"}
    assert list(offer.topics.names()) == ["Robotik"] and offer.topic_names == "Robotik"
    record = offer.history.get()  # one entry per imported row, with its relations and who imported it
    assert (record.history_type, record.history_user, record.topic_names) == ("+", editor, "Robotik")
    assert set(record.coverage.values_list("region__slug", flat=True)) == {"nrw", "kreis-lippe"}
    assert offer.review_due is not None
    # the list of imports shows who imported what
    listing = editor_client.get(reverse("admin:offers_offerimport_changelist")).content.decode()
    assert "angebote.csv" in listing and "2 von 2 Zeilen" in listing


def test_update_keeps_history_and_raises_the_version(editor_client, institution_a):
    existing = make_offer(slug="schon-da", title="Vorher", provider=institution_a, coverage=["nrw"])
    response = upload(editor_client, dataset(row("schon-da", title="Nachher", version=str(existing.version))))
    assert "1 geändert" in response.content.decode()
    assert "Titel" in response.context["job"].preview[0]["changes"]
    confirm(editor_client, response)
    existing.refresh_from_db()
    assert (existing.title, existing.version) == ("Nachher", 2)
    latest = existing.history.order_by("-history_id").first()
    assert (latest.title, latest.history_type, latest.version) == ("Nachher", "~", 2)
    assert set(latest.coverage.values_list("region__slug", flat=True)) == {"nrw", "kreis-lippe"}


def test_one_bad_row_imports_nothing_and_names_the_row(editor_client, institution_a):
    existing = make_offer(slug="schon-da", title="Vorher", provider=institution_a)
    data = dataset(
        row("schon-da", title="Nachher"),
        row("neu-gut"),
        row("neu-kaputt", provider="gibt-es-nicht", coverage="nrw,atlantis", summary="x" * 301),
    )
    response = upload(editor_client, data)
    job = response.context["job"]
    assert job.status == OfferImport.Status.INVALID
    text = "\n".join(job.errors)
    assert "Zeile 4: Anbieter: Anbieter „gibt-es-nicht“ gibt es nicht" in text
    assert "Zeile 4: Gebiet: Unbekannte Regionen: atlantis." in text
    assert "Zeile 4: Kurzbeschreibung:" in text and "300" in text
    html = response.content.decode()
    assert "Nichts importiert" in html and "Import bestätigen" not in html
    existing.refresh_from_db()
    assert existing.title == "Vorher"
    assert not Offer.objects.filter(slug__in=["neu-gut", "neu-kaputt"]).exists()


def test_excel_import(editor_client, institution_a):
    response = upload(editor_client, dataset(row("aus-excel")), fmt="xlsx")
    assert response.context["job"].status == OfferImport.Status.READY
    confirm(editor_client, response)
    assert Offer.objects.get(slug="aus-excel").title == "Import aus-excel"


def test_export_csv_and_excel(editor_client, institution_a):
    make_offer(slug="export-mich", provider=institution_a, coverage=["nrw", "kreis-lippe"], topics=["Robotik"])
    url = reverse("admin:offers_offer_export")
    response = editor_client.post(
        url, {"format": "0", "resource": "0", **{f"offerresource_{n}": "on" for n in HEADERS}}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "export-mich" in text and "hochschule-a" in text and "kreis-lippe,nrw" in text
    response = editor_client.post(
        url, {"format": "1", "resource": "0", **{f"offerresource_{n}": "on" for n in HEADERS}}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_partner_editors_cannot_import(partner_client):
    assert partner_client.get(IMPORT_URL).status_code == 403


def test_command_dry_run_progress_and_all_or_nothing(tmp_path, institution_a):
    path = tmp_path / "angebote.csv"
    path.write_text(dataset(*[row(f"massen-{n}") for n in range(5)]).export("csv"), encoding="utf-8")
    out = io.StringIO()
    call_command("import_offers", str(path), "--dry-run", "--every", "2", stdout=out)
    text = out.getvalue()
    assert "2 von 5 Zeilen geprüft" in text and "4 von 5 Zeilen geprüft" in text
    assert "Probelauf" in text and not Offer.objects.filter(slug__startswith="massen-").exists()

    out = io.StringIO()
    call_command("import_offers", str(path), stdout=out)
    assert "Importiert. 5 Zeilen: 5 neu" in out.getvalue()
    assert Offer.objects.filter(slug__startswith="massen-").count() == 5
    assert OfferImport.objects.get().created_count == 5  # listed under "Importe" too

    bad = tmp_path / "kaputt.csv"
    bad.write_text(dataset(row("massen-neu"), row("massen-x", offer_type="zauberei")).export("csv"), encoding="utf-8")
    with pytest.raises(CommandError, match="Zeile 3"):
        call_command("import_offers", str(bad), stdout=io.StringIO())
    assert not Offer.objects.filter(slug="massen-neu").exists()


def test_command_refuses_unknown_files(tmp_path):
    with pytest.raises(CommandError, match="nicht"):
        call_command("import_offers", str(tmp_path / "fehlt.csv"))


def export(client, fmt, columns):
    """The admin's export with these columns ticked, as the editor's browser sends it."""
    ticked = {f"offerresource_{name}": "on" for name in columns}
    response = client.post(reverse("admin:offers_offer_export"), {"format": fmt, "resource": "0", **ticked})
    assert response.status_code == 200
    return response.content


def load(content, fmt):
    """A downloaded export as rows (CSV arrives as UTF-8 with a byte order mark, for Excel)."""
    if fmt == "0":
        return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
    return tablib.Dataset().load(content, format="xlsx")


def export_columns():
    from offers.resources import OfferResource

    return list(OfferResource().get_export_order())


def test_export_form_labels_are_german(editor_client):
    html = editor_client.get(reverse("admin:offers_offer_export")).content.decode()
    assert "Titel (title)" in html and "Angebotsart (offer_type)" in html and "Format (format)" in html
    assert "Alle auswählen" in html
    assert ">Title<" not in html and "Offer Type" not in html and "Select all" not in html


@pytest.mark.parametrize("fmt", ["0", "1"], ids=["csv", "xlsx"])
def test_export_has_every_ticked_column_including_format(editor_client, institution_a, fmt):
    make_offer(slug="hybrid-angebot", provider=institution_a, format=Offer.Format.HYBRID)
    data = load(export(editor_client, fmt, export_columns()), fmt)
    assert data.headers == export_columns()  # export columns = import columns, Format included
    assert data.headers.count("format") == 1
    row = dict(zip(data.headers, data[0], strict=True))
    assert row["slug"] == "hybrid-angebot" and row["format"] == "hybrid"

    only_some = load(export(editor_client, fmt, ["slug", "format"]), fmt)
    assert only_some.headers == ["slug", "format"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(editor_client, institution_a, topic, fmt):
    make_offer(
        slug="rundreise",
        provider=institution_a,
        format=Offer.Format.ONLINE,
        cost=Offer.Cost.SUBSIDISED,
        coverage=["kreis-lippe", "kreis-hoexter"],
        topics=["Robotik"],
        deadline=datetime.date(2027, 3, 31),
        last_verified=datetime.date(2026, 10, 1),
    )
    make_offer(slug="entwurf-ohne-datum", provider=institution_a, status=Offer.Status.DRAFT, published_at=None)
    before = export(editor_client, "0" if fmt == "csv" else "1", export_columns())
    offer = Offer.objects.get(slug="rundreise")
    snapshot = {name: getattr(offer, name) for name in ("published_at", "format", "cost", "deadline", "last_verified")}
    history_before = offer.history.count()

    preview = upload(editor_client, before, fmt=fmt, name=f"export.{fmt}")
    # three rows (the topic fixture's offer too), nothing to change
    assert "Vorschau: 3 Zeilen geprüft – 0 neu, 0 geändert, 3 unverändert" in preview.content.decode()
    confirm(editor_client, preview)

    offer.refresh_from_db()
    assert {name: getattr(offer, name) for name in snapshot} == snapshot
    assert offer.history.count() == history_before  # unchanged rows are not written: no history entry
    after = export(editor_client, "0" if fmt == "csv" else "1", export_columns())
    if fmt == "csv":
        assert after == before
    else:
        assert load(after, "1").dict == load(before, "1").dict
