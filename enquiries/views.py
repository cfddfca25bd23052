"""/angebote/<slug>/anfrage/: an SME asks the provider of one offer a question."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from allianz_portal import mailing, publicforms
from allianz_portal.publicforms import RateLimit
from offers.models import Offer

from .forms import EnquiryForm
from .models import Enquiry
from .signals import enquiry_received

LIMIT = RateLimit("enquiries", 10, "h")


def public_offer(slug):
    return get_object_or_404(Offer.objects.public().select_related("provider"), slug=slug)


def recipient(offer):
    """The offer's contact, else the provider's address, else the editors (who pass it on)."""
    if offer.contact_email:
        return offer.contact_email
    if offer.provider_id and offer.provider.email:
        return offer.provider.email
    return settings.EDITORIAL_EMAIL


def store(form, offer, language):
    data = form.cleaned_data
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            offer=offer,
            institution=offer.provider,
            name=data["name"],
            company=data["company"],
            email=data["email"],
            place=form.place_text(),
            kreis=data["kreis_region"],
            message=data["message"],
            recipient=recipient(offer),
            language=language,
        )
        context = {
            "enquiry": enquiry,
            "offer": offer,
            "offer_url": settings.SITE_URL.rstrip("/") + offer.get_absolute_url(),
        }
        mailing.queue(
            "enquiry_provider",
            {**context, "via_editors": enquiry.recipient == settings.EDITORIAL_EMAIL},
            [enquiry.recipient],
            reply_to=[enquiry.email],
            purpose="anfrage",
        )
        mailing.queue("enquiry_copy", context, [enquiry.email], purpose="anfrage-kopie", language=language)
        enquiry_received.send(Enquiry, enquiry=enquiry)
    return enquiry


# csrf_exempt: public GET pages set no cookie; the form carries a signed single-use token instead
# (allianz_portal/publicforms.py), and the per-address rate limit applies to every source alike.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def enquire(request, slug):
    offer = public_offer(slug)
    status = 200
    if request.method == "POST":
        form = EnquiryForm(request.POST)
        outcome = publicforms.check_post(request, form, LIMIT)
        if outcome == publicforms.LIMITED:
            return render(request, "rate_limited.html", status=429)
        if outcome == publicforms.SPAM:
            return redirect("enquiries:done", slug=offer.slug)
        if outcome == publicforms.ACCEPTED:
            store(form, offer, translation.get_language())
            return redirect("enquiries:done", slug=offer.slug)
        status = 400
    else:
        form = EnquiryForm()
    form.prepare_widgets()
    return render(
        request,
        "enquiries/enquiry_form.html",
        {
            "form": form,
            "offer": offer,
            "errors": form.error_summary(),
            "breadcrumbs": [
                (reverse("finder:list"), _("Angebote")),
                (offer.get_absolute_url(), offer.title),
                (None, _("Anfrage stellen")),
            ],
        },
        status=status,
    )


@require_GET
def done(request, slug):
    offer = public_offer(slug)
    return render(request, "enquiries/enquiry_done.html", {"offer": offer})
