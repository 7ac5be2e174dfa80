"""The Director's emailed link: signed, expiring, single-use, bound to one Director, case and version."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from business_cases import services
from business_cases.models import BusinessCase, DirectorApprovalLink
from councilsocial.notifications.models import Notification

from .helpers import emailed_link_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(make_case, officer):
    """A case the author has just sent to the Director: the link is in the outbox."""
    case = make_case("advised")
    services.business_case_send_to_director(case=case, by=officer, now=timezone.now())
    case.refresh_from_db()
    return case


def link_path(case) -> str:
    """The path of the latest link emailed for the case, read from the email: the outbox keeps the
    link only until it is sent, and never shows it (issue 11, defect 7a)."""
    return emailed_link_path(case)


def approve(client, path, **extra):
    return client.post(path, {"decision": "approve", "comment": "", **extra})


def assert_unchanged(case, status="awaiting_director"):
    assert BusinessCase.objects.get(pk=case.pk).status == status


def test_sending_to_the_director_emails_a_link_to_the_director(sent, director):
    message = Notification.objects.get(dedupe_key__contains=":director_link:")
    assert message.to == director.email
    assert link_path(sent).startswith(f"/business-cases/{sent.pk}/decide/")


@pytest.mark.parametrize("method", ["get", "head"])
def test_opening_the_link_changes_nothing(client, sent, method):
    path = link_path(sent)
    response = getattr(client, method)(path)
    assert response.status_code == 200
    assert_unchanged(sent)
    assert DirectorApprovalLink.objects.get().used_at is None
    if method == "get":
        assert "You are deciding as" in response.content.decode()


def test_a_link_scanner_opening_it_many_times_never_decides(client, sent):
    path = link_path(sent)
    for _ in range(3):
        client.get(path)
        client.head(path)
    assert_unchanged(sent)
    assert StateLog.objects.for_(sent).filter(state="awaiting_comms").count() == 0


def test_posting_the_decision_approves_as_the_director(client, sent, director):
    response = approve(client, link_path(sent))
    assert response.status_code == 200
    assert "Decision recorded" in response.content.decode()
    assert_unchanged(sent, "awaiting_comms")
    assert StateLog.objects.for_(sent).latest("timestamp").by == director
    assert DirectorApprovalLink.objects.get().used_at is not None


def test_returning_from_the_link_needs_a_comment(client, sent):
    response = client.post(link_path(sent), {"decision": "return_for_changes", "comment": ""})
    assert "Enter a comment" in response.content.decode()
    assert_unchanged(sent)


def test_the_decision_post_needs_csrf(sent):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(link_path(sent), {"decision": "approve"})
    assert response.status_code == 403
    assert_unchanged(sent)


def test_a_used_link_says_so_and_changes_nothing(client, sent, comms):
    path = link_path(sent)
    approve(client, path)
    response = approve(client, path)
    assert "This link has already been used" in response.content.decode()
    assert_unchanged(sent, "awaiting_comms")


def test_an_expired_link_says_so_and_changes_nothing(client, sent, settings):
    path = link_path(sent)
    with time_machine.travel(
        timezone.now() + timedelta(days=settings.BUSINESS_CASE_LINK_MAX_AGE_DAYS, hours=1)
    ):
        response = approve(client, path)
    assert "This link has expired" in response.content.decode()
    assert_unchanged(sent)


def test_a_link_just_inside_its_life_still_works(client, sent, settings):
    path = link_path(sent)
    with time_machine.travel(
        timezone.now() + timedelta(days=settings.BUSINESS_CASE_LINK_MAX_AGE_DAYS, hours=-1)
    ):
        approve(client, path)
    assert_unchanged(sent, "awaiting_comms")


def test_a_tampered_signature_says_so_and_changes_nothing(client, sent):
    path = link_path(sent)
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = approve(client, reverse("business-case-director-link", args=[sent.pk, forged]))
    assert "This link is not valid" in response.content.decode()
    assert_unchanged(sent)


def test_a_signed_token_for_a_link_that_does_not_exist_is_not_valid(client, sent):
    from django.core import signing

    token = signing.dumps({"link": 999999}, salt=services.LINK_SALT)
    response = approve(client, reverse("business-case-director-link", args=[sent.pk, token]))
    assert "This link is not valid" in response.content.decode()


def test_another_cases_token_is_refused(client, sent, make_case):
    other = make_case("awaiting_director")
    token = link_path(sent).rstrip("/").rsplit("/", 1)[1]
    response = approve(client, reverse("business-case-director-link", args=[other.pk, token]))
    assert "This link is for a different business case" in response.content.decode()
    assert_unchanged(sent)
    assert_unchanged(other)


def test_another_directors_token_is_refused(client, sent, other_service):
    other_director = other_service.directorate.corporate_director
    client.force_login(other_director)
    response = approve(client, link_path(sent))
    assert "This link was sent to someone else" in response.content.decode()
    assert_unchanged(sent)


def test_a_link_for_a_director_who_has_since_been_replaced_is_refused(client, sent, other_service):
    directorate = sent.service.directorate
    directorate.corporate_director = other_service.directorate.corporate_director
    directorate.save()
    response = approve(client, link_path(sent))
    assert "no longer valid" in response.content.decode()
    assert_unchanged(sent)


def test_an_edit_voids_the_link(client, sent, director, officer):
    old_path = link_path(sent)
    services.business_case_return(case=sent, by=director, comment="Add costs.", now=timezone.now())
    services.business_case_update(
        case=sent, by=officer, data={"commitment": "£500 a year."}, now=timezone.now()
    )
    services.business_case_submit(case=sent, by=officer, now=timezone.now())
    response = approve(client, old_path)
    assert "This link has been replaced" in response.content.decode()
    assert "has been changed" in response.content.decode()
    assert_unchanged(sent, "advice_requested")


def test_an_edit_voids_the_link_even_when_the_case_is_back_with_the_director(
    client, sent, director, officer, comms
):
    old_path = link_path(sent)
    services.business_case_return(case=sent, by=director, comment="Add costs.", now=timezone.now())
    services.business_case_update(
        case=sent, by=officer, data={"commitment": "£500 a year."}, now=timezone.now()
    )
    services.business_case_submit(case=sent, by=officer, now=timezone.now())
    services.business_case_advise(case=sent, by=comms, comment="Fine now.", now=timezone.now())
    services.business_case_send_to_director(case=sent, by=officer, now=timezone.now())
    response = approve(client, old_path)
    assert "has been changed" in response.content.decode()
    assert_unchanged(sent)
    approve(client, link_path(sent))
    assert_unchanged(sent, "awaiting_comms")


def test_a_resend_voids_the_old_link(client, sent, comms):
    old_path = link_path(sent)
    services.director_link_resend(case=sent, by=comms, now=timezone.now())
    new_path = link_path(sent)
    assert new_path != old_path
    response = approve(client, old_path)
    assert "A newer link has been sent" in response.content.decode()
    assert_unchanged(sent)
    approve(client, new_path)
    assert_unchanged(sent, "awaiting_comms")


@pytest.mark.parametrize("role", ["author", "director", "outsider"])
def test_only_communications_can_resend_a_link(sent, roles, role):
    with pytest.raises(services.NotAllowed):
        services.director_link_resend(case=sent, by=roles[role], now=timezone.now())
    assert DirectorApprovalLink.objects.count() == 1


def test_a_case_decided_in_the_browser_makes_the_link_say_so(client, sent, director):
    path = link_path(sent)
    services.business_case_approve(case=sent, by=director, now=timezone.now())
    response = approve(client, path)
    assert "This case has already been decided" in response.content.decode()


def test_a_council_can_make_the_director_sign_in_as_well(client, sent, director, settings):
    settings.BUSINESS_CASE_DIRECTOR_MUST_SIGN_IN = True
    path = link_path(sent)
    response = approve(client, path)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert_unchanged(sent)
    client.force_login(director)
    approve(client, path)
    assert_unchanged(sent, "awaiting_comms")


def test_a_link_re_sent_in_a_reminder_still_expires_with_the_first(client, sent, settings):
    link = DirectorApprovalLink.objects.get()
    later = timezone.now() + timedelta(days=settings.BUSINESS_CASE_LINK_MAX_AGE_DAYS, hours=1)
    with time_machine.travel(later - timedelta(days=2)):
        resigned = services.director_link_url(link).split("://", 1)[1].split("/", 1)[1]
    with time_machine.travel(later):
        response = approve(client, f"/{resigned}")
    assert "This link has expired" in response.content.decode()
    assert_unchanged(sent)
