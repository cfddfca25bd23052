"""Merkliste (saved offers, kept in a signed cookie in the visitor's browser, no account) and the comparison.

Storage: the saved ids live in the signed cookie `merkliste` (django.core.signing; a changed cookie is
ignored), never in a server-side session, so no visitor and no bot creates a database row by saving offers.
The cookie is set only when an offer is saved, so public pages keep setting no cookie and stay in the
anonymous page cache (`allianz_portal.pagecache` serves cached pages only to requests without a session,
messages or Merkliste cookie, so one visitor's Merkliste is never stored for, or served to, another).

CSRF: the add/remove forms sit on public, cached pages, and `{% csrf_token %}` would set the CSRF cookie on
every one of them. The two views are therefore `csrf_exempt` and protected otherwise: they accept only POST,
change nothing but the requesting visitor's own Merkliste cookie (no account, nothing stored on the
server), accept only ids of public offers, cap the list at MAX_ENTRIES, and refuse requests the browser
marks as cross-site (`Sec-Fetch-Site`) or whose `Origin` is another host. The Merkliste cookie is
SameSite=Lax, so a forged cross-site POST would not carry the victim's Merkliste anyway: at worst it could
add an offer to a fresh, empty list of its own.
"""

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from allianz_portal.pagecache import cache_public_page
from offers.models import Offer

COOKIE_NAME = "merkliste"  # allianz_portal.pagecache.PERSONAL_COOKIES names it too
COOKIE_SALT = "offers.merkliste"  # unchanged since the Merkliste lived in offers: saved cookies stay valid
MAX_ENTRIES = 50
COMPARE_MIN = 2
COMPARE_MAX = 4
MAX_IDS_IN_URL = 20  # more than that in a comparison link is garbage, not a comparison


def saved_ids(request):
    """The saved offer ids, oldest first, from the signed cookie (empty without one or with a forged one)."""
    value = request.get_signed_cookie(COOKIE_NAME, default="", salt=COOKIE_SALT, max_age=settings.SESSION_COOKIE_AGE)
    return [int(part) for part in value.split(".") if part.isdigit()][:MAX_ENTRIES]


def _keep(response, ids):
    """Write the Merkliste into the response's cookie (or delete the cookie when it is empty)."""
    if not ids:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
        return response
    response.set_signed_cookie(
        COOKIE_NAME,
        ".".join(str(pk) for pk in ids),
        salt=COOKIE_SALT,
        max_age=settings.SESSION_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def context(request):
    """Context processor: the saved ids for the header link and the "Merken" buttons."""
    ids = saved_ids(request)
    return {"merkliste_ids": frozenset(ids), "merkliste_count": len(ids)}


def _parse_id(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _cross_site(request):
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    return (
        bool(origin)
        and origin != "null"
        and not url_has_allowed_host_and_scheme(
            origin + "/", allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def _back(request, offer=None):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(offer.get_absolute_url() if offer else reverse("merkliste:list"))


def _invalid(request):
    return render(request, "merkliste/merkliste_invalid.html", status=400)


@csrf_exempt  # see the module docstring for why and what protects these views instead
@require_POST
def add(request):
    if _cross_site(request):
        return HttpResponseForbidden(_("Anfragen von anderen Websites nehmen wir nicht an."))
    pk = _parse_id(request.POST.get("angebot"))
    offer = Offer.objects.public().filter(pk=pk).first() if pk else None
    if offer is None:
        return _invalid(request)
    ids = saved_ids(request)
    if offer.pk in ids:
        messages.info(request, _("„%(title)s“ steht schon auf Ihrer Merkliste.") % {"title": offer.title})
    elif len(ids) >= MAX_ENTRIES:
        messages.warning(
            request,
            _("Ihre Merkliste ist voll (%(max)s Angebote). Bitte entfernen Sie zuerst ein Angebot.")
            % {"max": MAX_ENTRIES},
        )
    else:
        ids = [*ids, offer.pk]
        messages.success(request, _("„%(title)s“ steht jetzt auf Ihrer Merkliste.") % {"title": offer.title})
    return _keep(_back(request, offer), ids)


@csrf_exempt  # see the module docstring
@require_POST
def remove(request):
    if _cross_site(request):
        return HttpResponseForbidden(_("Anfragen von anderen Websites nehmen wir nicht an."))
    pk = _parse_id(request.POST.get("angebot"))
    if pk is None:
        return _invalid(request)
    ids = saved_ids(request)
    offer = Offer.objects.filter(pk=pk).only("title").first()
    if pk in ids:
        ids = [value for value in ids if value != pk]
        if offer:
            messages.success(request, _("„%(title)s“ wurde von der Merkliste entfernt.") % {"title": offer.title})
        else:
            messages.success(request, _("Das Angebot wurde von der Merkliste entfernt."))
    return _keep(_back(request), ids)


@require_GET
@cache_public_page
def merkliste(request):
    ids = saved_ids(request)
    by_pk = {offer.pk: offer for offer in Offer.objects.public().filter(pk__in=ids).select_related("provider")}
    offers = [by_pk[pk] for pk in ids if pk in by_pk]
    return render(
        request,
        "merkliste/merkliste.html",
        {
            "offers": offers,
            "compare_min": COMPARE_MIN,
            "compare_max": COMPARE_MAX,
            "breadcrumbs": [(reverse("finder:list"), _("Angebote")), (None, _("Merkliste"))],
        },
    )


@require_GET
@cache_public_page
def compare(request):
    raw = request.GET.getlist("id")
    parsed = [_parse_id(value) for value in raw]
    breadcrumbs = [(reverse("finder:list"), _("Angebote")), (None, _("Vergleich"))]
    if len(raw) > MAX_IDS_IN_URL or None in parsed:
        return render(request, "merkliste/compare.html", {"garbage": True, "breadcrumbs": breadcrumbs}, status=400)
    ids = list(dict.fromkeys(parsed))
    offers = []
    if COMPARE_MIN <= len(ids) <= COMPARE_MAX:
        queryset = (
            Offer.objects.public()
            .filter(pk__in=ids)
            .select_related("provider")
            .prefetch_related(
                "coverage",
                "target_groups",
                Prefetch("funded_by", Offer.objects.public().order_by("title"), to_attr="public_funders"),
            )
        )
        by_pk = {offer.pk: offer for offer in queryset}
        offers = [by_pk[pk] for pk in ids if pk in by_pk]
    return render(
        request,
        "merkliste/compare.html",
        {
            "offers": offers if len(offers) >= COMPARE_MIN else [],
            "fact_rows": fact_rows(offers),
            "requested": len(ids),
            "missing": len(ids) - len(offers) if COMPARE_MIN <= len(ids) <= COMPARE_MAX else 0,
            "compare_min": COMPARE_MIN,
            "compare_max": COMPARE_MAX,
            "breadcrumbs": breadcrumbs,
        },
    )


def fact_rows(offers):
    """[(label, [value per offer])] of the funding and cost facts that at least one compared offer has."""
    columns = [offer.funding_facts() for offer in offers]
    if not columns:
        return []
    rows = []
    for number, (label, _value) in enumerate(columns[0]):
        values = [column[number][1] for column in columns]
        if any(values):
            rows.append((label, values))
    return rows
