"""An access record's status (003 D2.3, D9): current, suspended, ended, moved only by the register's
services through the shared runner (one at a time, from pages) or one claimed UPDATE (many at once)."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts_register import services
from accounts_register.models import AccessEndReason, AccessRole, AccessStatus, AuthorisedUser
from councilsocial.flags.models import FlagKind, GovernanceFlag
from operations.services import emergency_declare
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def access(account, officer, comms, now):
    return AuthorisedUser.objects.create(
        account=account, person=officer, role=AccessRole.EDITOR, granted_by=comms, granted_at=now
    )


def end(access, by, now, note="No longer on the team"):
    return services.authorised_user_end(
        access=access, by=by, reason=AccessEndReason.REVOKED, note=note, now=now
    )


def log_of(access):
    return list(StateLog.objects.for_(access).order_by("pk"))


# --- Ending one person's access ---------------------------------------------------------------------
def test_a_manager_ends_access_from_the_page_and_it_is_saved_and_logged(client, manager, access):
    client.force_login(manager)
    response = client.post(
        reverse("access-end", kwargs={"pk": access.account_id, "access_pk": access.pk}),
        {"reason": AccessEndReason.REVOKED, "note": "Moved to another team"},
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.status == AccessStatus.ENDED
    assert (access.ended_by, access.end_reason, access.end_note) == (
        manager,
        AccessEndReason.REVOKED,
        "Moved to another team",
    )
    [log] = log_of(access)
    assert (log.by, log.transition, log.source_state, log.state) == (
        manager,
        "end_access",
        AccessStatus.CURRENT,
        AccessStatus.ENDED,
    )
    assert log.description == "Revoked. Moved to another team"


@pytest.mark.parametrize(("persona", "allowed"), [("comms", True), ("manager", True), ("officer", False)])
def test_who_may_end_access(request, persona, allowed, access, now):
    by = request.getfixturevalue(persona)
    if allowed:
        end(access, by, now)
    else:
        with pytest.raises(PermissionDenied, match="Only Communications and the service's managers"):
            end(access, by, now)
    access.refresh_from_db()
    assert (access.status == AccessStatus.ENDED) is allowed
    assert len(log_of(access)) == (1 if allowed else 0)


@pytest.mark.parametrize("persona", ["director", "outsider"])
def test_people_outside_the_service_cannot_end_access(request, persona, access, now):
    with pytest.raises(PermissionDenied):
        end(access, request.getfixturevalue(persona), now)
    assert AuthorisedUser.objects.get(pk=access.pk).status == AccessStatus.CURRENT


def test_the_manager_of_another_service_cannot_end_access(other_service, access, now):
    other_manager = UserFactory()
    other_service.managers.add(other_manager)
    with pytest.raises(PermissionDenied):
        end(access, other_manager, now)
    assert AuthorisedUser.objects.get(pk=access.pk).status == AccessStatus.CURRENT


def test_an_officer_cannot_open_the_end_page(client, officer, access):
    client.force_login(officer)
    url = reverse("access-end", kwargs={"pk": access.account_id, "access_pk": access.pk})
    assert client.post(url, {"reason": AccessEndReason.REVOKED}).status_code == 403
    assert AuthorisedUser.objects.get(pk=access.pk).status == AccessStatus.CURRENT


def test_two_ending_at_once_one_ends_it_the_other_is_told_someone_else_got_there_first(
    comms, manager, access, now
):
    first, second = (AuthorisedUser.objects.get(pk=access.pk) for _ in range(2))  # both pages open
    end(first, manager, now)
    with pytest.raises(services.StaleAccess) as refused:
        end(second, comms, now, note="Duplicate")
    assert refused.value.message == services.STALE_ACCESS_MESSAGE
    assert refused.value.message.startswith("Someone else got there first")
    access.refresh_from_db()
    assert (access.ended_by, access.end_note) == (manager, "No longer on the team")
    assert len(log_of(access)) == 1


def test_the_second_person_ending_from_the_page_is_told_plainly(client, comms, manager, access):
    url = reverse("access-end", kwargs={"pk": access.account_id, "access_pk": access.pk})
    client.force_login(manager)
    client.post(url, {"reason": AccessEndReason.REVOKED})
    client.force_login(comms)
    response = client.post(url, {"reason": AccessEndReason.REVOKED}, follow=True)
    assert response.status_code == 200
    assert services.STALE_ACCESS_MESSAGE in response.content.decode()
    assert len(log_of(access)) == 1


# --- Suspending and restoring one person's access ----------------------------------------------------
def test_a_suspension_and_its_restoring_are_saved_and_logged(comms, manager, access, now):
    services.authorised_user_suspend(access=access, by=comms, reason="Investigation", now=now)
    access.refresh_from_db()
    assert (access.status, access.suspended_at, access.suspension_reason) == (
        AccessStatus.SUSPENDED,
        now,
        "Investigation",
    )
    services.authorised_user_restore(access=access, by=manager, now=now)
    access.refresh_from_db()
    assert (access.status, access.suspended_at, access.suspension_reason) == (AccessStatus.CURRENT, None, "")
    assert [(log.by, log.transition) for log in log_of(access)] == [(comms, "suspend"), (manager, "restore")]


def test_an_officer_cannot_restore_access(comms, officer, access, now):
    services.authorised_user_suspend(access=access, by=comms, reason="Investigation", now=now)
    access.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.authorised_user_restore(access=access, by=officer, now=now)
    assert AuthorisedUser.objects.get(pk=access.pk).status == AccessStatus.SUSPENDED


def test_ended_access_cannot_be_suspended_or_restored(comms, access, now):
    ended = end(access, comms, now)
    with pytest.raises(ValidationError, match="access record is ended"):
        services.authorised_user_suspend(access=ended, by=comms, reason="Investigation", now=now)
    with pytest.raises(ValidationError, match="access record is ended"):
        services.authorised_user_restore(access=ended, by=comms, now=now)


def test_a_suspension_needs_a_reason(comms, access, now):
    with pytest.raises(ValidationError, match="Enter why"):
        services.authorised_user_suspend(access=access, by=comms, reason="  ", now=now)


# --- The suspend and restore pages --------------------------------------------------------------------
def suspend_url(access, account_id=None):
    return reverse("access-suspend", kwargs={"pk": account_id or access.account_id, "access_pk": access.pk})


def restore_url(access, account_id=None):
    return reverse("access-restore", kwargs={"pk": account_id or access.account_id, "access_pk": access.pk})


def saved(access):
    """What a page may change about the access: the row's status and suspension, its history and log."""
    row = AuthorisedUser.objects.get(pk=access.pk)
    return (
        row.status,
        row.suspended_at,
        row.suspension_reason,
        row.history.count(),
        len(log_of(access)),
    )


def page_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def suspended(access, comms, now):
    """The officer's access, suspended by Communications an hour ago."""
    return services.authorised_user_suspend(
        access=access, by=comms, reason="Investigation under way", now=now - timedelta(hours=1)
    )


@pytest.fixture
def other_user_of_another_service(other_service, other_account, comms, now):
    """An officer of another service, with access to that service's account (not this one)."""
    person = other_service.officers.get()
    AuthorisedUser.objects.create(
        account=other_account, person=person, role=AccessRole.EDITOR, granted_by=comms, granted_at=now
    )
    return person


@pytest.mark.parametrize("persona", ["comms", "manager"])
def test_communications_and_the_manager_suspend_access_from_the_page(client, request, persona, access):
    by = request.getfixturevalue(persona)
    client.force_login(by)
    at = timezone.now().replace(microsecond=0)
    with time_machine.travel(at, tick=False):
        response = client.post(suspend_url(access), {"reason": "  Laptop reported stolen  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("account-detail", kwargs={"pk": access.account_id})
    access.refresh_from_db()
    assert (access.status, access.suspended_at, access.suspension_reason) == (
        AccessStatus.SUSPENDED,
        at,
        "Laptop reported stolen",
    )
    [log] = log_of(access)
    assert (log.by, log.transition, log.source_state, log.state, log.description) == (
        by,
        "suspend",
        AccessStatus.CURRENT,
        AccessStatus.SUSPENDED,
        "Laptop reported stolen",
    )
    latest = access.history.latest("history_id")
    assert (latest.history_user, latest.history_change_reason) == (by, "Laptop reported stolen")
    page = page_of(client.get(response["Location"]))
    assert "access has been suspended" in page


@pytest.mark.parametrize("persona", ["comms", "manager"])
def test_communications_and_the_manager_restore_access_from_the_page(client, request, persona, suspended):
    by = request.getfixturevalue(persona)
    client.force_login(by)
    page = page_of(client.get(restore_url(suspended)))
    assert "Investigation under way" in page and "Restore access" in page
    response = client.post(restore_url(suspended))
    assert response.status_code == 302
    suspended.refresh_from_db()
    assert (suspended.status, suspended.suspended_at, suspended.suspension_reason) == (
        AccessStatus.CURRENT,
        None,
        "",
    )
    assert [(log.by, log.transition) for log in log_of(suspended)][-1] == (by, "restore")
    latest = suspended.history.latest("history_id")
    assert (latest.history_user, latest.history_change_reason) == (by, "Suspension over: access restored")
    assert "access has been restored" in page_of(client.get(response["Location"]))


def test_restoring_while_an_emergency_is_in_force_is_refused_on_the_form(client, comms, suspended, now):
    emergency_declare(
        by=comms,
        title="Flooding",
        reason="Major incident",
        holding_message="Please hold.",
        named_officers=[comms],
        now=now,
    )
    before = saved(suspended)
    client.force_login(comms)
    assert "An emergency is in force" in page_of(client.get(restore_url(suspended)))  # said beforehand
    response = client.post(restore_url(suspended))
    assert response.status_code == 200
    assert "govuk-error-summary" in page_of(response)
    assert "An emergency is in force" in page_of(response)
    assert saved(suspended) == before


@pytest.mark.parametrize("reason", ["a\x00b", "x" * 10_000, "     ", "", "x" * 301])
def test_a_hostile_or_empty_reason_is_a_form_error_and_nothing_is_written(client, comms, access, reason):
    before = saved(access)
    client.force_login(comms)
    response = client.post(suspend_url(access), {"reason": reason})
    assert response.status_code == 200
    page = page_of(response)
    assert "govuk-error-summary" in page
    assert saved(access) == before


def test_a_reason_of_300_characters_is_kept_whole(client, comms, access):
    client.force_login(comms)
    assert client.post(suspend_url(access), {"reason": "x" * 300}).status_code == 302
    assert AuthorisedUser.objects.get(pk=access.pk).suspension_reason == "x" * 300


def test_a_reason_with_no_reason_field_at_all_is_a_form_error(client, comms, access):
    before = saved(access)
    client.force_login(comms)
    response = client.post(suspend_url(access), {})
    assert "Enter why the access is being suspended" in page_of(response)
    assert saved(access) == before


REFUSED = [
    ("director", 403),  # reads the account (000 §6b) but does not manage its people
    ("officer", 403),  # the person whose access it is
    ("other_user_of_another_service", 404),
    ("outsider", 404),
]


@pytest.mark.parametrize(("persona", "status"), REFUSED)
def test_others_cannot_suspend_access_and_nothing_is_written(client, request, persona, status, access):
    before = saved(access)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(suspend_url(access)).status_code == status
    assert client.post(suspend_url(access), {"reason": "Taking over"}).status_code == status
    assert saved(access) == before


@pytest.mark.parametrize(("persona", "status"), REFUSED)
def test_others_cannot_restore_access_and_nothing_is_written(client, request, persona, status, suspended):
    before = saved(suspended)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(restore_url(suspended)).status_code == status
    assert client.post(restore_url(suspended)).status_code == status
    assert saved(suspended) == before


@pytest.mark.parametrize("url", [suspend_url, restore_url])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in_and_nothing_is_written(client, suspended, url):
    before = saved(suspended)
    response = client.post(url(suspended), {"reason": "Anonymous"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert saved(suspended) == before


@pytest.mark.parametrize("url", [suspend_url, restore_url])
def test_access_of_another_account_is_not_found(client, comms, account, other_account, officer, now, url):
    elsewhere = AuthorisedUser.objects.create(
        account=other_account, person=officer, role=AccessRole.EDITOR, granted_by=comms, granted_at=now
    )
    if url is restore_url:
        services.authorised_user_suspend(access=elsewhere, by=comms, reason="Investigation", now=now)
    before = saved(elsewhere)
    client.force_login(comms)
    assert client.get(url(elsewhere, account_id=account.pk)).status_code == 404
    assert client.post(url(elsewhere, account_id=account.pk), {"reason": "Wrong account"}).status_code == 404
    assert saved(elsewhere) == before


def test_suspending_access_that_is_already_suspended_says_so_plainly(client, manager, suspended):
    before = saved(suspended)
    client.force_login(manager)
    response = client.post(suspend_url(suspended), {"reason": "Again"}, follow=True)
    assert response.status_code == 200
    assert "access is already suspended" in page_of(response)
    assert saved(suspended) == before
    assert AuthorisedUser.objects.get(pk=suspended.pk).suspension_reason == "Investigation under way"


def test_restoring_access_that_is_not_suspended_says_so_plainly(client, manager, access):
    before = saved(access)
    client.force_login(manager)
    for response in (
        client.get(restore_url(access), follow=True),
        client.post(restore_url(access), follow=True),
    ):
        assert response.status_code == 200
        assert "access is not suspended, so there is nothing to restore" in page_of(response)
    assert saved(access) == before


@pytest.mark.parametrize("url", [suspend_url, restore_url])
def test_ended_access_cannot_be_suspended_or_restored_from_the_pages(client, comms, access, now, url):
    end(access, comms, now)
    before = saved(access)
    client.force_login(comms)
    assert client.get(url(access)).status_code == 404
    response = client.post(url(access), {"reason": "Too late"}, follow=True)
    assert response.status_code == 200
    assert services.STALE_ACCESS_MESSAGE in page_of(response)
    assert saved(access) == before


def test_the_account_page_shows_the_suspension_with_its_reason_and_date(client, comms, suspended):
    client.force_login(comms)
    page = page_of(client.get(reverse("account-detail", kwargs={"pk": suspended.account_id})))
    assert '<strong class="govuk-tag govuk-tag--orange">Suspended</strong>' in page
    assert f"Since {timezone.localtime(suspended.suspended_at):%-d %b %Y}: Investigation under way" in page


@pytest.mark.parametrize(
    ("persona", "links"), [("comms", True), ("manager", True), ("director", False), ("officer", False)]
)
def test_the_suspend_and_restore_links_show_only_where_they_apply_and_to_who_may_use_them(
    client, request, persona, links, access, manager, comms, now
):
    """Current access has Suspend, suspended access has Restore, each for those who may use it
    (never their own: ``test_nobody_lifts_the_suspension_of_their_own_access``)."""
    other = AuthorisedUser.objects.create(
        account=access.account, person=UserFactory(), role=AccessRole.EDITOR, granted_by=comms, granted_at=now
    )
    services.authorised_user_suspend(access=other, by=comms, reason="Investigation", now=now)
    client.force_login(request.getfixturevalue(persona))
    page = page_of(client.get(reverse("account-detail", kwargs={"pk": access.account_id})))
    assert (f'href="{suspend_url(access)}"' in page) is links
    assert (f'href="{restore_url(other)}"' in page) is links
    assert f'href="{restore_url(access)}"' not in page
    assert f'href="{suspend_url(other)}"' not in page


# --- Many at once: the leavers' sweep and the temporary-access check --------------------------------
def test_the_leavers_sweep_ends_access_once_as_the_system_with_a_log(access, officer, now):
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    assert services.end_access_of_switched_off_users(now=now).ended == 1
    assert services.end_access_of_switched_off_users(now=now).ended == 0
    access.refresh_from_db()
    assert (access.status, access.ended_at, access.end_reason) == (
        AccessStatus.ENDED,
        now,
        AccessEndReason.LEFT,
    )
    [log] = log_of(access)
    assert (log.by, log.transition, log.source_state) == (None, "end_access", AccessStatus.CURRENT)


def test_a_person_marked_as_left_loses_all_their_access_with_who_did_it(
    comms, manager, officer, access, other_account, now
):
    elsewhere = AuthorisedUser.objects.create(
        account=other_account, person=officer, role=AccessRole.EDITOR, granted_by=comms, granted_at=now
    )
    assert services.person_leaves(person=officer, by=manager, now=now) == 2
    for record in (access, elsewhere):
        record.refresh_from_db()
        assert (record.status, record.ended_by) == (AccessStatus.ENDED, manager)
        assert log_of(record)[0].by == manager


def test_temporary_access_past_its_last_day_is_flagged_once_and_ended_once(account, officer, comms, now):
    temporary = AuthorisedUser.objects.create(
        account=account,
        person=officer,
        role=AccessRole.TEMPORARY,
        granted_by=comms,
        granted_at=now,
        expires_on=timezone.localdate(now) + timedelta(days=1),
    )
    later = now + timedelta(days=3)
    assert len(services.check_temporary_access(now=later).raised) == 1
    assert len(services.check_temporary_access(now=later).raised) == 0
    services.authorised_user_end(access=temporary, by=comms, reason=AccessEndReason.EXPIRED, now=later)
    assert services.check_temporary_access(now=later).resolved == 1
    with pytest.raises(services.StaleAccess):
        services.authorised_user_end(access=temporary, by=comms, reason=AccessEndReason.EXPIRED, now=later)
    flag = GovernanceFlag.objects.get(kind=FlagKind.TEMPORARY_ACCESS_EXPIRED)
    assert flag.resolved_at is not None
    assert len(log_of(temporary)) == 1


# --- Where the status shows, and where it came from ------------------------------------------------
def test_the_account_page_shows_suspended_access_in_the_suspended_colour(client, comms, access, now):
    services.authorised_user_suspend(access=access, by=comms, reason="Investigation", now=now)
    client.force_login(comms)
    page = client.get(reverse("account-detail", kwargs={"pk": access.account_id})).content.decode()
    assert '<strong class="govuk-tag govuk-tag--orange">Suspended</strong>' in page


def test_the_migration_sets_each_status_from_the_fields_that_recorded_it(account, comms, now):
    people = UserFactory.create_batch(3)
    rows = AuthorisedUser.objects.bulk_create(
        AuthorisedUser(
            account=account,
            person=person,
            role=AccessRole.EDITOR,
            granted_by=comms,
            granted_at=now,
            suspended_at=now if n else None,
            ended_at=now if n == 2 else None,
        )
        for n, person in enumerate(people)
    )
    migration = importlib.import_module(
        "accounts_register.migrations.0007_access_status_current_suspended_ended"
    )
    with connection.schema_editor() as editor:
        migration.status_from_fields(apps, editor)
    statuses = [AuthorisedUser.objects.get(pk=row.pk).status for row in rows]
    assert statuses == [AccessStatus.CURRENT, AccessStatus.SUSPENDED, AccessStatus.ENDED]


def test_nobody_lifts_the_suspension_of_their_own_access(client, account, manager, comms, now):
    """A service manager suspended from the service's account by Communications may manage others'
    access, but not restore their own: someone else decides the suspension is over."""
    own = AuthorisedUser.objects.create(
        account=account, person=manager, role=AccessRole.OWNER, granted_by=comms, granted_at=now
    )
    services.authorised_user_suspend(access=own, by=comms, reason="Under investigation by HR", now=now)
    before = saved(own)
    client.force_login(manager)

    assert client.get(restore_url(own)).status_code == 403
    assert client.post(restore_url(own)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.authorised_user_restore(access=AuthorisedUser.objects.get(pk=own.pk), by=manager, now=now)

    assert saved(own) == before
    assert restore_url(own) not in page_of(client.get(reverse("account-detail", args=[account.pk])))
    client.force_login(comms)
    assert client.post(restore_url(own)).status_code == 302
    assert AuthorisedUser.objects.get(pk=own.pk).status == AccessStatus.CURRENT


def test_the_pages_say_what_the_person_is_on_the_account_in_words(client, comms, suspended):
    client.force_login(comms)

    page = " ".join(page_of(client.get(restore_url(suspended))).split())

    assert "is an editor of" in page
    assert '<div class="govuk-inset-text">Investigation under way</div>' in page


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("See ticket \u202eINC-42 and Password reference", "Remove the hidden characters"),
        ("Under investigation\x1b[31m", "Remove the hidden characters"),
        ("\u200b\u200d\ufeff", "Enter some text that can be seen"),
    ],
)
def test_a_reason_with_hidden_or_only_invisible_characters_is_a_form_error(
    client, comms, access, reason, error
):
    """A right-to-left override turned the rest of the account page round; control codes showed as
    boxes; zero-width characters passed as a reason and showed as nothing."""
    client.force_login(comms)
    before = saved(access)

    response = client.post(suspend_url(access), {"reason": reason})

    assert response.status_code == 200 and error in page_of(response)
    assert saved(access) == before


def test_a_reason_in_any_language_with_emoji_is_kept(client, comms, access):
    client.force_login(comms)
    reason = "Enquête en cours — مراجعة 👩\u200d💻"

    assert client.post(suspend_url(access), {"reason": reason}).status_code == 302
    assert AuthorisedUser.objects.get(pk=access.pk).suspension_reason == reason
