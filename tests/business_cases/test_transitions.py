"""Every transition × every role: the allowed role succeeds, every other is refused and nothing changes."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_fsm_log.models import StateLog

from business_cases import services
from business_cases.models import BusinessCase, CaseStatus

from .conftest import accept_risk_assessment_for

pytestmark = pytest.mark.django_db

ROLES = ["author", "manager", "director", "other_director", "comms", "administrator", "outsider"]

# (service, source state, the one role allowed, target state, keyword arguments)
TRANSITIONS = [
    (services.business_case_submit, "draft", "author", "advice_requested", {}),
    (services.business_case_submit, "changes_requested", "author", "advice_requested", {}),
    (services.business_case_advise, "advice_requested", "comms", "advised", {"comment": "Go ahead."}),
    (services.business_case_send_to_director, "advised", "author", "awaiting_director", {}),
    (services.business_case_approve, "awaiting_director", "director", "awaiting_comms", {}),
    (services.business_case_approve, "awaiting_comms", "comms", "approved", {}),
    (
        services.business_case_return,
        "advice_requested",
        "comms",
        "changes_requested",
        {"comment": "Say more."},
    ),
    (
        services.business_case_return,
        "awaiting_director",
        "director",
        "changes_requested",
        {"comment": "Costs?"},
    ),
    (services.business_case_return, "awaiting_comms", "comms", "changes_requested", {"comment": "Audience?"}),
    (services.business_case_reject, "awaiting_director", "director", "rejected", {"comment": "Not now."}),
    (services.business_case_reject, "awaiting_comms", "comms", "rejected", {"comment": "Duplicate."}),
    (
        services.business_case_go_live,
        "approved",
        "comms",
        "live",
        {"admin_mailbox": "countryside@cannockchasedc.gov.uk", "comms_has_admin_access": True},
    ),
    (
        services.business_case_go_live,
        "risk_assessment_accepted",
        "comms",
        "live",
        {"admin_mailbox": "countryside@cannockchasedc.gov.uk", "comms_has_admin_access": True},
    ),
    *[
        (services.business_case_withdraw, state, "author", "withdrawn", {})
        for state in [
            "draft",
            "advice_requested",
            "advised",
            "awaiting_director",
            "awaiting_comms",
            "approved",
            "risk_assessment_accepted",
            "changes_requested",
        ]
    ],
]
CASES = [
    pytest.param(action, source, allowed, target, kwargs, role, id=f"{action.__name__}-{source}-{role}")
    for action, source, allowed, target, kwargs in TRANSITIONS
    for role in ROLES
]


@pytest.mark.parametrize(("action", "source", "allowed", "target", "kwargs", "role"), CASES)
def test_each_transition_is_made_only_by_its_role(
    make_case, roles, action, source, allowed, target, kwargs, role
):
    case = make_case(source)
    if action is services.business_case_go_live:
        accept_risk_assessment_for(case, roles["comms"])  # as the real path to going live has
    logs_before = StateLog.objects.for_(case).count()

    if role == allowed:
        result = action(case=case, by=roles[role], now=timezone.now(), **kwargs)
        assert result.status == target
        assert BusinessCase.objects.get(pk=case.pk).status == target
        entry = StateLog.objects.for_(case).latest("timestamp")
        # From approved, going live first records the accepted risk assessment (issue 11, defect 10).
        recorded_first = action is services.business_case_go_live and source == "approved"
        expected_source = "risk_assessment_accepted" if recorded_first else source
        assert (entry.source_state, entry.state, entry.by) == (expected_source, target, roles[role])
        assert entry.description == (kwargs.get("comment") or None)
    else:
        with pytest.raises(services.NotAllowed):
            action(case=case, by=roles[role], now=timezone.now(), **kwargs)
        assert BusinessCase.objects.get(pk=case.pk).status == source
        assert StateLog.objects.for_(case).count() == logs_before


@pytest.mark.parametrize("state", ["live", "rejected", "withdrawn"])
def test_a_closed_case_cannot_be_withdrawn(make_case, officer, state):
    case = make_case(state)
    with pytest.raises(services.NotAllowed):
        services.business_case_withdraw(case=case, by=officer, now=timezone.now())
    assert BusinessCase.objects.get(pk=case.pk).status == state


def test_the_state_cannot_be_assigned_directly(make_case):
    case = make_case("draft")
    with pytest.raises(AttributeError):
        case.status = CaseStatus.LIVE


@pytest.mark.parametrize(
    ("action", "source", "role"),
    [
        (services.business_case_return, "awaiting_director", "director"),
        (services.business_case_reject, "awaiting_director", "director"),
        (services.business_case_return, "awaiting_comms", "comms"),
        (services.business_case_reject, "awaiting_comms", "comms"),
        (services.business_case_advise, "advice_requested", "comms"),
    ],
)
def test_returning_rejecting_and_advising_need_a_comment(make_case, roles, action, source, role):
    case = make_case(source)
    with pytest.raises(services.CommentRequired):
        action(case=case, by=roles[role], comment="   ", now=timezone.now())
    assert BusinessCase.objects.get(pk=case.pk).status == source


def test_a_case_that_moved_on_is_not_decided_again(make_case, director):
    case = make_case("awaiting_comms")
    with pytest.raises(services.AlreadyDecided, match="This case has already been decided"):
        services.business_case_approve(
            case=case, by=director, now=timezone.now(), expected_status=CaseStatus.AWAITING_DIRECTOR
        )
    assert BusinessCase.objects.get(pk=case.pk).status == "awaiting_comms"


def test_each_transition_restarts_the_waiting_clock(make_case, director):
    case = make_case("awaiting_director", state_entered_at=timezone.now() - timezone.timedelta(days=20))
    now = timezone.now()
    result = services.business_case_approve(case=case, by=director, now=now)
    assert (result.state_entered_at, result.reminded_at) == (now, None)


@pytest.mark.parametrize(
    ("action", "comment"),
    [
        (services.business_case_return, "Please add the costs."),
        (services.business_case_reject, "Not needed."),
    ],
)
def test_the_author_is_emailed_the_directors_comment(make_case, officer, director, action, comment):
    from councilsocial.notifications.models import Notification

    case = make_case("awaiting_director")
    action(case=case, by=director, comment=comment, now=timezone.now())
    message = Notification.objects.get(to=officer.email)
    assert comment in message.body


def test_the_directors_approval_tells_communications(make_case, director, comms):
    from councilsocial.notifications.models import Notification

    case = make_case("awaiting_director")
    services.business_case_approve(case=case, by=director, now=timezone.now())
    assert list(Notification.objects.values_list("to", flat=True)) == [comms.email]
