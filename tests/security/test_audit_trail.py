"""The audit trail cannot be changed or deleted through the UI, the API or Django admin (issue 8 item 2).

The trail is: the history of accounts and of access (django-simple-history), the transition logs
of every state machine (django-fsm-log's StateLog: accounts, business cases, risk assessments,
incidents, emergencies, monitoring terms) and the governance flags. Business cases and risk
assessments keep no log of their own: their transitions are StateLog rows too.

Every attempt is made as a superuser, who passes every model permission, so only the code that
forbids the change can stop it; each test then checks the rows are exactly as they were.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts_register import services as register_services
from accounts_register.models import AccessRole, AuthorisedUser, DirectorPermission, SocialMediaAccount
from business_cases.models import BusinessCase
from councilsocial.flags.models import FlagKind, GovernanceFlag
from risk_assessments.models import RiskAssessment
from tests.factories import AccountFactory, BusinessCaseFactory

from .test_permission_walk import all_routes

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [
    SocialMediaAccount.history.model,
    AuthorisedUser.history.model,
    DirectorPermission.history.model,
]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("walk-superuser", "root@example.com", "x")


@pytest.fixture
def su_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def trail(service, officer, comms):
    """An account with history and a logged transition, an access record, a flag and a case's log."""
    account = AccountFactory(service=service, handle="ccdc_audit")
    register_services.account_change_status(
        account=account, transition="suspend", by=comms, reason="Not used for a year"
    )
    access = AuthorisedUser.objects.create(
        account=account,
        person=officer,
        role=AccessRole.EDITOR,
        granted_by=comms,
        granted_at=timezone.now() - timedelta(days=3),
    )
    flag = GovernanceFlag.objects.create(
        kind=FlagKind.values[0],
        subject_type=ContentType.objects.get_for_model(account),
        subject_id=account.pk,
        account=account,
        service=service,
        raised_at=timezone.now(),
    )
    case = BusinessCaseFactory(service=service, author=officer, state_entered_at=timezone.now())
    StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(case),
        object_id=case.pk,
        source_state="draft",
        state="submitted",
        transition="submit",
        by=officer,
        description="Submitted for advice",
    )
    return {"account": account, "access": access, "flag": flag, "case": case}


def snapshot() -> dict:
    """Every row of the audit trail, field by field."""
    rows = {model: list(model.objects.order_by("pk").values()) for model in [StateLog, GovernanceFlag]}
    for model in HISTORY_MODELS:
        rows[model] = list(model.objects.order_by("history_id").values())
    return rows


def assert_trail_kept(before: dict) -> None:
    """No row of the trail changed or went; new history rows (a new save) may only be appended."""
    after = snapshot()
    for model, rows in before.items():
        kept = after[model][: len(rows)]
        assert kept == rows, f"{model.__name__} rows were changed or deleted"


# --- Django admin -------------------------------------------------------------------------------
@pytest.mark.parametrize("model", [StateLog, *HISTORY_MODELS], ids=lambda m: m.__name__)
def test_admin_has_no_page_for_the_log_or_the_history_tables(su_client, model):
    """No admin URL exists to list, add, change or delete StateLog or historical rows."""
    assert not admin.site.is_registered(model)
    opts = model._meta
    for view in ("changelist", "add", "change", "delete"):
        args = [] if view in ("changelist", "add") else [1]
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    response = su_client.get(f"/admin/{opts.app_label}/{opts.model_name}/")
    assert response.status_code == 404


@pytest.mark.parametrize("view", ["add", "change", "delete"])
def test_superuser_cannot_add_change_or_delete_a_governance_flag_in_admin(su_client, trail, view):
    before = snapshot()
    flag = trail["flag"]
    if view == "add":
        url = reverse("admin:flags_governanceflag_add")
        data = {"kind": flag.kind, "subject_type": flag.subject_type_id, "subject_id": 1}
    elif view == "change":
        url = reverse("admin:flags_governanceflag_change", args=[flag.pk])
        data = {"kind": flag.kind, "resolved_at_0": "2026-01-01", "resolved_at_1": "10:00"}
    else:
        url = reverse("admin:flags_governanceflag_delete", args=[flag.pk])
        data = {"post": "yes"}
    response = su_client.post(url, data)
    assert response.status_code == 403
    assert_trail_kept(before)


def test_superuser_cannot_delete_governance_flags_with_the_admin_bulk_action(su_client, trail):
    before = snapshot()
    response = su_client.post(
        reverse("admin:flags_governanceflag_changelist"),
        {"action": "delete_selected", "_selected_action": [trail["flag"].pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert GovernanceFlag.objects.filter(pk=trail["flag"].pk).exists()
    assert_trail_kept(before)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("admin:accounts_register_socialmediaaccount_delete", "account"),
        ("admin:accounts_register_authoriseduser_delete", "access"),
    ],
)
def test_superuser_cannot_delete_accounts_or_access_in_admin(su_client, trail, name, key):
    """Accounts are closed and archived and access is ended, never deleted: the trail keeps its subject."""
    before = snapshot()
    response = su_client.post(reverse(name, args=[trail[key].pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(trail[key]).objects.filter(pk=trail[key].pk).exists()
    assert_trail_kept(before)


@pytest.mark.parametrize("key", ["account", "access"])
def test_superuser_cannot_revert_to_or_edit_a_historical_version_in_admin(su_client, trail, key):
    """django-simple-history's "revert to this version" page is refused, on GET and on POST."""
    obj = trail[key]
    opts = obj._meta
    version = obj.history.order_by("history_id").first()
    url = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id]
    )
    before = snapshot()
    assert su_client.get(url).status_code == 403
    assert su_client.post(url, {"handle": "changed"}).status_code == 403
    assert_trail_kept(before)


def test_superuser_cannot_add_access_in_admin(su_client, trail):
    """Access is given through the register (prerequisites checked), so its history starts there."""
    assert su_client.get(reverse("admin:accounts_register_authoriseduser_add")).status_code == 403


def test_superuser_saving_an_access_record_in_admin_changes_none_of_its_fields(su_client, trail):
    """Every field of an access record is read-only in admin: a POST cannot end or alter it."""
    access = trail["access"]
    before = snapshot()
    su_client.post(
        reverse("admin:accounts_register_authoriseduser_change", args=[access.pk]),
        {"role": AccessRole.OWNER, "ended_at_0": "2026-01-01", "ended_at_1": "10:00"},
    )
    access.refresh_from_db()
    assert (access.role, access.ended_at) == (AccessRole.EDITOR, None)
    assert_trail_kept(before)


def test_the_business_case_admin_shows_the_transition_log_read_only(superuser, trail):
    """The only admin place the log appears: an inline that cannot add, change or delete a row."""
    request = RequestFactory().get("/")
    request.user = superuser
    case_admin = admin.site._registry[BusinessCase]
    (inline,) = [i for i in case_admin.get_inline_instances(request, trail["case"]) if i.model is StateLog]
    assert not inline.has_add_permission(request, trail["case"])
    assert not inline.has_change_permission(request, trail["case"])
    assert not inline.can_delete
    assert not case_admin.has_delete_permission(request, trail["case"])


def test_superuser_cannot_change_or_delete_a_risk_assessment_in_admin(su_client, trail, officer):
    """Risk assessments (each version kept, 000 §9) are read-only in admin."""
    from risk_assessments import services as risk_services

    assessment = risk_services.risk_assessment_start(account=trail["account"], by=officer, now=timezone.now())
    for view in ("change", "delete"):
        url = reverse(f"admin:risk_assessments_riskassessment_{view}", args=[assessment.pk])
        assert su_client.post(url, {"post": "yes", "status": "accepted"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert RiskAssessment.objects.filter(pk=assessment.pk).exists()


# --- The API ------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
@pytest.mark.parametrize("as_role", ["comms", "superuser"])
def test_the_api_refuses_to_change_flags_and_accounts(client, trail, comms, superuser, method, as_role):
    client.force_login(comms if as_role == "comms" else superuser)
    before = snapshot()
    account_before = list(SocialMediaAccount.objects.filter(pk=trail["account"].pk).values())
    body = {"status": "active", "handle": "changed", "resolved_at": "2026-01-01T10:00:00Z"}
    urls = ["/api/flags/", f"/api/flags/{trail['flag'].pk}/", f"/api/accounts/{trail['account'].pk}/"]
    if method == "post":
        urls.append("/api/accounts/")
    for url in urls:
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code in (403, 404, 405), f"{method.upper()} {url}: {response.status_code}"
        if url in ("/api/flags/", f"/api/accounts/{trail['account'].pk}/", "/api/accounts/"):
            assert response.status_code == 405, f"{method.upper()} {url}: {response.status_code}"
    assert list(SocialMediaAccount.objects.filter(pk=trail["account"].pk).values()) == account_before
    assert_trail_kept(before)


# --- The UI -------------------------------------------------------------------------------------
TRAIL_WORDS = ("history", "statelog", "log", "flag")


def test_no_page_outside_admin_edits_the_trail():
    """The only URLs naming the trail are read-only: the flag list and admin's read-only history.

    The flag page (issue 13) adds assignments and notes to a flag's own history; it never changes
    when a flag was raised or cleared (tests/monitoring/test_flag_actions.py).
    """
    named = {
        r.key
        for r in all_routes()
        if not r.key.startswith("admin:") and any(word in r.route.lower() for word in TRAIL_WORDS)
    }
    assert named == {"flag-list", "flag-detail", "api-flags"}


@pytest.mark.parametrize("url", ["/flags/", "account-detail"])
def test_posting_to_the_pages_that_show_the_trail_changes_nothing(client, trail, comms, url):
    client.force_login(comms)
    if url == "account-detail":
        url = reverse("account-detail", args=[trail["account"].pk])
    before = snapshot()
    response = client.post(url, {"resolved_at": "2026-01-01", "action": "delete"})
    assert response.status_code in (200, 405)
    assert_trail_kept(before)
    assert len(snapshot()[GovernanceFlag]) == len(before[GovernanceFlag])


# --- People ---------------------------------------------------------------------------------------
def test_deleting_a_person_in_admin_cannot_erase_who_made_a_transition(su_client, trail, django_user_model):
    """The log's "by" must survive: people who leave are switched off, never deleted (003 D2.3)."""
    leaver = django_user_model.objects.create_user("walk-leaver")
    log = StateLog.objects.create(
        content_type=ContentType.objects.get_for_model(trail["case"]),
        object_id=trail["case"].pk,
        source_state="submitted",
        state="advised",
        transition="advise",
        by=leaver,
        description="Advice given",
    )
    su_client.post(reverse("admin:auth_user_delete", args=[leaver.pk]), {"post": "yes"})
    log.refresh_from_db()
    assert log.by_id == leaver.pk
