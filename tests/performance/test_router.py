from django.conf import settings

from allianz_portal.routers import ReplicaRouter, public_reads
from offers.models import Offer


def test_only_anonymous_page_renders_read_from_the_replica(monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))
    router = ReplicaRouter()
    assert router.db_for_read(Offer) == "default"  # admin, forms, previews
    with public_reads():
        assert router.db_for_read(Offer) == "replica"
        assert router.db_for_write(Offer) == "default"
    assert router.db_for_read(Offer) == "default"
    assert router.allow_migrate("default", "offers") and not router.allow_migrate("replica", "offers")


def test_without_a_replica_everything_uses_the_primary():
    router = ReplicaRouter()
    with public_reads():
        assert router.db_for_read(Offer) == "default"


def test_settings_activate_the_router_only_with_a_replica_url(monkeypatch):
    import importlib

    from allianz_portal import settings as portal_settings

    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("REPLICA_DATABASE_URL", "postgres://reader@replica.internal:5432/portal")
    try:
        module = importlib.reload(portal_settings)
        assert module.DATABASE_ROUTERS == ["allianz_portal.routers.ReplicaRouter"]
        assert module.DATABASES["replica"]["HOST"] == "replica.internal"
        monkeypatch.delenv("REPLICA_DATABASE_URL")
        module = importlib.reload(portal_settings)
        assert module.DATABASE_ROUTERS == [] and "replica" not in module.DATABASES
    finally:
        monkeypatch.delenv("REPLICA_DATABASE_URL", raising=False)
        importlib.reload(portal_settings)
