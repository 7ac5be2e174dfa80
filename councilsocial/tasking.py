"""Enqueue Celery tasks once the surrounding transaction commits."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def _publish(task, args, kwargs) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # the broker is down: the periodic job will pick the work up from the database
        logger.warning("Could not queue %s; the next scheduled run will do it.", task.name, exc_info=True)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Like Celery's ``delay_on_commit``, but a broker outage never fails the request.

    The database is the source of truth: every task here reconciles what is due, so a message that
    could not be queued is made up by the next periodic run.
    """
    transaction.on_commit(partial(_publish, task, args, kwargs), robust=True)
