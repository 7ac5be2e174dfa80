"""Comments the author adds on the way, and Communications' advice in front of the Director
(issue 11, defects 8 and 9)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from business_cases import services
from business_cases.models import BusinessCase
from councilsocial.notifications.models import Notification

from .helpers import emailed_link_path

pytestmark = pytest.mark.django_db

ADVICE = "Post walks weekly and link to the booking page."


def do(client, case, action, comment):
    url = reverse("business-case-action", args=[case.pk, action])
    return client.post(url, {"comment": comment, "expected_status": case.status})


def test_the_comment_on_submitting_is_kept_in_the_timeline_and_the_email(client, make_case, officer, comms):
    case = make_case("draft")
    client.force_login(officer)
    do(client, case, "submit", "The audience section is new; please check it.")

    entry = StateLog.objects.for_(case).latest("timestamp")
    assert (entry.state, entry.description) == (
        "advice_requested",
        "The audience section is new; please check it.",
    )
    message = Notification.objects.get(to=comms.email)
    assert "The audience section is new; please check it." in message.body
    page = client.get(reverse("business-case-detail", args=[case.pk])).content.decode()
    assert "The audience section is new; please check it." in page


def test_the_comment_on_sending_to_the_director_is_kept_in_the_timeline_and_the_email(
    client, make_case, officer, director
):
    case = make_case("advised")
    client.force_login(officer)
    do(client, case, "send_to_director", "We need this before the summer season.")

    entry = StateLog.objects.for_(case).latest("timestamp")
    assert (entry.state, entry.description) == ("awaiting_director", "We need this before the summer season.")
    message = Notification.objects.get(to=director.email)
    assert "We need this before the summer season." in message.body


@pytest.fixture
def advised_and_sent(make_case, comms, officer):
    case = make_case("advice_requested")
    services.business_case_advise(case=case, by=comms, comment=ADVICE, now=timezone.now())
    services.business_case_send_to_director(
        case=BusinessCase.objects.get(pk=case.pk), by=officer, now=timezone.now()
    )
    return BusinessCase.objects.get(pk=case.pk)


def test_the_directors_email_includes_communications_advice(advised_and_sent, director):
    assert ADVICE in Notification.objects.get(to=director.email).body


def test_the_link_page_shows_communications_advice(client, advised_and_sent):
    page = client.get(emailed_link_path(advised_and_sent)).content.decode()
    assert "Communications’ advice" in page and ADVICE in page


def test_the_signed_in_decision_page_shows_communications_advice(client, advised_and_sent, director):
    client.force_login(director)
    page = client.get(reverse("business-case-action", args=[advised_and_sent.pk, "approve"])).content.decode()
    assert "Communications’ advice" in page and ADVICE in page


def test_the_directors_list_shows_the_cases_they_decided(client, advised_and_sent, director):
    services.business_case_approve(case=advised_and_sent, by=director, now=timezone.now())
    client.force_login(director)
    page = client.get(reverse("business-case-list")).content.decode()
    assert 'id="decided-by-me"' in page
    assert advised_and_sent.title in page[page.index('id="decided-by-me"') :]


def test_the_decided_cases_are_in_the_page_not_in_its_title(client, advised_and_sent, director):
    services.business_case_approve(case=advised_and_sent, by=director, now=timezone.now())
    client.force_login(director)
    page = client.get(reverse("business-case-list")).content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<table" not in title and "Cases you have decided" not in title
    assert page.index('id="decided-by-me"') > page.index("<main")
