"""Point the Celery app at a given broker for one test."""

from contextlib import contextmanager

from councilsocial.celery import app


@contextmanager
def broker(url: str | None = None, *, eager: bool = False):
    """Use ``url`` (default: the configured broker) with tasks queued, not run in-process."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = url or saved[0]
    app.conf.task_always_eager = eager
    app._after_fork()  # drop cached connection pools so the URL above is used
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._after_fork()
