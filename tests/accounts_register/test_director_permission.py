"""Recording a Director's written permission to use social media for work (002 §2.6; issue 11 item 6).

Communications record it from the signed document, naming which Director gave it; a Director records
their own. Nobody records a permission in another Director's name, and nobody else records one.
"""

from datetime import date

import pytest

from accounts_register.models import DirectorPermission
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/access/director-permission/"


@pytest.fixture
def person(db):
    return UserFactory(username="ranger", first_name="Robin", last_name="Ranger")


def form_data(person, **changes):
    data = {
        "person": person.pk,
        "platforms": ["x", "facebook"],
        "granted_on_0": "2",
        "granted_on_1": "3",
        "granted_on_2": "2026",
        "document_reference": "HR/SM/ranger",
        **changes,
    }
    return {k: v for k, v in data.items() if v is not None}


def test_communications_record_a_permission_naming_the_director(client, comms, director, person):
    client.force_login(comms)
    response = client.post(URL, form_data(person, director=director.pk))

    assert response.status_code == 302, response.content.decode()
    permission = DirectorPermission.objects.get()
    assert permission.person == person
    assert permission.granted_by == director
    assert permission.recorded_by == comms
    assert sorted(permission.platforms) == ["facebook", "x"]
    assert permission.granted_on == date(2026, 3, 2)
    assert permission.document_reference == "HR/SM/ranger"


def test_communications_must_say_which_director_gave_it(client, comms, director, person):
    client.force_login(comms)
    response = client.post(URL, form_data(person))

    assert response.status_code == 200
    assert "Choose the Director who gave the permission" in response.content.decode()
    assert not DirectorPermission.objects.exists()


def test_only_a_corporate_director_can_be_named(client, comms, person, outsider):
    client.force_login(comms)
    response = client.post(URL, form_data(person, director=outsider.pk))

    assert response.status_code == 200
    assert "Choose a Corporate Director from the list" in response.content.decode()
    assert not DirectorPermission.objects.exists()


def test_a_director_records_their_own_permission(client, director, person):
    client.force_login(director)
    response = client.post(URL, form_data(person))

    assert response.status_code == 302, response.content.decode()
    permission = DirectorPermission.objects.get()
    assert permission.granted_by == director
    assert permission.recorded_by == director


def test_a_director_cannot_record_one_in_another_directors_name(client, director, person, other_service):
    other_director = other_service.directorate.corporate_director
    client.force_login(director)
    response = client.post(URL, form_data(person, director=other_director.pk))

    assert response.status_code == 302
    assert DirectorPermission.objects.get().granted_by == director


@pytest.mark.parametrize("persona", ["officer", "manager", "administrator", "outsider"])
def test_nobody_else_can_record_a_permission(client, request, persona, director, person):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(URL, form_data(person, director=director.pk))

    assert response.status_code == 403
    assert not DirectorPermission.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_is_saved(client, director, person):
    response = client.post(URL, form_data(person, director=director.pk))

    assert response.status_code == 302
    assert "sign-in" in response["Location"] or "login" in response["Location"]
    assert not DirectorPermission.objects.exists()
