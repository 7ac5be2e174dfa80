"""run_scheduler runs the django-celery-beat schedules in-process when there is no broker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from councilsocial.management.commands.run_scheduler import run_due_tasks
from councilsocial.notifications.models import Notification


@pytest.mark.django_db
def test_a_fresh_database_has_the_periodic_jobs():
    task = PeriodicTask.objects.get(name="notifications.send_pending_notifications")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")


@pytest.mark.django_db
def test_the_scheduler_runs_the_outbox_job_and_the_message_is_sent():
    Notification.objects.create(to="comms@cannockchasedc.gov.uk", subject="Waiting", body="…")

    ran = run_due_tasks()

    assert "notifications.send_pending_notifications" in ran
    assert [m.subject for m in mail.outbox] == ["Waiting"]
    assert Notification.objects.get().status == Notification.Status.SENT


@pytest.mark.django_db
def test_a_job_is_not_run_again_before_its_interval_has_passed():
    now = timezone.now()
    PeriodicTask.objects.filter(name="notifications.send_pending_notifications").update(last_run_at=now)

    assert "notifications.send_pending_notifications" not in run_due_tasks(now=now)


@pytest.mark.django_db
def test_a_disabled_job_is_not_run():
    PeriodicTask.objects.update(enabled=False, last_run_at=timezone.now() - timedelta(days=1))
    assert run_due_tasks() == []
