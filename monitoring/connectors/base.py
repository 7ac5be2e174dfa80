"""The one small interface every platform's connector implements (issue 14).

A connector is built from a connection's decrypted ``Credentials`` and talks to one platform account.
It knows nothing of our database: it returns plain records and an opaque cursor, and
``monitoring.sync`` stores them through the ingest services (``enquiries_ingest``, ``posts_ingest``),
upserting on account and platform id, so a repeated or overlapping fetch stores each item once.

Failures are told apart by exception, because the sync reacts differently to each:
``RateLimited`` (wait ``retry_after`` seconds, try again later, not a failure of the connection),
``CredentialsRejected`` (the token expired and could not be refreshed, or the app password was
revoked: the connection is broken until someone reconnects) and ``PlatformUnavailable`` (anything
else worth retrying: 5xx, timeouts).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar


class Stream(enum.StrEnum):
    """What a connector reads, each with its own stored cursor per account."""

    POSTS = "posts"
    ENQUIRIES = "enquiries"


class ItemKind(enum.StrEnum):
    """Matches ``monitoring.models.PostKind``'s values (the connector layer imports no model)."""

    ORIGINAL = "original"
    REPLY = "reply"
    SHARE = "share"


class EnquiryChannel(enum.StrEnum):
    """Matches ``monitoring.models.Channel``'s values."""

    COMMENT = "comment"
    MENTION = "mention"
    DIRECT_MESSAGE = "direct_message"


@dataclass(frozen=True)
class Credentials:
    """What a connection holds, decrypted only for the length of a sync or a reply.

    ``account_ref`` is the platform's own id for the council's account (a DID, a Page id, a channel
    id, an organisation URN); ``handle`` is what people see. OAuth platforms use ``access_token``,
    ``refresh_token`` and ``expires_at``; Bluesky uses ``app_password`` (never the account's
    password). ``extra`` carries a platform's other non-secret settings (e.g. a PDS address).
    """

    account_ref: str
    handle: str = ""
    access_token: str = ""
    refresh_token: str = ""
    expires_at: datetime | None = None
    app_password: str = ""
    extra: dict = field(default_factory=dict)

    def __repr__(self) -> str:  # never print a secret, even in a traceback
        return f"Credentials(account_ref={self.account_ref!r}, handle={self.handle!r}, secrets=…)"


@dataclass(frozen=True)
class FetchedPost:
    """Something the council's account published (003 D5.1, D5.2)."""

    platform_id: str
    posted_at: datetime
    kind: ItemKind
    text: str = ""
    url: str = ""
    # Which authorised user published it, where the platform says (e.g. LinkedIn's author of record).
    published_by: str = ""
    edited_at: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True)
class FetchedEnquiry:
    """Something a member of the public addressed to the account (000 §25's clock starts here)."""

    platform_id: str
    received_at: datetime
    channel: EnquiryChannel
    author: str
    text: str = ""
    url: str = ""
    # The thread or conversation it belongs to (a root post's id, a DM conversation id).
    conversation_id: str = ""
    # The platform id of what it answers, where it is a reply.
    in_reply_to: str = ""
    edited_at: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True)
class FetchedReply:
    """The council's account answering in a thread on the platform itself: it stops the clock of
    the enquiry it replies to (``in_reply_to``), as a response recorded in the app would."""

    platform_id: str
    replied_at: datetime
    in_reply_to: str
    text: str = ""
    url: str = ""


T = TypeVar("T")


@dataclass(frozen=True)
class Batch(Generic[T]):
    """One page of a stream: its items, the cursor to store once they are saved, and whether another
    page is waiting now (the sync fetches it in the same run, up to its page limit)."""

    items: list[T]
    cursor: str | None
    more: bool = False


class ConnectorError(Exception):
    """Anything that stopped a fetch or a reply. The message is safe to show and to log: never put a
    token, a password or a full request in it."""


class RateLimited(ConnectorError):
    def __init__(self, retry_after: float, message: str = "The platform asked us to slow down"):
        super().__init__(message)
        self.retry_after = max(float(retry_after), 0.0)


class CredentialsRejected(ConnectorError):
    """The platform refused the credentials: expired and not refreshable, revoked, or wrong."""


class PlatformUnavailable(ConnectorError):
    """The platform failed in a way worth retrying (5xx, timeout, a broken page)."""


class ReplyNotSupported(ConnectorError):
    """This platform (or this kind of enquiry on it) cannot be answered from the app."""


class Connector(Protocol):
    """One platform account. Build with ``Connector(credentials, session=...)``."""

    platform: str  # accounts_register.platforms.Platform value
    can_reply: bool

    def fetch_posts(self, cursor: str | None) -> Batch[FetchedPost]:
        """The account's own posts newer than ``cursor`` (all, oldest first, on the first sync
        within the platform's limits)."""

    def fetch_enquiries(self, cursor: str | None) -> Batch[FetchedEnquiry | FetchedReply]:
        """Comments and replies on its posts, mentions and direct messages (where allowed) newer than
        ``cursor``; and the account's own replies in those threads, as ``FetchedReply``."""

    def publish_reply(self, *, in_reply_to: str, conversation_id: str, text: str) -> FetchedReply:
        """Answer an enquiry on the platform; returns what was published. ``ReplyNotSupported``
        where the platform does not allow it."""

    def refreshed_credentials(self) -> Credentials | None:
        """New credentials if the connector refreshed an OAuth token during this run (the sync
        stores them encrypted), else None."""


class OAuthClient(Protocol):
    """The authorisation-code flow with PKCE and ``state`` (RFC 7636), for platforms that use OAuth."""

    platform: str
    scopes: tuple[str, ...]

    def authorisation_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str: ...

    def exchange_code(self, *, code: str, code_verifier: str, redirect_uri: str) -> Credentials: ...
