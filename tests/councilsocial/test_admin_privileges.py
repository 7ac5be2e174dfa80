"""Who may grant what in Django admin, and who may create API tokens (issue 11 item 11).

Only a superuser grants superuser status, staff status, permissions, or a place in Administrators or
Communications; nobody changes their own flags or groups; only a superuser changes a superuser or a
member of those groups; API tokens are made by a superuser, or by a person for themselves. Each
refusal is tried with the same request that works for a superuser.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from rest_framework.authtoken.models import Token

from councilsocial.permissions import ADMINISTRATORS, COMMUNICATIONS, SERVICE_OFFICERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def person(db):
    """An ordinary member of staff with no role yet."""
    return UserFactory(username="newstarter")


def _as(client, user):
    client.force_login(user)
    return client


def change_data(user, **overrides) -> dict:
    """The user's change form as it stands, with the fields in ``overrides`` changed."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [p.pk for p in user.user_permissions.all()],
        **{flag: "on" for flag in ("is_active", "is_staff", "is_superuser") if getattr(user, flag)},
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_change(client, user, **overrides):
    return client.post(f"/admin/auth/user/{user.pk}/change/", change_data(user, **overrides))


def group(name: str) -> Group:
    return Group.objects.get_or_create(name=name)[0]


def token_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="authtoken", codename="add_tokenproxy")


def flags_and_groups(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_superuser,
        user.is_staff,
        user.is_active,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
    )


# --- Nobody changes their own flags or groups ----------------------------------------------------------
SELF_ESCALATIONS = {
    "superuser": {"is_superuser": "on"},
    "communications": {"groups": "COMMS"},
    "permissions": {"user_permissions": "TOKEN"},
}


def _resolve(overrides: dict, user) -> dict:
    resolved = dict(overrides)
    if resolved.get("groups") == "COMMS":
        resolved["groups"] = [g.pk for g in user.groups.all()] + [group(COMMUNICATIONS).pk]
    if resolved.get("user_permissions") == "TOKEN":
        resolved["user_permissions"] = [token_permission().pk]
    return resolved


@pytest.mark.parametrize("escalation", SELF_ESCALATIONS)
def test_an_administrator_cannot_raise_their_own_privileges(client, administrator, escalation):
    before = flags_and_groups(administrator)

    response = post_change(
        _as(client, administrator), administrator, **_resolve(SELF_ESCALATIONS[escalation], administrator)
    )

    assert response.status_code in {200, 302, 403}
    assert flags_and_groups(administrator) == before


def test_an_administrator_who_tried_to_become_superuser_still_cannot_make_anyones_token(
    client, administrator, officer
):
    post_change(_as(client, administrator), administrator, is_superuser="on")

    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": officer.pk})

    assert response.status_code == 403
    assert not Token.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"is_superuser": None},
        {"is_staff": None},
        {"is_active": None},
        {"groups": []},
    ],
    ids=["superuser", "staff", "active", "groups"],
)
def test_a_superuser_cannot_change_their_own_flags_or_groups(client, superuser, overrides):
    superuser.groups.add(group(ADMINISTRATORS))
    before = flags_and_groups(superuser)

    post_change(_as(client, superuser), superuser, **overrides)

    assert flags_and_groups(superuser) == before


def test_a_person_may_still_change_their_own_name(client, administrator):
    response = post_change(_as(client, administrator), administrator, first_name="Robin")

    assert response.status_code == 302
    assert User.objects.get(pk=administrator.pk).first_name == "Robin"


# --- Only a superuser grants privileges ------------------------------------------------------------
GRANTS = {
    "superuser": ({"is_superuser": "on"}, lambda u: u.is_superuser),
    "staff": ({"is_staff": "on"}, lambda u: u.is_staff),
    "permissions": ({"user_permissions": "TOKEN"}, lambda u: u.user_permissions.exists()),
    "administrators": ({"groups": ADMINISTRATORS}, lambda u: u.groups.filter(name=ADMINISTRATORS).exists()),
    "communications": ({"groups": COMMUNICATIONS}, lambda u: u.groups.filter(name=COMMUNICATIONS).exists()),
}


def _grant(name: str) -> dict:
    overrides, _check = GRANTS[name]
    overrides = dict(overrides)
    if overrides.get("user_permissions") == "TOKEN":
        overrides["user_permissions"] = [token_permission().pk]
    if "groups" in overrides:
        overrides["groups"] = [group(overrides["groups"]).pk]
    return overrides


@pytest.mark.parametrize("grant", GRANTS)
def test_an_administrator_cannot_grant_privileges_to_someone_else(client, administrator, person, grant):
    before = flags_and_groups(person)

    response = post_change(_as(client, administrator), person, **_grant(grant))

    assert response.status_code in {200, 302}
    assert flags_and_groups(person) == before


@pytest.mark.parametrize("grant", GRANTS)
def test_a_superuser_can_grant_privileges_to_someone_else(client, superuser, person, grant):
    response = post_change(_as(client, superuser), person, **_grant(grant))

    assert response.status_code == 302
    assert GRANTS[grant][1](User.objects.get(pk=person.pk))


def test_adding_someone_to_communications_is_refused_with_a_sentence_saying_why(
    client, administrator, person
):
    response = post_change(_as(client, administrator), person, **_grant("communications"))

    assert response.status_code == 200
    assert "Only a superuser may add people to or remove them from Administrators or Communications" in (
        response.content.decode()
    )


def test_removing_someone_from_communications_is_refused(client, administrator, comms, officer):
    before = flags_and_groups(officer)
    officer.groups.add(group(COMMUNICATIONS))

    post_change(_as(client, administrator), officer, groups=[group(SERVICE_OFFICERS).pk])

    assert flags_and_groups(officer) == (*before[:3], [COMMUNICATIONS, SERVICE_OFFICERS], before[4])


def test_an_administrator_can_still_give_someone_an_ordinary_role_and_switch_them_off(
    client, administrator, person
):
    response = post_change(
        _as(client, administrator), person, groups=[group(SERVICE_OFFICERS).pk], is_active=None
    )

    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert list(person.groups.values_list("name", flat=True)) == [SERVICE_OFFICERS]
    assert not person.is_active


# --- Only a superuser changes a superuser or a privileged person ----------------------------------
@pytest.mark.parametrize("target", ["superuser", "comms"])
def test_an_administrator_cannot_change_a_superuser_or_a_communications_officer(
    client, request, administrator, target
):
    person = request.getfixturevalue(target)
    before = flags_and_groups(person)
    old_password = User.objects.get(pk=person.pk).password
    _as(client, administrator)

    changed = post_change(client, person, is_active=None, first_name="Changed")
    password = client.post(
        f"/admin/auth/user/{person.pk}/password/",
        {"password1": "a new password 123!", "password2": "a new password 123!", "usable_password": "true"},
    )

    assert changed.status_code == 403 and password.status_code == 403
    assert flags_and_groups(person) == before
    assert User.objects.get(pk=person.pk).password == old_password


@pytest.mark.parametrize("target", ["superuser", "comms"])
def test_a_superuser_can_change_a_superuser_or_a_communications_officer(client, request, target):
    root = UserFactory(username="root2", is_superuser=True, is_staff=True)
    person = request.getfixturevalue(target)

    response = post_change(_as(client, root), person, first_name="Changed")

    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).first_name == "Changed"


def test_an_administrator_cannot_add_a_superuser(client, administrator):
    client = _as(client, administrator)

    client.post(
        "/admin/auth/user/add/",
        {
            "username": "sneaky",
            "password1": "a new password 123!",
            "password2": "a new password 123!",
            "usable_password": "true",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )

    sneaky = User.objects.get(username="sneaky")
    assert flags_and_groups(sneaky) == (False, False, True, [], [])


def test_an_administrator_cannot_add_a_person_straight_into_communications(client, administrator):
    """The add page sets a person's role too (issue 13): the membership guard covers it."""
    client = _as(client, administrator)

    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "sneaky",
            "password1": "a new password 123!",
            "password2": "a new password 123!",
            "usable_password": "true",
            "groups": [group(COMMUNICATIONS).pk],
        },
    )

    assert "Only a superuser may add people to or remove them from" in response.content.decode()
    assert not User.objects.filter(username="sneaky").exists()


# --- Groups: only a superuser changes what a role may do -------------------------------------------
def group_data(g: Group, **overrides) -> dict:
    return {"name": g.name, "permissions": [p.pk for p in g.permissions.all()], **overrides}


def test_an_administrator_cannot_give_a_group_permissions(client, administrator):
    admins = group(ADMINISTRATORS)
    before = set(admins.permissions.all())

    _as(client, administrator).post(
        f"/admin/auth/group/{admins.pk}/change/",
        group_data(admins, permissions=[p.pk for p in before] + [token_permission().pk]),
    )

    assert set(admins.permissions.all()) == before


def test_a_superuser_can_give_a_group_permissions(client, superuser):
    admins = group(ADMINISTRATORS)

    response = _as(client, superuser).post(
        f"/admin/auth/group/{admins.pk}/change/",
        group_data(admins, permissions=[p.pk for p in admins.permissions.all()] + [token_permission().pk]),
    )

    assert response.status_code == 302
    assert admins.permissions.filter(pk=token_permission().pk).exists()


def test_an_administrator_cannot_rename_a_role_group_to_take_another_roles_place(client, administrator):
    officers = group(SERVICE_OFFICERS)
    Group.objects.filter(name=COMMUNICATIONS).delete()

    _as(client, administrator).post(
        f"/admin/auth/group/{officers.pk}/change/", group_data(officers, name=COMMUNICATIONS)
    )

    assert Group.objects.get(pk=officers.pk).name == SERVICE_OFFICERS


def test_an_administrator_cannot_give_a_new_group_a_roles_name(client, administrator):
    Group.objects.filter(name=COMMUNICATIONS).delete()

    response = _as(client, administrator).post("/admin/auth/group/add/", {"name": COMMUNICATIONS})

    assert response.status_code == 200
    assert not Group.objects.filter(name=COMMUNICATIONS).exists()


def test_an_administrator_cannot_delete_a_role_group(client, administrator):
    comms_group = group(COMMUNICATIONS)

    response = _as(client, administrator).post(f"/admin/auth/group/{comms_group.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Group.objects.filter(pk=comms_group.pk).exists()


def test_an_administrator_can_still_add_and_remove_a_group_of_their_own(client, administrator):
    client = _as(client, administrator)

    added = client.post("/admin/auth/group/add/", {"name": "Newsletter editors"})
    pk = Group.objects.get(name="Newsletter editors").pk
    deleted = client.post(f"/admin/auth/group/{pk}/delete/", {"post": "yes"})

    assert added.status_code == 302 and deleted.status_code == 302
    assert not Group.objects.filter(pk=pk).exists()


# --- API tokens ------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["administrator", "comms"])
def test_staff_without_token_permission_cannot_create_anyones_token(client, request, persona, officer):
    user = request.getfixturevalue(persona)

    for_other = _as(client, user).post("/admin/authtoken/tokenproxy/add/", {"user": officer.pk})
    for_self = client.post("/admin/authtoken/tokenproxy/add/", {"user": user.pk})

    assert for_other.status_code == 403 and for_self.status_code == 403
    assert not Token.objects.exists()


@pytest.fixture
def token_keeper(db):
    """Staff given the token permission directly (by a superuser): may make their own token only."""
    user = UserFactory(username="integrations", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="authtoken", codename__endswith="tokenproxy")
    )
    return user


def test_a_person_with_the_token_permission_cannot_create_someone_elses_token(client, token_keeper, officer):
    response = _as(client, token_keeper).post("/admin/authtoken/tokenproxy/add/", {"user": officer.pk})

    assert response.status_code == 200  # the form, with the error on the person
    assert not Token.objects.exists()


def test_a_person_with_the_token_permission_can_create_their_own_token(client, token_keeper):
    response = _as(client, token_keeper).post("/admin/authtoken/tokenproxy/add/", {"user": token_keeper.pk})

    assert response.status_code == 302
    assert Token.objects.get().user == token_keeper


def test_a_person_with_the_token_permission_sees_only_their_own_token(client, token_keeper, officer):
    mine, theirs = Token.objects.create(user=token_keeper), Token.objects.create(user=officer)
    client = _as(client, token_keeper)

    listing = client.get("/admin/authtoken/tokenproxy/").content.decode()
    other = client.get(f"/admin/authtoken/tokenproxy/{officer.pk}/change/")

    assert mine.key in listing and theirs.key not in listing
    assert other.status_code == 302  # Django admin: "does not exist", back to the list
    assert Token.objects.filter(pk=theirs.pk).exists()


def test_a_superuser_can_create_anyones_token(client, superuser, officer):
    response = _as(client, superuser).post("/admin/authtoken/tokenproxy/add/", {"user": officer.pk})

    assert response.status_code == 302
    assert Token.objects.get().user == officer


# --- The pages show what may not be changed as text, not as inputs ------------------------------------
def test_an_administrators_own_page_offers_no_privilege_inputs(client, administrator):
    page = _as(client, administrator).get(f"/admin/auth/user/{administrator.pk}/change/").content.decode()

    for name in ("is_superuser", "is_staff", "is_active", "groups", "user_permissions"):
        assert f'name="{name}"' not in page
    assert 'name="first_name"' in page


def test_an_administrator_may_set_ordinary_roles_and_switch_people_off_on_their_page(
    client, administrator, person
):
    page = _as(client, administrator).get(f"/admin/auth/user/{person.pk}/change/").content.decode()

    assert 'name="groups"' in page and 'name="is_active"' in page
    for name in ("is_superuser", "is_staff", "user_permissions"):
        assert f'name="{name}"' not in page


def test_a_superuser_sees_every_privilege_input_on_someone_elses_page(client, superuser, person):
    page = _as(client, superuser).get(f"/admin/auth/user/{person.pk}/change/").content.decode()

    for name in ("is_superuser", "is_staff", "is_active", "groups", "user_permissions"):
        assert f'name="{name}"' in page


def test_the_group_page_shows_an_administrator_the_permissions_without_inputs(client, administrator):
    admins = group(ADMINISTRATORS)

    page = _as(client, administrator).get(f"/admin/auth/group/{admins.pk}/change/").content.decode()

    assert 'name="permissions"' not in page and 'name="name"' not in page
