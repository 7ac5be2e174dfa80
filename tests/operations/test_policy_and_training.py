"""Policy sign-off (001 §22–23, 002 §1.6) and training records (002 §5.1, 001 §26)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts_register import training
from accounts_register.models import TrainingRecord
from accounts_register.services import has_completed_elearning
from operations import services as ops
from operations.models import PolicyAcknowledgement

pytestmark = pytest.mark.django_db


def publish(by, version="2.0", now=None):
    return ops.policy_publish(
        by=by,
        version=version,
        title="Social media policy",
        summary="New purdah section.",
        now=now or timezone.make_aware(datetime(2026, 8, 31, 10)),
    )


def test_publishing_starts_the_next_six_monthly_review(comms):
    published = publish(comms)
    assert published.next_review_due == date(2027, 2, 28)
    assert ops.policy_review_due_on() == date(2027, 2, 28)


def test_no_review_is_due_before_any_version(db):
    assert ops.policy_review_due_on() is None


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "outsider"])
def test_only_communications_publishes(request, persona):
    with pytest.raises(PermissionDenied):
        publish(request.getfixturevalue(persona))


def test_the_same_version_cannot_be_published_twice(comms):
    publish(comms)
    with pytest.raises(ops.OperationRefused):
        publish(comms)


def test_authorised_users_who_have_not_acknowledged_are_listed(
    comms, officer, manager, outsider, grant, account
):
    grant(officer, account)
    grant(manager, account)
    version = publish(comms)
    ops.policy_acknowledge(person=manager, version=version, now=timezone.now())
    # The outsider has no access to any account, so is not an authorised user.
    assert list(ops.people_yet_to_acknowledge()) == [officer]


def test_acknowledging_a_new_version_is_needed_again(comms, officer, grant, account):
    grant(officer, account)
    ops.policy_acknowledge(person=officer, version=publish(comms, "1.0"), now=timezone.now())
    publish(comms, "1.1", now=timezone.make_aware(datetime(2026, 9, 1, 10)))
    assert list(ops.people_yet_to_acknowledge()) == [officer]


@pytest.mark.parametrize("persona", ["officer", "director", "comms"])
def test_anyone_signed_in_may_acknowledge_through_the_page(client, request, persona, comms):
    publish(comms)
    user = request.getfixturevalue(persona)
    client.force_login(user)
    client.post("/operations/policy/", {"acknowledge": "1"})
    assert PolicyAcknowledgement.objects.filter(person=user).count() == 1


@pytest.mark.parametrize(("persona", "status"), [("comms", 200), ("officer", 403), ("director", 403)])
def test_only_communications_sees_who_has_not_acknowledged(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/operations/policy/not-acknowledged/").status_code == status


def test_an_officer_cannot_publish_through_the_page(client, officer):
    client.force_login(officer)
    response = client.post("/operations/policy/", {"version": "9", "title": "x", "summary": "y"})
    assert response.status_code == 403


CSV_OK = (
    "person,module,completed_at,expires_at\n"
    "officer,Social media e-learning,2026-03-14,2028-03-14\n"
    "manager@cannockchasedc.gov.uk,Social media e-learning,14/03/2026,\n"
)
CSV_BAD = CSV_OK + "nobody,Social media e-learning,not a date,\n"


def upload(client, text):
    return client.post(
        "/operations/training/import/", {"file": SimpleUploadedFile("export.csv", text.encode(), "text/csv")}
    )


def test_the_import_previews_each_row_and_writes_nothing_until_confirmed(client, comms, officer, manager):
    client.force_login(comms)
    response = upload(client, CSV_OK)
    assert "Import 2 records" in response.content.decode()
    assert not TrainingRecord.objects.exists()
    client.post("/operations/training/import/", {"confirm": "1"})
    assert TrainingRecord.objects.filter(source="imported").count() == 2
    assert has_completed_elearning(officer, at=timezone.now())


def test_an_import_with_a_bad_row_imports_nothing(client, comms, officer, manager):
    client.force_login(comms)
    page = upload(client, CSV_BAD).content.decode()
    assert "There is no one with the username or email" in page and "is not a date" in page
    client.post("/operations/training/import/", {"confirm": "1"})
    assert not TrainingRecord.objects.exists()


def test_a_file_without_the_columns_is_refused_clearly(client, comms):
    client.force_login(comms)
    page = upload(client, "name,course\nofficer,x\n").content.decode()
    assert "The file must have the columns person, module, completed_at" in page


def test_importing_the_same_file_twice_keeps_one_record_each(comms, officer, manager):
    rows = [row.as_session() for row in training.training_import_preview(CSV_OK.encode(), now=timezone.now())]
    training.training_import_confirm(by=comms, rows=rows, now=timezone.now())
    training.training_import_confirm(by=comms, rows=rows, now=timezone.now())
    assert TrainingRecord.objects.count() == 2


def test_communications_enters_a_record_by_hand(client, comms, officer):
    client.force_login(comms)
    client.post(
        "/operations/training/",
        {
            "person": officer.pk,
            "module": settings.SOCIAL_MEDIA_ELEARNING_MODULE,
            "completed_on_0": "14",
            "completed_on_1": "3",
            "completed_on_2": "2026",
        },
    )
    record = TrainingRecord.objects.get()
    assert record.source == "manual" and record.recorded_by == comms


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "outsider"])
def test_only_communications_manages_training_records(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/operations/training/").status_code == 403
    assert client.get("/operations/training/import/").status_code == 403


def test_suspended_and_ended_access_are_treated_differently(comms, officer, manager, grant, account):
    from accounts_register import services as register
    from accounts_register.models import AccessEndReason

    suspended, ended = grant(officer, account), grant(manager, account)
    register.authorised_user_suspend(access=suspended, by=comms, reason="Emergency", now=timezone.now())
    register.authorised_user_end(access=ended, by=comms, reason=AccessEndReason.REVOKED, now=timezone.now())
    publish(comms)
    # Suspended during an emergency: still an authorised user who must read the policy.
    assert list(ops.people_yet_to_acknowledge()) == [officer]
