"""allianz_portal.clientaddr.client_ip: forwarding headers count only when a configured proxy sent them."""

import pytest

from allianz_portal.clientaddr import client_ip


@pytest.mark.parametrize(
    ("trusted", "peer", "headers", "expected"),
    [
        # no proxies configured (the default): headers are ignored whoever sends them
        ([], "203.0.113.7", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.7"),
        ([], "127.0.0.1", {"HTTP_FORWARDED": "for=1.2.3.4"}, "127.0.0.1"),
        # a proxy is configured, but this peer is not it
        (["10.0.0.2"], "203.0.113.7", {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "203.0.113.7"),
        # from the proxy: the right-most entry that is not one of our proxies
        (["10.0.0.2"], "10.0.0.2", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}, "203.0.113.7"),
        (["10.0.0.0/8"], "10.1.2.3", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.4, 10.9.9.9"}, "198.51.100.4"),
        (["10.0.0.2", "::1"], "::1", {"HTTP_X_FORWARDED_FOR": "2001:db8::5"}, "2001:db8::5"),
        # ports and the RFC 7239 header
        (["10.0.0.2"], "10.0.0.2", {"HTTP_X_FORWARDED_FOR": "203.0.113.7:4711"}, "203.0.113.7"),
        (["10.0.0.2"], "10.0.0.2", {"HTTP_FORWARDED": 'for=6.6.6.6, for="[2001:db8::7]:80";proto=x'}, "2001:db8::7"),
        # from the proxy without a header, or with garbage where the proxy writes: the proxy's own address
        (["10.0.0.2"], "10.0.0.2", {}, "10.0.0.2"),
        (["10.0.0.2"], "10.0.0.2", {"HTTP_X_FORWARDED_FOR": "1.2.3.4, kaputt"}, "10.0.0.2"),
    ],
)
def test_client_ip(rf, settings, trusted, peer, headers, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(rf.get("/", REMOTE_ADDR=peer, **headers)) == expected


def test_axes_and_the_rate_limits_use_the_one_function(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "allianz_portal.clientaddr.client_ip"
    assert settings.RATELIMIT_IP_META_KEY == "allianz_portal.clientaddr.client_ip"


def test_the_default_trusts_no_proxy():
    from tests.test_project import run_python

    code = "from django.conf import settings as s; print(s.TRUSTED_PROXIES)"
    result = run_python(code, SECRET_KEY="x", TRUSTED_PROXIES="")
    assert result.stdout.strip() == "[]", result.stderr


def test_a_mistyped_proxy_stops_the_start():
    from tests.test_project import run_python

    result = run_python("import django; django.setup()", SECRET_KEY="x", TRUSTED_PROXIES="10.0.0.1, nginx")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is no IP address or network." in result.stderr
