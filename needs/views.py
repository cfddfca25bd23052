"""/transferbedarf/: an SME describes a challenge, sees matching offers at once and sends the need to the
contact points of its region."""

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from allianz_portal import mailing, publicforms
from allianz_portal.publicforms import RateLimit
from finder.finding import find

from .forms import NeedForm
from .models import Need
from .routing import contact_points
from .signals import need_reported

LIMIT = RateLimit("needs", 5, "h")
PREVIEW_SIZE = 6


def matching_offers(topics, kreis):
    """Public current offers on one of the topics that are available in the Kreis (the list's own filters)."""
    params = QueryDict(mutable=True)
    params.setlist("thema", [topic.slug for topic in topics])
    if kreis:
        params["region"] = kreis.slug
    finding = find(params)
    return finding.results()[:PREVIEW_SIZE], finding.count, params.urlencode()


def route(need):
    """Send the need to its contact points (else to the editors) and log where it went."""
    points = contact_points(need.kreis)
    recipients = [point.email for point in points] or [settings.EDITORIAL_EMAIL]
    context = {"need": need, "topics": list(need.topics.all()), "to_editors": not points}
    for address in recipients:
        mailing.queue("need_contact_point", context, [address], reply_to=[need.email], purpose="bedarf")
    need.routed_to.set(points)
    need.routed_to_editors = not points
    need.status = Need.Status.ROUTED
    need.save(update_fields=["routed_to_editors", "status"])
    mailing.queue(
        "need_copy", {**context, "points": points}, [need.email], purpose="bedarf-kopie", language=need.language
    )


def store(form, language):
    data = form.cleaned_data
    with transaction.atomic():
        need = Need.objects.create(
            kreis=data["kreis_region"],
            postcode=data.get("postcode", ""),
            company_size=data["company_size"],
            text=data["text"],
            company=data.get("company", ""),
            email=data["email"],
            language=language,
        )
        need.topics.set(data["topics"])
        route(need)
        need_reported.send(Need, need=need)
    return need


@csrf_exempt  # public pages set no cookie; the form carries a signed single-use token (publicforms.py)
@require_http_methods(["GET", "POST"])
def report_need(request):
    status, matches = 200, None
    if request.method == "POST":
        form = NeedForm(request.POST)
        outcome = publicforms.check_post(request, form, LIMIT)
        if outcome == publicforms.LIMITED:
            return render(request, "rate_limited.html", status=429)
        if outcome == publicforms.SPAM:
            return redirect("needs:done")
        if outcome == publicforms.ACCEPTED:
            store(form, translation.get_language())
            return redirect("needs:done")
        status = 400
    elif "vorschau" in request.GET:
        # "Passende Angebote zeigen" (a GET, works without JavaScript): the form keeps what was typed.
        form = NeedForm(request.GET)
        form.is_valid()
        topics = form.cleaned_data.get("topics") or []
        if topics:
            matches = matching_offers(topics, form.cleaned_data.get("kreis_region"))
        form.renew_token()
        form.errors.clear()
    else:
        form = NeedForm()
    form.prepare_widgets()
    return render(
        request,
        "needs/need_form.html",
        {
            "form": form,
            "errors": form.error_summary() if request.method == "POST" else [],
            "matches": matches,
            "breadcrumbs": [(None, _("Transferbedarf melden"))],
        },
        status=status,
    )


@require_GET
def done(request):
    return render(request, "needs/need_done.html", {"today": timezone.localdate()})
