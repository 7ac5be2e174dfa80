"""A case title goes into email subjects: a line break is refused (issue 11, defect 24)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from business_cases.models import BusinessCase

pytestmark = pytest.mark.django_db

BROKEN = "Chase walks\r\nBcc: everyone@example.com"


def test_starting_a_case_with_a_line_break_in_its_name_is_refused(client, officer, service):
    client.force_login(officer)
    response = client.post(
        reverse("business-case-start"),
        {
            "service": service.pk,
            "title": BROKEN,
            "platform": "instagram",
            "handle": "chasewalks",
            "kind": "departmental",
        },
    )
    assert response.status_code == 200
    assert "on one line" in response.content.decode()
    assert not BusinessCase.objects.exists()


def test_renaming_a_case_with_a_line_break_is_refused(client, make_case, officer, service):
    case = make_case("draft")
    client.force_login(officer)
    response = client.post(
        reverse("business-case-section", args=[case.pk, "proposal"]),
        {
            "service": service.pk,
            "title": BROKEN,
            "platform": "facebook",
            "handle": case.handle,
            "kind": "departmental",
        },
    )
    assert response.status_code == 200
    assert "on one line" in response.content.decode()
    assert BusinessCase.objects.get(pk=case.pk).title == case.title
