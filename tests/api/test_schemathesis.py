"""schemathesis: every API operation, with generated parameters, answers as its OpenAPI description says."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from tests.conftest import make_offer


class NoCloseWSGIHandler(WSGIHandler):
    """Django's WSGI handler without closing the test's database connection at request boundaries
    (what django.test.Client does, too)."""

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            return super().__call__(environ, start_response)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


application = NoCloseWSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
spec = SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def offers(db):
    funding = make_offer(offer_type="foerderung", topics=["Finanzierung"])
    lab = make_offer(offer_type="labor", topics=["Robotik"], coverage=["kreis-lippe"])
    lab.funded_by.add(funding)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_description(case, offers):
    case.call_and_validate()


def test_spec_describes_every_resource():
    paths = set(spec["paths"])
    for resource in ("angebote", "regionen", "netzwerke", "institutionen"):
        assert f"/api/v1/{resource}/" in paths
        assert f"/api/v1/{resource}/{{id}}/" in paths
    parameters = {parameter["name"] for parameter in spec["paths"]["/api/v1/angebote/"]["get"]["parameters"]}
    assert {"q", "ort", "region", "thema", "art", "seite", "pro_seite"} <= parameters
