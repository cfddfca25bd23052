"""Who may do what with an offer: the editorial workflow and the partner editors' scope.

Status flow: Entwurf → In Prüfung → Veröffentlicht → Archiviert. Publication can be scheduled
(`published_at` in the future) and ends by itself once the end date or deadline has passed
(`OfferQuerySet.current()`; staff see such offers as "abgelaufen").

Redaktion (permission `offers.publish_offer`) and superusers may set any status. Everybody else with
offer permissions is a partner editor: limited to the institution of their `partners.EditorProfile`
(no profile: no offers at all), to the statuses Entwurf and In Prüfung, and to offers that are not
published or archived (those stay with the Redaktion).
"""

from django.conf import settings

from .models import Offer

PUBLISH_PERMISSION = "offers.publish_offer"
PARTNER_STATUSES = (Offer.Status.DRAFT, Offer.Status.REVIEW)
UNRESTRICTED = object()


def can_publish(user):
    return bool(user.is_active and (user.is_superuser or user.has_perm(PUBLISH_PERMISSION)))


def institution_scope(user):
    """`UNRESTRICTED` for the Redaktion, else the id of the user's institution (None: no institution).

    Kept on the user object for the rest of the request, as Django's ModelBackend keeps its permission cache
    there (`_perm_cache`): the admin asks once per row."""
    cached = getattr(user, "_offer_scope", None)
    if cached is not None:
        return cached
    if can_publish(user):
        scope = UNRESTRICTED
    else:
        from partners.models import EditorProfile

        scope = EditorProfile.objects.filter(user_id=user.pk).values_list("institution_id", flat=True).first()
    user._offer_scope = scope if scope is not None else False
    return user._offer_scope


def is_partner_editor(user):
    return institution_scope(user) is not UNRESTRICTED


def scoped(queryset, user):
    """The offers `user` may see in the admin."""
    scope = institution_scope(user)
    if scope is UNRESTRICTED:
        return queryset
    if not scope:
        return queryset.none()
    return queryset.filter(provider_id=scope)


def may_view(user, offer):
    scope = institution_scope(user)
    return scope is UNRESTRICTED or (bool(scope) and offer.provider_id == scope)


def may_change(user, offer):
    """Partner editors change their institution's drafts and offers in review, nothing published."""
    if not may_view(user, offer):
        return False
    return not is_partner_editor(user) or offer.status in PARTNER_STATUSES


def allowed_statuses(user):
    return list(Offer.Status) if can_publish(user) else list(PARTNER_STATUSES)


def preview_queryset(request):
    """Offers the detail page may show to this request: public ones, plus unpublished ones for staff
    who may view them in the admin (partner editors: their institution's only).

    Looks at the user only when a session cookie came with the request, so anonymous pages stay free of
    session queries and `Vary: Cookie`.
    """
    queryset = Offer.objects.all()
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = request.user
        if user.is_authenticated and user.is_staff and user.has_perm("offers.view_offer"):
            return scoped(queryset, user) | queryset.public()
    return queryset.public()
