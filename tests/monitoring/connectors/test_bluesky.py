"""The Bluesky connector against a real local AT Protocol network (tests/atproto_network): a council's
account and residents' accounts post, reply, mention and delete, and the connector brings each in
exactly once. Each test makes its own accounts; the network is started once for the session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from atproto import Client, models

from monitoring.connectors import bluesky
from monitoring.connectors.base import (
    ConnectorError,
    Credentials,
    CredentialsRejected,
    EnquiryChannel,
    FetchedEnquiry,
    FetchedReply,
    ItemKind,
    PlatformUnavailable,
    RateLimited,
)
from monitoring.connectors.bluesky import BlueskyConnector, is_app_password

from . import atproto_network as atproto_network_module
from .atproto_network import Account, AtprotoNetwork

pytestmark = pytest.mark.atproto


class Council:
    """The council's account: signed in with its own password for what an officer does in the Bluesky
    app, and connected to councilsocial with an app password."""

    def __init__(self, network: AtprotoNetwork) -> None:
        self.network = network
        self.account = network.create_account("council")
        self.app = network.client(self.account)
        self.app_password = network.create_app_password(self.app)

    def credentials(self, **changes) -> Credentials:
        return Credentials(
            **{
                "account_ref": self.account.handle,
                "handle": self.account.handle,
                "app_password": self.app_password,
                "extra": {"pds_url": self.network.pds_url},
                **changes,
            }
        )

    def post(self, text: str):
        """A post the public then sees (the App View has indexed it) and can reply to."""
        created = self.app.send_post(text)
        self.network.sync()
        return created

    def connector(self) -> BlueskyConnector:
        return BlueskyConnector(self.credentials())


@pytest.fixture
def council(atproto_network) -> Council:
    return Council(atproto_network)


@pytest.fixture
def resident(atproto_network) -> tuple[Account, Client]:
    account = atproto_network.create_account("resident")
    return account, atproto_network.client(account)


def reply_ref(parent, root=None) -> models.AppBskyFeedPost.ReplyRef:
    parent_ref = models.create_strong_ref(parent)
    return models.AppBskyFeedPost.ReplyRef(
        parent=parent_ref, root=models.create_strong_ref(root) if root else parent_ref
    )


def mention(client: Client, handle: str, text: str):
    """A post naming the council's account, with the mention facet the Bluesky app adds."""
    full = f"@{handle} {text}"
    return client.send_post(full, facets=client.detect_facets(full))


def enquiries_of(batch) -> list[FetchedEnquiry]:
    return [item for item in batch.items if isinstance(item, FetchedEnquiry)]


def replies_of(batch) -> list[FetchedReply]:
    return [item for item in batch.items if isinstance(item, FetchedReply)]


def test_the_network_fails_rather_than_skips_when_it_is_not_set_up(monkeypatch, tmp_path):
    monkeypatch.setattr(atproto_network_module, "NODE", tmp_path / "node")

    with pytest.raises(pytest.fail.Exception, match="atproto-network-setup.sh"):
        AtprotoNetwork.start()


# --- Posts ---------------------------------------------------------------------------------------
def test_first_fetch_brings_each_post_once_oldest_first_with_its_kind_text_and_link(council, resident):
    _, resident_app = resident
    first = council.app.send_post("Bin collections are running as normal this week.")
    second = council.app.send_post("The library opens late on Thursday.")
    question = resident_app.send_post("Is the tip open on Sunday?")
    answer = council.app.send_post("Yes, from 9am.", reply_to=reply_ref(question))
    share = council.app.repost(question.uri, question.cid)

    batch = council.connector().fetch_posts(None)

    assert [item.platform_id for item in batch.items] == [first.uri, second.uri, answer.uri, share.uri]
    assert [item.kind for item in batch.items] == [
        ItemKind.ORIGINAL,
        ItemKind.ORIGINAL,
        ItemKind.REPLY,
        ItemKind.SHARE,
    ]
    assert batch.items[0].text == "Bin collections are running as normal this week."
    rkey = first.uri.rsplit("/", 1)[1]
    assert batch.items[0].url == f"https://bsky.app/profile/{council.account.handle}/post/{rkey}"
    assert batch.items[3].text == "Is the tip open on Sunday?"  # a share carries what it shared
    assert batch.items[0].posted_at <= batch.items[1].posted_at <= datetime.now(UTC)
    assert batch.more is False


def test_fetch_with_the_stored_cursor_brings_only_newer_posts(council):
    council.app.send_post("Road closed on the High Street.")
    connector = council.connector()
    first = connector.fetch_posts(None)
    assert len(first.items) == 1

    assert connector.fetch_posts(first.cursor).items == []

    newer = council.app.send_post("The High Street has reopened.")
    second = connector.fetch_posts(first.cursor)
    assert [item.platform_id for item in second.items] == [newer.uri]
    assert council.connector().fetch_posts(second.cursor).items == []


def test_posts_beyond_the_page_limit_wait_for_the_next_call(council, monkeypatch):
    monkeypatch.setattr(bluesky, "PAGE_SIZE", 2)
    monkeypatch.setattr(bluesky, "PAGE_LIMIT", 2)
    sent = [council.app.send_post(f"Update {n}").uri for n in range(5)]
    connector = council.connector()

    first = connector.fetch_posts(None)
    second = connector.fetch_posts(first.cursor)

    assert [item.platform_id for item in first.items] == sent[:4]
    assert first.more is True
    assert [item.platform_id for item in second.items] == sent[4:]
    assert second.more is False


def test_a_record_key_tells_when_it_was_made(council):
    before = datetime.now(UTC)
    rkey = council.app.send_post("Consultation closes on Friday.").uri.rsplit("/", 1)[1]

    assert before - timedelta(seconds=5) <= bluesky.tid_time(rkey) <= datetime.now(UTC)
    assert bluesky.tid_for(before - timedelta(seconds=5)) < rkey < bluesky.tid_for(datetime.now(UTC))
    assert bluesky.tid_time("self") is None


# --- Enquiries -----------------------------------------------------------------------------------
def test_a_reply_and_a_mention_arrive_once_each_with_author_text_link_and_conversation(
    atproto_network, council, resident
):
    resident_account, resident_app = resident
    post = council.post("Have your say on the new park.")
    reply = resident_app.send_post("Please keep the old oak tree.", reply_to=reply_ref(post))
    named = mention(resident_app, council.account.handle, "the streetlight on Mill Lane is out.")
    quoted = resident_app.send_post(
        "Which park?", embed=models.AppBskyEmbedRecord.Main(record=models.create_strong_ref(post))
    )
    atproto_network.sync()
    connector = council.connector()

    batch = connector.fetch_enquiries(None)

    enquiries = {item.platform_id: item for item in enquiries_of(batch)}
    assert set(enquiries) == {reply.uri, named.uri, quoted.uri}
    comment = enquiries[reply.uri]
    assert comment.channel == EnquiryChannel.COMMENT
    assert comment.author == resident_account.handle
    assert comment.text == "Please keep the old oak tree."
    assert (
        comment.url
        == f"https://bsky.app/profile/{resident_account.handle}/post/{reply.uri.rsplit('/', 1)[1]}"
    )
    assert comment.conversation_id == post.uri
    assert comment.in_reply_to == post.uri
    assert comment.deleted is False
    assert enquiries[named.uri].channel == EnquiryChannel.MENTION
    assert enquiries[named.uri].text.endswith("the streetlight on Mill Lane is out.")
    assert enquiries[named.uri].conversation_id == named.uri
    assert enquiries[named.uri].in_reply_to == ""
    assert enquiries[quoted.uri].channel == EnquiryChannel.MENTION
    assert enquiries[quoted.uri].text == "Which park?"
    assert replies_of(batch) == []

    assert connector.fetch_enquiries(batch.cursor).items == []


def test_fetch_with_the_stored_cursor_brings_only_newer_enquiries(atproto_network, council, resident):
    _, resident_app = resident
    post = council.post("Consultation: parking permits.")
    resident_app.send_post("Permits cost too much.", reply_to=reply_ref(post))
    atproto_network.sync()
    first = council.connector().fetch_enquiries(None)
    assert len(enquiries_of(first)) == 1

    later = resident_app.send_post("And there are never any spaces.", reply_to=reply_ref(post))
    atproto_network.sync()
    second = council.connector().fetch_enquiries(first.cursor)

    assert [item.platform_id for item in second.items] == [later.uri]


def test_enquiries_beyond_the_page_limit_arrive_on_the_next_call_each_once(
    atproto_network, council, resident, monkeypatch
):
    monkeypatch.setattr(bluesky, "PAGE_SIZE", 2)
    monkeypatch.setattr(bluesky, "PAGE_LIMIT", 1)
    _, resident_app = resident
    post = council.post("Tell us about potholes.")
    sent = [resident_app.send_post(f"Pothole {n}", reply_to=reply_ref(post)).uri for n in range(3)]
    atproto_network.sync()
    connector = council.connector()

    first = connector.fetch_enquiries(None)
    second = connector.fetch_enquiries(first.cursor)
    newest = resident_app.send_post("Pothole 3", reply_to=reply_ref(post)).uri
    atproto_network.sync()
    third = connector.fetch_enquiries(second.cursor)

    assert first.more is True
    seen = [item.platform_id for batch in (first, second, third) for item in enquiries_of(batch)]
    assert sorted(seen) == sorted([*sent, newest])


def test_a_reply_deleted_by_its_author_comes_back_once_as_deleted(atproto_network, council, resident):
    _, resident_app = resident
    post = council.post("Bonfire night safety.")
    reply = resident_app.send_post("Fireworks scare my dog.", reply_to=reply_ref(post))
    atproto_network.sync()
    connector = council.connector()
    first = connector.fetch_enquiries(None)
    assert [item.platform_id for item in enquiries_of(first)] == [reply.uri]

    resident_app.delete_post(reply.uri)
    atproto_network.sync()
    second = connector.fetch_enquiries(first.cursor)

    assert [(item.platform_id, item.deleted) for item in second.items] == [(reply.uri, True)]
    assert second.items[0].channel == EnquiryChannel.COMMENT
    assert connector.fetch_enquiries(second.cursor).items == []


def test_a_reply_deleted_before_the_first_fetch_never_arrives(atproto_network, council, resident):
    _, resident_app = resident
    post = council.post("Library hours.")
    reply = resident_app.send_post("Oops, wrong post.", reply_to=reply_ref(post))
    resident_app.delete_post(reply.uri)
    atproto_network.sync()

    assert council.connector().fetch_enquiries(None).items == []


def test_the_councils_reply_in_the_bluesky_app_comes_back_as_a_response_to_that_enquiry(
    atproto_network, council, resident
):
    _, resident_app = resident
    post = council.post("Recycling changes from April.")
    question = resident_app.send_post("Will glass still be collected?", reply_to=reply_ref(post))
    atproto_network.sync()
    connector = council.connector()
    first = connector.fetch_enquiries(None)
    assert [item.platform_id for item in enquiries_of(first)] == [question.uri]

    answer = council.app.send_post("Yes, every other week.", reply_to=reply_ref(question, root=post))
    council.app.send_post("More details soon.", reply_to=reply_ref(post))  # its own thread: no answer
    second = connector.fetch_enquiries(first.cursor)

    assert replies_of(second) == [
        FetchedReply(
            platform_id=answer.uri,
            replied_at=replies_of(second)[0].replied_at,
            in_reply_to=question.uri,
            text="Yes, every other week.",
            url=f"https://bsky.app/profile/{council.account.handle}/post/{answer.uri.rsplit('/', 1)[1]}",
        )
    ]
    assert connector.fetch_enquiries(second.cursor).items == []


# --- Replying from the app -----------------------------------------------------------------------
def test_a_reply_published_from_the_app_appears_in_the_thread_on_the_network(
    atproto_network, council, resident
):
    _, resident_app = resident
    post = council.post("Council tax bills are out.")
    question = resident_app.send_post("Mine has the wrong band, who do I ask?", reply_to=reply_ref(post))
    atproto_network.sync()

    published = council.connector().publish_reply(
        in_reply_to=question.uri,
        conversation_id=post.uri,
        text="Please call 0300 123 4567, see https://example.org/tax",
    )
    atproto_network.sync()

    seen = resident_app.get_posts([published.platform_id]).posts
    assert len(seen) == 1
    record = seen[0].record
    assert record.text == "Please call 0300 123 4567, see https://example.org/tax"
    assert record.reply.parent.uri == question.uri
    assert record.reply.root.uri == post.uri
    assert record.facets[0].features[0].uri == "https://example.org/tax"
    assert seen[0].author.handle == council.account.handle
    assert published.in_reply_to == question.uri
    notified = resident_app.app.bsky.notification.list_notifications().notifications
    assert [n.uri for n in notified if n.reason == "reply"] == [published.platform_id]
    # The next sync sees it as the account's answer, under the id the app recorded it with.
    assert [reply.platform_id for reply in replies_of(council.connector().fetch_enquiries(None))] == [
        published.platform_id
    ]


def test_a_reply_to_a_deleted_post_is_refused(atproto_network, council, resident):
    _, resident_app = resident
    post = council.post("Snow gritting routes.")
    question = resident_app.send_post("My road never gets gritted.", reply_to=reply_ref(post))
    resident_app.delete_post(question.uri)
    atproto_network.sync()

    with pytest.raises(ConnectorError, match="deleted"):
        council.connector().publish_reply(
            in_reply_to=question.uri, conversation_id=post.uri, text="Sorry to hear it."
        )


# --- Credentials -----------------------------------------------------------------------------------
def test_the_session_is_handed_back_and_reused_without_signing_in_again(council):
    council.app.send_post("Polling stations open at 7am.")
    connector = council.connector()
    connector.fetch_posts(None)
    stored = connector.refreshed_credentials()
    assert stored.account_ref == council.account.did
    assert stored.access_token and stored.refresh_token
    assert stored.extra["pds_url"] == council.network.pds_url

    # A wrong app password proves the stored session, not a new sign-in, is what works.
    again = BlueskyConnector(Credentials(**{**stored.__dict__, "app_password": "aaaa-bbbb-cccc-dddd"}))
    assert len(again.fetch_posts(None).items) == 1
    assert again.refreshed_credentials() is None


def test_an_expired_session_is_refreshed_and_handed_back(council):
    connector = council.connector()
    connector.fetch_posts(None)
    stored = connector.refreshed_credentials()

    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3)):
        again = BlueskyConnector(stored)
        again.fetch_posts(None)
        refreshed = again.refreshed_credentials()

    assert refreshed is not None
    assert refreshed.refresh_token != stored.refresh_token
    assert refreshed.account_ref == council.account.did


def test_a_revoked_app_password_is_rejected(council):
    connector = council.connector()
    connector.fetch_posts(None)
    council.network.revoke_app_password(council.app)

    with pytest.raises(CredentialsRejected) as rejected:
        council.connector().fetch_posts(None)
    assert council.app_password not in str(rejected.value)


def test_a_stored_session_is_rejected_once_it_expires_after_the_app_password_is_revoked(council):
    connector = council.connector()
    connector.fetch_enquiries(None)
    stored = connector.refreshed_credentials()
    council.network.revoke_app_password(council.app)

    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3)):
        with pytest.raises(CredentialsRejected):
            BlueskyConnector(stored).fetch_enquiries(None)


def test_a_wrong_app_password_is_rejected_without_showing_it(council):
    connector = BlueskyConnector(council.credentials(app_password="wxyz-wxyz-wxyz-wxyz"))

    with pytest.raises(CredentialsRejected) as rejected:
        connector.fetch_posts(None)
    assert "wxyz" not in str(rejected.value)


@pytest.mark.parametrize(
    "value, accepted",
    [
        ("abcd-efgh-ijkl-mn12", True),
        ("2f4k-x9q1-aa00-zz99", True),
        ("ABCD-EFGH-IJKL-MN12", False),  # app passwords are lowercase
        ("abcd-efgh-ijkl", False),
        ("abcd-efgh-ijkl-mn12-", False),
        (" abcd-efgh-ijkl-mn12", False),
        ("abcdefghijklmn12", False),
        ("correct horse battery staple", False),
        ("", False),
        (None, False),
    ],
)
def test_is_app_password_tells_an_app_password_from_an_account_password(value, accepted):
    assert is_app_password(value) is accepted


# --- Platform failures (HTTP mocked: the local network neither rate-limits nor fails) ---------------
def failing_connector(handler) -> BlueskyConnector:
    return BlueskyConnector(
        Credentials(
            account_ref="council.example", handle="council.example", app_password="abcd-efgh-ijkl-mn12"
        ),
        transport=httpx.MockTransport(handler),
    )


def test_a_429_with_retry_after_asks_the_sync_to_wait_that_long():
    connector = failing_connector(
        lambda request: httpx.Response(
            429, headers={"Retry-After": "120"}, json={"error": "RateLimitExceeded"}
        )
    )

    with pytest.raises(RateLimited) as limited:
        connector.fetch_posts(None)
    assert limited.value.retry_after == 120


def test_a_429_with_ratelimit_reset_asks_the_sync_to_wait_until_then():
    reset = int(datetime.now(UTC).timestamp()) + 300
    connector = failing_connector(
        lambda request: httpx.Response(
            429, headers={"RateLimit-Reset": str(reset)}, json={"error": "RateLimitExceeded"}
        )
    )

    with pytest.raises(RateLimited) as limited:
        connector.fetch_enquiries(None)
    assert 290 <= limited.value.retry_after <= 300


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_worth_retrying(status):
    connector = failing_connector(
        lambda request: httpx.Response(status, json={"error": "InternalServerError"})
    )

    with pytest.raises(PlatformUnavailable):
        connector.fetch_posts(None)


def test_an_unreachable_platform_is_worth_retrying():
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(PlatformUnavailable):
        failing_connector(refuse).fetch_posts(None)


def test_a_401_is_rejected_credentials():
    connector = failing_connector(
        lambda request: httpx.Response(
            401, json={"error": "AuthenticationRequired", "message": "Invalid password"}
        )
    )

    with pytest.raises(CredentialsRejected):
        connector.fetch_posts(None)
