"""Who may read and change each object type, per role: THE access table.

Every object belongs to the Countryside Service (Place and Economy directorate) or is council-wide.
Each row is checked three ways: through the object type's one access function
``get_<thing>_for_user(user, pk, write=...)``, through its ``visible_to(user)`` list (which must agree
with reading), and, where the object has a page of its own, with one HTTP GET of that page.

Cells: ``"rw"`` reads and changes; ``"r"`` reads, and asking to change is a 403; ``"r-"`` reads, and
asking to change is a 404 (the change is someone else's alone, so the page does not exist for them);
``"-"`` neither: the object does not exist for them (404).

Where the policies decide it:
- Communications keeps the register and runs operations council-wide (001 §19, §28; 003 D9–D11).
- A service's members do its work: answering enquiries is the service's own job (000 §25), as is its
  risk assessment (000 §6e); managers give and end access to its accounts.
- The Corporate Director of the directorate reads its services' accounts, cases, assessments,
  incidents, photo consents and flags, and decides its business cases (000 §6b–c, 001 §19). They do
  NOT see enquiries or monitoring terms: responding is "the service [that] retains responsibility"
  (000 §25) and monitoring is "under the sole control of the Policy and Communications Team" at a
  department's request (003 D11.2). The inbox, the enquiry API, the monitoring-term page and the
  home page all follow the same ``visible_to``; the Director's dashboards show response-time
  figures, never enquiries.
- Emergencies, purdah periods and the policy are council-wide: everyone signed in reads them (003 D9,
  D10; 001 §22–23), Communications alone changes them.
- An administrator (staff, not Communications) manages people and the organisation in Django admin,
  not the services' work: they see none of it.
"""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts_register.imports import get_batch_for_user
from accounts_register.models import AccessRole, AuthorisedUser, ImportBatch, SocialMediaAccount
from accounts_register.selectors import (
    ServiceRole,
    flags_visible_to,
    get_access_for_user,
    get_account_for_user,
    get_flag_for_user,
    service_role,
)
from business_cases.models import BusinessCase
from business_cases.selectors import get_case_for_user
from councilsocial.flags.models import FlagKind, GovernanceFlag
from monitoring.models import Enquiry
from monitoring.selectors import get_enquiry_for_user
from operations.models import (
    Emergency,
    Incident,
    IncidentKind,
    MonitoringTerm,
    PhotoConsent,
    PolicyVersion,
    PurdahPeriod,
    Severity,
)
from operations.selectors import (
    get_emergency_for_user,
    get_incident_for_user,
    get_monitoring_term_for_user,
    get_photo_consent_for_user,
    get_policy_version_for_user,
    get_purdah_period_for_user,
)
from risk_assessments import services as risk_services
from risk_assessments.models import RiskAssessment
from risk_assessments.selectors import get_assessment_for_user
from tests.factories import AccountFactory, BusinessCaseFactory, EnquiryFactory

pytestmark = pytest.mark.django_db

ROLES = (
    "officer",  # an officer of the service
    "manager",  # a manager of the service
    "other_officer",  # an officer of another service, in another directorate
    "director",  # the Corporate Director of the service's directorate
    "other_director",  # the Corporate Director of another directorate
    "comms",  # Communications
    "administrator",  # staff in the Administrators group, not Communications
    "outsider",  # signed in, in no role and no service
    "anonymous",  # not signed in
)
COUNCIL_WIDE = {role: "r" for role in ROLES} | {"comms": "rw", "anonymous": "-"}
NOBODY_ELSE = {role: "-" for role in ROLES}

# object type: {role: cell}. Roles not named are "-".
TABLE = {
    "account": {"officer": "r", "manager": "r", "director": "r", "comms": "rw"},
    # The officer's own access to the account: managers of the service and Communications end it.
    "access record": {"officer": "r", "manager": "rw", "director": "r", "comms": "rw"},
    # The officer wrote the case: the author alone changes its answers.
    "business case": {"officer": "rw", "manager": "r-", "director": "r-", "comms": "r-"},
    "risk assessment": {"officer": "rw", "manager": "rw", "director": "r", "comms": "r"},
    "enquiry": {"officer": "rw", "manager": "rw", "comms": "rw"},
    "incident": {"officer": "rw", "manager": "rw", "director": "r-", "comms": "rw"},
    # The service asks for a term; Communications decides (003 D11.2).
    "monitoring term": {"officer": "r", "manager": "r", "comms": "rw"},
    "photo consent": {"officer": "rw", "manager": "rw", "director": "r", "comms": "rw"},
    # A flag on the service's account: Communications assign it and add notes.
    "flag": {"officer": "r", "manager": "r", "director": "r", "comms": "rw"},
    # Communications' own upload of the register, waiting to be confirmed.
    "import batch": {"comms": "rw"},
    "emergency": COUNCIL_WIDE,
    "purdah period": COUNCIL_WIDE,
    "policy version": COUNCIL_WIDE,
}
OUTCOMES = {"rw": ("ok", "ok"), "r": ("ok", "403"), "r-": ("ok", "404"), "-": ("404", "404")}

ACCESS = {
    "account": (get_account_for_user, SocialMediaAccount.objects.visible_to),
    "access record": (get_access_for_user, AuthorisedUser.objects.visible_to),
    "business case": (get_case_for_user, BusinessCase.objects.visible_to),
    "risk assessment": (get_assessment_for_user, RiskAssessment.objects.visible_to),
    "enquiry": (get_enquiry_for_user, Enquiry.objects.visible_to),
    "incident": (get_incident_for_user, Incident.objects.visible_to),
    "monitoring term": (get_monitoring_term_for_user, MonitoringTerm.objects.visible_to),
    "photo consent": (get_photo_consent_for_user, PhotoConsent.objects.visible_to),
    "flag": (get_flag_for_user, flags_visible_to),
    "import batch": (get_batch_for_user, ImportBatch.objects.visible_to),
    "emergency": (get_emergency_for_user, Emergency.objects.visible_to),
    "purdah period": (get_purdah_period_for_user, PurdahPeriod.objects.visible_to),
    "policy version": (get_policy_version_for_user, PolicyVersion.objects.visible_to),
}


def cell(thing: str, role: str) -> str:
    return TABLE[thing].get(role, "-")


@pytest.fixture
def people(request, other_service):
    found = {role: request.getfixturevalue(role) for role in ("officer", "manager", "director", "comms")}
    found["administrator"] = request.getfixturevalue("administrator")
    found["outsider"] = request.getfixturevalue("outsider")
    found["other_officer"] = other_service.officers.get()
    found["other_director"] = other_service.directorate.corporate_director
    found["anonymous"] = AnonymousUser()
    return found


@pytest.fixture
def objects(service, officer, comms):
    now = timezone.now()
    account = AccountFactory(service=service)
    objects = {
        "account": account,
        "access record": AuthorisedUser.objects.create(
            account=account, person=officer, role=AccessRole.EDITOR, granted_by=comms, granted_at=now
        ),
        "business case": BusinessCaseFactory(service=service, author=officer),
        "risk assessment": risk_services.risk_assessment_start(by=officer, account=account, now=now),
        "enquiry": EnquiryFactory(account=account),
        "incident": Incident.objects.create(
            kind=IncidentKind.ABUSE,
            severity=Severity.LOW,
            account=account,
            what_happened="Abusive replies overnight.",
            reported_by=officer,
            reported_at=now,
        ),
        "monitoring term": MonitoringTerm.objects.create(
            term="Chase Fest", reason="Our event.", service=service, requested_by=officer, requested_at=now
        ),
        "photo consent": PhotoConsent.objects.create(
            reference="PC-1",
            covers="Guided walk photographs.",
            service=service,
            signed_on=now.date(),
            recorded_by=officer,
        ),
        "flag": GovernanceFlag.objects.create(
            kind=FlagKind.CREDENTIALS_NOT_ROTATED,
            subject_type=ContentType.objects.get_for_model(SocialMediaAccount),
            subject_id=account.pk,
            account=account,
            service=service,
            raised_at=now,
        ),
        "import batch": ImportBatch.objects.create(
            id=uuid.uuid4(), created_by=comms, created_at=now, file_name="register.csv", plan_digest="x"
        ),
        "emergency": Emergency.objects.create(
            title="Flooding",
            reason="River levels.",
            holding_message="We are aware.",
            declared_by=comms,
            declared_at=now,
        ),
        "purdah period": PurdahPeriod.objects.create(
            name="County elections",
            elections="County Council",
            starts_on=now.date(),
            ends_on=now.date(),
            instructions="No new campaigns.",
            created_by=comms,
        ),
        "policy version": PolicyVersion.objects.create(
            version="1.0",
            title="Social media policy",
            summary="First version.",
            document_reference="POL-1",
            published_by=comms,
            published_at=now,
            reviewed_on=now.date(),
        ),
    }
    return objects


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
def test_each_role_reads_and_changes_what_the_table_says(people, objects, thing, role):
    user, obj = people[role], objects[thing]
    access, visible_to = ACCESS[thing]

    found = (_outcome(access, user, obj.pk, write=False), _outcome(access, user, obj.pk, write=True))

    assert found == OUTCOMES[cell(thing, role)]
    # The list the person sees agrees with the single-object check.
    assert visible_to(user).filter(pk=obj.pk).exists() == (found[0] == "ok")


# The page of each object type that has one: (url, what the page asks of the access function, roles
# refused by the page itself before any object is looked up: a whole-page role gate).
PAGES = {
    "account": (lambda o: reverse("account-detail", args=[o.pk]), "read", ()),
    "access record": (lambda o: reverse("access-end", args=[o.account_id, o.pk]), "write", ()),
    "business case": (lambda o: reverse("business-case-detail", args=[o.pk]), "read", ()),
    "risk assessment": (lambda o: reverse("risk-assessment-detail", args=[o.pk]), "read", ()),
    "enquiry": (lambda o: reverse("enquiry-respond", args=[o.pk]), "write", ()),
    "incident": (lambda o: reverse("incident-detail", args=[o.pk]), "read", ()),
    "flag": (lambda o: reverse("flag-detail", args=[o.pk]), "read", ()),
    # Importing the register is Communications' work (001 §28).
    "import batch": (
        lambda o: reverse("account-import-preview", args=[o.pk]),
        "write",
        ("officer", "manager", "other_officer", "director", "other_director", "administrator", "outsider"),
    ),
}
STATUS = {"ok": 200, "403": 403, "404": 404}
PAGE_CASES = [(thing, role) for thing in PAGES for role in ROLES]


@pytest.mark.parametrize(("thing", "role"), PAGE_CASES, ids=[f"{t}-{r}" for t, r in PAGE_CASES])
def test_each_objects_page_answers_as_the_table_says(client, people, objects, thing, role):
    url, asks, gated = PAGES[thing]
    if role != "anonymous":
        client.force_login(people[role])

    response = client.get(url(objects[thing]))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    read, write = OUTCOMES[cell(thing, role)]
    expected = 403 if role in gated else STATUS[write if asks == "write" else read]
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_suspending_access_answers_as_the_table_says_for_changing_an_access_record(
    client, people, objects, role
):
    """Suspending someone's access is a change to the access record, as ending it is."""
    access = objects["access record"]
    if role != "anonymous":
        client.force_login(people[role])

    response = client.get(reverse("access-suspend", args=[access.account_id, access.pk]))

    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        return
    assert response.status_code == STATUS[OUTCOMES[cell("access record", role)][1]]


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_the_photo_consent_page_lists_what_the_table_says(client, people, objects, role):
    """Photo consents have no page each: their list shows each form to whoever may read it, and its
    form to record one only to whoever may write."""
    client.force_login(people[role])

    response = client.get(reverse("photo-consent-list"))

    reads, writes = OUTCOMES[cell("photo consent", role)]
    if reads != "ok":  # refused, or (someone with forms of their own) not shown this one
        assert (
            response.status_code == 403 or objects["photo consent"].reference not in response.content.decode()
        )
        return
    page = response.content.decode()
    assert objects["photo consent"].reference in page
    assert ("Record a consent form" in page) == (writes == "ok")


def test_a_director_sees_no_enquiry_or_monitoring_term_anywhere(client, director, officer, service, objects):
    """The Director's pages list neither (000 §25, 003 D11.2): the inbox refuses them, the monitoring
    terms' page refuses them, their home page does not show the service's enquiries, and the flag
    about an overdue enquiry (which links to it) is the service's and Communications', not theirs."""
    enquiry = objects["enquiry"]
    overdue = GovernanceFlag.objects.create(
        kind=FlagKind.OVERDUE_ENQUIRY,
        subject_type=ContentType.objects.get_for_model(Enquiry),
        subject_id=enquiry.pk,
        account=enquiry.account,
        service=service,
        raised_at=timezone.now(),
    )
    assert flags_visible_to(officer).filter(pk=overdue.pk).exists()
    assert not flags_visible_to(director).filter(pk=overdue.pk).exists()
    client.force_login(director)
    assert client.get(reverse("flag-detail", args=[overdue.pk])).status_code == 404

    assert client.get(reverse("inbox")).status_code in (403, 404)
    assert client.get(reverse("monitoring-term-list")).status_code == 403
    home = client.get("/").content.decode()
    assert objects["enquiry"].text not in home
    assert objects["monitoring term"].term not in home


@pytest.mark.parametrize("role", ROLES)
def test_service_role_is_the_one_answer(people, service, role):
    expected = {
        "officer": ServiceRole.OFFICER,
        "manager": ServiceRole.MANAGER,
        "director": ServiceRole.DIRECTOR,
        "comms": ServiceRole.COMMUNICATIONS,
    }.get(role, ServiceRole.NONE)

    assert service_role(people[role], service) is expected


def test_an_unknown_id_is_a_404(comms, objects):
    for thing, (access, _) in ACCESS.items():
        unknown = uuid.uuid4() if thing == "import batch" else 999_999
        assert _outcome(access, comms, unknown, write=False) == "404", thing
