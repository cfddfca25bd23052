"""Helpers for the public forms of the transfer loop (enquiry, need, alert)."""

import time

from allianz_portal.publicforms import make_token


def fresh_token():
    """A token rendered 10 s ago: past the time trap, far from expiry."""
    return make_token(now=time.time() - 10)


def post_form(client, url, data, capture):
    """POST like a browser would, running the mails queued on commit (capture: the pytest-django fixture)."""
    with capture(execute=True):
        return client.post(url, {"token": fresh_token(), **data})
