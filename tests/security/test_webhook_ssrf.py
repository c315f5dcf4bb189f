"""Vulnerability 1: a webhook must not reach the installation's own network, and a failed delivery
never shows what the receiver answered (no read-back, no port scan)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import Session

from core.enums import DeliveryStatus, WebhookEvent
from db.models import WebhookDelivery
from services.jobs import FIRST_AND_LAST_ATTEMPT
from services.periodic import webhook_targets, webhooks
from services.periodic.webhook_delivery import attempt_delivery
from services.periodic.webhook_targets import TargetNotAllowed, is_forbidden, pin
from services.periodic.webhooks import WebhookSubscriptionError, emit, subscribe
from tests.factories import Factory
from tests.workers.periodic.servers import Reply, ScriptedServer, free_port, scripted_http_server

Setting = Callable[[str, object], None]
INTERNAL_SECRET = b"internal-admin-panel: db_password=hunter2"


@pytest.fixture()
def http() -> Iterator[ScriptedServer]:
    with scripted_http_server() as server:
        yield server


def _deliver(session: Session, make: Factory, url: str, setting: Setting) -> WebhookDelivery:
    """Subscribe ``url`` (while any target is allowed), then deliver one event to it, here and once
    (its queued job stays in the outbox, so a running worker does not deliver it as well)."""
    organisation = make.organisation()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(webhooks, "check_url", lambda url: None)  # a row stored earlier
        subscribe(session, organisation.id, url, [WebhookEvent.REMINDER])  # type: ignore[arg-type]
        patch.setattr("workers.outbox.can_deliver", lambda: False)
        [delivery] = emit(session, WebhookEvent.REMINDER, {}, [organisation.id])  # type: ignore[list-item]
        session.commit()
    attempt_delivery(delivery.id, FIRST_AND_LAST_ATTEMPT)  # type: ignore[arg-type]
    session.refresh(delivery)
    return delivery


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example/hook",  # plain http
        "ftp://hooks.example/hook",
        "https://user:pw@hooks.example/hook",
        "https://127.0.0.1/internal",
        "https://[::1]/internal",
        "https://[::ffff:127.0.0.1]/internal",
        "https://10.0.0.5/",
        "https://192.168.1.1/",
        "https://172.16.0.1/",
        "https://100.64.0.1/",  # shared address space
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata
        "https://224.0.0.1/",
        "https://0.0.0.0/",
        "https://240.0.0.1/",  # reserved
    ],
)
def test_a_subscription_to_a_forbidden_target_is_refused(
    session: Session, make: Factory, url: str
) -> None:
    organisation = make.organisation()
    with pytest.raises(WebhookSubscriptionError) as refused:
        subscribe(session, organisation.id, url, [WebhookEvent.REMINDER])  # type: ignore[arg-type]
    assert refused.value.field == "url"


def test_plain_http_is_allowed_only_when_an_administrator_allows_it(
    session: Session, make: Factory, setting: Setting
) -> None:
    organisation = make.organisation()
    setting("webhook_allow_http", True)
    made = subscribe(session, organisation.id, "http://hooks.example/hook", ["reminder"])  # type: ignore[arg-type]
    assert made.url == "http://hooks.example/hook"


def test_a_dns_name_that_resolves_to_a_private_address_is_refused_at_delivery(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {
        "internal.example": ["10.1.2.3"],
        "mixed.example": ["93.184.215.14", "127.0.0.1"],  # one bad address is enough
        "rebind.example": ["::ffff:192.168.0.1"],
        "public.example": ["93.184.215.14"],
    }

    def fake_getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list[object]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in answers[host]
        ]

    monkeypatch.setattr(webhook_targets.socket, "getaddrinfo", fake_getaddrinfo)
    for host in ("internal.example", "mixed.example", "rebind.example"):
        with pytest.raises(TargetNotAllowed):
            pin(f"https://{host}/hook")
    pinned = pin("https://public.example/hook?x=1")
    # the connection goes to the address checked, TLS and Host keep the name
    assert (pinned.url, pinned.host, pinned.host_header) == (
        "https://93.184.215.14/hook?x=1",
        "public.example",
        "public.example",
    )


def test_every_non_public_range_is_forbidden() -> None:
    for address in (
        "127.0.0.2",
        "10.0.0.1",
        "fd00::1",
        "fe80::1",
        "ff02::1",
        "::",
        "::1",
        "::ffff:10.0.0.1",
        "198.18.0.1",
        "192.0.2.1",
    ):
        assert is_forbidden(ipaddress.ip_address(address)), address
    for address in ("93.184.215.14", "2606:2800:220:1:248:1893:25c8:1946"):
        assert not is_forbidden(ipaddress.ip_address(address)), address


def test_a_delivery_to_a_loopback_receiver_never_connects(
    session: Session, make: Factory, http: ScriptedServer, setting: Setting
) -> None:
    # even with plain http allowed for development, the loopback address is refused at delivery
    setting("webhook_allow_http", True)
    url = http.answer("/internal", Reply(200, INTERNAL_SECRET, "text/plain"))
    delivery = _deliver(session, make, url, setting)
    assert http.calls("/internal") == 0
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.response_code is None
    assert "not a public address" in (delivery.last_error or "")


def test_a_failed_delivery_records_the_status_code_never_the_body(
    session: Session, make: Factory, http: ScriptedServer, setting: Setting
) -> None:
    setting("webhook_allow_http", True)
    setting("webhook_allow_private_addresses", True)  # a development receiver on this machine
    url = http.answer("/internal", Reply(500, INTERNAL_SECRET, "text/plain"))
    delivery = _deliver(session, make, url, setting)
    assert http.calls("/internal") == 1
    assert (delivery.status, delivery.response_code, delivery.last_error) == (
        DeliveryStatus.FAILED,
        500,
        "HTTP 500",
    )


def test_a_redirect_is_not_followed(
    session: Session, make: Factory, http: ScriptedServer, setting: Setting
) -> None:
    setting("webhook_allow_http", True)
    setting("webhook_allow_private_addresses", True)
    http.answer("/secret", Reply(200, INTERNAL_SECRET))
    url = http.answer("/hook", Reply(302, b"", headers={"Location": http.base_url + "/secret"}))
    delivery = _deliver(session, make, url, setting)
    assert http.calls("/secret") == 0
    assert (delivery.status, delivery.response_code, delivery.last_error) == (
        DeliveryStatus.FAILED,
        302,
        "HTTP 302",
    )


def test_a_closed_port_and_an_open_one_look_alike(
    session: Session, make: Factory, setting: Setting
) -> None:
    setting("webhook_allow_http", True)
    setting("webhook_allow_private_addresses", True)
    delivery = _deliver(session, make, f"http://127.0.0.1:{free_port()}/x", setting)
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.last_error == "the receiver could not be reached"
    assert "refused" not in (delivery.last_error or "").lower()
