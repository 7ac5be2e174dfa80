"""People set up in one place in Django admin (issue 13 item 6): role and services on the person's
page; the list shows role, services, and whether training and the Director's permission are in place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts_register.models import DirectorPermission, TrainingRecord
from councilsocial.permissions import SERVICE_OFFICERS
from tests.factories import ServiceFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_an_administrator_adds_a_person_with_their_role_and_services_on_one_page(
    client, administrator, service
):
    client.force_login(administrator)
    officers = Group.objects.get_or_create(name=SERVICE_OFFICERS)[0]
    page = client.get("/admin/auth/user/add/").content.decode()
    assert "Services they work in" in page and "Services they manage" in page
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newstarter",
            "password1": "a new password 123!",
            "password2": "a new password 123!",
            "usable_password": "true",
            "groups": [officers.pk],
            "services_worked_in": [service.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(username="newstarter")
    assert list(person.groups.values_list("name", flat=True)) == [SERVICE_OFFICERS]
    assert list(person.services_worked_in.all()) == [service]


def test_a_persons_services_are_changed_on_their_page(client, administrator, officer, service):
    other = ServiceFactory(name="Parks")
    client.force_login(administrator)
    page = client.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()
    assert "Role and services" in page
    data = {
        "username": officer.username,
        "first_name": officer.first_name,
        "last_name": officer.last_name,
        "email": officer.email,
        "date_joined_0": officer.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": officer.date_joined.strftime("%H:%M:%S"),
        "is_active": "on",
        "groups": [g.pk for g in officer.groups.all()],
        "services_worked_in": [service.pk],
        "services_managed": [other.pk],
    }
    response = client.post(f"/admin/auth/user/{officer.pk}/change/", data)
    assert response.status_code == 302
    assert list(officer.services_managed.all()) == [other]
    assert list(officer.services_worked_in.all()) == [service]


def test_the_people_list_shows_role_services_training_and_permission(
    client, administrator, officer, manager, service, director
):
    now = timezone.now()
    TrainingRecord.objects.create(
        person=officer, module="Social media e-learning", completed_at=now - timedelta(days=1)
    )
    DirectorPermission.objects.create(
        person=officer,
        platforms=["x"],
        granted_by=director,
        granted_on=timezone.localdate(),
        document_reference="DP-1",
    )
    client.force_login(administrator)
    response = client.get("/admin/auth/user/", {"q": "officer"})
    page = response.content.decode()
    assert "E-learning done" in page and "Director&#x27;s permission" in page
    row = page.split(f"/admin/auth/user/{officer.pk}/change/")[1].split("</tr>")[0]
    assert "Service officers" in row and "Countryside Service" in row
    assert row.count('alt="True"') == 3  # training, permission, active
    response = client.get("/admin/auth/user/", {"q": "manager"})
    row = response.content.decode().split(f"/admin/auth/user/{manager.pk}/change/")[1].split("</tr>")[0]
    assert row.count('alt="False"') == 2  # no training, no permission


def test_the_people_list_needs_a_fixed_number_of_queries(
    client, administrator, service, django_assert_max_num_queries
):
    for n in range(40):
        person = UserFactory(username=f"bulk{n}", groups=[SERVICE_OFFICERS])
        service.officers.add(person)
    client.force_login(administrator)
    with django_assert_max_num_queries(20):
        assert client.get("/admin/auth/user/").status_code == 200


def test_an_administrator_sees_a_privileged_persons_role_and_services_without_changing_them(
    client, administrator, comms, service
):
    """An administrator may not change a Communications officer's record (issue 11 item 11): the page
    is shown read-only, with their services listed by name (it was a 500)."""
    service.officers.add(comms)
    client.force_login(administrator)

    response = client.get(f"/admin/auth/user/{comms.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Services they work in" in page and service.name in page
    assert 'name="services_worked_in"' not in page
