"""Giving and ending access: the prerequisites of 002 §2.6, §5.1 and 003 D2.9, and leavers."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts_register import services
from accounts_register.models import (
    AccessEndReason,
    AccessRole,
    AccountStatus,
    AuthorisedUser,
    DirectorPermission,
    TrainingRecord,
    UsageStatement,
)
from accounts_register.platforms import Platform
from councilsocial.flags.models import FlagKind, GovernanceFlag
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

PERMISSION = "written permission from their Director to use X (Twitter) (002 §2.6)"
ELEARNING = "has not completed the Social media e-learning (002 §5.1)"
STATEMENT = "has not accepted the current usage statement for this account (003 D2.9)"


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def person(director):
    return UserFactory(username="newstarter", first_name="Ali", last_name="Khan")


def give_permission(person, director, platforms=(Platform.X,)):
    return DirectorPermission.objects.create(
        person=person,
        platforms=list(platforms),
        granted_by=director,
        granted_on=timezone.localdate() - timedelta(days=1),
        document_reference="HR/2026/114",
    )


def complete_elearning(person, *, expires_at=None):
    return TrainingRecord.objects.create(
        person=person,
        module="Social media e-learning",
        completed_at=timezone.now() - timedelta(days=2),
        expires_at=expires_at,
    )


def publish_statement():
    return UsageStatement.objects.create(
        version=1, text="I will follow the policy.", published_at=timezone.now()
    )


@pytest.fixture
def qualified(person, director):
    give_permission(person, director)
    complete_elearning(person)
    return person


def grant(account, person, comms, now, **kwargs):
    return services.authorised_user_grant(
        account=account,
        person=person,
        role=kwargs.pop("role", AccessRole.EDITOR),
        granted_by=comms,
        now=now,
        **kwargs,
    )


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_a_person_with_every_prerequisite_is_given_access(account, qualified, comms, now):
    access = grant(account, qualified, comms, now)
    assert access.is_current
    assert access.granted_by == comms


def test_no_directors_permission_blocks_the_grant_and_names_it(account, person, comms, now):
    complete_elearning(person)
    with pytest.raises(ValidationError) as exc:
        grant(account, person, comms, now)
    assert PERMISSION in messages_of(exc.value)
    assert ELEARNING not in messages_of(exc.value)
    assert not AuthorisedUser.objects.exists()


def test_a_permission_for_another_platform_does_not_count(account, person, director, comms, now):
    give_permission(person, director, platforms=[Platform.FACEBOOK])
    complete_elearning(person)
    with pytest.raises(ValidationError) as exc:
        grant(account, person, comms, now)
    assert PERMISSION in messages_of(exc.value)


def test_no_elearning_blocks_the_grant_and_names_it(account, person, director, comms, now):
    give_permission(person, director)
    with pytest.raises(ValidationError) as exc:
        grant(account, person, comms, now)
    assert ELEARNING in messages_of(exc.value)
    assert PERMISSION not in messages_of(exc.value)


def test_expired_elearning_does_not_count(account, person, director, comms, now):
    give_permission(person, director)
    complete_elearning(person, expires_at=now - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        grant(account, person, comms, now)
    assert ELEARNING in messages_of(exc.value)


def test_temporary_access_needs_the_signed_usage_statement(account, qualified, comms, now):
    publish_statement()
    with pytest.raises(ValidationError) as exc:
        grant(
            account,
            qualified,
            comms,
            now,
            role=AccessRole.TEMPORARY,
            expires_on=now.date() + timedelta(days=30),
        )
    assert STATEMENT in messages_of(exc.value)

    services.usage_statement_accept(person=qualified, account=account, now=now)
    access = grant(
        account, qualified, comms, now, role=AccessRole.TEMPORARY, expires_on=now.date() + timedelta(days=30)
    )
    assert access.usage_statement.statement.version == 1


def test_temporary_access_always_has_an_end_date(account, qualified, comms, now):
    publish_statement()
    services.usage_statement_accept(person=qualified, account=account, now=now)
    with pytest.raises(ValidationError) as exc:
        grant(account, qualified, comms, now, role=AccessRole.TEMPORARY)
    assert "Enter the last day of temporary access" in messages_of(exc.value)


def test_every_missing_prerequisite_is_named_at_once(account, person, comms, now):
    publish_statement()
    with pytest.raises(ValidationError) as exc:
        grant(
            account, person, comms, now, role=AccessRole.TEMPORARY, expires_on=now.date() + timedelta(days=7)
        )
    text = messages_of(exc.value)
    assert PERMISSION in text and ELEARNING in text and STATEMENT in text


def test_granting_twice_is_refused(account, qualified, comms, now):
    grant(account, qualified, comms, now)
    with pytest.raises(ValidationError, match="already has access"):
        grant(account, qualified, comms, now)
    assert AuthorisedUser.objects.count() == 1


def test_ending_access_keeps_the_record_with_who_and_why(account, qualified, comms, now):
    access = grant(account, qualified, comms, now)
    services.authorised_user_end(
        access=access, by=comms, reason=AccessEndReason.REVOKED, note="Moved team", now=now
    )
    access.refresh_from_db()
    assert (access.ended_by, access.end_reason, access.end_note) == (comms, "revoked", "Moved team")
    assert access.history.count() == 2


def test_a_leaver_loses_all_access_at_once_and_ownerless_accounts_are_flagged(
    account, other_account, qualified, director, comms, now
):
    owner = grant(account, qualified, comms, now, role=AccessRole.OWNER)
    editor = grant(other_account, qualified, comms, now)

    ended = services.person_leaves(person=qualified, by=comms, now=now)

    qualified.refresh_from_db()
    assert ended == 2 and not qualified.is_active
    for access in (owner, editor):
        access.refresh_from_db()
        assert access.end_reason == AccessEndReason.LEFT
    flagged = set(
        GovernanceFlag.objects.open()
        .filter(kind=FlagKind.ACCOUNT_WITHOUT_OWNER)
        .values_list("account", flat=True)
    )
    assert {account.pk, other_account.pk} <= flagged


def test_a_user_switched_off_elsewhere_loses_access_at_the_next_sweep(account, qualified, comms, now):
    access = grant(account, qualified, comms, now)
    type(qualified).objects.filter(pk=qualified.pk).update(is_active=False)

    assert services.end_access_of_switched_off_users(now=now).ended == 1
    access.refresh_from_db()
    assert access.end_reason == AccessEndReason.LEFT
    assert access.history.first().history_change_reason == "Left the council: user switched off"
    assert services.end_access_of_switched_off_users(now=now).ended == 0


def test_temporary_access_past_its_end_is_flagged_and_resolved_when_ended(account, qualified, comms, now):
    publish_statement()
    services.usage_statement_accept(person=qualified, account=account, now=now)
    access = grant(
        account, qualified, comms, now, role=AccessRole.TEMPORARY, expires_on=now.date() + timedelta(days=1)
    )

    later = now + timedelta(days=3)
    assert len(services.check_temporary_access(now=later).raised) == 1
    services.authorised_user_end(access=access, by=comms, reason=AccessEndReason.EXPIRED, now=later)
    assert services.check_temporary_access(now=later).resolved == 1


def test_the_grant_page_shows_the_missing_prerequisite(client, account, person, comms):
    client.force_login(comms)
    page = client.post(
        f"/accounts/{account.pk}/access/new/", {"person": person.pk, "role": "editor"}
    ).content.decode()
    assert "govuk-error-summary" in page
    assert "has no written permission from their Director" in page


@pytest.mark.parametrize(
    ("persona", "status"), [("manager", 200), ("officer", 403), ("director", 403), ("comms", 200)]
)
def test_who_may_give_access(client, request, account, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/accounts/{account.pk}/access/new/").status_code == status


def test_who_may_use_what_lists_each_persons_accounts_and_platforms(client, account, qualified, comms, now):
    grant(account, qualified, comms, now)
    client.force_login(comms)
    page = client.get("/access/").content.decode()
    assert "Ali Khan" in page and "@CCDCCountryside" in page and "X (Twitter)" in page


def test_the_account_page_shows_changes_to_access(client, account, qualified, comms, now):
    access = grant(account, qualified, comms, now)
    services.authorised_user_end(
        access=access, by=comms, reason=AccessEndReason.REVOKED, note="Moved team", now=now
    )
    client.force_login(comms)
    changes = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "Ali Khan given editor access" in changes
    assert "Revoked. Moved team" in changes
    assert "“” → “Revoked”" in changes


def test_the_leaver_sweep_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(
        task="accounts_register.end_access_of_switched_off_users", enabled=True
    ).exists()


def test_no_access_is_given_while_an_emergency_is_in_force(account, qualified, comms, now):
    from operations.services import emergency_declare

    emergency_declare(
        by=comms,
        title="Flooding",
        reason="Major incident",
        holding_message="Please hold.",
        named_officers=[comms],
        now=now,
    )
    with pytest.raises(ValidationError, match="An emergency is in force"):
        grant(account, qualified, comms, now)
    assert not AuthorisedUser.objects.filter(person=qualified).exists()


def no_owner_flagged() -> set[int]:
    return set(
        GovernanceFlag.objects.open()
        .filter(kind=FlagKind.ACCOUNT_WITHOUT_OWNER)
        .values_list("account", flat=True)
    )


def test_giving_an_owner_clears_the_no_owner_flag_at_once_and_ending_theirs_raises_it(
    client, account, qualified, comms, now
):
    """The home page lists the open no-owner flags, so each change of access settles its account's
    at once, not at the next scheduled check (003 D2.3)."""
    services.check_accounts_without_owner(now=now)
    assert account.pk in no_owner_flagged()

    owner = grant(account, qualified, comms, now, role=AccessRole.OWNER)
    assert account.pk not in no_owner_flagged()
    client.force_login(comms)
    give_owner_link = reverse("access-grant", kwargs={"pk": account.pk})
    assert give_owner_link not in client.get(reverse("home")).content.decode()

    services.authorised_user_end(access=owner, by=comms, reason=AccessEndReason.REVOKED, note="", now=now)
    assert account.pk in no_owner_flagged()
    assert give_owner_link in client.get(reverse("home")).content.decode()


def test_an_account_going_live_without_an_owner_is_flagged_when_it_does(service, comms):
    account = AccountFactory(service=service, status=AccountStatus.SUSPENDED)
    assert account.pk not in no_owner_flagged()  # made directly, as an import would, before any check

    services.account_change_status(account=account, transition="close", by=comms, reason="No longer needed")
    assert account.pk not in no_owner_flagged()

    other = AccountFactory(service=service, status=AccountStatus.SUSPENDED)
    services.account_change_status(account=other, transition="reinstate", by=comms, reason="Back in use")
    assert other.pk in no_owner_flagged()
