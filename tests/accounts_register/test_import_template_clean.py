"""The import template is clean as well as safe: no stray apostrophe before its example handle (review).

Found in review: the template's example handle was "@CannockChaseDC", which the one spreadsheet
writer (rightly) writes as "'@CannockChaseDC"; a spreadsheet shows that apostrophe to the person
filling the template in. The import takes a handle with or without the @, so the example needs none.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_templates_example_handle_has_no_stray_apostrophe(client, comms):
    client.force_login(comms)

    response = client.get(reverse("account-import-template"))

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0]["handle"] == "CannockChaseDC"
    assert not any(value.startswith("'") for value in rows[0].values())
