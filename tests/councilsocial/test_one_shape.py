"""One shape for every state change (issue 12 item 3; STYLE 4–5).

Every FSM transition is made by a service through ``councilsocial.lib.transitions.run_transition``:
nothing else calls a transition method; someone else's change landing first (a
``ConcurrentTransition``) is told plainly in each service; and no template decides a status's
colour or compares a status: the one include does, from the colours each app registers.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.signals import pre_save
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMFieldMixin
from django_fsm_log.models import StateLog

from accounts_register import services as register
from accounts_register.models import (
    AccessEndReason,
    AccessRole,
    AccessStatus,
    AccountStatus,
    AuthorisedUser,
    SocialMediaAccount,
)
from business_cases import services as cases
from business_cases.models import BusinessCase, CaseStatus
from councilsocial import status_tags
from councilsocial.lib.transitions import STALE_MESSAGE, StaleTransition, run_transition
from monitoring import services as monitoring
from monitoring.models import Enquiry, EnquiryStatus, Response, ResponseKind
from operations import services as ops
from operations.models import (
    Emergency,
    EmergencyStatus,
    Incident,
    IncidentKind,
    IncidentStatus,
    MonitoringTerm,
    MonitoringTermStatus,
    Severity,
)
from risk_assessments import services as risks
from risk_assessments.models import RiskAssessment, RiskAssessmentStatus
from risk_assessments.services import RiskAssessmentError
from tests.factories import AccountFactory, BusinessCaseFactory, EnquiryFactory
from tests.risk_assessments.helpers import score_all

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts_register",
    "business_cases",
    "monitoring",
    "operations",
    "risk_assessments",
    "councilsocial",
)


# --- Nothing but the services calls a transition ----------------------------------------------------
def _fsm_models():
    return [
        model
        for model in apps.get_models()
        if any(isinstance(field, FSMFieldMixin) for field in model._meta.get_fields())
        and not hasattr(model, "instance_type")  # a history table's copy of the model
    ]


def _transition_names() -> set[str]:
    names = set()
    for model in _fsm_models():
        for name in dir(model):
            if hasattr(getattr(model, name, None), "_django_fsm"):
                names.add(name)
    return names


def _python_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            # The platforms' connectors hold no model (their ``answer``/``method`` are a platform's).
            if "migrations" not in path.parts and "connectors" not in path.parts:
                yield path


def _direct_calls(path: Path, names: set[str]) -> list[tuple[str, str]]:
    """(enclosing function, name) for each call of a method named like a transition."""
    found = []
    tree = ast.parse(path.read_text())
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if called in names:
                found.append((function.name, called))
    return found


#: Transitions made directly, and why each is still one service's business.
ALLOWED_DIRECT = {
    # The runner itself: ``method(by=by, description=…)``.
    ("councilsocial/lib/transitions.py", "run_transition", "method"),
    # Made by the system inside the risk assessment's acceptance, on the locked case it belongs to.
    ("business_cases/services.py", "_record_risk_assessment_accepted", "accept_risk_assessment"),
    # Not a transition: a spreadsheet workbook being closed.
    ("councilsocial/lib/spreadsheets_read.py", "_read_xlsx", "close"),
}


def test_the_model_transitions_are_known():
    names = _transition_names()
    assert {"activate", "withdraw", "lift", "close", "approve", "answer", "undo_to_open"} <= names
    assert {"suspend", "restore", "end_access"} <= names


def test_no_view_admin_api_task_or_command_calls_a_transition_itself():
    names = _transition_names() | {"method"}
    seen, outside_services = set(), []
    for path in _python_files():
        relative = str(path.relative_to(ROOT))
        for function, name in _direct_calls(path, names):
            seen.add((relative, function, name))
            if (relative, function, name) not in ALLOWED_DIRECT:
                outside_services.append(f"{relative}: {function}() calls .{name}()")
    assert outside_services == []
    assert seen == ALLOWED_DIRECT  # the search finds the calls it allows, so it would find others


def test_every_converted_service_module_uses_the_shared_runner():
    for module in ("accounts_register", "business_cases", "monitoring", "operations", "risk_assessments"):
        assert "run_transition(" in (ROOT / module / "services.py").read_text(), module


# --- The runner: someone else's change landing first is said plainly -------------------------------
@pytest.fixture
def incident(officer, service):
    account = AccountFactory(service=service)
    return Incident.objects.create(
        kind=IncidentKind.MEDIA,
        severity=Severity.LOW,
        account=account,
        what_happened="A reporter asked about a post.",
        reported_by=officer,
        reported_at=timezone.now(),
    )


def test_the_runner_turns_a_concurrent_transition_into_its_plain_message(comms, incident):
    def someone_else_closes_it(row):
        Incident.objects.filter(pk=row.pk).update(status=IncidentStatus.CLOSED)

    with pytest.raises(StaleTransition) as refused:
        run_transition(
            queryset=Incident, pk=incident.pk, name="close", by=comms, prepare=someone_else_closes_it
        )
    assert refused.value.message == STALE_MESSAGE
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.OPEN  # nothing of the failed attempt was kept
    assert not StateLog.objects.for_(incident).exists()


def test_the_runner_refuses_a_person_without_the_transitions_permission(officer, incident):
    with pytest.raises(PermissionDenied):
        run_transition(queryset=Incident, pk=incident.pk, name="close", by=officer)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.OPEN


def test_the_runner_logs_who_and_why(comms, incident):
    run_transition(queryset=Incident, pk=incident.pk, name="close", by=comms, description="Dealt with")
    log = StateLog.objects.for_(incident).get()
    assert (log.by, log.description, log.state) == (comms, "Dealt with", IncidentStatus.CLOSED)


def test_the_runner_refuses_a_move_the_status_does_not_allow(comms, incident):
    run_transition(queryset=Incident, pk=incident.pk, name="close", by=comms)
    with pytest.raises(ValidationError):
        run_transition(queryset=Incident, pk=incident.pk, name="close", by=comms)


# --- Each converted service: a concurrent change, and a stale copy --------------------------------
@dataclass
class Case:
    """A converted service: how to make its row, call it, and what a person is told."""

    model: type
    make: object  # (people) -> row
    call: object  # (row, people) -> None
    moved_on: str  # a status someone else's change leaves the row in
    stale: type[Exception]
    message: str  # what the person is told when someone else got there first


def _people(officer, manager, comms, service):
    return {"officer": officer, "manager": manager, "comms": comms, "service": service}


def _enquiry(p):
    return EnquiryFactory(account=AccountFactory(service=p["service"]))


def _case_awaiting_comms(p):
    case = BusinessCaseFactory(service=p["service"], author=p["officer"])
    BusinessCase.objects.filter(pk=case.pk).update(status=CaseStatus.AWAITING_COMMS)
    return BusinessCase.objects.get(pk=case.pk)


def _response(p):
    enquiry = _enquiry(p)
    return monitoring.enquiry_record_response(
        enquiry=enquiry,
        kind=ResponseKind.FULL,
        responded_at=timezone.now(),
        by=p["officer"],
        now=timezone.now(),
    )


def _complete_draft(p):
    draft = risks.risk_assessment_start(
        account=AccountFactory(service=p["service"]), by=p["officer"], now=timezone.now()
    )
    score_all(draft, p["officer"])
    return draft


def _access(p):
    return AuthorisedUser.objects.create(
        account=AccountFactory(service=p["service"]),
        person=p["officer"],
        role=AccessRole.EDITOR,
        granted_by=p["comms"],
        granted_at=timezone.now(),
    )


def _suspended_access(p):
    access = register.authorised_user_suspend(
        access=_access(p), by=p["comms"], reason="Investigation", now=timezone.now()
    )
    return AuthorisedUser.objects.get(pk=access.pk)


CASES = {
    "access end": Case(
        AuthorisedUser,
        _access,
        lambda row, p: register.authorised_user_end(
            access=row, by=p["manager"], reason=AccessEndReason.REVOKED, now=timezone.now()
        ),
        AccessStatus.ENDED,
        register.StaleAccess,
        register.STALE_ACCESS_MESSAGE,
    ),
    "access restore": Case(
        AuthorisedUser,
        _suspended_access,
        lambda row, p: register.authorised_user_restore(access=row, by=p["manager"], now=timezone.now()),
        AccessStatus.ENDED,
        register.StaleAccess,
        register.STALE_ACCESS_MESSAGE,
    ),
    "account status": Case(
        SocialMediaAccount,
        lambda p: AccountFactory(service=p["service"]),
        lambda row, p: register.account_change_status(
            account=row, transition="suspend", by=p["comms"], reason="Not used for a year"
        ),
        AccountStatus.CLOSED,
        register.StaleAccount,
        register.STALE_ACCOUNT_MESSAGE,
    ),
    "business case": Case(
        BusinessCase,
        _case_awaiting_comms,
        lambda row, p: cases.business_case_withdraw(case=row, by=p["officer"], now=timezone.now()),
        CaseStatus.REJECTED,
        cases.AlreadyDecided,
        cases.ALREADY_DECIDED,
    ),
    "emergency lift": Case(
        Emergency,
        lambda p: Emergency.objects.create(
            title="Flooding",
            reason="Major incident",
            holding_message="We are responding.",
            declared_by=p["comms"],
            declared_at=timezone.now(),
        ),
        lambda row, p: ops.emergency_lift(
            emergency=row, by=p["comms"], all_clear_message="Back to normal.", now=timezone.now()
        ),
        EmergencyStatus.LIFTED,
        ops.OperationStale,
        "Someone else lifted this emergency first.",
    ),
    "incident close": Case(
        Incident,
        lambda p: Incident.objects.create(
            kind=IncidentKind.MEDIA,
            severity=Severity.LOW,
            account=AccountFactory(service=p["service"]),
            what_happened="A reporter asked.",
            reported_by=p["officer"],
            reported_at=timezone.now(),
        ),
        lambda row, p: ops.incident_close(
            incident=row, by=p["comms"], outcome="Answered", now=timezone.now()
        ),
        IncidentStatus.CLOSED,
        ops.OperationStale,
        "Someone else closed this incident first.",
    ),
    "monitoring term": Case(
        MonitoringTerm,
        lambda p: MonitoringTerm.objects.create(
            term="wildfire",
            reason="Summer",
            service=p["service"],
            requested_by=p["officer"],
            requested_at=timezone.now(),
        ),
        lambda row, p: ops.monitoring_term_decide(
            term=row, by=p["comms"], approve=True, comment="Yes", now=timezone.now()
        ),
        MonitoringTermStatus.DECLINED,
        ops.OperationStale,
        "Someone else decided this request first.",
    ),
    "enquiry response": Case(
        Enquiry,
        _enquiry,
        lambda row, p: monitoring.enquiry_record_response(
            enquiry=row,
            kind=ResponseKind.FULL,
            responded_at=timezone.now(),
            by=p["officer"],
            now=timezone.now(),
        ),
        EnquiryStatus.ANSWERED,
        monitoring.ResponseStale,
        monitoring.STALE_RESPONSE_MESSAGE,
    ),
    "risk assessment": Case(
        RiskAssessment,
        _complete_draft,
        lambda row, p: risks.risk_assessment_submit(assessment=row, by=p["officer"], now=timezone.now()),
        RiskAssessmentStatus.SUBMITTED,
        RiskAssessmentError,
        risks.STALE_MESSAGE,
    ),
    "response undo": Case(
        Enquiry,
        _response,
        lambda row, p: monitoring.response_undo(response=row, by=p["officer"], now=timezone.now()),
        EnquiryStatus.HOLDING,
        monitoring.UndoStale,
        "Someone else changed this enquiry first. Look at it again.",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_someone_elses_change_landing_first_is_said_plainly(name, officer, manager, comms, service):
    """A ``ConcurrentTransition``: another change reaches the row between our read and our save."""
    case = CASES[name]
    people = _people(officer, manager, comms, service)
    row = case.make(people)
    pk = row.enquiry_id if isinstance(row, Response) else row.pk

    def another_change_lands(sender, instance, **kwargs):
        if instance.pk == pk:
            case.model.objects.filter(pk=pk).update(status=case.moved_on)

    pre_save.connect(another_change_lands, sender=case.model, dispatch_uid="test_one_shape")
    try:
        with pytest.raises(case.stale) as refused:
            case.call(row, people)
    finally:
        pre_save.disconnect(sender=case.model, dispatch_uid="test_one_shape")
    assert str(refused.value.message) == case.message


STALE_COPY = {
    # name: (what another person did first, what the person with the stale copy is told)
    "access end": (
        lambda row, p: register.authorised_user_end(
            access=row, by=p["comms"], reason=AccessEndReason.LEFT, now=timezone.now()
        ),
        register.STALE_ACCESS_MESSAGE,
    ),
    "access restore": (
        lambda row, p: register.authorised_user_restore(access=row, by=p["comms"], now=timezone.now()),
        register.STALE_ACCESS_MESSAGE,
    ),
    "account status": (
        lambda row, p: register.account_change_status(
            account=row, transition="close", by=p["comms"], reason="Gone"
        ),
        register.STALE_ACCOUNT_MESSAGE,
    ),
    "emergency lift": (
        lambda row, p: ops.emergency_lift(
            emergency=row, by=p["comms"], all_clear_message="Done", now=timezone.now()
        ),
        "This emergency has already been lifted.",
    ),
    "incident close": (
        lambda row, p: ops.incident_close(incident=row, by=p["comms"], outcome="Done", now=timezone.now()),
        "This incident is already closed.",
    ),
    "monitoring term": (
        lambda row, p: ops.monitoring_term_decide(
            term=row, by=p["comms"], approve=False, comment="No", now=timezone.now()
        ),
        "This request has already been decided.",
    ),
    "enquiry response": (
        lambda row, p: monitoring.enquiry_record_response(
            enquiry=row,
            kind=ResponseKind.FULL,
            responded_at=timezone.now(),
            by=p["manager"],
            now=timezone.now(),
        ),
        "This enquiry is already closed.",
    ),
    "response undo": (
        lambda row, p: monitoring.response_undo(response=row, by=p["officer"], now=timezone.now()),
        "This response has already been undone.",
    ),
}


@pytest.mark.parametrize("name", STALE_COPY)
def test_acting_on_a_stale_copy_is_refused_plainly_and_changes_nothing(
    name, officer, manager, comms, service
):
    case = CASES[name]
    people = _people(officer, manager, comms, service)
    stale = case.make(people)  # loaded before someone else's change
    first, message = STALE_COPY[name]
    first(case.model.objects.get(pk=stale.pk) if not isinstance(stale, Response) else stale, people)
    pk = stale.enquiry_id if isinstance(stale, Response) else stale.pk
    before = case.model.objects.get(pk=pk).status
    logs = StateLog.objects.count()
    with pytest.raises(Exception) as refused:
        case.call(stale, people)
    said = getattr(refused.value, "message", None) or " ".join(getattr(refused.value, "errors", {}).values())
    assert said == message or str(refused.value) == message
    assert case.model.objects.get(pk=pk).status == before
    assert StateLog.objects.count() == logs


def test_a_business_case_acted_on_from_a_stale_page_is_already_decided(officer, manager, comms, service):
    case = _case_awaiting_comms(_people(officer, manager, comms, service))
    cases.business_case_withdraw(case=case, by=officer, now=timezone.now())
    with pytest.raises(cases.AlreadyDecided, match=cases.ALREADY_DECIDED):
        cases.business_case_withdraw(
            case=case, by=officer, now=timezone.now(), expected_status=CaseStatus.AWAITING_COMMS
        )


# --- Templates: one include decides a status's colour --------------------------------------------
TEMPLATES = ROOT / "templates"
INCLUDE = TEMPLATES / "includes" / "status_tag.html"


def _templates():
    return [path for path in TEMPLATES.rglob("*.html") if path != INCLUDE]


def test_no_template_compares_a_status():
    comparing = re.compile(r"status\s*(==|!=)|\bstatus\s+in\s")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _templates()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if comparing.search(line)
    ]
    assert found == []


def test_no_template_names_a_tag_colour_outside_the_one_include():
    found = [str(path.relative_to(ROOT)) for path in _templates() if "govuk-tag--" in path.read_text()]
    assert found == []


def test_every_tag_is_drawn_by_the_one_include_or_the_score_tag():
    """The score tag (a risk's score, not a status) asks the same registry for its colour."""
    score_tag = TEMPLATES / "risk_assessments" / "includes" / "score_tag.html"
    found = [
        str(p.relative_to(ROOT)) for p in _templates() if p != score_tag and "govuk-tag" in p.read_text()
    ]
    assert found == []
    assert "{% status_tag_class" in score_tag.read_text()


def test_every_status_of_every_state_machine_has_a_colour():
    registered = status_tags.registered()
    for model in _fsm_models():
        field = next(f for f in model._meta.get_fields() if isinstance(f, FSMFieldMixin))
        kind = status_tags.kind_of(model)
        assert set(registered.get(kind, {})) == {str(v) for v, _label in field.choices}, kind


@pytest.mark.parametrize(
    ("status", "colour"),
    [(AccountStatus.ACTIVE, "green"), (AccountStatus.SUSPENDED, "orange"), (AccountStatus.ARCHIVED, "grey")],
)
def test_the_include_shows_a_records_status_in_its_colour(status, colour, service):
    account = AccountFactory(service=service, status=status)
    html = render_to_string("includes/status_tag.html", {"of": account})
    assert html == f'<strong class="govuk-tag govuk-tag--{colour}">{account.get_status_display()}</strong>'


def test_the_same_word_is_coloured_by_whose_status_it_is(comms):
    """``active`` is good news for an account and bad news for an emergency."""
    emergency = Emergency(title="Flooding", status=EmergencyStatus.ACTIVE)
    account = SocialMediaAccount(status=AccountStatus.ACTIVE)
    assert "govuk-tag--red" in render_to_string("includes/status_tag.html", {"of": emergency})
    assert "govuk-tag--green" in render_to_string("includes/status_tag.html", {"of": account})


def test_a_marker_says_its_own_words_in_the_registered_colour():
    html = render_to_string(
        "includes/status_tag.html", {"kind": "marker", "status": "late", "label": "Overdue <now>"}
    )
    assert html == '<strong class="govuk-tag govuk-tag--red">Overdue &lt;now&gt;</strong>'


def test_a_colour_that_govuk_does_not_have_is_refused():
    with pytest.raises(ValueError, match="Not GOV.UK tag colours"):
        status_tags.register("nonsense", {"x": "sparkly"})


def test_the_inbox_row_for_an_enquiry_with_a_holding_reply_says_so(officer, service, client):
    enquiry = _enquiry(_people(officer, None, None, service))
    monitoring.enquiry_record_response(
        enquiry=enquiry,
        kind=ResponseKind.HOLDING,
        responded_at=timezone.now(),
        by=officer,
        now=timezone.now(),
    )
    client.force_login(officer)
    page = client.get(reverse("inbox")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--blue">Holding reply sent</strong>' in page
    assert "Full answer to follow" in page
