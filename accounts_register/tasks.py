"""Celery tasks for the register. Each is thin: it calls one service with the current time."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="accounts_register.end_access_of_switched_off_users")
def end_access_of_switched_off_users() -> dict:
    return {"ended": services.end_access_of_switched_off_users(now=timezone.now()).ended}
