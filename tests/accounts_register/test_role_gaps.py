"""Three gaps in who may do what (issue 12 item 2): a Director taken out of the Directors' group, a
Director's permission entered in Django admin, and an enquiry's clock edited in admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts_register.models import DirectorPermission, Service
from accounts_register.selectors import ServiceRole, service_role
from business_cases import services as case_services
from business_cases.models import BusinessCase, CaseStatus
from councilsocial.permissions import CORPORATE_DIRECTORS
from tests.factories import AccountFactory, BusinessCaseFactory, EnquiryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def waiting_case(service, officer):
    return BusinessCaseFactory(
        service=service, author=officer, status=CaseStatus.AWAITING_DIRECTOR, state_entered_at=timezone.now()
    )


def _leave_directors_group(person):
    person.groups.remove(Group.objects.get(name=CORPORATE_DIRECTORS))
    return type(person).objects.get(pk=person.pk)  # a fresh copy: roles are cached on the user


def test_the_directorates_director_decides_its_cases(waiting_case, director):
    case_services.business_case_approve(case=waiting_case, by=director, now=timezone.now())

    assert BusinessCase.objects.get(pk=waiting_case.pk).status == CaseStatus.AWAITING_COMMS


def test_a_director_taken_out_of_the_directors_group_no_longer_decides_or_sees(
    waiting_case, director, service
):
    former = _leave_directors_group(director)

    with pytest.raises(case_services.CaseActionError):
        case_services.business_case_approve(case=waiting_case, by=former, now=timezone.now())

    assert BusinessCase.objects.get(pk=waiting_case.pk).status == CaseStatus.AWAITING_DIRECTOR
    assert service_role(former, service) is ServiceRole.NONE
    assert not BusinessCase.objects.waiting_for(former).exists()
    assert not Service.objects.visible_to(former).exists()


@pytest.fixture
def permission_form(officer, director):
    return {
        "person": str(officer.pk),
        "platforms": '["x"]',
        "granted_by": str(director.pk),
        "granted_on": "2026-02-02",
        "document_reference": "DP-1",
    }


def test_a_directors_permission_added_in_admin_records_who_entered_it(
    client, superuser, service, permission_form, director
):
    client.force_login(superuser)

    client.post("/admin/accounts_register/directorpermission/add/", permission_form)

    saved = DirectorPermission.objects.get()
    assert (saved.granted_by, saved.recorded_by) == (director, superuser)


def test_admin_cannot_name_someone_other_than_the_persons_director(
    client, superuser, service, permission_form, other_service
):
    client.force_login(superuser)
    other_director = other_service.directorate.corporate_director
    not_a_director = UserFactory(username="not-a-director")

    for granted_by in (other_director, not_a_director):
        response = client.post(
            "/admin/accounts_register/directorpermission/add/",
            {**permission_form, "granted_by": str(granted_by.pk)},
        )
        assert response.status_code == 200  # the form again, with its error

    assert not DirectorPermission.objects.exists()


def test_an_enquirys_arrival_and_account_are_not_changed_in_admin(client, superuser, service, other_service):
    enquiry = EnquiryFactory(account=AccountFactory(service=service))
    due = enquiry.response_due_at
    client.force_login(superuser)

    client.post(
        f"/admin/monitoring/enquiry/{enquiry.pk}/change/",
        {
            "account": str(AccountFactory(service=other_service).pk),
            "platform_id": enquiry.platform_id,
            "received_at_0": f"{enquiry.received_at - timedelta(days=30):%Y-%m-%d}",
            "received_at_1": f"{enquiry.received_at:%H:%M:%S}",
            "author": enquiry.author,
            "text": "Corrected text",
            "channel": enquiry.channel,
            "first_response_working_seconds": "",
            "closed_at_0": "",
            "closed_at_1": "",
            "no_response_reason": "",
        },
    )

    enquiry.refresh_from_db()
    assert enquiry.text == "Corrected text"  # the correction itself is kept
    assert enquiry.account.service == service
    assert enquiry.response_due_at == due
