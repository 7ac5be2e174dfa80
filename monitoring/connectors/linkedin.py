"""LinkedIn Pages through the Community Management API (``/rest``, plain ``requests``), with the
``LinkedIn-Version`` and ``X-Restli-Protocol-Version: 2.0.0`` headers every call needs.

- **Posts**: ``/rest/posts?author=<organisation URN>&q=author&sortBy=LAST_MODIFIED``, newest change
  first, paged with ``start``/``count`` while ``paging.links`` has a ``next``, down to the newest
  change already seen. An edit moves ``lastModifiedAt`` and sets
  ``lifecycleStateInfo.isEditedByAuthor``: the post comes again under its URN with ``edited_at``.
  A reshare is a share.
- **Enquiries**: the comments on the organisation's posts of the last ``COMMENT_WINDOW_DAYS``
  (``/rest/socialActions/{post URN}/comments``), and the replies under any comment that has some
  (``/rest/socialActions/{comment URN}/comments``), written or edited after the watermark (LinkedIn
  has no "new comments on my posts" list, so the posts are queued in the cursor). A comment whose
  ``actor`` is the organisation is its answer: a ``FetchedReply`` to its ``parentComment``. The
  author is the commenter's member URN: reading members' names needs a permission LinkedIn does not
  grant to this API. LinkedIn Pages have no direct messages.
- **Deleted**: deleted comments are not listed; a post deleted between the two calls (404) is
  skipped; a reply to a deleted comment is refused with a plain message.
- **Limits**: 429 waits ``Retry-After``; without one, until LinkedIn's daily limits reset at
  midnight UTC.
- **Replying**: ``POST /rest/socialActions/{comment URN}/comments`` as the organisation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import requests

from accounts_register.platforms import Platform

from .base import (
    Batch,
    ConnectorError,
    Credentials,
    CredentialsRejected,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedPost,
    FetchedReply,
    ItemKind,
    RateLimited,
)
from .http import NotFound, PageCursor, decode_cursor, encode_cursor, page_cursor, read_threads, send
from .oauth import OAuthClientBase, RefreshingConnector

API = "https://api.linkedin.com/rest"
LINKEDIN_VERSION = "202411"
PAGE_SIZE = 50
PAGE_LIMIT = 5
COMMENT_WINDOW_DAYS = 28


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


def urn_path(urn: str) -> str:
    """A URN inside a path, encoded as Rest.li 2.0 wants (``:``, ``(``, ``,`` and ``)`` too)."""
    return quote(urn, safe="")


def check_linkedin(response: requests.Response, *, now: datetime) -> None:
    if response.status_code == 429 and "retry-after" not in response.headers:
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
        raise RateLimited((midnight - now).total_seconds(), "LinkedIn's daily limit is used up")


def linkedin_headers(access_token: str) -> dict:
    return {
        "Authorization": f"Bearer {access_token}",
        "LinkedIn-Version": LINKEDIN_VERSION,
        "X-Restli-Protocol-Version": "2.0.0",
    }


class LinkedInOAuthClient(OAuthClientBase):
    platform = Platform.LINKEDIN.value
    authorise_endpoint = "https://www.linkedin.com/oauth/v2/authorization"
    token_endpoint = "https://www.linkedin.com/oauth/v2/accessToken"  # noqa: S105 - an address
    scopes = (
        "r_organization_social",  # read the organisation's posts and the comments on them
        "w_organization_social",  # answer a comment as the organisation
        "rw_organization_admin",  # find the organisation the person administers, and its name
    )

    def identify(self, token: dict) -> Credentials:
        headers = linkedin_headers(token["access_token"])
        params = {"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"}
        acls = send(
            self.session,
            "GET",
            f"{API}/organizationAcls",
            platform="LinkedIn",
            headers=headers,
            params=params,
        )
        organisations = [acl["organization"] for acl in acls.get("elements") or [] if acl.get("organization")]
        if not organisations:
            raise CredentialsRejected("This LinkedIn member administers no Page")
        urn = organisations[0]
        number = urn.rsplit(":", 1)[-1]
        page = send(
            self.session, "GET", f"{API}/organizations/{number}", platform="LinkedIn", headers=headers
        )
        return Credentials(
            account_ref=urn,
            handle=page.get("vanityName") or page.get("localizedName", ""),
            access_token=token["access_token"],
            refresh_token=token.get("refresh_token", ""),
            expires_at=self.expires_at(token),
        )


class LinkedInConnector(RefreshingConnector):
    platform = Platform.LINKEDIN.value
    can_reply = True
    oauth_class = LinkedInOAuthClient

    @property
    def organisation(self) -> str:
        return self.credentials.account_ref

    def api(self, method: str, path: str, **kwargs) -> dict:
        def call() -> dict:
            headers = linkedin_headers(self.credentials.access_token)
            url = f"{API}/{path}"
            return send(
                self.session, method, url, platform="LinkedIn", check=self.check, headers=headers, **kwargs
            )

        return self.with_token(call)

    def check(self, response: requests.Response) -> None:
        check_linkedin(response, now=self.oauth.now())

    # --- Posts ------------------------------------------------------------------------------
    def fetch_posts(self, cursor: str | None) -> Batch[FetchedPost]:
        position = page_cursor(decode_cursor(cursor), "posts")
        start = int(position.after or 0)
        items: list[FetchedPost] = []
        more = False
        for _ in range(PAGE_LIMIT):
            elements, has_next = self.posts_page("LAST_MODIFIED", start)
            reached_known = False
            for raw in elements:
                if position.since and int(raw["lastModifiedAt"]) <= int(position.since):
                    reached_known = True
                    break
                position.saw(str(raw["lastModifiedAt"]), key=int)
                items.append(self.post(raw))
            start += len(elements)
            more = has_next and not reached_known
            if not more:
                break
        items.sort(key=lambda post: post.posted_at)
        done = position.paused(str(start)) if more else position.finished()
        return Batch(items, encode_cursor({"posts": done}), more=more)

    def posts_page(self, sort_by: str, start: int) -> tuple[list[dict], bool]:
        """One page of the organisation's posts, and whether LinkedIn links a next one."""
        params = {
            "author": self.organisation,
            "q": "author",
            "sortBy": sort_by,
            "count": PAGE_SIZE,
            "start": start,
        }
        body = self.api("GET", "posts", params=params)
        links = (body.get("paging") or {}).get("links") or []
        return body.get("elements") or [], any(link.get("rel") == "next" for link in links)

    def post(self, raw: dict) -> FetchedPost:
        published = int(raw.get("publishedAt") or raw["createdAt"])
        edited = (raw.get("lifecycleStateInfo") or {}).get("isEditedByAuthor", False)
        return FetchedPost(
            platform_id=raw["id"],
            posted_at=from_ms(published),
            kind=ItemKind.SHARE if raw.get("reshareContext") else ItemKind.ORIGINAL,
            text=raw.get("commentary", ""),
            url=f"https://www.linkedin.com/feed/update/{raw['id']}/",
            edited_at=from_ms(raw["lastModifiedAt"]) if edited else None,
        )

    # --- Enquiries --------------------------------------------------------------------------
    def fetch_enquiries(self, cursor: str | None) -> Batch[FetchedEnquiry | FetchedReply]:
        return read_threads(cursor, self.recent_posts, self.comments, limit=PAGE_LIMIT * 2)

    def recent_posts(self, position: PageCursor) -> list[str]:
        window_start = self.oauth.now() - timedelta(days=COMMENT_WINDOW_DAYS)
        elements, _ = self.posts_page("CREATED", 0)
        return [raw["id"] for raw in elements if from_ms(raw["createdAt"]) >= window_start]

    def comments(self, post_urn: str, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        found: list[FetchedEnquiry | FetchedReply] = []
        try:
            for comment in self.comment_page(post_urn):
                found.extend(self.if_new(comment, post_urn, position))
                if (comment.get("commentsSummary") or {}).get("aggregatedTotalComments"):
                    for reply in self.comment_page(comment["commentUrn"]):
                        found.extend(self.if_new(reply, post_urn, position))
        except NotFound:
            return found  # the post was deleted meanwhile
        return found

    def comment_page(self, urn: str) -> list[dict]:
        body = self.api("GET", f"socialActions/{urn_path(urn)}/comments", params={"count": 100})
        return body.get("elements") or []

    def if_new(self, raw: dict, post_urn: str, position: PageCursor) -> list[FetchedEnquiry | FetchedReply]:
        changed = max(int(raw["created"]["time"]), int((raw.get("lastModified") or raw["created"])["time"]))
        if position.since and changed <= int(position.since):
            return []
        position.saw(str(changed), key=int)
        return [self.comment(raw, post_urn)]

    def comment(self, raw: dict, post_urn: str) -> FetchedEnquiry | FetchedReply:
        created = from_ms(raw["created"]["time"])
        modified = from_ms((raw.get("lastModified") or raw["created"])["time"])
        text = (raw.get("message") or {}).get("text", "")
        url = (
            f"https://www.linkedin.com/feed/update/{post_urn}/?commentUrn={quote(raw['commentUrn'], safe='')}"
        )
        parent = raw.get("parentComment", "")
        if raw.get("actor") == self.organisation:
            return FetchedReply(raw["commentUrn"], created, parent or post_urn, text, url)
        return FetchedEnquiry(
            platform_id=raw["commentUrn"],
            received_at=created,
            channel=EnquiryChannel.COMMENT,
            author=raw.get("actor", ""),
            text=text,
            url=url,
            conversation_id=post_urn,
            in_reply_to=parent,
            edited_at=modified if modified > created else None,
        )

    # --- Replying ---------------------------------------------------------------------------
    def publish_reply(self, *, in_reply_to: str, conversation_id: str, text: str) -> FetchedReply:
        # A comment's URN names the activity it belongs to: urn:li:comment:(urn:li:activity:…,…).
        activity = in_reply_to.partition("(")[2].partition(",")[0] or conversation_id
        body = {
            "actor": self.organisation,
            "object": activity,
            "message": {"text": text},
            "parentComment": in_reply_to,
        }
        try:
            created = self.api("POST", f"socialActions/{urn_path(in_reply_to)}/comments", json=body)
        except NotFound as exc:
            raise ConnectorError("That comment is no longer on LinkedIn") from exc
        return FetchedReply(created["commentUrn"], from_ms(created["created"]["time"]), in_reply_to, text, "")


CONNECTOR = LinkedInConnector
OAUTH_CLIENT = LinkedInOAuthClient
