"""Keep search documents in step: on offer save, topic changes, topic and provider renames."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from allianz_portal.freshness import bump_data_version
from offers.models import Offer, TaggedOffer, Topic
from offers.signals import offers_bulk_created
from partners.models import Institution

from .indexing import index_offers, note_changes, raise_version
from .models import OfferDocument, Synonym

post_save.connect(bump_data_version, sender=Synonym, dispatch_uid="bump-save-Synonym")
post_delete.connect(bump_data_version, sender=Synonym, dispatch_uid="bump-delete-Synonym")


@receiver(offers_bulk_created, dispatch_uid="search-offers-bulk-created")
def offers_created_in_bulk(sender, pks, **kwargs):
    index_offers(pks)


@receiver(post_save, sender=Offer, dispatch_uid="search-offer-saved")
def offer_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_offers([instance.pk])


@receiver(pre_delete, sender=Offer, dispatch_uid="search-offer-deleted")
def offer_deleted(sender, instance, **kwargs):
    """The document goes with the offer (cascade); its words are noted for the typo vocabularies."""
    replaced = list(OfferDocument.objects.filter(offer_id=instance.pk).values_list("offer_id", "words"))
    if replaced:
        note_changes(raise_version([instance.pk]), replaced)


@receiver(m2m_changed, sender=TaggedOffer, dispatch_uid="search-offer-topics")
def topics_changed(sender, instance, action, reverse, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        index_offers([instance.pk] if not reverse else kwargs.get("pk_set") or [])


@receiver(post_save, sender=Topic, dispatch_uid="search-topic-renamed")
def topic_renamed(sender, instance, created, **kwargs):
    if not created:
        index_offers(Offer.objects.filter(topics=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Institution, dispatch_uid="search-provider-renamed")
def provider_renamed(sender, instance, created, **kwargs):
    if not created:
        pks = list(Offer.objects.filter(provider=instance).values_list("pk", flat=True))
        index_offers(pks)
