"""Who may be named a directorate's Corporate Director (000 §6b, §6c; 001 §19).

The Corporate Director decides the directorate's business cases, so the post is held only by a
member of the "Corporate directors" group, and nobody but a superuser names themselves to it in
Django admin: otherwise an Administrator could make themselves a directorate's Director and then
decide its cases. Each refusal is tried with the same request that works for a superuser.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts_register.models import Directorate
from councilsocial.permissions import ADMINISTRATORS, CORPORATE_DIRECTORS
from tests.factories import DirectorateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, groups=[CORPORATE_DIRECTORS])


@pytest.fixture
def new_director(db):
    return UserFactory(username="new-director", groups=[CORPORATE_DIRECTORS])


def change(client, user, directorate, person):
    client.force_login(user)
    return client.post(
        f"/admin/accounts_register/directorate/{directorate.pk}/change/",
        {"name": directorate.name, "corporate_director": str(person.pk), "director_email": ""},
    )


def director_of(directorate):
    return Directorate.objects.get(pk=directorate.pk).corporate_director


def test_an_administrator_cannot_name_themselves_corporate_director(
    client, administrator, directorate, director
):
    response = change(client, administrator, directorate, administrator)

    assert response.status_code == 200  # the form again, with its error
    assert director_of(directorate) == director


def test_an_administrator_in_the_directors_group_still_cannot_name_themselves(client, directorate, director):
    """Even a member of the group (given it by someone else) does not appoint themselves."""
    both = UserFactory(username="admin-director", is_staff=True, groups=[ADMINISTRATORS, CORPORATE_DIRECTORS])

    response = change(client, both, directorate, both)

    assert response.status_code == 200
    assert b"cannot name yourself" in response.content
    assert director_of(directorate) == director


def test_an_administrator_cannot_name_someone_outside_the_directors_group(
    client, administrator, directorate, director, outsider
):
    response = change(client, administrator, directorate, outsider)

    assert response.status_code == 200
    assert director_of(directorate) == director


def test_an_administrator_names_a_member_of_the_directors_group(
    client, administrator, directorate, new_director
):
    response = change(client, administrator, directorate, new_director)

    assert response.status_code == 302
    assert director_of(directorate) == new_director


def test_a_superuser_names_a_member_of_the_directors_group(client, superuser, directorate, new_director):
    response = change(client, superuser, directorate, new_director)

    assert response.status_code == 302
    assert director_of(directorate) == new_director


def test_a_superuser_in_the_directors_group_may_name_themselves(client, superuser, directorate):
    response = change(client, superuser, directorate, superuser)

    assert response.status_code == 302
    assert director_of(directorate) == superuser


def test_a_superuser_cannot_name_someone_outside_the_directors_group(
    client, superuser, directorate, director, outsider
):
    response = change(client, superuser, directorate, outsider)

    assert response.status_code == 200
    assert director_of(directorate) == director


def test_the_admin_offers_only_members_of_the_directors_group(
    client, administrator, directorate, new_director
):
    """The autocomplete behind the admin's field lists the group's members and nobody else."""
    client.force_login(administrator)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "accounts_register", "model_name": "directorate", "field_name": "corporate_director"},
    )

    offered = {result["text"] for result in response.json()["results"]}
    assert "new-director" in offered
    assert "admin" not in offered


def test_the_model_refuses_a_director_outside_the_group(directorate, outsider):
    directorate.corporate_director = outsider

    with pytest.raises(ValidationError) as refused:
        directorate.full_clean()

    assert "corporate_director" in refused.value.message_dict


def test_the_model_accepts_a_member_of_the_group_or_nobody(new_director):
    DirectorateFactory.build(name="Finance", corporate_director=new_director).full_clean()
    DirectorateFactory.build(name="Legal", corporate_director=None).full_clean()
