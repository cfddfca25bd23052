"""End to end through a real SMTP server started by the test (aiosmtpd): the enquiry leaves the portal as
two messages on the wire, the provider's with Reply-To set to the SME, both in HTML and plain text."""

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.urls import reverse

from tests.conftest import make_institution, make_offer
from tests.loop_helpers import post_form

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_an_enquiry_is_delivered_over_smtp(client, smtp_server, django_capture_on_commit_callbacks):
    inbox, port = smtp_server
    offer = make_offer(title="KI-Sprechstunde", provider=make_institution(), contact_email="ki@anbieter.example")
    smtp = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port},
        }
    }
    with override_settings(MAILERS=smtp):
        response = post_form(
            client,
            reverse("enquiries:enquire", args=[offer.slug]),
            {
                "name": "Jana Beispiel",
                "company": "Beispiel GmbH",
                "email": "jana@beispiel.example",
                "postcode": "33615",
                "message": "Können Sie uns bei der Auswahl eines KI-Werkzeugs helfen?",
                "consent": "on",
            },
            django_capture_on_commit_callbacks,
        )
    assert response.status_code == 302
    (provider_rcpt, provider), (copy_rcpt, _copy) = inbox.messages
    assert provider_rcpt == ["ki@anbieter.example"] and copy_rcpt == ["jana@beispiel.example"]
    assert provider["Reply-To"] == "jana@beispiel.example"
    assert "KI-Sprechstunde" in provider["Subject"]
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in provider.walk()
        if not part.is_multipart()
    }
    assert "KI-Werkzeugs" in parts["text/plain"] and "Neue Anfrage zu Ihrem Angebot" in parts["text/html"]
