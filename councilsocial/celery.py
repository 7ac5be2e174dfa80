"""The Celery application.

Configuration comes from Django settings under the ``CELERY_`` namespace; tasks are found in each
app's ``tasks.py``. Periodic schedules live in the database (django-celery-beat) so administrators
can change them; ``run_scheduler`` reads the same schedules when no broker is configured.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "councilsocial.settings")

app = Celery("councilsocial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
