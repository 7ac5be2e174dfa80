"""A task runs in a real Celery worker consuming from the real Redis broker."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection, transaction

from councilsocial.celery import app
from councilsocial.notifications.models import Notification
from councilsocial.notifications.services import notification_enqueue
from councilsocial.notifications.tasks import send_pending_notifications
from tests.celery_helpers import broker


@pytest.fixture
def redis_worker():
    """A worker thread on the Redis broker the suite is configured with."""
    assert app.conf.broker_url.startswith("redis://")
    with broker():
        app.control.purge()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_an_outbox_message_and_postgresql_records_it(redis_worker):
    assert connection.vendor == "postgresql"
    with transaction.atomic():
        # Writing the message also queues the send task once the transaction commits.
        message = notification_enqueue(
            to="comms@cannockchasedc.gov.uk", subject="Worker test", body="Sent by a real worker."
        )

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == Notification.Status.SENT:
            break
        time.sleep(0.1)

    assert message.status == Notification.Status.SENT
    assert message.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["Worker test"]


@pytest.mark.django_db(transaction=True)
def test_a_queued_task_is_not_run_in_process_when_a_broker_is_configured(redis_worker):
    result = send_pending_notifications.delay()
    # A real AsyncResult from the broker, not an EagerResult computed here.
    assert type(result).__name__ == "AsyncResult"
