"""The Director's link (issue 11, defect 7a and 7c): nobody reading the outbox can use it, and a
decision made with it says in the timeline that it came by email link, when, from where and how."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from business_cases import services
from business_cases.models import DirectorApprovalLink
from councilsocial.notifications.models import Notification

from .helpers import emailed_link_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(make_case, officer):
    case = make_case("advised")
    services.business_case_send_to_director(case=case, by=officer, now=timezone.now())
    return case


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


@pytest.mark.parametrize("role", ["comms", "administrator"])
def test_the_link_cannot_be_read_in_the_admin_outbox_before_it_is_sent(client, request, sent, role):
    message = Notification.objects.get(dedupe_key__contains=":director_link:")
    assert "/decide/" not in message.body
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("admin:notifications_notification_change", args=[message.pk])).content.decode()
    assert "/decide/" not in page


def test_the_link_is_kept_nowhere_once_the_email_is_sent(sent):
    token = token_of(emailed_link_path(sent))
    assert not Notification.objects.filter(body__contains=token).exists()
    assert not Notification.objects.filter(secret__contains=token).exists()
    assert not Notification.objects.exclude(secret="").exists()


def test_a_link_decision_records_the_route_time_address_and_browser(client, sent, director):
    path = emailed_link_path(sent)
    client.post(
        path,
        {"decision": "approve", "comment": "Good case."},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 (Council laptop) Firefox/140.0",
    )
    link = DirectorApprovalLink.objects.get()
    assert (link.used_from_ip, link.used_user_agent) == (
        "203.0.113.7",
        "Mozilla/5.0 (Council laptop) Firefox/140.0",
    )

    client.force_login(director)
    timeline = client.get(reverse("business-case-detail", args=[sent.pk])).content.decode()
    timeline = timeline[timeline.index('id="timeline"') :]
    assert "By the emailed approval link" in timeline
    assert "203.0.113.7" in timeline
    assert "Mozilla/5.0 (Council laptop) Firefox/140.0" in timeline
    assert timezone.localtime(link.used_at).strftime("%H:%M") in timeline
