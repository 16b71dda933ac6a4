"""The client's address throttling counts by (core/client.py, issue #9): REMOTE_ADDR unless
the site declares its reverse proxies, and allauth's login throttling counts the same way."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from secretariat.core.adapters import AccountAdapter
from secretariat.core.client import client_address, client_network


def _request(remote: str = "10.0.0.1", **headers: str):
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


def test_it_ignores_x_forwarded_for_unless_proxies_are_declared(settings):
    # given: nothing declared (the default)
    request = _request("203.0.113.5", **{"X-Forwarded-For": "198.51.100.77"})
    # then
    assert client_address(request) == "203.0.113.5"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.9", "198.51.100.9"),
        # a client's own X-Forwarded-For is to the left of what the proxy appends
        (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),
        (2, "6.6.6.6, 198.51.100.9, 10.0.0.2", "198.51.100.9"),
        # shorter than the proxies declared: it did not come through them; the peer counts
        (2, "198.51.100.9", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "192.0.2.4:5123", "192.0.2.4"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
    ],
)
def test_it_takes_the_client_from_the_declared_proxies(settings, count, forwarded, expected):
    # given
    settings.SECRETARIAT_TRUSTED_PROXY_COUNT = count
    request = _request(**({"X-Forwarded-For": forwarded} if forwarded else {}))
    # then
    assert client_address(request) == expected


def test_it_takes_the_client_from_a_trusted_header(settings):
    # given
    settings.SECRETARIAT_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    # then
    assert client_address(_request(**{"X-Real-IP": "198.51.100.3"})) == "198.51.100.3"
    assert client_address(_request(**{"X-Forwarded-For": "198.51.100.3"})) == "10.0.0.1"
    assert client_address(_request(**{"X-Real-IP": "garbage"})) == "10.0.0.1"


def test_it_counts_an_ipv6_client_by_its_64_network():
    # then
    assert client_network(_request("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::"
    assert client_network(_request("192.0.2.1")) == "192.0.2.1"


def test_it_gives_allauth_the_same_address(settings):
    # given
    settings.SECRETARIAT_TRUSTED_PROXY_COUNT = 1
    request = _request(**{"X-Forwarded-For": "6.6.6.6, 198.51.100.9"})
    # then
    assert AccountAdapter().get_client_ip(request) == "198.51.100.9"
    # and a request that bypassed the proxy never makes allauth fail (it would raise
    # ImproperlyConfigured on a header shorter than the count)
    settings.SECRETARIAT_TRUSTED_PROXY_COUNT = 3
    assert AccountAdapter().get_client_ip(request) == "10.0.0.1"


def test_check_deploy_warns_behind_a_proxy_that_is_not_declared(settings):
    # given: BEHIND_PROXY=true, no proxy declared for the client's address
    from secretariat.core.checks import check_trusted_proxy_deploy

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # then
    assert [m.id for m in check_trusted_proxy_deploy()] == ["secretariat.W001"]
    settings.SECRETARIAT_TRUSTED_PROXY_COUNT = 1
    assert check_trusted_proxy_deploy() == []
