"""Curating offers: workflow, freshness, roles, history, optimistic locking, bulk actions, import/export.

Partner editors (see offers/permissions.py) are limited everywhere a request can reach an offer: the
changelist and autocomplete querysets, the object permissions behind change/delete/history/revert URLs,
and the bulk actions, which act only on rows the user may change.
"""

import itertools

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as confirm_and_delete
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from allianz_portal.history import ReadableHistoryAdmin
from allianz_portal.templatetags.portal import slash_breaks

from . import permissions
from .admin_forms import AddTopicForm, OfferAdminForm, OfferExportForm, OfferImportForm
from .models import (
    InnovationDimension,
    Offer,
    OfferImport,
    OfferSubmission,
    TargetGroup,
    Topic,
    VersionConflict,
    record_offer_history,
)
from .resources import OfferResource
from .tasks import check_offer_import, run_offer_import


@admin.register(TargetGroup, InnovationDimension)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# -- list filters ------------------------------------------------------------------------------------


class StateFilter(admin.SimpleListFilter):
    title = "Zustand"
    parameter_name = "zustand"

    def lookups(self, request, model_admin):
        return [
            ("entwurf", "Entwurf"),
            ("pruefung", "In Prüfung"),
            ("geplant", "geplant"),
            ("oeffentlich", "veröffentlicht und aktuell"),
            ("abgelaufen", "abgelaufen"),
            ("archiviert", "Archiviert"),
        ]

    def queryset(self, request, queryset):
        value, now = self.value(), timezone.now()
        if value in {"entwurf", "pruefung", "archiviert"}:
            return queryset.filter(status={"entwurf": "entwurf", "pruefung": "pruefung"}.get(value, "archiviert"))
        if value == "geplant":
            return queryset.scheduled(now)
        if value == "oeffentlich":
            return queryset.public(now).current()
        if value == "abgelaufen":
            return queryset.expired().filter(published_at__lte=now)
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = "Prüfung fällig"
    parameter_name = "pruefung_faellig"

    def lookups(self, request, model_admin):
        return [("ja", "Prüfung fällig"), ("nein", "aktuell geprüft")]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.due_for_review()
        if self.value() == "nein":
            return queryset.exclude(pk__in=Offer.objects.due_for_review().values("pk"))
        return queryset


class SubmissionFilter(admin.SimpleListFilter):
    title = "Herkunft"
    parameter_name = "vorschlag"

    def lookups(self, request, model_admin):
        return [("neu", "neuer Vorschlag (Entwurf)"), ("alle", "über das Formular vorgeschlagen")]

    def queryset(self, request, queryset):
        if self.value() == "neu":
            return queryset.filter(status=Offer.Status.DRAFT, submission__isnull=False)
        if self.value() == "alle":
            return queryset.filter(submission__isnull=False)
        return queryset


class ExpiryFilter(admin.SimpleListFilter):
    title = "läuft bald ab"
    parameter_name = "ablauf"

    def lookups(self, request, model_admin):
        return [("7", "in 7 Tagen"), ("30", "in 30 Tagen")]

    def queryset(self, request, queryset):
        if self.value() in {"7", "30"}:
            return queryset.expiring_within(int(self.value()))
        return queryset


# -- the offer admin ---------------------------------------------------------------------------------


@admin.register(Offer)
class OfferAdmin(ImportExportMixin, ReadableHistoryAdmin):
    form = OfferAdminForm
    resource_classes = [OfferResource]
    export_form_class = OfferExportForm
    formats = [CSV, XLSX]
    import_template_name = "admin/offers/offer/import.html"
    change_list_template = "admin/offers/offer/change_list.html"
    # Fits 1280 px beside the filters: dates without time, type labels that wrap after their slashes; the
    # check date ("Stand") and demo flag stay filters and form fields.
    list_display = ["title", "provider", "type_label", "state_label", "published_date", "review_due_date"]
    list_filter = [
        StateFilter,
        ReviewDueFilter,
        ExpiryFilter,
        SubmissionFilter,
        "status",
        "offer_type",
        "cost",
        "format",
        "target_groups",
        "dimensions",
        "is_demo",
    ]
    list_select_related = ["provider"]
    search_fields = ["title", "summary", "provider__name", "provider__short_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["provider", "network", "coverage", "funded_by"]
    filter_horizontal = ["target_groups", "dimensions"]
    date_hierarchy = "published_at"
    actions = ["submit_for_review", "publish", "archive", "mark_verified", "add_topic", "delete_selected"]
    history_list_display = ["version"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description"]}),
        ("Anbieter", {"fields": ["provider", "network"]}),
        (
            "Einordnung",
            {"fields": ["offer_type", "topics", "target_groups", "dimensions", "coverage", "cost", "format"]},
        ),
        ("Termine", {"fields": ["start_date", "end_date", "deadline"]}),
        ("Kontakt", {"fields": ["contact_name", "contact_email", "contact_phone", "url"]}),
        (
            "Förderung und Kosten",
            {
                "fields": [
                    "max_amount",
                    ("rate_micro", "rate_small", "rate_medium"),
                    "own_contribution",
                    "duration",
                    "price_from",
                    ("for_micro", "for_small", "for_medium"),
                ]
            },
        ),
        ("Finanzierung", {"fields": ["funded_by"]}),
        (
            "Veröffentlichung",
            {
                "fields": [
                    "status",
                    "published_at",
                    "last_verified",
                    "review_interval_months",
                    "review_due",
                    "is_demo",
                    "version",
                    "created_at",
                    "updated_at",
                    "submission_info",
                    "loaded_version",
                ]
            },
        ),
    ]
    PARTNER_READONLY = ["provider", "published_at", "is_demo", "review_interval_months"]

    # -- lists ----------------------------------------------------------------------------------------

    @admin.display(description="Angebotsart", ordering="offer_type")
    def type_label(self, offer):
        return slash_breaks(offer.get_offer_type_display())

    @admin.display(description="veröffentlicht ab", ordering="published_at")
    def published_date(self, offer):
        return f"{timezone.localtime(offer.published_at):%d.%m.%Y}" if offer.published_at else "–"

    @admin.display(description="Prüfung fällig ab", ordering="review_due")
    def review_due_date(self, offer):
        return f"{offer.review_due:%d.%m.%Y}" if offer.review_due else "–"

    @admin.display(description="Zustand", ordering="status")
    def state_label(self, offer):
        key, label = offer.state
        if key == "geplant":
            return f"geplant ab {timezone.localtime(offer.published_at):%d.%m.%Y %H:%M}"
        if key == "abgelaufen":
            return format_html('<strong class="curation-expired">{}</strong>', label)
        return label

    @admin.display(description="Vorgeschlagen über das Formular")
    def submission_info(self, offer):
        submission = OfferSubmission.objects.filter(offer=offer).first() if offer.pk else None
        if submission is None:
            return "–"
        url = reverse("admin:offers_offersubmission_change", args=[submission.pk])
        return format_html(
            '<a href="{}">{} am {:%d.%m.%Y}</a>: {} ({}), Institution laut Angabe: „{}“',
            url,
            "Vorschlag",
            timezone.localtime(submission.submitted_at),
            submission.submitter_name,
            submission.submitter_email,
            submission.institution_name,
        )

    def get_queryset(self, request):
        return permissions.scoped(super().get_queryset(request), request.user)

    def changelist_view(self, request, extra_context=None):
        can_recover = permissions.can_publish(request.user) and super().has_add_permission(request)
        return super().changelist_view(request, {**(extra_context or {}), "can_recover": can_recover})

    def get_search_results(self, request, queryset, search_term):
        # The "finanzierbar über" autocomplete offers funding programmes only: partner editors may also
        # link public programmes of other providers.
        if request.GET.get("field_name") == "funded_by":
            if permissions.is_partner_editor(request.user):
                queryset = queryset | Offer.objects.public()
            queryset = queryset.filter(offer_type=Offer.OfferType.FUNDING)
        return super().get_search_results(request, queryset, search_term)

    # -- permissions -------------------------------------------------------------------------------

    def has_add_permission(self, request):
        return super().has_add_permission(request) and bool(permissions.institution_scope(request.user))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.may_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.may_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.may_change(request.user, obj))

    def has_publish_permission(self, request):
        return permissions.can_publish(request.user)

    def has_import_permission(self, request):
        return permissions.can_publish(request.user) and super().has_import_permission(request)

    # -- the form ------------------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = ["review_due", "version", "created_at", "updated_at", "submission_info"]
        if permissions.is_partner_editor(request.user):
            fields += self.PARTNER_READONLY
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        attrs = {"status_choices": permissions.allowed_statuses(request.user)}
        revert = self._revert_source(request)
        if revert is not None:
            attrs["revert_record"], attrs["current_version"] = revert
        return type(form.__name__, (form,), attrs)

    def _revert_source(self, request):
        """(historical record, current version) when `request` is the history's revert view, read from its URL."""
        match = request.resolver_match  # simple-history's URL: <object_id>/history/<version_id>/, positional
        if match is None or match.url_name != "offers_offer_simple_history" or len(match.args) != 2:
            return None
        object_id, version_id = match.args
        current = Offer.objects.filter(pk=unquote(object_id)).first()
        if current is None:
            return None
        record = Offer.history.filter(id=current.pk, history_id=unquote(version_id)).first()
        return (record, current.version) if record is not None else None

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "funded_by" and permissions.is_partner_editor(request.user):
            scope = permissions.institution_scope(request.user)
            kwargs["queryset"] = Offer.objects.filter(
                Q(provider_id=scope or 0) | Q(pk__in=Offer.objects.public().values("pk")),
                offer_type=Offer.OfferType.FUNDING,
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if permissions.is_partner_editor(request.user):
            obj.provider_id = permissions.institution_scope(request.user)
            if obj.status not in permissions.PARTNER_STATUSES:
                obj.status = Offer.Status.DRAFT
            if not change:
                obj.published_at = None
        # One history entry per save, written by the form after the relations are saved (OfferAdminForm).
        obj.skip_history_when_saving = True
        obj._history_user = request.user  # simple-history's way to name the editor (as its save_model does)
        obj.save(version_claimed=form.version_claimed)

    # -- history: views scoped like the change view; revert shows the old relations ------------------

    def _offer_or_last_version(self, object_id):
        pk = unquote(object_id)
        offer = Offer.objects.filter(pk=pk).first()
        if offer is None:
            record = Offer.history.filter(id=pk).order_by("-history_date", "-history_id").first()
            offer = record.instance if record is not None else None
        if offer is None:
            raise Http404("Dieses Angebot gibt es nicht.")
        return offer

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_view_permission(request, self._offer_or_last_version(object_id)):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = Offer.objects.filter(pk=unquote(object_id)).first()
        if current is None:
            raise Http404("Gelöschte Angebote stellen Sie über „Gelöschte Angebote“ wieder her.")
        record = get_object_or_404(Offer.history.model, id=current.pk, history_id=unquote(version_id))
        if not (self.has_view_permission(request, current) and self.has_view_permission(request, record.instance)):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        for newer, older in itertools.pairwise(records):
            if newer.topic_names != older.topic_names:
                changes = list(getattr(newer, "history_delta_changes", None) or [])
                changes.append({"field": "Themen", "old": older.topic_names or "–", "new": newer.topic_names or "–"})
                newer.history_delta_changes = changes

    # -- deleted offers ----------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("geloescht/", self.admin_site.admin_view(self.deleted_view), name="{}_{}_deleted".format(*info)),
            path(
                "geloescht/<int:history_id>/wiederherstellen/",
                self.admin_site.admin_view(self.recover_view),
                name="{}_{}_recover".format(*info),
            ),
            *super().get_urls(),
        ]

    def _check_recover_permission(self, request):
        if not (permissions.can_publish(request.user) and super().has_add_permission(request)):
            raise PermissionDenied

    def deleted_view(self, request):
        self._check_recover_permission(request)
        existing = Offer.objects.values("pk")
        records = (
            Offer.history.filter(history_type="-")
            .exclude(id__in=existing)
            .select_related("history_user")
            .order_by("-history_date")[:200]
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Gelöschte Angebote",
            "records": records,
        }
        return TemplateResponse(request, "admin/offers/offer/deleted_list.html", context)

    @transaction.atomic
    def recover_view(self, request, history_id):
        self._check_recover_permission(request)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:offers_offer_deleted"))
        deletion = get_object_or_404(Offer.history.model, history_id=history_id, history_type="-")
        if Offer.objects.filter(pk=deletion.id).exists():
            self.message_user(request, "Dieses Angebot gibt es schon wieder.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:offers_offer_change", args=[deletion.id]))
        try:
            with transaction.atomic():
                offer, notes = recover_offer(deletion)
        except IntegrityError:  # someone else restored it (or took its address) at the same moment
            self.message_user(request, "Dieses Angebot hat gerade jemand anderes wiederhergestellt.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:offers_offer_deleted"))
        if offer is None:
            self.message_user(request, " ".join(notes), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:offers_offer_deleted"))
        self.log_addition(request, offer, [{"added": {}}])
        text = f"„{offer.title}“ ist wiederhergestellt (Status: {offer.get_status_display()})."
        self.message_user(request, " ".join([text, *notes]), messages.WARNING if notes else messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:offers_offer_change", args=[offer.pk]))

    # -- bulk actions --------------------------------------------------------------------------------

    def _permitted(self, request, queryset):
        """Only the rows this user may change; the changelist queryset is scoped already."""
        return [offer for offer in queryset.select_related("provider") if self.has_change_permission(request, offer)]

    @admin.action(description="Ausgewählte %(verbose_name_plural)s löschen", permissions=["delete"])
    def delete_selected(self, request, queryset):
        # Replaces the site-wide action of the same name: only rows the user may delete reach it.
        allowed = [offer.pk for offer in queryset if self.has_delete_permission(request, offer)]
        return confirm_and_delete(self, request, queryset.filter(pk__in=allowed))

    def _save_each(self, request, offers, change, fields=("status",)):
        """Apply `change` to each offer and save it, each offer on its own: all of its change or nothing.

        An offer someone else saved after the list was loaded (a version conflict) is left as it is and
        named in a warning, so their change is kept and nothing is half written.
        """
        done, conflicts = [], []
        for offer in offers:
            try:
                with transaction.atomic():
                    offer.claim_version()  # first, so nothing is changed for an offer saved meanwhile
                    change(offer)
                    offer._history_user = request.user  # simple-history's way to name the editor
                    offer.save(version_claimed=True)
            except VersionConflict:
                conflicts.append(offer)
                continue
            self.log_change(request, offer, [{"changed": {"fields": list(fields)}}])
            done.append(offer)
        if conflicts:
            names = ", ".join(f"„{offer.title}“" for offer in conflicts)
            self.message_user(
                request,
                f"Nicht geändert, weil inzwischen jemand anderes gespeichert hat: {names}. "
                "Bitte die Liste neu laden und diese Angebote noch einmal auswählen.",
                messages.WARNING,
            )
        return done

    @admin.action(description="Zur Prüfung geben", permissions=["change"])
    def submit_for_review(self, request, queryset):
        offers = [offer for offer in self._permitted(request, queryset) if offer.status == Offer.Status.DRAFT]

        def change(offer):
            offer.status = Offer.Status.REVIEW

        done = self._save_each(request, offers, change)
        self.message_user(request, f"{len(done)} Angebot(e) zur Prüfung gegeben.")

    @admin.action(description="Veröffentlichen", permissions=["publish"])
    def publish(self, request, queryset):
        offers = self._permitted(request, queryset)
        without_provider = [offer for offer in offers if not offer.provider_id]
        offers = [offer for offer in offers if offer.provider_id and offer.status != Offer.Status.PUBLISHED]

        def change(offer):
            offer.status = Offer.Status.PUBLISHED

        done = self._save_each(request, offers, change)
        self.message_user(request, f"{len(done)} Angebot(e) veröffentlicht.")
        if without_provider:
            names = ", ".join(f"„{offer.title}“" for offer in without_provider)
            self.message_user(request, f"Nicht veröffentlicht, weil der Anbieter fehlt: {names}.", messages.WARNING)

    @admin.action(description="Archivieren", permissions=["publish"])
    def archive(self, request, queryset):
        offers = [offer for offer in self._permitted(request, queryset) if offer.status != Offer.Status.ARCHIVED]

        def change(offer):
            offer.status = Offer.Status.ARCHIVED

        done = self._save_each(request, offers, change)
        self.message_user(request, f"{len(done)} Angebot(e) archiviert.")

    @admin.action(description="Als geprüft markieren (Stand: heute)", permissions=["change"])
    def mark_verified(self, request, queryset):
        today = timezone.localdate()

        def change(offer):
            offer.last_verified = today

        done = self._save_each(request, self._permitted(request, queryset), change)
        self.message_user(request, f"{len(done)} Angebot(e) als geprüft markiert (Stand {today:%d.%m.%Y}).")

    @admin.action(description="Thema hinzufügen …", permissions=["change"])
    def add_topic(self, request, queryset):
        offers = self._permitted(request, queryset)
        form = AddTopicForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            name = form.topic_name().strip()

            def change(offer):
                offer.topics.add(name)  # the topic_names signal updates offer.topic_names for the history

            done = self._save_each(request, offers, change, fields=["topics"])
            self.message_user(request, f"Thema „{name}“ bei {len(done)} Angebot(en) ergänzt.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Thema hinzufügen",
            "form": form,
            "offers": offers,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/offers/offer/add_topic.html", context)

    # -- import: upload here, preview and import in the background (offers/importing.py) -------------------

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = OfferImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            job = OfferImport.objects.create(file_name=upload.name[:255], content=form.content, created_by=request.user)
            check_offer_import.enqueue(job.pk)
            return HttpResponseRedirect(job.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Angebote importieren",
            "form": form,
            "recent": OfferImport.objects.select_related("created_by")[:5],
        }
        return TemplateResponse(request, "admin/offers/offer/import.html", context)

    def process_import(self, request, **kwargs):
        # django-import-export's confirm step is not used: imports are confirmed on their status page.
        return HttpResponseRedirect(reverse("admin:offers_offerimport_changelist"))


def recover_offer(deletion):
    """Re-create a deleted offer from its last history entry, relations included. Returns (offer, notes)."""
    history = Offer.history.filter(id=deletion.id).order_by("-history_date", "-history_id")
    before = history.exclude(history_type="-").first() or deletion
    offer = before.instance
    notes = []
    if Offer.objects.filter(slug=offer.slug).exists():
        return None, [f"Der Kurzname „{offer.slug}“ ist inzwischen vergeben; bitte erst das andere Angebot umbenennen."]
    if offer.provider_id and not type(offer).provider.field.related_model.objects.filter(pk=offer.provider_id).exists():
        offer.provider_id = None
        notes.append("Der Anbieter existiert nicht mehr: bitte neu zuordnen.")
    if offer.network_id and not type(offer).network.field.related_model.objects.filter(pk=offer.network_id).exists():
        offer.network_id = None
    if offer.status == Offer.Status.PUBLISHED and not offer.provider_id:
        offer.status = Offer.Status.DRAFT
    offer.version = deletion.version + 1
    offer.skip_history_when_saving = True
    offer.save()
    for name in ("coverage", "target_groups", "dimensions", "funded_by"):
        field = Offer._meta.get_field(name)
        column = f"{field.m2m_reverse_field_name()}_id"
        wanted = set(getattr(before, name).values_list(column, flat=True))
        existing = field.related_model.objects.filter(pk__in=wanted).values_list("pk", flat=True)
        getattr(offer, name).set(list(existing))
    names = [name.strip() for name in (before.topic_names or "").split(",") if name.strip()]
    if names:
        offer.topics.set(names)
    del offer.skip_history_when_saving
    offer._change_reason = "wiederhergestellt"
    record_offer_history(offer, "+")
    return offer, notes


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OfferSubmission)
class OfferSubmissionAdmin(admin.ModelAdmin):
    """Suggestions from /angebote/vorschlagen/ (read-only); staff may also record one that came by mail or phone."""

    list_display = ["submitted_at", "institution_name", "submitter_name", "offer", "notified_at"]
    list_select_related = ["offer"]
    list_filter = [("notified_at", admin.EmptyFieldListFilter)]
    search_fields = ["institution_name", "submitter_name", "submitter_email", "offer__title"]
    autocomplete_fields = ["offer"]
    fields = ["offer", "submitter_name", "submitter_email", "institution_name", "consent_at", "details", "notified_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ["notified_at"]

    def get_queryset(self, request):
        # Partner editors see the suggestions for their institution's offers only.
        queryset = super().get_queryset(request)
        if permissions.is_partner_editor(request.user):
            return queryset.filter(offer__in=permissions.scoped(Offer.objects.all(), request.user))
        return queryset


@admin.register(OfferImport)
class OfferImportAdmin(admin.ModelAdmin):
    """Uploaded imports: the preview to confirm, the progress while it runs, the result with every message."""

    list_display = ["file_name", "status", "progress", "created_by", "created_at"]
    list_select_related = ["created_by"]
    list_filter = ["status"]

    @admin.display(description="Fortschritt")
    def progress(self, job):
        return f"{job.rows_done} von {job.rows_total} Zeilen"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and permissions.can_publish(request.user)

    has_module_permission = has_view_permission

    def has_add_permission(self, request):
        return False  # uploads start on the offers' "Importieren" page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request) and (obj is None or not obj.is_active)

    def get_urls(self):
        return [
            path(
                "<int:pk>/bestaetigen/",
                self.admin_site.admin_view(self.confirm_view),
                name="offers_offerimport_confirm",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(OfferImport.objects.select_related("created_by"), pk=unquote(object_id))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import „{job.file_name}“",
            "job": job,
            "statuses": OfferImport.Status,
        }
        return TemplateResponse(request, "admin/offers/offerimport/status.html", context)

    def confirm_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(OfferImport, pk=pk)
        if request.method == "POST":
            ready = OfferImport.objects.filter(pk=pk, status=OfferImport.Status.READY)
            if ready.update(status=OfferImport.Status.QUEUED):
                run_offer_import.enqueue(job.pk)
                self.message_user(request, "Import bestätigt. Er läuft im Hintergrund; diese Seite zeigt den Stand.")
            else:
                self.message_user(request, "Dieser Import ist nicht (mehr) zum Bestätigen bereit.", messages.WARNING)
        return HttpResponseRedirect(job.get_absolute_url())
