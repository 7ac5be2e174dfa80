"""Meta's webhooks (Facebook Pages and Instagram): Meta tells us when something happened on a
connected account, so it is synced now rather than at the next scheduled run.

A delivery carries no content we store: it only names the accounts to sync (``accounts_to_sync``),
and the sync reads the platform as it always does. So a forged or repeated delivery could at worst
cause an extra sync; even so each delivery is checked:

- **Signature**: ``X-Hub-Signature-256`` is ``sha256=`` and the HMAC-SHA256 of the raw body with the
  Meta app secret, compared in constant time (``verify_meta_signature``).
- **Replay**: the SHA-256 of each signed body is remembered for a day in the ``webhooks`` cache
  (Redis in production, shared by every web worker) with ``cache.add``, which is atomic: of two
  deliveries of the same body within the day, only the first is acted on (``first_delivery``).
- **Subscription**: Meta's set-up request (``hub.mode=subscribe``, ``hub.verify_token``,
  ``hub.challenge``) is answered with the challenge only when the token is ours
  (``subscription_challenge``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from django.core.cache import caches

from accounts_register.platforms import Platform

SIGNATURE_HEADER = "X-Hub-Signature-256"
REPLAY_SECONDS = 24 * 60 * 60
# The fields a connected account subscribes to whose changes mean new posts or enquiries.
FACEBOOK_FIELDS = {"feed", "mention"}
INSTAGRAM_FIELDS = {"comments", "mentions", "live_comments"}


def verify_meta_signature(body: bytes, header: str, app_secret: str) -> bool:
    """Whether ``header`` is ``sha256=<hex HMAC-SHA256 of body keyed with app_secret>``."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    given = header.removeprefix("sha256=").strip().lower()
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def subscription_challenge(query: Mapping[str, str], verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo when Meta's set-up request carries our verify token, else None
    (no token configured means no subscription can be set up)."""
    given = query.get("hub.verify_token", "")
    if not verify_token or query.get("hub.mode") != "subscribe":
        return None
    if not hmac.compare_digest(given.encode("utf-8", "replace"), verify_token.encode()):
        return None
    return query.get("hub.challenge")


def first_delivery(body: bytes) -> bool:
    """True the first time this exact body arrives within a day; False for a replay."""
    digest = hashlib.sha256(body).hexdigest()
    return caches["webhooks"].add(f"meta:{digest}", 1, timeout=REPLAY_SECONDS)


def accounts_to_sync(payload: object) -> list[tuple[str, str]]:
    """The (platform, account_ref) pairs a Meta webhook payload names, each once, in order.

    ``object: page``: each entry's ``id`` is the Page; a change to ``feed`` (posts, comments,
    replies, edits, deletions) or ``mention``, or any ``messaging`` event (Messenger), needs a sync.
    ``object: instagram``: each entry's ``id`` is the Instagram professional account; a change to
    ``comments``, ``mentions`` or ``live_comments`` needs one. Anything else is ignored.
    """
    if not isinstance(payload, dict):
        return []
    kind = payload.get("object")
    platform, fields = {
        "page": (Platform.FACEBOOK.value, FACEBOOK_FIELDS),
        "instagram": (Platform.INSTAGRAM.value, INSTAGRAM_FIELDS),
    }.get(kind, ("", set()))
    found: list[tuple[str, str]] = []
    for entry in payload.get("entry") or []:
        if not isinstance(entry, dict) or not entry.get("id"):
            continue
        changes = [c.get("field") for c in entry.get("changes") or [] if isinstance(c, dict)]
        wanted = any(field in fields for field in changes) or (kind == "page" and entry.get("messaging"))
        pair = (platform, str(entry["id"]))
        if platform and wanted and pair not in found:
            found.append(pair)
    return found
