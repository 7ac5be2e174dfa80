"""Issue 14, done when: a Bluesky account on the local AT Protocol network, connected through the
account page by Communications, has its posts and the public's enquiries in the app within one sync
cycle; a reply sent from the inbox appears on the network and records the response; a reply made in
the Bluesky app stops the clock by itself; a revoked app password marks the connection broken.

Everything real: the network (tests/atproto_network), PostgreSQL, the pages and the scheduled job's
service (``connections_sync_due``). Each test makes its own accounts on the network."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts_register.platforms import Platform
from monitoring.models import Connection, ConnectionStatus, Enquiry, EnquiryStatus, Post, Response
from monitoring.sync import connections_sync_due
from tests.factories import AccountFactory

from .test_bluesky import Council, mention, reply_ref

pytestmark = [pytest.mark.atproto, pytest.mark.django_db]


@pytest.fixture
def council(atproto_network, settings) -> Council:
    settings.CONNECTOR_BLUESKY_SERVICE_URL = atproto_network.pds_url
    return Council(atproto_network)


@pytest.fixture
def account(council, service):
    handle = council.account.handle
    return AccountFactory(
        platform=Platform.BLUESKY, handle=handle, url=f"https://bsky.app/profile/{handle}", service=service
    )


@pytest.fixture
def connected(client, comms, council, account) -> Connection:
    """Communications connects the account on its page, with the app password the council made."""
    client.force_login(comms)
    response = client.post(
        reverse("account-connect", args=[account.pk]),
        {"handle": council.account.handle, "app_password": council.app_password},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Connection.objects.get(account=account)


class Schedule:
    """What the schedule runs every five minutes (``monitoring.sync_connections``): each cycle runs
    five minutes after the one before, as under Celery beat."""

    def __init__(self) -> None:
        self.cycles = 0

    def __call__(self):
        at = timezone.now() + timedelta(minutes=5 * self.cycles)
        self.cycles += 1
        with time_machine.travel(at, tick=True):
            return connections_sync_due(now=timezone.now())


@pytest.fixture
def one_sync_cycle() -> Schedule:
    return Schedule()


def test_connecting_stores_the_account_and_never_the_password_in_clear(connected, council):
    assert connected.status == ConnectionStatus.CONNECTED
    assert connected.account_ref.startswith("did:")  # learnt by signing in to the network
    assert council.app_password not in str(connected.secrets)


def test_one_sync_cycle_brings_the_posts_and_the_enquiries_each_once(
    connected, council, atproto_network, one_sync_cycle
):
    resident = atproto_network.create_account("resident")
    resident_app = atproto_network.client(resident)
    post = council.post("The leisure centre pool is closed on Monday for repairs.")
    question = resident_app.send_post("Is the gym still open?", reply_to=reply_ref(post))
    mention(resident_app, council.account.handle, "the streetlight on Mill Lane is out")
    atproto_network.sync()

    reports = one_sync_cycle()
    again = one_sync_cycle()  # the next cycle finds nothing new

    assert [r.outcome for r in reports] == [r.outcome for r in again] == ["synced"]
    posts = Post.objects.filter(account=connected.account)
    assert list(posts.values_list("platform_id", "text")) == [
        (post.uri, "The leisure centre pool is closed on Monday for repairs.")
    ]
    enquiries = {e.platform_id: e for e in Enquiry.objects.filter(account=connected.account)}
    assert set(enquiries) >= {question.uri}
    assert len(enquiries) == 2
    reply = enquiries[question.uri]
    assert (reply.text, reply.author, reply.channel) == ("Is the gym still open?", resident.handle, "comment")
    assert reply.url.startswith("https://bsky.app/profile/")
    assert reply.conversation_id == post.uri
    assert reply.status == EnquiryStatus.OPEN
    connected.refresh_from_db()
    assert connected.last_success_at is not None and connected.last_error == ""


def test_a_reply_sent_from_the_inbox_appears_on_the_network_and_records_the_answer(
    client, connected, council, atproto_network, officer, one_sync_cycle
):
    resident = atproto_network.create_account("resident")
    resident_app = atproto_network.client(resident)
    post = council.post("Garden waste collections restart in March.")
    question = resident_app.send_post("Which day is my road?", reply_to=reply_ref(post))
    atproto_network.sync()
    one_sync_cycle()
    enquiry = Enquiry.objects.get(platform_id=question.uri)

    client.force_login(officer)
    response = client.post(
        reverse("enquiry-reply", args=[enquiry.pk]), {"text": "Tuesdays for Mill Lane. Thank you."}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.ANSWERED
    answer = Response.objects.get(enquiry=enquiry)
    assert (answer.text, answer.recorded_by) == ("Tuesdays for Mill Lane. Thank you.", officer)
    atproto_network.sync()
    thread = resident_app.get_post_thread(question.uri).thread
    assert [r.post.record.text for r in thread.replies] == ["Tuesdays for Mill Lane. Thank you."]
    assert thread.replies[0].post.uri == answer.platform_id
    # The next sync sees that reply on the platform and does not record it a second time.
    one_sync_cycle()
    assert Response.objects.filter(enquiry=enquiry).count() == 1


def test_a_reply_made_in_the_bluesky_app_stops_the_clock_by_itself(
    connected, council, atproto_network, one_sync_cycle
):
    resident = atproto_network.create_account("resident")
    resident_app = atproto_network.client(resident)
    post = council.post("Council tax bills are on their way.")
    question = resident_app.send_post("Can I pay monthly?", reply_to=reply_ref(post))
    atproto_network.sync()
    one_sync_cycle()
    council.app.send_post("Yes: ten or twelve instalments.", reply_to=reply_ref(question, root=post))
    atproto_network.sync()

    one_sync_cycle()

    enquiry = Enquiry.objects.get(platform_id=question.uri)
    assert enquiry.status == EnquiryStatus.ANSWERED
    assert enquiry.first_response_at is not None and enquiry.met_deadline is True
    answer = Response.objects.get(enquiry=enquiry)
    assert answer.recorded_by is None and answer.text == "Yes: ten or twelve instalments."


def test_a_revoked_app_password_marks_the_connection_broken(
    connected, council, atproto_network, one_sync_cycle
):
    atproto_network.revoke_app_password(council.app)  # the owner revokes it in Bluesky's settings

    # The stored session outlives the revocation until it expires (about two hours on Bluesky).
    one_sync_cycle.cycles = 36  # three hours later
    reports = one_sync_cycle()

    assert [r.outcome for r in reports] == ["broken"]
    connected.refresh_from_db()
    assert connected.status == ConnectionStatus.BROKEN
    assert council.app_password not in connected.last_error
