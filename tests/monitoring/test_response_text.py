"""Recording a response keeps what was said, who and when (issue 13 item 3); a link to the
platform is kept only if it is a web address (issue 14 item 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring import services
from monitoring.models import Enquiry, EnquiryStatus, Post, Response
from tests.factories import AccountFactory, EnquiryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enquiry(service):
    return EnquiryFactory(account=AccountFactory(service=service))


@pytest.mark.parametrize("role", ["officer", "manager", "comms"])
def test_a_full_answer_keeps_what_was_said_and_who_said_it(client, enquiry, role, request):
    person = request.getfixturevalue(role)
    client.force_login(person)

    response = client.post(
        reverse("enquiry-respond", args=[enquiry.pk]),
        {"kind": "full", "text": "  The tip opens at 9am on Sunday.  "},
    )

    assert response.status_code == 302
    saved = Response.objects.get(enquiry=enquiry)
    assert (saved.kind, saved.text, saved.recorded_by) == ("full", "The tip opens at 9am on Sunday.", person)
    assert saved.recorded_at is not None
    assert Enquiry.objects.get(pk=enquiry.pk).status == EnquiryStatus.ANSWERED
    page = client.get(reverse("enquiry-respond", args=[enquiry.pk])).content.decode()
    assert "What has been sent" in page and "The tip opens at 9am on Sunday." in page


def test_a_holding_reply_may_be_recorded_without_words(client, enquiry, officer):
    client.force_login(officer)

    client.post(reverse("enquiry-respond", args=[enquiry.pk]), {"kind": "holding"})

    saved = Response.objects.get(enquiry=enquiry)
    assert (saved.kind, saved.text) == ("holding", "")


@pytest.mark.parametrize("text", ["x" * 5001, "nul \x00 byte"])
def test_hostile_words_are_refused_and_nothing_is_recorded(client, enquiry, officer, text):
    client.force_login(officer)

    response = client.post(reverse("enquiry-respond", args=[enquiry.pk]), {"kind": "full", "text": text})

    assert response.status_code == 200
    assert not Response.objects.filter(enquiry=enquiry).exists()
    assert Enquiry.objects.get(pk=enquiry.pk).status == EnquiryStatus.OPEN


def test_the_page_offers_a_box_for_what_was_said(client, enquiry, officer):
    client.force_login(officer)

    page = client.get(reverse("enquiry-respond", args=[enquiry.pk])).content.decode()

    assert 'name="text"' in page and "What did you say? (optional)" in page


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://bsky.app/profile/a/post/1", "https://bsky.app/profile/a/post/1"),
        ("javascript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("  HTTP://example.org/x ", "HTTP://example.org/x"),
    ],
)
def test_only_a_web_address_is_kept_as_the_link_to_the_platform(service, given, kept):
    account = AccountFactory(service=service)
    now = timezone.now()

    enquiry = services.enquiries_ingest(
        items=[
            {"account": account, "platform_id": "e1", "received_at": now, "channel": "comment", "url": given}
        ],
        now=now,
    ).records[0]
    post = services.posts_ingest(
        items=[{"account": account, "platform_id": "p1", "posted_at": now, "url": given}], now=now
    ).records[0]

    assert Enquiry.objects.get(pk=enquiry.pk).url == kept
    assert Post.objects.get(pk=post.pk).url == kept
