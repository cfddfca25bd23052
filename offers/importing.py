"""Importing offers from CSV/XLSX: read, check every row, then write in short batches – in the background.

The columns and cell formats are those of `OfferResource` (offers/resources.py), so an export can be edited
and imported again. Three steps, each usable on its own (the admin runs them as tasks, offers/tasks.py; the
`import_offers` command runs them in its own process):

1. `read_file(content, name)` turns the uploaded bytes into a `tablib.Dataset`, or raises `ImportFileError`
   with a German message (not UTF-8, not really XLSX, NUL bytes, oversized cells, unknown columns).
2. `check(dataset)` validates every row without writing and returns a `Plan`: what each row would do and
   every problem as "Zeile N: …" (line 1 is the header). Any problem means nothing is written.
   Duplicate slugs are named with both lines; a row whose `version` is older than the offer's is refused.
3. `write(plan)` writes the rows in batches of `IMPORT_BATCH_SIZE`, each batch its own short transaction
   with bulk statements (offers, relations, one history entry per offer with its relations). Only the
   offers of the current batch are locked, and only while it is written; the data version
   (allianz_portal.DataVersion) is raised once at the end. A batch re-checks each offer's version under
   its lock, so an editor's save made while the import runs is never overwritten: that row is refused
   with its line number, and the editor's change stays.

Bulk statements bypass `Offer.save()` and the signals, so this module does what they do: the derived
fields (`Offer.fill_derived_fields`), the topic search text (`join_topic_names`), the version, the
history (simple-history's bulk API plus the relation rows) and the data version.
"""

import csv
import dataclasses
import io
import zipfile

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from import_export import widgets

from allianz_portal.freshness import bump_data_version

from .models import Offer, OfferImport, TaggedOffer, join_topic_names, offer_history
from .resources import OfferResource

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_CELL_CHARS = 20_000
PREVIEW_ROWS = 300  # rows listed on the preview page (the counts cover all rows)
MAX_MESSAGES = 500  # problems listed; the count says how many there are in all
HISTORY_REASON = "Import"


FAILED_CHECK = "Die Prüfung brach wegen eines Fehlers ab; nichts wurde gespeichert. Bitte die Technik informieren."


class ImportFileError(Exception):
    """The file cannot be read as offers at all; the message is German and meant for the editor."""


def batch_size():
    return getattr(settings, "IMPORT_BATCH_SIZE", 500)


# -- 1. reading ------------------------------------------------------------------------------------


NOT_XLSX = (
    "Die Datei ist keine Excel-Arbeitsmappe (.xlsx), auch wenn sie so heißt. Bitte in Excel "
    "„Speichern unter … Excel-Arbeitsmappe (.xlsx)“ wählen oder als CSV (UTF-8) speichern."
)


def sniff(content, name):
    """The quick checks an upload gets at once: size, kind, encoding. Returns "csv" or "xlsx" (or raises)."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"Die Datei ist größer als {MAX_FILE_BYTES // 1024 // 1024} MB. Bitte teilen Sie sie auf."
        )
    if not content.strip():
        raise ImportFileError("Die Datei ist leer.")
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx":
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise ImportFileError(NOT_XLSX)
    elif suffix == "csv":
        _decode_csv(content)
    else:
        raise ImportFileError("Bitte eine CSV-Datei (.csv, UTF-8) oder eine Excel-Arbeitsmappe (.xlsx) hochladen.")
    return suffix


def read_file(content, name):
    """A `tablib.Dataset` from the bytes of a .csv (UTF-8, comma or semicolon) or .xlsx file."""
    if sniff(content, name) == "xlsx":
        try:
            dataset = tablib.Dataset().load(content, format="xlsx")
        except Exception as error:  # openpyxl raises many kinds for damaged workbooks
            raise ImportFileError(NOT_XLSX) from error
    else:
        dataset = _read_csv(_decode_csv(content))
    _check_headers(dataset)
    if not len(dataset):
        raise ImportFileError("Die Datei enthält nur die Kopfzeile, aber keine Angebote.")
    _check_cells(dataset)
    return dataset


def _decode_csv(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"Die Datei ist nicht als UTF-8 gespeichert (erstes unlesbares Zeichen in Zeile {line}). "
            "Bitte in Excel „CSV UTF-8 (durch Trennzeichen getrennt)“ wählen und erneut hochladen."
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFileError(
            f"Zeile {line}: Die Datei enthält ein Null-Zeichen (NUL). So sieht keine CSV-Datei aus – "
            "bitte die Datei aus Excel neu als „CSV UTF-8“ speichern."
        )
    return text


def _read_csv(text):
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return tablib.Dataset().load(text, format="csv", delimiter=delimiter)
    except (csv.Error, tablib.InvalidDimensions) as error:
        raise ImportFileError(
            f"Die CSV-Datei ist nicht lesbar: Zeilen mit unterschiedlich vielen Spalten ({error})."
        ) from None


def _check_headers(dataset):
    headers = [str(name or "").strip() for name in dataset.headers or []]
    if "slug" not in headers:
        raise ImportFileError("Die Spalte „slug“ (Kurzname) fehlt. Bitte die erste Zeile wie beim Export belassen.")
    known = {field.column_name for field in OfferResource().fields.values()}
    unknown = [name for name in headers if name not in known]
    if unknown:
        raise ImportFileError(f"Unbekannte Spalten: {', '.join(unknown)}. Erlaubt sind die Spalten des Exports.")
    duplicates = sorted({name for name in headers if headers.count(name) > 1})
    if duplicates:
        raise ImportFileError(f"Diese Spalten kommen mehrfach vor: {', '.join(duplicates)}.")
    dataset.headers = headers


def _check_cells(dataset):
    problems = []
    for index, values in enumerate(dataset):
        for column, value in zip(dataset.headers, values, strict=False):
            if not isinstance(value, str):
                continue
            if "\x00" in value:
                problems.append(f"Zeile {index + 2}, Spalte „{column}“: enthält ein Null-Zeichen (NUL).")
            elif len(value) > MAX_CELL_CHARS:
                problems.append(
                    f"Zeile {index + 2}, Spalte „{column}“: {_thousands(len(value))} Zeichen sind zu viel "
                    f"(höchstens {_thousands(MAX_CELL_CHARS)})."
                )
    if problems:
        raise ImportFileError("\n".join(problems[:MAX_MESSAGES]))


def _thousands(number):
    return f"{number:,}".replace(",", ".")


# -- 2. checking -------------------------------------------------------------------------------------


@dataclasses.dataclass
class PlannedRow:
    line: int
    offer: Offer
    is_new: bool
    base_version: int  # the version the row was checked against (0 for a new offer)
    version_from_file: bool
    relations: dict  # m2m field name -> list of related pks (only the columns in the file)
    changes: list  # labels of the fields that change
    changed_relations: set  # names of the relations that change (all of the file's for a new offer)
    known_title: str  # the title the offer had when checked (the file's title for a new one)

    @property
    def action(self):
        return "neu" if self.is_new else ("geändert" if self.changes else "unverändert")


@dataclasses.dataclass
class Plan:
    rows: list
    errors: list
    columns: list

    @property
    def to_write(self):
        return [row for row in self.rows if row.is_new or row.changes]

    def counts(self):
        new = sum(row.is_new for row in self.rows)
        changed = sum(bool(not row.is_new and row.changes) for row in self.rows)
        return {"new": new, "update": changed, "unchanged": len(self.rows) - new - changed}

    def versions(self):
        return {row.offer.slug: row.base_version for row in self.rows}

    def preview(self):
        return [
            {
                "line": row.line,
                "slug": row.offer.slug,
                "title": row.offer.title,
                "action": row.action,
                "changes": row.changes,
            }
            for row in self.rows[:PREVIEW_ROWS]
        ]


def _labels():
    labels = {
        field.name: str(field.verbose_name) for field in Offer._meta.get_fields() if hasattr(field, "verbose_name")
    }
    labels["topics"] = "Themen"
    return labels


def stale_message(line, title, base, current, from_file=True):
    since = "dem Export" if from_file else "der Vorschau"
    again = "Bitte neu exportieren." if from_file else "Bitte laden Sie die Datei erneut hoch."
    if current is None:
        return f"Zeile {line}: Das Angebot „{title}“ wurde nach {since} gelöscht. {again}"
    return f"Zeile {line}: Das Angebot „{title}“ wurde nach {since} geändert (Version {current} statt {base}). {again}"


def check(dataset, progress=None):
    """Validate every row (nothing is written) and return the `Plan`."""
    resource = OfferResource()
    columns = list(dataset.headers)
    fields = {name: field for name, field in resource.fields.items() if field.column_name in columns}
    relation_fields = {n: f for n, f in fields.items() if isinstance(f.widget, widgets.ManyToManyWidget)}
    plain_fields = {n: f for n, f in fields.items() if n not in relation_fields and n != "version"}
    for field in fields.values():
        if hasattr(field.widget, "preload"):
            field.widget.preload()
    labels = _labels()
    rows = [dict(zip(columns, values, strict=False)) for values in dataset]
    slugs = [str(row.get("slug") or "").strip() for row in rows]
    existing = _existing_offers(slugs)
    old_relations = _relations_of([offer.pk for offer in existing.values()], relation_fields)
    errors, planned = [], []

    lines_by_slug = {}
    for index, slug in enumerate(slugs):
        if slug:
            lines_by_slug.setdefault(slug, []).append(index + 2)
    for slug, lines in lines_by_slug.items():
        if len(lines) > 1:
            listed = ", ".join(str(line) for line in lines[:-1]) + f" und {lines[-1]}"
            errors.append(
                f"Zeilen {listed}: Der Kurzname „{slug}“ kommt mehrfach vor. Jede Zeile braucht einen eigenen."
            )

    for index, (row, slug) in enumerate(zip(rows, slugs, strict=True)):
        line = index + 2
        row["slug"] = slug
        current = existing.get(slug)
        offer = current if current is not None else Offer()
        before = {field.attname: getattr(offer, field.attname) for field in Offer._meta.concrete_fields}
        row_errors = {}
        for name, field in plain_fields.items():
            try:
                field.save(offer, row)
            except ValueError as error:
                row_errors[name] = [str(error)]
        version_from_file = False
        base_version = current.version if current is not None else 0
        raw_version = row.get("version")
        if raw_version not in (None, ""):
            try:
                file_version = int(float(str(raw_version).strip()))
            except ValueError:
                row_errors["version"] = [f"„{raw_version}“ ist keine Zahl."]
            else:
                if current is not None:
                    version_from_file = True
                    if file_version != current.version:
                        errors.append(stale_message(line, before["title"], file_version, current.version))
                    base_version = file_version
        relations = {}
        for name, field in relation_fields.items():
            try:
                relations[name] = [item.pk for item in field.widget.clean(row[field.column_name])]
            except ValueError as error:
                row_errors[name] = [str(error)]
                continue
            if not relations[name] and name in OfferResource.REQUIRED_M2M:
                row_errors[name] = [f"{OfferResource.REQUIRED_M2M[name]}: mindestens ein Eintrag ist nötig."]
        try:
            # Foreign keys come from the preloaded slug maps: no need to look each one up again.
            resolved = [name for name, field in plain_fields.items() if hasattr(field.widget, "known")]
            exclude = ["topics", *row_errors, *resolved, *(field.name for field in Offer._meta.many_to_many)]
            offer.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            row_errors.update(error.message_dict)
        for name, messages in row_errors.items():
            label = labels.get(name, name) if name != "__all__" else "Zeile"
            errors.extend(f"Zeile {line}: {label}: {message}" for message in messages)
        if row_errors:
            continue
        changes, changed_relations = [], set(relations) if current is None else set()
        if current is not None:
            for field in Offer._meta.concrete_fields:
                if field.name in plain_fields and getattr(offer, field.attname) != before[field.attname]:
                    changes.append(labels.get(field.name, field.name))
            for name, pks in relations.items():
                if set(pks) != old_relations[name].get(offer.pk, set()):
                    changes.append(labels.get(name, name))
                    changed_relations.add(name)
        known_title = before["title"] if current is not None else offer.title
        planned.append(
            PlannedRow(
                line,
                offer,
                current is None,
                base_version,
                version_from_file,
                relations,
                changes,
                changed_relations,
                known_title,
            )
        )
        if progress is not None:
            progress(index + 1, len(rows))
    return Plan(rows=planned, errors=errors, columns=columns)


def _existing_offers(slugs, chunk=2000):
    wanted = sorted({slug for slug in slugs if slug})
    found = {}
    for start in range(0, len(wanted), chunk):
        for offer in Offer.objects.filter(slug__in=wanted[start : start + chunk]).select_related("provider"):
            found[offer.slug] = offer
    return found


def _through(name):
    """(through model, column of the offer, column of the related record) of an offer relation."""
    if name == "topics":
        return TaggedOffer, "content_object_id", "tag_id"
    field = Offer._meta.get_field(name)
    return field.remote_field.through, field.m2m_column_name(), field.m2m_reverse_name()


def _relations_of(offer_pks, names, chunk=2000):
    result = {name: {} for name in names}
    for name in names:
        through, source, target = _through(name)
        for start in range(0, len(offer_pks), chunk):
            rows = through.objects.filter(**{f"{source}__in": offer_pks[start : start + chunk]})
            for offer_pk, related_pk in rows.values_list(source, target):
                result[name].setdefault(offer_pk, set()).add(related_pk)
    return result


# -- 3. writing --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    refused: list = dataclasses.field(default_factory=list)


def write(plan, user=None, progress=None):
    """Write the planned rows in batches (see the module docstring). Returns an `Outcome`."""
    rows = plan.to_write
    outcome = Outcome()
    topic_names = {}
    if "topics" in plan.columns:
        from .models import Topic

        topic_names = dict(Topic.objects.values_list("pk", "name"))
    size = batch_size()
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        with transaction.atomic():
            _write_batch(batch, plan.columns, user, topic_names, outcome)
        if progress is not None:
            progress(min(start + size, len(rows)), len(rows))
    if outcome.created or outcome.updated:
        with transaction.atomic():  # bulk writes send no signals: name the offers for the facet index
            bump_data_version(changed=[("offers.offer", row.offer.pk) for row in rows if row.offer.pk is not None])
    return outcome


def _write_batch(batch, columns, user, topic_names, outcome):
    resource_fields = OfferResource().fields
    existing_pks = [row.offer.pk for row in batch if not row.is_new]
    current = dict(Offer.objects.select_for_update().filter(pk__in=existing_pks).values_list("pk", "version"))
    taken = set(
        Offer.objects.filter(slug__in=[row.offer.slug for row in batch if row.is_new]).values_list("slug", flat=True)
    )
    new, changed = [], []
    for row in batch:
        if row.is_new and row.offer.slug in taken:
            outcome.refused.append(
                f"Zeile {row.line}: Den Kurznamen „{row.offer.slug}“ hat inzwischen ein anderes Angebot bekommen."
            )
        elif not row.is_new and current.get(row.offer.pk) != row.base_version:
            outcome.refused.append(
                stale_message(
                    row.line, row.known_title, row.base_version, current.get(row.offer.pk), row.version_from_file
                )
            )
        else:
            (new if row.is_new else changed).append(row)
    now = timezone.now()
    for row in [*new, *changed]:
        offer = row.offer
        offer.version = 1 if row.is_new else row.base_version + 1
        offer.updated_at = now
        if "topics" in row.relations:
            offer.topic_names = join_topic_names(topic_names[pk] for pk in row.relations["topics"])
        if offer.status == Offer.Status.PUBLISHED and not offer.published_at:
            offer.published_at = now
        offer.fill_derived_fields()
    created = Offer.objects.bulk_create([row.offer for row in new])
    for row, offer in zip(new, created, strict=True):
        row.offer.pk = offer.pk
        row.offer._state.adding = False
    if changed:
        names = {field.attribute for name, field in resource_fields.items() if field.column_name in columns}
        concrete = {field.name for field in Offer._meta.concrete_fields if not field.primary_key}
        update = (names & concrete) | {"version", "updated_at", "provider_name", "review_due", "published_at"}
        if "topics" in columns:
            update.add("topic_names")
        Offer.objects.bulk_update([row.offer for row in changed], sorted(update))
    written = [*new, *changed]
    for name in {name for row in written for name in row.changed_relations}:
        through, source, target = _through(name)
        rows = [row for row in written if name in row.changed_relations]
        through.objects.filter(**{f"{source}__in": [row.offer.pk for row in rows if not row.is_new]}).delete()
        through.objects.bulk_create(
            [through(**{source: row.offer.pk, target: pk}) for row in rows for pk in row.relations[name]]
        )
    _write_history(new, changed, user, now)
    outcome.created += len(new)
    outcome.updated += len(changed)


def _write_history(new, changed, user, now):
    """One history entry per written offer with its relations, as `record_offer_history` writes it."""
    records = []
    for rows, update in ((new, False), (changed, True)):
        if rows:
            records += Offer.history.bulk_history_create(
                [row.offer for row in rows],
                update=update,
                default_user=user,
                default_change_reason=HISTORY_REASON,
                default_date=now,
            )
    history_of = {record.id: record.history_id for record in records}
    offer_pks = list(history_of)
    for field, history_model in offer_history.m2m_models.items():
        if field.model is not Offer:
            continue
        through = field.remote_field.through
        attnames = [item.attname for item in through._meta.fields]
        source = field.m2m_column_name()
        rows = through.objects.filter(**{f"{source}__in": offer_pks}).values_list(*attnames)
        history_model.objects.bulk_create(
            [
                history_model(
                    history_id=history_of[values[attnames.index(source)]], **dict(zip(attnames, values, strict=True))
                )
                for values in rows
            ]
        )


# -- the import as an editor sees it (OfferImport) -----------------------------------------------------


def _save(job, **values):
    for name, value in values.items():
        setattr(job, name, value)
    OfferImport.objects.filter(pk=job.pk).update(**values)


def check_job(job):
    """The preview: read and check the file; the job shows what would happen, or why nothing can."""
    _save(job, status=OfferImport.Status.CHECKING, rows_done=0, errors=[])
    try:
        dataset = read_file(bytes(job.content), job.file_name)
    except ImportFileError as error:
        _save(job, status=OfferImport.Status.INVALID, errors=str(error).split("\n"), finished_at=timezone.now())
        return None
    _save(job, rows_total=len(dataset))
    try:
        plan = check(dataset, progress=_every(job, "rows_done"))
    except Exception:
        _save(job, status=OfferImport.Status.FAILED, errors=[FAILED_CHECK], finished_at=timezone.now())
        raise
    counts = plan.counts()
    values = {
        "rows_done": len(dataset),
        "created_count": counts["new"],
        "updated_count": counts["update"],
        "unchanged_count": counts["unchanged"],
        "preview": plan.preview(),
        "checked_versions": plan.versions(),
        "errors": plan.errors[:MAX_MESSAGES],
    }
    if plan.errors:
        _save(job, status=OfferImport.Status.INVALID, finished_at=timezone.now(), **values)
    else:
        _save(job, status=OfferImport.Status.READY, **values)
    return plan


def run_job(job, progress=None):
    """The confirmed import: check the file again, refuse it if offers changed since the preview, write it."""
    _save(job, status=OfferImport.Status.RUNNING, started_at=timezone.now(), rows_done=0, errors=[])
    try:
        dataset = read_file(bytes(job.content), job.file_name)
        plan = check(dataset)
        changed_since = _changed_since_preview(plan, job.checked_versions)
        if plan.errors or changed_since:
            _save(
                job,
                status=OfferImport.Status.REFUSED,
                errors=[
                    "Seit der Vorschau hat sich etwas geändert – nichts importiert:",
                    *changed_since,
                    *plan.errors,
                ][:MAX_MESSAGES],
                finished_at=timezone.now(),
            )
            return None
        unchanged = plan.counts()["unchanged"]
        _save(job, rows_total=len(dataset), unchanged_count=unchanged)

        def step(done, total):
            _save(job, rows_done=unchanged + done)  # once per batch
            if progress is not None:
                progress(done, total)

        outcome = write(plan, user=job.created_by, progress=step)
    except ImportFileError as error:
        _save(job, status=OfferImport.Status.REFUSED, errors=str(error).split("\n"), finished_at=timezone.now())
        return None
    except Exception:
        _save(
            job,
            status=OfferImport.Status.FAILED,
            errors=[
                "Der Import brach wegen eines Fehlers ab. Bereits geschriebene Abschnitte bleiben gespeichert; "
                "die Zeilen sind unter „Zeilen erledigt“ gezählt. Bitte die Technik informieren."
            ],
            finished_at=timezone.now(),
        )
        raise
    _save(
        job,
        status=OfferImport.Status.DONE,
        created_count=outcome.created,
        updated_count=outcome.updated,
        refused_count=len(outcome.refused),
        errors=outcome.refused[:MAX_MESSAGES],
        finished_at=timezone.now(),
        content=b"",
    )
    return outcome


def _changed_since_preview(plan, checked_versions):
    lines = []
    for row in plan.rows:
        before = checked_versions.get(row.offer.slug)
        if before is None or before == row.base_version:
            continue
        if before == 0:
            lines.append(f"Zeile {row.line}: Den Kurznamen „{row.offer.slug}“ hat inzwischen ein anderes Angebot.")
        else:
            lines.append(stale_message(row.line, row.known_title, before, row.base_version, from_file=False))
    return lines


def _every(job, name, every=500):
    """A progress callback that stores the rows done on the job every `every` rows (and at the end)."""

    def progress(done, total):
        if done == total or done % every == 0:
            _save(job, **{name: done})

    return progress
