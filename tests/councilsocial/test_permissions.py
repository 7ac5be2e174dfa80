"""The permissions module: who sees which services, and each role's navigation."""

import pytest

from accounts_register.models import Service
from councilsocial.navigation import navigation_for


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "sees_own", "sees_other"),
    [
        ("officer", True, False),
        ("manager", True, False),
        ("director", True, False),
        ("comms", True, True),
        ("outsider", False, False),
    ],
)
def test_who_may_see_a_service(request, service, other_service, persona, sees_own, sees_other):
    user = request.getfixturevalue(persona)

    assert user.has_perm("accounts_register.view_service", service) is sees_own
    assert user.has_perm("accounts_register.view_service", other_service) is sees_other
    visible = set(Service.objects.visible_to(user))
    assert (service in visible, other_service in visible) == (sees_own, sees_other)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "labels"),
    [
        ("officer", ["Home", "Register", "Business cases", "Risk assessments", "Inbox", "Check a post"]),
        ("director", ["Home", "Register", "Business cases", "Risk assessments"]),
        (
            "comms",
            [
                "Home",
                "Register",
                "Business cases",
                "Risk assessments",
                "Inbox",
                "Dashboard",
                "Operations",
            ],
        ),
        ("administrator", ["Home", "Access", "Administration"]),
        ("outsider", ["Home"]),
    ],
)
def test_each_role_has_its_navigation(request, persona, labels):
    user = request.getfixturevalue(persona)
    assert [label for _url, label in navigation_for(user)] == labels


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("comms", 200), ("officer", 403), ("director", 403)])
def test_only_communications_opens_the_outbox(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/outbox/").status_code == status


@pytest.mark.django_db
def test_the_service_list_shows_only_the_services_a_person_may_see(client, officer, service, other_service):
    client.force_login(officer)
    page = client.get("/services/").content.decode()
    assert service.name in page
    assert other_service.name not in page
