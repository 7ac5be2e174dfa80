"""The notification outbox: written with the event, sent once, retried with back-off."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.utils import timezone

from councilsocial.notifications.models import Notification
from councilsocial.notifications.sending import notifications_send_due, retry_delay
from councilsocial.notifications.services import notification_enqueue
from tests.celery_helpers import broker


class FlakyBackend(LocmemBackend):
    """A mail server that refuses the first ``failures_left`` messages, then accepts."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server unavailable")
        return super().send_messages(messages)


class SlowBackend(LocmemBackend):
    """Takes a moment to send, so two workers overlap."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "tests.monitoring.test_outbox.FlakyBackend"
    FlakyBackend.failures_left = 0
    return FlakyBackend


FIELDS = {"to": "comms@cannockchasedc.gov.uk", "subject": "An account went live", "body": "Details."}


def write(**overrides):
    """Write through the service, as every feature does (in tests, tasks run in-process on commit)."""
    with transaction.atomic():
        return notification_enqueue(**{**FIELDS, **overrides})


def pending(now=None, **overrides):
    """A message waiting in the outbox, as left by an event whose send task never ran."""
    now = now or timezone.now()
    return Notification.objects.create(**{**FIELDS, "created_at": now, "send_after": now, **overrides})


@pytest.mark.django_db
def test_a_message_is_sent_exactly_once_after_the_mail_server_fails_twice(flaky_mail):
    flaky_mail.failures_left = 2
    start = timezone.now()
    message = pending(start)

    first = notifications_send_due(now=start)
    later = start + retry_delay(1)
    second = notifications_send_due(now=later)
    third = notifications_send_due(now=later + retry_delay(2))
    fourth = notifications_send_due(now=later + timedelta(days=1))

    message.refresh_from_db()
    assert (first.retried, second.retried, third.sent, fourth.sent) == (1, 1, 1, 0)
    assert message.status == Notification.Status.SENT
    assert message.attempts == 3
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["comms@cannockchasedc.gov.uk"]


@pytest.mark.django_db
def test_a_failed_message_waits_for_its_back_off_before_the_next_attempt(flaky_mail):
    flaky_mail.failures_left = 1
    start = timezone.now()
    message = pending(start)
    notifications_send_due(now=start)

    too_soon = notifications_send_due(now=start + retry_delay(1) - timedelta(seconds=1))

    message.refresh_from_db()
    assert too_soon.sent == 0 and too_soon.retried == 0
    assert message.status == Notification.Status.PENDING
    assert "mail server unavailable" in message.last_error


@pytest.mark.django_db
def test_the_outbox_gives_up_after_the_maximum_number_of_attempts(flaky_mail, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    flaky_mail.failures_left = 10
    now = timezone.now()
    message = pending(now)
    for _ in range(5):
        notifications_send_due(now=now)
        now += timedelta(days=1)

    message.refresh_from_db()
    assert message.status == Notification.Status.FAILED
    assert message.attempts == 3
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_message_is_sent_once_the_transaction_commits():
    message = write()

    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
    assert [m.subject for m in mail.outbox] == ["An account went live"]


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_message():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        notification_enqueue(to="director@cannockchasedc.gov.uk", subject="Decide", body="A case waits.")
        raise Boom

    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_writing_the_same_event_twice_keeps_one_message():
    first = write(dedupe_key="case-7-live-director")
    second = write(dedupe_key="case-7-live-director")

    assert first.pk == second.pk
    assert Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_send_each_message_once(settings):
    assert connection.vendor == "postgresql"
    settings.EMAIL_BACKEND = "tests.monitoring.test_outbox.SlowBackend"
    for n in range(4):
        pending(to=f"person{n}@cannockchasedc.gov.uk")
    now = timezone.now() + timedelta(seconds=1)
    reports = []

    def worker():
        try:
            reports.append(notifications_send_due(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(report.sent for report in reports) == 4
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@cannockchasedc.gov.uk" for n in range(4)]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_nothing_and_the_next_run_sends(settings):
    """With Redis unreachable the write still commits; the periodic job sends it later."""
    with broker("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        message = write()

    message.refresh_from_db()
    assert message.status == Notification.Status.PENDING
    assert mail.outbox == []

    report = notifications_send_due(now=timezone.now() + timedelta(seconds=1))

    message.refresh_from_db()
    assert report.sent == 1
    assert message.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


# --- Secrets in the outbox (issue 11, defect 7a) --------------------------------------------------
SECRET_LINK = "https://social.example.gov.uk/business-cases/1/decide/secret-token-abc/"


def with_secret():
    """A message carrying a one-use link: the stored body holds a placeholder, never the link."""
    return write(
        body=f"Decide here:\n{Notification.SECRET_PLACEHOLDER}\nThanks.",
        secret=SECRET_LINK,
        dedupe_key="secret-message",
    )


@pytest.mark.django_db
def test_a_secret_link_is_sent_in_the_email_but_not_kept_once_sent():
    message = with_secret()
    notifications_send_due(now=timezone.now() + timedelta(seconds=1))

    message.refresh_from_db()
    assert message.status == Notification.Status.SENT
    assert SECRET_LINK in mail.outbox[-1].body
    assert SECRET_LINK not in message.body and SECRET_LINK not in message.secret
    assert Notification.SECRET_PLACEHOLDER in message.body


@pytest.mark.django_db
def test_a_secret_link_is_dropped_when_the_message_fails_for_good(flaky_mail, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    flaky_mail.failures_left = 1
    message = with_secret()
    notifications_send_due(now=timezone.now() + timedelta(seconds=1))

    message.refresh_from_db()
    assert message.status == Notification.Status.FAILED
    assert message.secret == ""


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["comms", "administrator"])
def test_the_admin_never_shows_a_secret_link(client, request, role):
    message = with_secret()  # not yet sent: sending still needs the link
    client.force_login(request.getfixturevalue(role))
    for url in [
        "/admin/notifications/notification/",
        f"/admin/notifications/notification/{message.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert "secret-token-abc" not in response.content.decode()


def test_a_secret_needs_its_placeholder_in_the_body():
    with pytest.raises(ValueError):
        notification_enqueue(to="a@example.gov.uk", subject="s", body="No placeholder", secret=SECRET_LINK)


# --- Messages that can never be sent (issue 11, defect 24) ----------------------------------------
@pytest.mark.django_db
def test_a_subject_with_a_line_break_is_written_on_one_line_and_sent():
    message = write(subject="Business case: Walks\r\nBcc: everyone@example.com")
    notifications_send_due(now=timezone.now() + timedelta(seconds=1))

    message.refresh_from_db()
    assert message.subject == "Business case: Walks Bcc: everyone@example.com"
    assert message.status == Notification.Status.SENT
    assert mail.outbox[-1].subject == message.subject


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [{"subject": "Walks\nBcc: x@example.com"}, {"to": "someone@example.gov.uk\nBcc: x@example.com"}],
)
def test_a_message_that_can_never_be_sent_fails_at_once(fields, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 5
    message = pending(**fields)  # as already stored before the line-break guard

    report = notifications_send_due(now=timezone.now() + timedelta(seconds=1))

    message.refresh_from_db()
    assert (report.failed, report.retried) == (1, 0)
    assert message.status == Notification.Status.FAILED
    assert message.attempts == 1
    assert message.last_error
    assert not mail.outbox
