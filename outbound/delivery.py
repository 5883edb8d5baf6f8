"""One HTTP attempt of a delivery, and what its result means: delivered, retry later, or failed.

Transient (retried with backoff): connection errors, timeouts, 408, 429 (its Retry-After is
honoured) and 5xx. Permanent (failed at once): any other 4xx, a redirect (never followed: it
could point anywhere), a target refused by the SSRF checks.
"""

import base64
import email.utils
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from django.conf import settings

from hub.tls import tls_context
from outbound import safety, signing

logger = logging.getLogger(__name__)

USER_AGENT = "odoo-integration-hub/1 (outbound)"
TRANSIENT_STATUSES = frozenset({408, 429})


@dataclass
class Attempt:
    """What one attempt sent and got back."""

    method: str
    url: str
    request_headers: dict[str, str]
    body: bytes
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    response_truncated: bool = False
    error: str = ""
    error_class: str = ""
    transient: bool = False
    retry_after: float | None = None
    seconds: float = 0.0

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def encode(payload: dict) -> bytes:
    """The body as sent (and signed): compact JSON, UTF-8."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def auth_headers(configuration, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers that authenticate the hub toward the target."""
    auth = configuration.auth
    secret = configuration.secret if auth != "none" else ""
    if auth == "basic":
        pair = f"{configuration.auth_username}:{secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    if auth == "bearer":
        return {"Authorization": f"Bearer {secret}"}
    if auth == "header":
        return {configuration.auth_header: secret}
    if auth == "signature":
        return signing.headers(secret, webhook_id, timestamp, body)
    return {}


def build_headers(configuration, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header of an attempt: content type, ids for de-duplication, authentication."""
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "Idempotency-Key": webhook_id,
    }
    headers.update(auth_headers(configuration, webhook_id, timestamp, body))
    return headers


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    return max(0.0, (moment - now).total_seconds())


def backoff_delay(attempts: int, base: float, cap: float, jitter: float) -> float:
    """Seconds before the next try after ``attempts`` failed tries: ``base * 2**(attempts-1)``
    capped at ``cap``, then scaled by ``jitter`` in [0, 1) into [50 %, 100 %) ("equal jitter")."""
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return ceiling / 2 + ceiling / 2 * jitter


def next_attempt(attempt: Attempt, attempts: int, configuration, now: datetime, jitter: float) -> datetime:
    """When to try again: Retry-After when the target gave one (never sooner), else the backoff."""
    delay = backoff_delay(attempts, configuration.backoff_base, configuration.backoff_max, jitter)
    if attempt.retry_after is not None:
        delay = max(attempt.retry_after, 0.0)
    return now + timedelta(seconds=delay)


def _classify(attempt: Attempt) -> None:
    status = attempt.status
    if status is None or attempt.delivered:
        return
    if status in TRANSIENT_STATUSES or status >= 500:
        attempt.transient = True
        attempt.error = f"HTTP {status}"
    elif 300 <= status < 400:
        location = attempt.response_headers.get("location", "")
        attempt.error = f"HTTP {status}: redirects are not followed (Location: {location})"
    else:
        attempt.error = f"HTTP {status}"


def send(configuration, method: str, url: str, headers: dict[str, str], body: bytes, now: datetime) -> Attempt:
    """One request to the target, after the SSRF checks, to the address that was checked."""
    attempt = Attempt(method=method, url=url, request_headers=dict(headers), body=body)
    started = time.perf_counter()
    try:
        target = safety.check(url)
    except safety.UnsafeTarget as exc:
        attempt.error, attempt.error_class = f"Target refused: {exc}", "UnsafeTarget"
        attempt.seconds = time.perf_counter() - started
        return attempt
    pinned, extensions, host_header = _pinned(url, target)
    timeout = httpx.Timeout(
        connect=configuration.connect_timeout,
        read=configuration.read_timeout,
        write=configuration.read_timeout,
        pool=configuration.connect_timeout,
    )
    limit = settings.OUTBOUND_RESPONSE_MAX_BYTES
    try:
        with (
            httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False, verify=tls_context()) as client,
            client.stream(
                method, pinned, content=body, headers={**headers, "Host": host_header}, extensions=extensions
            ) as response,
        ):
            attempt.status = response.status_code
            attempt.response_headers = {k.lower(): v for k, v in response.headers.items()}
            chunks, size = [], 0
            for chunk in response.iter_raw():
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    attempt.response_truncated = True
                    break  # the rest is never read: a huge answer cannot fill the worker's memory
            attempt.response_body = b"".join(chunks)[:limit]
    except httpx.TimeoutException as exc:
        attempt.error, attempt.error_class, attempt.transient = f"Timed out: {exc or 'no answer'}", "Timeout", True
    except httpx.TransportError as exc:
        attempt.error, attempt.error_class, attempt.transient = f"Connection failed: {exc}", type(exc).__name__, True
    attempt.seconds = time.perf_counter() - started
    if attempt.status == 429 or (attempt.status is not None and attempt.status >= 500) or attempt.status == 408:
        attempt.retry_after = parse_retry_after(attempt.response_headers.get("retry-after"), now)
    _classify(attempt)
    return attempt


def _pinned(url: str, target: safety.Resolved) -> tuple[str, dict, str]:
    """The URL with the checked address as host, the TLS name to verify, and the Host header."""
    parts = httpx.URL(url)
    address = target.address
    host_header = parts.host if parts.port is None else f"{parts.host}:{parts.port}"
    pinned = parts.copy_with(host=address)
    extensions = {"sni_hostname": parts.host} if parts.scheme == "https" else {}
    return str(pinned), extensions, host_header
