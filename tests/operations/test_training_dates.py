"""A training record is of a course already completed (002 §5.1; review).

Found in review: Communications could record, by hand or by import, that someone completed the
e-learning on 1 January 2030.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts_register.models import TrainingRecord

pytestmark = pytest.mark.django_db


def test_a_completion_in_the_future_is_refused_by_hand(client, comms, officer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    client.force_login(comms)

    response = client.post(
        "/operations/training/",
        {
            "person": officer.pk,
            "module": settings.SOCIAL_MEDIA_ELEARNING_MODULE,
            "completed_on_0": str(tomorrow.day),
            "completed_on_1": str(tomorrow.month),
            "completed_on_2": str(tomorrow.year),
        },
    )

    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_a_completion_in_the_future_is_refused_by_import(client, comms, officer):
    client.force_login(comms)
    module = settings.SOCIAL_MEDIA_ELEARNING_MODULE
    text = f"person,module,completed_at,expires_at\nofficer,{module},01/01/2099,\n"

    page = client.post(
        "/operations/training/import/", {"file": SimpleUploadedFile("export.csv", text.encode(), "text/csv")}
    ).content.decode()
    client.post("/operations/training/import/", {"confirm": "1"})

    assert "cannot be in the future" in page
    assert not TrainingRecord.objects.exists()
