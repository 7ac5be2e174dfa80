"""Who may read and change each object type, per role: the table, checked through the one access
function per object type (``get_<thing>_for_user``) and its ``visible_to`` queryset.

Roles, for an object of the Countryside Service: its officer and manager (members), the Corporate
Director of its directorate, Communications, an administrator and someone in no role. "ok" means
allowed, "404" that the object does not exist for them, "403" that they may see it but not change it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accounts_register.selectors import ServiceRole, get_account_for_user, service_role
from business_cases.models import BusinessCase
from business_cases.selectors import get_case_for_user
from monitoring.models import Enquiry
from monitoring.selectors import get_enquiry_for_user
from operations.models import (
    Incident,
    IncidentKind,
    MonitoringTerm,
    PhotoConsent,
    Severity,
)
from operations.selectors import get_incident_for_user, get_monitoring_term_for_user
from risk_assessments import services as risk_services
from risk_assessments.models import RiskAssessment
from risk_assessments.selectors import get_assessment_for_user
from tests.factories import AccountFactory, BusinessCaseFactory, EnquiryFactory

pytestmark = pytest.mark.django_db

ROLES = ("officer", "manager", "director", "comms", "administrator", "outsider")

# object type: {role: (read, write)}. The business case is the officer's own (its author).
TABLE = {
    "account": {
        "officer": ("ok", "403"),
        "manager": ("ok", "403"),
        "director": ("ok", "403"),
        "comms": ("ok", "ok"),  # Communications keeps the register (001 §19, §28)
        "administrator": ("404", "404"),
        "outsider": ("404", "404"),
    },
    "business case": {
        "officer": ("ok", "ok"),  # the author alone changes the answers
        "manager": ("ok", "404"),
        "director": ("ok", "404"),
        "comms": ("ok", "404"),
        "administrator": ("404", "404"),
        "outsider": ("404", "404"),
    },
    "risk assessment": {
        "officer": ("ok", "ok"),  # the owning service writes it (000 §6e, §25)
        "manager": ("ok", "ok"),
        "director": ("ok", "403"),
        "comms": ("ok", "403"),  # Communications decides it, through its own transitions
        "administrator": ("404", "404"),
        "outsider": ("404", "404"),
    },
    "enquiry": {
        "officer": ("ok", "ok"),  # answering is the service's own work (000 §25)
        "manager": ("ok", "ok"),
        "director": ("404", "404"),
        "comms": ("ok", "ok"),
        "administrator": ("404", "404"),
        "outsider": ("404", "404"),
    },
    "incident": {
        "officer": ("ok", "ok"),
        "manager": ("ok", "ok"),
        "director": ("ok", "404"),
        "comms": ("ok", "ok"),
        "administrator": ("404", "404"),
        "outsider": ("404", "404"),
    },
    "monitoring term": {
        "officer": ("ok", "403"),  # the service asks; Communications decides (003 D11.2)
        "manager": ("ok", "403"),
        "director": ("404", "404"),
        "comms": ("ok", "ok"),
        "administrator": ("404", "404"),
        "outsider": ("404", "404"),
    },
}

# Object types read only in lists: whether the role's ``visible_to`` includes the service's object.
LISTED = {
    "photo consent": {"officer", "manager", "director", "comms"},
}

SERVICE_ROLES = {
    "officer": ServiceRole.OFFICER,
    "manager": ServiceRole.MANAGER,
    "director": ServiceRole.DIRECTOR,
    "comms": ServiceRole.COMMUNICATIONS,
    "administrator": ServiceRole.NONE,
    "outsider": ServiceRole.NONE,
}


@pytest.fixture
def objects(service, officer, comms):
    now = timezone.now()
    account = AccountFactory(service=service)
    case = BusinessCaseFactory(service=service, author=officer)
    assessment = risk_services.risk_assessment_start(by=officer, account=account, now=now)
    return {
        "account": (account, get_account_for_user, None),
        "business case": (case, get_case_for_user, BusinessCase),
        "risk assessment": (assessment, get_assessment_for_user, RiskAssessment),
        "enquiry": (EnquiryFactory(account=account), get_enquiry_for_user, Enquiry),
        "incident": (
            Incident.objects.create(
                kind=IncidentKind.ABUSE,
                severity=Severity.LOW,
                account=account,
                what_happened="Abusive replies overnight.",
                reported_by=officer,
                reported_at=now,
            ),
            get_incident_for_user,
            Incident,
        ),
        "monitoring term": (
            MonitoringTerm.objects.create(
                term="Chase Fest",
                reason="Our event.",
                service=service,
                requested_by=officer,
                requested_at=now,
            ),
            get_monitoring_term_for_user,
            MonitoringTerm,
        ),
        "photo consent": PhotoConsent.objects.create(
            reference="PC-1",
            covers="Guided walk photographs.",
            service=service,
            signed_on=now.date(),
            recorded_by=officer,
        ),
    }


def _outcome(access, user, pk, *, write: bool) -> str:
    try:
        access(user, pk, write=write)
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


CASES = [(thing, role) for thing in TABLE for role in ROLES]


@pytest.mark.parametrize(("thing", "role"), CASES, ids=[f"{t}-{r}" for t, r in CASES])
def test_each_role_reads_and_changes_what_the_table_says(request, objects, thing, role):
    user = request.getfixturevalue(role)
    obj, access, model = objects[thing]
    read, write = TABLE[thing][role]

    assert (_outcome(access, user, obj.pk, write=False), _outcome(access, user, obj.pk, write=True)) == (
        read,
        write,
    )
    # The list the person sees agrees with the single-object check.
    listed = (model or type(obj)).objects.visible_to(user).filter(pk=obj.pk).exists()
    assert listed == (read == "ok")


@pytest.mark.parametrize("role", ROLES)
def test_lists_without_a_page_of_their_own_follow_the_table(request, objects, role):
    user = request.getfixturevalue(role)
    for thing, allowed in LISTED.items():
        obj = objects[thing]
        assert type(obj).objects.visible_to(user).filter(pk=obj.pk).exists() == (role in allowed), thing


@pytest.mark.parametrize("role", ROLES)
def test_service_role_is_the_one_answer(request, service, role):
    assert service_role(request.getfixturevalue(role), service) is SERVICE_ROLES[role]


def test_another_service_is_nobody_s_role(officer, director, other_service):
    assert service_role(officer, other_service) is ServiceRole.NONE
    assert service_role(director, other_service) is ServiceRole.NONE


def test_an_unknown_id_is_a_404(officer, objects):
    for thing in TABLE:
        _, access, _ = objects[thing]
        assert _outcome(access, officer, 999999, write=False) == "404", thing
