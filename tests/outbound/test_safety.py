"""SSRF refusals: what a target may resolve to. No traffic ever leaves 127.0.0.1: DNS names are
answered by a patched resolver, and a refused target is never connected to."""

from datetime import UTC, datetime

import pytest

from logs.models import RequestLog
from outbound import safety, services
from outbound.models import Event
from tests.fixtures.receiver import Answer

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def dns(monkeypatch):
    """A resolver answering from a table (names absent from it do not resolve)."""
    table: dict[str, list[str]] = {}

    def resolve(host, port):
        if host in table:
            return table[host]
        try:
            safety.ipaddress.ip_address(host)
        except ValueError:
            raise OSError(f"unknown host {host}") from None
        return [host]

    monkeypatch.setattr(safety, "resolve", resolve)
    return table


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/hook", "127.0.0.1 is a loopback address"),
        ("http://[::1]/hook", "::1 is a loopback address"),
        ("http://10.1.2.3/hook", "10.1.2.3 is a private address"),
        ("http://192.168.0.10/hook", "192.168.0.10 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local or metadata address"),
        ("http://100.64.0.1/", "100.64.0.1 is a link-local or metadata address"),
        ("http://[::ffff:10.0.0.1]/", "10.0.0.1 is a private address"),
        ("http://0.0.0.0/", "0.0.0.0 is a link-local or metadata address"),
    ],
)
def test_private_addresses_are_refused(dns, url, reason):
    with pytest.raises(safety.UnsafeTarget) as caught:
        safety.check(url)
    assert reason in str(caught.value)


def test_a_dns_name_resolving_to_a_private_address_is_refused(dns):
    dns["hooks.example.com"] = ["93.184.216.34", "10.0.0.5"]  # one bad address is enough
    with pytest.raises(safety.UnsafeTarget, match=r"hooks.example.com resolves to 10.0.0.5 is a private address"):
        safety.check("https://hooks.example.com/x")
    dns["meta.example.com"] = ["169.254.169.254"]
    with pytest.raises(safety.UnsafeTarget, match="link-local or metadata"):
        safety.check("http://meta.example.com/")


def test_a_public_name_passes_and_is_pinned_to_its_checked_address(dns):
    dns["hooks.example.com"] = ["93.184.216.34"]
    resolved = safety.check("https://hooks.example.com:8443/x")
    assert (resolved.host, resolved.address, resolved.port) == ("hooks.example.com", "93.184.216.34", 8443)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.com/x", "Only http and https targets are allowed."),
        ("file:///etc/passwd", "Only http and https targets are allowed."),
        ("http://user:pw@example.com/", "Put credentials in the authentication settings, not in the URL."),
        ("http:///nohost", "The URL has no host."),
    ],
)
def test_only_http_urls_with_a_host(url, problem):
    assert safety.url_problem(url) == problem
    with pytest.raises(safety.UnsafeTarget, match=problem.rstrip(".")):
        safety.check(url)


def test_the_allow_list_lets_a_network_through(dns, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert safety.check("http://10.9.8.7/").address == "10.9.8.7"
    with pytest.raises(safety.UnsafeTarget):
        safety.check("http://127.0.0.1/")


@pytest.mark.django_db
def test_loopback_without_the_allow_list_is_refused_before_any_connection(make_outbound, receiver, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    configuration = make_outbound(target_url=receiver.url)
    row = services.record_change(configuration, 1, Event.UPDATED, {"id": 1}, now=T0)
    services.attempt_delivery(row.pk, now=T0)
    row.refresh_from_db()
    assert receiver.received == []
    assert row.state == "failed"
    refused = "127.0.0.1 resolves to 127.0.0.1 is a loopback address (not allowed: OUTBOUND_ALLOWED_NETWORKS)"
    assert row.last_error == f"Target refused: {refused}"
    log = RequestLog.objects.get(delivery=row)
    assert (log.status, log.error_class) == (502, "UnsafeTarget")


@pytest.mark.django_db
@pytest.mark.parametrize("location", ["http://10.0.0.1/admin", "http://169.254.169.254/latest/meta-data/"])
def test_a_redirect_to_a_private_address_is_never_followed(make_outbound, receiver, allow_loopback, dns, location):
    receiver.script(Answer(status=307, headers={"Location": location}))
    configuration = make_outbound(target_url=receiver.url + "/hook")
    row = services.record_change(configuration, 1, Event.UPDATED, {"id": 1}, now=T0)
    services.attempt_delivery(row.pk, now=T0)
    row.refresh_from_db()
    assert [got.path for got in receiver.received] == ["/hook"]
    assert (row.state, row.last_status) == ("failed", 307)
    assert row.last_error == f"HTTP 307: redirects are not followed (Location: {location})"


@pytest.mark.django_db
def test_a_configuration_refuses_a_non_http_target(make_outbound):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        make_outbound(target_url="ftp://example.com/x")
    assert "Only http and https targets are allowed." in str(caught.value)
