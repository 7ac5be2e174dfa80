"""Schemathesis against /api/schema/: every operation, generated requests, no 5xx, answers that keep
to the schema (issue 8 item 3).

The schema is fetched from the WSGI application when the tests are collected, so an endpoint added
later is tested too, one test per operation. Requests carry the API token of a Communications
user, who may see every account.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from councilsocial.wsgi import application
from tests.factories import AccountFactory, EnquiryFactory

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

# Fetching the schema touches no database table, so it can happen at collection time.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request through the WSGI handler must not close the test's
    database connection, and with it the transaction holding the fixtures."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def comms_token(comms, service, other_service):
    for owner in (service, other_service):
        EnquiryFactory(account=AccountFactory(service=owner))
    return Token.objects.create(user=comms).key


@pytest.mark.django_db
@schema.parametrize()
# Derandomised (the same examples every run) and no example database: CI runs are reproducible and
# leave no .hypothesis/ folder behind.
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_get_no_server_error_and_answers_keep_to_the_schema(case, comms_token):
    case.call_and_validate(headers={"Authorization": f"Token {comms_token}"}, checks=CHECKS)
