"""An Administrator cannot take a Corporate Director's place (issue 11 item 7, 11; review).

Found in review: an Administrator could set the Director's password in Django admin and sign in as
them, make a colleague (or a new account of their own) a Corporate Director, or point the
directorate's approval email at their own mailbox and decide with the emailed link. Each is the
same request a superuser may make.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from councilsocial.permissions import CORPORATE_DIRECTORS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = {
    "password1": "a new password 123!",
    "password2": "a new password 123!",
    "usable_password": "true",
}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _change_user(client, user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(overrides)
    return client.post(f"/admin/auth/user/{user.pk}/change/", data)


def _change_directorate(client, directorate, **overrides):
    data = {
        "name": directorate.name,
        "corporate_director": directorate.corporate_director_id,
        "director_email": directorate.director_email,
    }
    data.update(overrides)
    return client.post(f"/admin/accounts_register/directorate/{directorate.pk}/change/", data)


def test_an_administrator_cannot_set_a_corporate_directors_password(client, administrator, director):
    old_password = User.objects.get(pk=director.pk).password
    client.force_login(administrator)

    response = client.post(f"/admin/auth/user/{director.pk}/password/", NEW_PASSWORD)

    assert response.status_code == 403
    assert User.objects.get(pk=director.pk).password == old_password


def test_an_administrator_cannot_change_a_corporate_directors_email(client, administrator, director):
    client.force_login(administrator)

    response = _change_user(client, director, email="admin-alias@example.gov.uk")

    assert response.status_code == 403
    assert User.objects.get(pk=director.pk).email == director.email


def test_an_administrator_cannot_make_someone_a_corporate_director(client, administrator):
    accomplice = UserFactory(username="accomplice")
    client.force_login(administrator)

    _change_user(client, accomplice, groups=[Group.objects.get_or_create(name=CORPORATE_DIRECTORS)[0].pk])

    assert not accomplice.groups.filter(name=CORPORATE_DIRECTORS).exists()


def test_an_administrator_cannot_send_the_directors_approval_links_elsewhere(
    client, administrator, directorate
):
    client.force_login(administrator)

    _change_directorate(client, directorate, director_email=administrator.email)

    directorate.refresh_from_db()
    assert directorate.director_email == ""
    assert directorate.approval_email == directorate.corporate_director.email


def test_a_superuser_may_still_set_the_directorates_approval_email(client, superuser, directorate):
    client.force_login(superuser)

    response = _change_directorate(client, directorate, director_email="place.director@example.gov.uk")

    assert response.status_code == 302
    directorate.refresh_from_db()
    assert directorate.director_email == "place.director@example.gov.uk"


def test_a_superuser_may_still_make_someone_a_corporate_director(client, superuser):
    person = UserFactory(username="newdirector")
    client.force_login(superuser)

    response = _change_user(
        client, person, groups=[Group.objects.get_or_create(name=CORPORATE_DIRECTORS)[0].pk]
    )

    assert response.status_code == 302
    assert person.groups.filter(name=CORPORATE_DIRECTORS).exists()
