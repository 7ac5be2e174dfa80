"""An upload row naming a handle that is not one of yours says so in plain words (review).

Found in review: the upload page says the account column is "the account's handle or its number",
but a row with another service's handle (or a typo) was reported as "Account: A valid integer is
required."
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import Enquiry
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_another_services_handle_is_reported_in_plain_words(client, officer, service, other_service):
    AccountFactory(service=service, handle="ccdc_countryside")
    AccountFactory(service=other_service, handle="ccdc_safety")
    client.force_login(officer)
    text = (
        "account,platform_id,received_at,author,text,channel\nccdc_safety,1,2025-01-14 10:00,al,Hi,comment\n"
    )

    response = client.post(
        reverse("activity-import"),
        {"kind": "enquiries", "file": SimpleUploadedFile("e.csv", text.encode(), content_type="text/csv")},
    )
    preview = client.get(response["Location"]).content.decode()

    assert "A valid integer is required" not in preview
    assert "None of your accounts has the handle" in preview
    assert not Enquiry.objects.exists()
