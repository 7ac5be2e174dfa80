"""A Director's permission comes from the person's own Director, never from themselves (002 §2.6; review).

Found in review: Communications could record a permission for themselves, a Director for
themselves, and the Director of another directorate could give a service's officer permission.
"""

from __future__ import annotations

import pytest

from accounts_register.models import DirectorPermission

pytestmark = pytest.mark.django_db

URL = "/access/director-permission/"


def form_data(person, director):
    return {
        "person": person.pk,
        "director": director.pk,
        "platforms": ["x"],
        "granted_on_0": "2",
        "granted_on_1": "3",
        "granted_on_2": "2026",
        "document_reference": "HR/SM/1",
    }


def test_communications_cannot_record_a_permission_for_themselves(client, comms, director):
    client.force_login(comms)

    response = client.post(URL, form_data(comms, director))

    assert response.status_code == 200
    assert "your own" in response.content.decode()
    assert not DirectorPermission.objects.exists()


def test_a_director_cannot_give_themselves_permission(client, director):
    client.force_login(director)

    response = client.post(URL, {**form_data(director, director)})

    assert response.status_code in {200, 403}
    assert not DirectorPermission.objects.exists()


def test_another_directorates_director_cannot_give_an_officer_permission(
    client, comms, officer, service, other_service
):
    client.force_login(comms)

    response = client.post(URL, form_data(officer, other_service.directorate.corporate_director))

    assert response.status_code == 200
    assert "Corporate Director of Place and Economy" in response.content.decode()
    assert not DirectorPermission.objects.exists()


def test_the_officers_own_director_can_give_permission(client, comms, director, officer, service):
    client.force_login(comms)

    response = client.post(URL, form_data(officer, director))

    assert response.status_code == 302
    assert DirectorPermission.objects.get().person == officer
