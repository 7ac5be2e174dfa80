"""What every HTTP-speaking connector shares: sessions with timeouts, one mapping from a platform's
answer to ``base``'s exceptions, ``Retry-After`` parsing, and the opaque paging cursor.

The rules live here once, so Facebook, Instagram and LinkedIn (plain ``requests``) and X (``tweepy``,
which uses ``requests`` underneath) fail in the same way:

- a timeout or a refused connection, a 5xx, or a page that is not JSON → ``PlatformUnavailable``;
- 429 → ``RateLimited``, waiting ``Retry-After`` (seconds or an HTTP date), else the platform's reset
  header (epoch seconds: X's ``x-rate-limit-reset``), else ``DEFAULT_RETRY_AFTER``;
- 401 → ``TokenExpired`` (a ``CredentialsRejected``: the connector may refresh once and try again);
- 404 → ``NotFound`` (the item is gone: deleted on the platform);
- any other 4xx → ``ConnectorError`` naming the status, never the request (it may carry a token).
"""

from __future__ import annotations

import base64
import email.utils
import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime

import requests

from .base import (
    Batch,
    ConnectorError,
    CredentialsRejected,
    FetchedEnquiry,
    FetchedReply,
    PlatformUnavailable,
    RateLimited,
)

# (connect, read) seconds: a slow platform must not hold up the sync of the others (issue 14 item 7).
DEFAULT_TIMEOUT = (5.0, 20.0)
# When a platform says 429 but not how long to wait.
DEFAULT_RETRY_AFTER = 60.0


class TokenExpired(CredentialsRejected):
    """The access token was refused; a refresh token may still get a new one."""


class NotFound(ConnectorError):
    """The item is no longer on the platform (deleted, or hidden from the account)."""


class TimeoutSession(requests.Session):
    """A ``requests`` session whose every request has a timeout, also when a library (tweepy) sends
    it without one."""

    def __init__(self, timeout: tuple[float, float] = DEFAULT_TIMEOUT):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


def retry_after_seconds(
    headers: Mapping[str, str], *, reset_header: str = "", now: float | None = None
) -> float:
    """How long the platform asked us to wait: ``Retry-After`` (delta seconds or an HTTP date), else
    ``reset_header`` holding the epoch second the window resets, else ``DEFAULT_RETRY_AFTER``."""
    now = time.time() if now is None else now
    lowered = {k.lower(): v for k, v in headers.items()}
    raw = (lowered.get("retry-after") or "").strip()
    if raw:
        if raw.isdigit():
            return float(raw)
        try:
            return max(email.utils.parsedate_to_datetime(raw).timestamp() - now, 0.0)
        except (TypeError, ValueError):
            pass
    reset = (lowered.get(reset_header.lower()) or "").strip() if reset_header else ""
    if reset.isdigit():
        return max(float(reset) - now, 0.0)
    return DEFAULT_RETRY_AFTER


def raise_for_status(response: requests.Response, *, platform: str, reset_header: str = "") -> None:
    """Map a failed answer to ``base``'s exceptions (the rules in this module's docstring)."""
    status = response.status_code
    if status < 400:
        return
    if status == 429:
        raise RateLimited(retry_after_seconds(response.headers, reset_header=reset_header))
    if status == 401:
        raise TokenExpired(f"{platform} refused the access token")
    if status == 404:
        raise NotFound(f"{platform} no longer has this item")
    if status >= 500:
        raise PlatformUnavailable(f"{platform} answered {status}")
    raise ConnectorError(f"{platform} refused the request ({status})")


def json_body(response: requests.Response, *, platform: str) -> dict:
    try:
        body = response.json()
    except ValueError as exc:
        raise PlatformUnavailable(f"{platform} sent a page that is not JSON") from exc
    if not isinstance(body, dict):
        raise PlatformUnavailable(f"{platform} sent an unexpected page")
    return body


@contextmanager
def requests_failures(platform: str) -> Iterator[None]:
    """A timeout or a connection that failed, from ``requests`` or a library built on it."""
    try:
        yield
    except requests.Timeout as exc:
        raise PlatformUnavailable(f"{platform} did not answer in time") from exc
    except requests.RequestException as exc:
        raise PlatformUnavailable(f"{platform} could not be reached") from exc


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    platform: str,
    check: Callable[[requests.Response], None] | None = None,
    **kwargs,
) -> dict:
    """One request, its failures mapped; returns the JSON body (``{}`` for an empty answer).

    ``check`` lets a platform read its own error shape first (Meta's Graph API answers 400 with an
    error code for an expired token or a used-up quota); it raises, or returns to fall through.
    """
    with requests_failures(platform):
        response = session.request(method, url, **kwargs)
    if check is not None:
        check(response)
    raise_for_status(response, platform=platform)
    if not response.content:
        return {}
    return json_body(response, platform=platform)


# --- The opaque cursor ----------------------------------------------------------------------------
@dataclass
class PageCursor:
    """Where one stream of one account stands.

    ``since`` is the newest item stored (a time, an id: the platform's own watermark); while a run
    pages back through newer items, ``after`` is where the next page starts and ``high`` the newest
    seen so far, so an interrupted run resumes from ``after`` and only then moves ``since`` to
    ``high``. Items overlapping a resumed page are stored once (the ingest upserts).
    """

    since: str = ""
    after: str = ""
    high: str = ""

    def saw(self, watermark: str, *, key: Callable[[str], object] = str) -> None:
        if watermark and (not self.high or key(watermark) > key(self.high)):
            self.high = watermark

    def finished(self) -> PageCursor:
        """The whole backlog is read: the next run asks only for what is newer than ``high``."""
        return PageCursor(since=self.high or self.since)

    def paused(self, after: str) -> PageCursor:
        return PageCursor(since=self.since, after=after, high=self.high)


def encode_cursor(parts: Mapping[str, PageCursor | list | str]) -> str:
    """Several streams' positions in one opaque string (the sync stores it as it is)."""
    plain = {k: asdict(v) if isinstance(v, PageCursor) else v for k, v in parts.items()}
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None) -> dict:
    """The parts of a cursor from ``encode_cursor``; an empty, foreign or damaged cursor reads as a
    first sync rather than failing every run."""
    if not cursor:
        return {}
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        return {}
    return plain if isinstance(plain, dict) else {}


def page_cursor(parts: dict, name: str) -> PageCursor:
    raw = parts.get(name)
    if not isinstance(raw, dict):
        return PageCursor()
    return PageCursor(**{k: str(raw.get(k) or "") for k in ("since", "after", "high")})


def read_threads(
    cursor: str | None,
    list_threads: Callable[[PageCursor], list[str]],
    read_thread: Callable[[str, PageCursor], list[FetchedEnquiry | FetchedReply]],
    *,
    limit: int,
) -> Batch[FetchedEnquiry | FetchedReply]:
    """For platforms whose comments hang off each post, with no account-wide "new comments" list
    (Facebook, Instagram, LinkedIn): read the threads with new activity one by one, up to ``limit``
    a call; the threads not yet read wait in the cursor for the next call (``more``)."""
    parts = decode_cursor(cursor)
    position = page_cursor(parts, "comments")
    queue = [str(q) for q in parts.get("queue") or []] or list_threads(position)
    items: list[FetchedEnquiry | FetchedReply] = []
    for _ in range(limit):
        if not queue:
            break
        items.extend(read_thread(queue.pop(0), position))
    items.sort(key=item_time)
    if queue:
        return Batch(items, encode_cursor({"comments": position, "queue": queue}), more=True)
    return Batch(items, encode_cursor({"comments": position.finished()}))


def item_time(item: FetchedEnquiry | FetchedReply) -> datetime:
    """Oldest first: the order a batch is stored in."""
    return item.replied_at if isinstance(item, FetchedReply) else item.received_at
