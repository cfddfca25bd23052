"""Keep derived data in step with what editors change: search text and the cache data version."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from allianz_portal.freshness import bump_data_version
from partners.models import Institution
from regions.models import Region, RegionalNetwork

from .models import InnovationDimension, Offer, TaggedOffer, TargetGroup, Topic, join_topic_names

# Sent with `pks` after offers were written in bulk (bulk_create bypasses save() and its signals), so the apps that
# derive data from offers (search documents) can follow.
offers_bulk_created = Signal()

for model in (Offer, Institution, RegionalNetwork, Region, Topic, TargetGroup, InnovationDimension):
    post_save.connect(bump_data_version, sender=model, dispatch_uid=f"bump-save-{model.__name__}")
    post_delete.connect(bump_data_version, sender=model, dispatch_uid=f"bump-delete-{model.__name__}")
for through in (
    Offer.coverage.through,
    Offer.target_groups.through,
    Offer.dimensions.through,
    Offer.funded_by.through,
    TaggedOffer,
    Region.members.through,
    RegionalNetwork.regions.through,
):
    m2m_changed.connect(bump_data_version, sender=through, dispatch_uid=f"bump-m2m-{through.__name__}")


@receiver(m2m_changed, sender=TaggedOffer, dispatch_uid="offer-topic-names")
def store_topic_names(sender, instance, action, reverse, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    offers = [instance] if not reverse else Offer.objects.filter(pk__in=kwargs.get("pk_set") or [])
    for offer in offers:
        names = join_topic_names(offer.topics.values_list("name", flat=True))
        Offer.objects.filter(pk=offer.pk).update(topic_names=names)
        offer.topic_names = names


@receiver(post_save, sender=Topic, dispatch_uid="topic-rename")
def refresh_topic_names_on_rename(sender, instance, created, **kwargs):
    if not created:
        for offer in Offer.objects.filter(topics=instance):
            names = join_topic_names(offer.topics.values_list("name", flat=True))
            Offer.objects.filter(pk=offer.pk).update(topic_names=names)


@receiver(post_save, sender=Institution, dispatch_uid="institution-rename")
def refresh_provider_name(sender, instance, **kwargs):
    Offer.objects.filter(provider=instance).exclude(provider_name=instance.search_name).update(
        provider_name=instance.search_name
    )
