"""Emergency procedures (003 D9): suspend exactly the right access, restore exactly that, tell owners."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts_register import services as register
from accounts_register.models import AccessEndReason, AccessRole, AccessStatus, AuthorisedUser
from councilsocial.notifications.models import Notification
from operations import services as ops
from operations.models import Emergency, EmergencySuspension

pytestmark = pytest.mark.django_db


@pytest.fixture
def access(grant, account, other_account, officer, manager, comms, comms_colleague, other_service):
    """Who may use what before the emergency."""
    other_officer = other_service.officers.get()
    return {
        "officer": grant(officer, account),
        "manager_owner": grant(manager, account, AccessRole.OWNER),
        "comms_on_account": grant(comms, account, AccessRole.EDITOR),
        "colleague": grant(comms_colleague, other_account),
        "other_owner": grant(other_officer, other_account, AccessRole.OWNER),
        "temporary": grant(officer, other_account, AccessRole.TEMPORARY),
    }


def declare(comms, **kwargs):
    defaults = dict(
        by=comms,
        title="Flooding in Rugeley",
        reason="Major incident declared by the county.",
        holding_message="We are responding to flooding. Follow @CannockChaseDC for updates.",
        named_officers=[comms],
        now=timezone.now(),
    )
    return ops.emergency_declare(**{**defaults, **kwargs})


def test_declaring_suspends_everyone_except_the_named_officers(comms, access):
    emergency = declare(comms)

    suspended = set(
        EmergencySuspension.objects.filter(emergency=emergency).values_list("authorised_user", flat=True)
    )
    everyone_else = {a.pk for key, a in access.items() if key != "comms_on_account"}
    assert suspended == everyone_else
    assert AuthorisedUser.objects.current().get() == access["comms_on_account"]
    officer_access = AuthorisedUser.objects.get(pk=access["officer"].pk)
    assert officer_access.suspended_at == emergency.declared_at
    assert officer_access.suspension_reason.startswith(f"Emergency #{emergency.pk}")


def test_a_named_colleague_keeps_access_too(comms, comms_colleague, access):
    declare(comms, named_officers=[comms, comms_colleague])
    assert set(AuthorisedUser.objects.current()) == {access["comms_on_account"], access["colleague"]}


def test_the_suspension_is_in_the_access_history(comms, access):
    emergency = declare(comms)
    latest = AuthorisedUser.history.filter(id=access["officer"].pk).latest("history_date")
    assert latest.suspended_at == emergency.declared_at
    assert latest.history_change_reason.startswith(f"Emergency #{emergency.pk}")
    assert latest.history_user == comms


def test_access_already_suspended_or_ended_is_not_recorded_as_the_emergencys(comms, access):
    register.authorised_user_suspend(
        access=access["officer"], by=comms, reason="Investigation", now=timezone.now() - timedelta(days=1)
    )
    register.authorised_user_end(
        access=access["temporary"], by=comms, reason=AccessEndReason.REVOKED, now=timezone.now()
    )
    emergency = declare(comms)
    recorded = set(emergency.suspensions.values_list("authorised_user", flat=True))
    assert access["officer"].pk not in recorded and access["temporary"].pk not in recorded


def test_declaring_twice_is_refused_while_one_is_in_force(comms, access):
    declare(comms)
    with pytest.raises(ops.OperationRefused, match="already in force"):
        declare(comms, title="Second")
    assert Emergency.objects.count() == 1


def test_only_communications_officers_may_be_named(comms, officer, access):
    with pytest.raises(ops.OperationRefused, match="Only Communications officers"):
        declare(comms, named_officers=[officer])
    assert not Emergency.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "manager", "director", "outsider"])
def test_only_communications_may_declare(request, persona, access):
    with pytest.raises(PermissionDenied):
        declare(request.getfixturevalue(persona), named_officers=[request.getfixturevalue("comms")])
    assert not Emergency.objects.exists()


def test_the_holding_message_is_written_once_per_owner(
    comms, manager, other_service, access, grant, account, other_account
):
    # The manager owns two accounts: one email, listing both.
    grant(manager, other_account, AccessRole.OWNER)
    emergency = declare(comms)

    holding = Notification.objects.filter(dedupe_key__startswith=f"emergency:{emergency.pk}:holding:")
    owner_emails = sorted([manager.email, other_service.officers.get().email])
    assert sorted(holding.values_list("to", flat=True)) == owner_emails
    manager_email = holding.get(to=manager.email)
    assert str(account) in manager_email.body and str(other_account) in manager_email.body
    assert "Follow @CannockChaseDC for updates." in manager_email.body


def test_an_account_without_an_owner_is_told_at_its_mailbox(comms, officer, grant, service):
    from tests.factories import AccountFactory

    lonely = AccountFactory(service=service, admin_mailbox="parks@cannockchasedc.gov.uk")
    grant(officer, lonely)
    emergency = declare(comms)
    assert Notification.objects.filter(
        dedupe_key=f"emergency:{emergency.pk}:holding:parks@cannockchasedc.gov.uk"
    ).exists()


def lift(emergency, comms, **kwargs):
    return ops.emergency_lift(
        emergency=emergency, by=comms, all_clear_message="Back to normal.", now=timezone.now(), **kwargs
    )


def test_lifting_restores_exactly_the_access_it_suspended(comms, access):
    register.authorised_user_suspend(
        access=access["officer"], by=comms, reason="Investigation", now=timezone.now() - timedelta(days=1)
    )
    emergency = declare(comms)
    report = lift(emergency, comms)

    assert report.restored == 4
    current = set(AuthorisedUser.objects.current())
    assert current == {a for key, a in access.items() if key != "officer"}
    # The access suspended before the emergency, for another reason, stays suspended.
    assert AuthorisedUser.objects.get(pk=access["officer"].pk).suspension_reason == "Investigation"


def test_the_emergency_suspends_and_lifting_restores_the_status_with_who_and_why(comms, access):
    emergency = declare(comms)
    suspended = AuthorisedUser.objects.get(pk=access["officer"].pk)
    assert suspended.status == AccessStatus.SUSPENDED
    assert AuthorisedUser.objects.get(pk=access["comms_on_account"].pk).status == AccessStatus.CURRENT
    lift(emergency, comms)
    assert AuthorisedUser.objects.get(pk=suspended.pk).status == AccessStatus.CURRENT
    logs = [
        (log.by, log.transition, log.description) for log in StateLog.objects.for_(suspended).order_by("pk")
    ]
    assert logs == [
        (comms, "suspend", f"Emergency #{emergency.pk}: Flooding in Rugeley"),
        (comms, "restore", f"Emergency #{emergency.pk} lifted"),
    ]
    assert not StateLog.objects.for_(access["comms_on_account"]).exists()


def test_access_revoked_during_the_emergency_stays_revoked(comms, access):
    emergency = declare(comms)
    register.authorised_user_end(
        access=AuthorisedUser.objects.get(pk=access["other_owner"].pk),
        by=comms,
        reason=AccessEndReason.REVOKED,
        now=timezone.now(),
    )
    report = lift(emergency, comms)

    assert report.restored == 4 and report.not_restored == 1
    revoked = AuthorisedUser.objects.get(pk=access["other_owner"].pk)
    assert revoked.ended_at is not None
    assert revoked not in AuthorisedUser.objects.current()


def test_access_expired_during_the_emergency_is_not_restored(comms, access):
    emergency = declare(comms)
    AuthorisedUser.objects.filter(pk=access["temporary"].pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    lift(emergency, comms)
    assert AuthorisedUser.objects.get(pk=access["temporary"].pk).suspended_at is not None
    assert EmergencySuspension.objects.get(authorised_user=access["temporary"]).restored_at is None


def test_lifting_sends_the_all_clear_to_those_given_the_holding_message(comms, access):
    emergency = declare(comms)
    lift(emergency, comms)
    holding = set(Notification.objects.filter(dedupe_key__contains=":holding:").values_list("to", flat=True))
    all_clear = Notification.objects.filter(dedupe_key__contains=":all-clear:")
    assert set(all_clear.values_list("to", flat=True)) == holding
    assert all("Back to normal." in n.body for n in all_clear)


def test_lifting_twice_is_refused(comms, access):
    emergency = declare(comms)
    lift(emergency, comms)
    with pytest.raises(ops.OperationRefused, match="already been lifted"):
        lift(emergency, comms)


def test_an_officer_may_not_lift_it(comms, officer, access):
    emergency = declare(comms)
    with pytest.raises(PermissionDenied):
        lift(emergency, officer)
    assert Emergency.objects.get().status == "active"


def test_a_new_emergency_may_be_declared_once_the_last_is_lifted(comms, access):
    lift(declare(comms), comms)
    assert declare(comms, title="Snow").status == "active"


def test_the_banner_shows_on_every_page_while_it_lasts(client, comms, officer, access):
    client.force_login(officer)
    emergency = declare(comms)
    page = client.get("/operations/policy/")
    assert "app-banner--emergency" in page.content.decode()
    assert emergency.title in page.content.decode()
    lift(emergency, comms)
    assert "app-banner--emergency" not in client.get("/operations/policy/").content.decode()


def test_communications_declares_and_lifts_from_the_pages(client, comms, access):
    client.force_login(comms)
    response = client.post(
        "/operations/emergency/declare/",
        {
            "title": "Power cut",
            "reason": "Civic Centre closed",
            "named_officers": [comms.pk],
            "holding_message": "We are aware of a power cut.",
        },
    )
    assert response.status_code == 302
    emergency = Emergency.objects.get()
    assert emergency.suspensions.count() == 5
    client.post(f"/operations/emergency/{emergency.pk}/lift/", {"all_clear_message": "All clear."})
    assert Emergency.objects.get().status == "lifted"


def test_the_declare_form_shows_errors_not_a_crash(client, comms):
    client.force_login(comms)
    response = client.post("/operations/emergency/declare/", {})
    assert response.status_code == 200
    assert "Enter what the emergency is" in response.content.decode()


@pytest.mark.parametrize("persona", ["officer", "director", "outsider"])
def test_only_communications_may_open_the_declare_page(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/operations/emergency/declare/").status_code == 403
