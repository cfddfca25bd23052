"""/suchauftrag/: subscribe to a filtered list, confirm by e-mail, manage and unsubscribe through signed links.

Addresses are never shown: the subscribe page answers the same whether an address is new, waiting for
confirmation or already subscribed (the mail says which), and the manage page lists only the filters.
"""

from functools import wraps

from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from allianz_portal import mailing, publicforms
from allianz_portal.publicforms import RateLimit

from . import links
from .forms import FrequencyForm, SubscribeForm
from .matching import describe, normalised_query
from .models import SearchAlert
from .signals import alert_confirmed

LIMIT = RateLimit("alerts", 10, "h")


def list_url(query):
    return reverse("finder:list") + (f"?{query}" if query else "")


def request_alert(form, language):
    """Store (or find) the alert and mail the next step: a confirm link, or for an active alert the manage link."""
    email, query = form.cleaned_data["email"].strip(), form.cleaned_data["query"]
    with transaction.atomic():
        alert = SearchAlert.objects.filter(email__iexact=email, query=query).first()
        if alert is None:
            try:
                with transaction.atomic():
                    alert = SearchAlert.objects.create(
                        email=email, query=query, frequency=form.cleaned_data["frequency"], language=language
                    )
            except IntegrityError:  # the same request twice at once
                alert = SearchAlert.objects.get(email=email, query=query)
        elif not alert.confirmed_at:
            alert.frequency, alert.language = form.cleaned_data["frequency"], language
            alert.save(update_fields=["frequency", "language"])
        context = {"filters": describe(query), "alert": alert, "manage_url": links.manage_url(email)}
        template = "alert_active" if alert.confirmed_at else "alert_confirm"
        if not alert.confirmed_at:
            context["confirm_url"] = links.confirm_url(alert)
        mailing.queue(template, context, [email], purpose="suchauftrag-optin", language=language)


@csrf_exempt  # public pages set no cookie; the form carries a signed single-use token (publicforms.py)
@require_http_methods(["GET", "POST"])
def subscribe(request):
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        outcome = publicforms.check_post(request, form, LIMIT)
        if outcome == publicforms.LIMITED:
            return render(request, "rate_limited.html", status=429)
        if outcome == publicforms.SPAM:
            return redirect("alerts:requested")
        if outcome == publicforms.ACCEPTED:
            request_alert(form, translation.get_language())
            return redirect("alerts:requested")
        query = normalised_query(QueryDict(form.data.get("query", "")))
        status = 400
    else:
        query = normalised_query(request.GET)
        form = SubscribeForm(initial={"query": query})
    form.prepare_widgets()
    return render(
        request,
        "alerts/subscribe.html",
        {
            "form": form,
            "errors": form.error_summary(),
            "filters": describe(query),
            "list_url": list_url(query),
            "breadcrumbs": [(list_url(query), _("Angebote")), (None, _("Neue Angebote per E-Mail"))],
        },
        status=status,
    )


@require_GET
def requested(request):
    return render(request, "alerts/requested.html")


def signed_link_page(view):
    """Pages reached by a signed link act for one address: never stored by a cache, never indexed."""

    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def alert_from(purpose, token, max_age=None):
    pk = links.unsign(purpose, token, max_age=max_age)
    return SearchAlert.objects.filter(pk=pk).first() if isinstance(pk, int) else None


@signed_link_page
@require_GET
def confirm(request, token):
    alert = alert_from("confirm", token, max_age=links.CONFIRM_MAX_AGE)
    if alert is None:
        return render(request, "alerts/link_invalid.html", status=404)
    if not alert.confirmed_at:
        now = timezone.now()
        alert.confirmed_at = alert.checked_until = now
        alert.save(update_fields=["confirmed_at", "checked_until"])
        alert_confirmed.send(SearchAlert, alert=alert)
    context = {"alert": alert, "filters": describe(alert.query), "list_url": list_url(alert.query)}
    return render(request, "alerts/confirmed.html", {**context, "manage_url": links.manage_url(alert.email)})


# One click: the link in the mail (GET) and the mail client's RFC 8058 POST both unsubscribe at once.
@csrf_exempt
@signed_link_page
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    alert = alert_from("unsubscribe", token)
    if request.method == "POST" and "List-Unsubscribe" in request.POST:
        if alert is not None:
            alert.delete()
        return HttpResponse(status=200 if alert is not None else 404)
    if alert is None:
        return render(request, "alerts/unsubscribed.html", {"unknown": True})
    query, email = alert.query, alert.email
    alert.delete()
    return render(
        request,
        "alerts/unsubscribed.html",
        {
            "filters": describe(query),
            "resubscribe_url": reverse("alerts:subscribe") + (f"?{query}" if query else ""),
            "manage_url": links.manage_url(email),
        },
    )


@csrf_exempt  # the signed link in the URL is the authorisation; there is no session
@signed_link_page
@require_http_methods(["GET", "POST"])
def manage(request, token):
    email = links.unsign("manage", token)
    if not isinstance(email, str):
        return render(request, "alerts/link_invalid.html", status=404)
    alerts = SearchAlert.objects.filter(email__iexact=email).order_by("created_at")
    if request.method == "POST":
        pk = request.POST.get("alert", "")
        alert = alerts.filter(pk=pk).first() if pk.isdigit() else None
        if alert is None:
            raise Http404
        if "delete" in request.POST:
            alert.delete()
        else:
            form = FrequencyForm(request.POST)
            if form.is_valid():
                alert.frequency = form.cleaned_data["frequency"]
                alert.save(update_fields=["frequency"])
        return redirect(request.path + "?gespeichert=1")
    rows = [
        {
            "alert": alert,
            "filters": describe(alert.query),
            "list_url": list_url(alert.query),
            "form": FrequencyForm(initial={"frequency": alert.frequency}, auto_id=f"id_%s_{alert.pk}"),
        }
        for alert in alerts
    ]
    return render(request, "alerts/manage.html", {"rows": rows, "saved": "gespeichert" in request.GET})
