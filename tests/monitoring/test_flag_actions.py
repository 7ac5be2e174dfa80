"""Flags you can act on (issue 13 item 2): every flag links to its subject and says how to clear it;
Communications assign flags and add notes, kept in the flag's history; the list filters and exports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts_register.models import AccessRole, AuthorisedUser
from councilsocial.flags.models import FlagEvent, FlagKind, GovernanceFlag
from councilsocial.notifications.models import Notification
from monitoring.flag_guidance import GUIDANCE
from risk_assessments import services as risk_services
from tests.factories import AccountFactory, BusinessCaseFactory, EnquiryFactory
from tests.monitoring.sync_helpers import connect
from tests.operations.policy import policy_version

pytestmark = pytest.mark.django_db


def _flag(kind, subject, *, account=None, service=None, raised_at=None):
    return GovernanceFlag.objects.create(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        account=account,
        service=service,
        raised_at=raised_at or timezone.now(),
    )


@pytest.fixture
def one_flag_of_each_kind(service, officer, manager, comms):
    """A real subject and an open flag for every kind, in the officer's service."""
    now = timezone.now()
    account = AccountFactory(service=service, display_name="Countryside walks")
    access = AuthorisedUser.objects.create(
        account=account,
        person=officer,
        role=AccessRole.TEMPORARY,
        granted_by=manager,
        granted_at=now - timedelta(days=30),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    subjects = {
        FlagKind.OVERDUE_ENQUIRY: EnquiryFactory(account=account),
        FlagKind.ACCOUNT_INACTIVE: account,
        FlagKind.POSTING_BELOW_GUIDELINE: account,
        FlagKind.TEMPORARY_ACCESS_EXPIRED: access,
        FlagKind.RISK_REVIEW_OVERDUE: risk_services.risk_assessment_start(
            account=account, by=officer, now=now
        ),
        FlagKind.CREDENTIALS_NOT_ROTATED: account,
        FlagKind.BUSINESS_CASE_WAITING: BusinessCaseFactory(
            service=service, author=officer, status="awaiting_director"
        ),
        FlagKind.ACCOUNT_REVIEW_OVERDUE: account,
        FlagKind.ACCOUNT_WITHOUT_OWNER: account,
        FlagKind.POLICY_REVIEW_DUE: policy_version(
            reviewed_on=timezone.localdate() - timedelta(days=400), by=comms
        ),
        FlagKind.CONNECTION_FAILING: connect(account, now=now),
    }
    assert set(subjects) == set(FlagKind.values)
    return {
        kind: _flag(
            kind, subject, account=account if kind != FlagKind.POLICY_REVIEW_DUE else None, service=service
        )
        for kind, subject in subjects.items()
    }


def test_every_flag_kind_has_one_guidance_entry():
    assert set(GUIDANCE) == set(FlagKind.values)
    for guidance in GUIDANCE.values():
        assert guidance.how_to_clear.endswith(".")
        assert guidance.how_to_clear[0].isupper()


@pytest.mark.parametrize("kind", FlagKind.values)
def test_each_flag_kind_links_to_its_subject_and_to_where_it_is_cleared(
    client, comms, one_flag_of_each_kind, kind
):
    flag = one_flag_of_each_kind[kind]
    client.force_login(comms)
    page = client.get(reverse("flag-list"), {"kind": kind}).content.decode()
    guidance = GUIDANCE[kind]
    assert guidance.how_to_clear.replace("'", "&#x27;") in page
    action_url, subject_url = guidance.action_url(flag), guidance.subject_url(flag)
    assert f'href="{action_url}"' in page
    assert f'href="{subject_url}"' in page
    # Both pages open for Communications (the access-end page and the rest alike).
    assert client.get(action_url).status_code == 200, action_url
    assert client.get(subject_url).status_code == 200, subject_url


def test_comms_assigns_a_flag_with_a_note_and_the_person_is_emailed_once(
    client, comms, manager, one_flag_of_each_kind
):
    flag = one_flag_of_each_kind[FlagKind.ACCOUNT_WITHOUT_OWNER]
    client.force_login(comms)
    response = client.post(
        reverse("flag-detail", kwargs={"pk": flag.pk}),
        {"action": "assign", "assigned_to": manager.pk, "note": "Please name an owner this week."},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.assigned_to == manager
    assert flag.resolved_at is None  # assigning never clears a flag
    event = FlagEvent.objects.get(flag=flag)
    assert (event.kind, event.by, event.assigned_to, event.note) == (
        "assigned",
        comms,
        manager,
        "Please name an owner this week.",
    )
    emails = Notification.objects.filter(to=manager.email)
    assert emails.count() == 1
    assert reverse("flag-detail", kwargs={"pk": flag.pk}) in emails.get().body
    # Shown in the history, and the list filters by assignee.
    page = client.get(reverse("flag-detail", kwargs={"pk": flag.pk})).content.decode()
    assert "assigned it to" in page and "Please name an owner this week." in page
    listed = client.get(reverse("flag-list"), {"assignee": str(manager.pk)}).content.decode()
    assert "1 open flag" in listed


def test_comms_adds_a_note_kept_in_the_history(client, comms, one_flag_of_each_kind):
    flag = one_flag_of_each_kind[FlagKind.CREDENTIALS_NOT_ROTATED]
    client.force_login(comms)
    client.post(
        reverse("flag-detail", kwargs={"pk": flag.pk}), {"action": "note", "note": "Asked IT on Monday."}
    )
    assert FlagEvent.objects.get(flag=flag).note == "Asked IT on Monday."
    flag.refresh_from_db()
    assert flag.resolved_at is None
    assert (
        "Asked IT on Monday." in client.get(reverse("flag-detail", kwargs={"pk": flag.pk})).content.decode()
    )


def test_an_empty_note_is_refused_with_a_message(client, comms, one_flag_of_each_kind):
    flag = one_flag_of_each_kind[FlagKind.CREDENTIALS_NOT_ROTATED]
    client.force_login(comms)
    response = client.post(reverse("flag-detail", kwargs={"pk": flag.pk}), {"action": "note", "note": "  "})
    assert response.status_code == 200
    assert "Enter the note" in response.content.decode()
    assert not FlagEvent.objects.exists()


def test_service_officer_sees_their_flag_but_cannot_assign_it(
    client, officer, manager, one_flag_of_each_kind
):
    flag = one_flag_of_each_kind[FlagKind.ACCOUNT_INACTIVE]
    client.force_login(officer)
    assert client.get(reverse("flag-detail", kwargs={"pk": flag.pk})).status_code == 200
    response = client.post(
        reverse("flag-detail", kwargs={"pk": flag.pk}), {"action": "assign", "assigned_to": manager.pk}
    )
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.assigned_to is None
    assert not FlagEvent.objects.exists()


def test_another_service_cannot_see_the_flag(client, other_service, one_flag_of_each_kind):
    flag = one_flag_of_each_kind[FlagKind.ACCOUNT_INACTIVE]
    client.force_login(other_service.officers.get())
    assert client.get(reverse("flag-detail", kwargs={"pk": flag.pk})).status_code == 404


def test_the_flag_list_filters_by_kind_service_assignee_and_age(
    client, comms, service, other_service, one_flag_of_each_kind
):
    old_account = AccountFactory(service=other_service, display_name="Old safety account")
    old = _flag(
        FlagKind.ACCOUNT_INACTIVE,
        old_account,
        account=old_account,
        service=other_service,
        raised_at=timezone.now() - timedelta(days=45),
    )
    client.force_login(comms)

    def count(**params):
        response = client.get(reverse("flag-list"), params)
        return response.context["page"].paginator.count

    every = len(FlagKind.values) + 1  # one of each kind, and the old one
    assert count() == every
    assert count(kind=FlagKind.ACCOUNT_INACTIVE) == 2
    assert count(service=str(other_service.pk)) == 1
    assert count(age="30") == 1
    assert count(age="90") == 0
    assert count(assignee="nobody") == every
    GovernanceFlag.objects.filter(pk=old.pk).update(assigned_to=comms)
    assert count(assignee="me") == 1
    assert count(service="not-a-number", age="forever", kind="nonsense", assignee="<x>") == every


def test_the_flag_list_exports_formula_safe_csv(client, comms, service):
    account = AccountFactory(service=service, display_name="=HYPERLINK(evil)")
    _flag(FlagKind.ACCOUNT_INACTIVE, account, account=account, service=service)
    client.force_login(comms)
    response = client.get(reverse("flag-list"), {"export": "csv", "kind": FlagKind.ACCOUNT_INACTIVE})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Kind,Account,Service,Raised,Assigned to,How to clear it,Where")
    assert len(lines) == 2
    assert "'=HYPERLINK(evil)" in lines[1]
    assert GUIDANCE[FlagKind.ACCOUNT_INACTIVE].how_to_clear in body


def test_posting_to_the_flag_page_never_clears_or_reraises_it(client, comms, one_flag_of_each_kind):
    flag = one_flag_of_each_kind[FlagKind.ACCOUNT_INACTIVE]
    client.force_login(comms)
    before = GovernanceFlag.objects.values("raised_at", "resolved_at").get(pk=flag.pk)
    for data in (
        {"resolved_at": "2026-01-01", "action": "delete"},
        {"action": "assign", "assigned_to": "", "resolved_at": "2026-01-01"},
        {"action": "note", "note": "done", "raised_at": "2020-01-01"},
    ):
        assert client.post(reverse("flag-detail", kwargs={"pk": flag.pk}), data).status_code in (200, 302)
    assert GovernanceFlag.objects.values("raised_at", "resolved_at").get(pk=flag.pk) == before
