"""Every form in the site is submitted, as every role (issue 11, safeguard "Every form is submitted").

A GET that renders a form proves nothing about its POST (STYLE 14a). The walk finds every form view:

- every ``<form method="post">`` on every page of the permission walk's URLs, fetched as
  Communications, a superuser, the officer, the service manager and the Director (the sign-out form
  in the header and Django admin are left out), resolved to the URL it posts to;
- every URL that refuses GET with 405 (it only takes a POST: a button on another page, or the API);
- every transition of a business case and every section of it (one URL each, one form each).

A form view missing from ``FORMS`` fails ``test_every_form_view_has_an_entry``: a new form cannot
arrive without someone writing down who may use it, what valid data is, and what it does.

For each entry, each role that may use it submits valid data (built by the entry's ``data``) and the
entry's ``done`` checks in the database that the object was saved or the action happened; every
other role (signed out included) submits the same data and nothing in the council's tables may
change (``database_fingerprint``: every row of every table, history and outbox included).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from accounts_register import services as register_services
from accounts_register.models import (
    AccountStatus,
    ApprovalRoute,
    AuthorisedUser,
    DirectorPermission,
    ImportBatch,
    SocialMediaAccount,
    TrainingRecord,
    UsageStatementAcceptance,
)
from business_cases import services as case_services
from business_cases.forms import SECTION_TITLES, fields_of
from business_cases.models import BusinessCase, DirectorApprovalLink
from business_cases.services import TRANSITION_SERVICES
from councilsocial.calendar.selectors import calendar_current
from councilsocial.flags.models import FlagEvent
from councilsocial.permissions import COMMUNICATIONS
from monitoring import services as monitoring_services
from monitoring.models import ActivityImport, Connection, DutyDay, Enquiry, Post, Response
from operations import services as ops
from operations.models import (
    DecidedBy,
    DecidedCampaign,
    Emergency,
    Incident,
    IncidentAction,
    MonitoringTerm,
    PhotoConsent,
    PolicyAcknowledgement,
    PolicyVersion,
    PurdahPeriod,
    WordListEntry,
)
from risk_assessments import services as risk_services
from risk_assessments.models import RiskAssessment, RiskItem
from tests.factories import AccountFactory, BusinessCaseFactory, UserFactory

from .conftest import changed_tables, database_fingerprint, sign_in
from .test_permission_walk import ROLES, all_routes, expected_for, url_for

User = get_user_model()
PASSWORD = "correct horse battery staple"  # the factories' password
MARK = "zzwalkform"  # in every value a form saves, so ``done`` can find it


# --- Small builders -------------------------------------------------------------------------------
def date_parts(name: str, day: date) -> dict:
    """A GOV.UK date input's three boxes."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def next_working_day() -> date:
    """The council's next working day from today (the duty rota lists only working days)."""
    return next(iter(calendar_current().working_days_from(timezone.localdate() + timedelta(days=1))))


def today() -> date:
    return timezone.localdate()


def own(w: dict, role: str):
    """The service and account the role works with (the officer's, or the other officer's)."""
    if role == "other_officer":
        return w["other_service"], w["other_account"]
    return w["service"], w["account"]


def user(w: dict, role: str):
    return w["users"].get(role)


def case_in(w: dict, status: str, **kwargs) -> BusinessCase:
    """A complete case of the officer's service, by the officer, put straight into ``status``."""
    return BusinessCaseFactory(
        service=w["service"],
        author=w["users"]["officer"],
        status=status,
        state_entered_at=timezone.now(),
        title=f"{MARK} case {status}",
        **kwargs,
    )


def accepted_assessment_for_case(w: dict, case: BusinessCase) -> RiskAssessment:
    now = timezone.now()
    return RiskAssessment.objects.create(
        business_case=case,
        status="accepted",
        created_by=w["users"]["officer"],
        created_at=now,
        accepted_at=now,
    )


def score_every_item(w: dict, assessment: RiskAssessment) -> None:
    for item in assessment.active_items():
        risk_services.risk_item_update(
            item=item,
            by=w["users"]["officer"],
            category=item.category,
            description=item.description,
            likelihood=3,
            impact=3,
            mitigations=item.mitigations or "Trained staff",
            residual_likelihood=2,
            residual_impact=2,
            owner="Countryside manager",
            policy_reference=item.policy_reference,
        )


def submitted_assessment(w: dict) -> RiskAssessment:
    assessment = w["assessment"]
    score_every_item(w, assessment)
    risk_services.risk_assessment_submit(assessment=assessment, by=w["users"]["officer"], now=timezone.now())
    return assessment


def accepted_assessment(w: dict) -> RiskAssessment:
    assessment = submitted_assessment(w)
    risk_services.risk_assessment_accept(
        assessment=assessment, by=w["users"]["comms"], now=timezone.now(), comment=""
    )
    return assessment


def fresh(obj):
    obj.refresh_from_db()
    return obj


# --- The table ------------------------------------------------------------------------------------
@dataclass
class FormEntry:
    """One form: where it posts, who may use it, valid data, and what a good submission does."""

    key: str
    url: Callable[[dict], str]
    may: tuple[str, ...]
    data: Callable[[dict, str], dict]
    done: Callable[[dict, str, object], bool]
    setup: Callable[[dict], None] | None = None
    # Send the data as JSON (the API) rather than as a form.
    json: bool = False
    # A form in two steps (upload, then confirm): replaces the single POST.
    submit: Callable | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


def _route(name: str, **kwargs) -> Callable[[dict], str]:
    def url(w: dict) -> str:
        return reverse(name, kwargs={k: (v(w) if callable(v) else v) for k, v in kwargs.items()})

    return url


SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")
SERVICE_PEOPLE = ("officer", "manager", "comms", "other_officer")  # members of a service, and Comms
OWNING_SERVICE = ("officer", "manager")


def _account_data(w: dict, role: str) -> dict:
    service, _ = own(w, role)
    data = {
        "platform": "facebook",
        "handle": f"{MARK}{role.replace('_', '')}",
        "url": f"https://www.facebook.com/{MARK}{role.replace('_', '')}",
        "display_name": f"{MARK} {role}",
        "service": str(service.pk),
        "kind": "departmental",
        "purpose": "Guided walks",
        "exit_plan": "Point followers to the website",
        "admin_mailbox": "countryside@cannockchasedc.gov.uk",
        "admin_mailbox_is_shared": "on",
        **date_parts("launch_date", today()),
        **date_parts("review_date", today() + timedelta(days=365)),
    }
    if role == "comms":
        data.update(
            comms_has_admin_access="on",
            vault_reference="Vault entry 42",
            mfa_enabled="on",
            recovery_contact="Communications team",
            internal_notes="Added by the form walk",
            **date_parts("password_changed_on", today() - timedelta(days=10)),
        )
    return data


def _edit_data(w: dict, role: str) -> dict:
    a = w["account"]
    data = {
        "platform": a.platform,
        "handle": a.handle,
        "url": a.url,
        "display_name": f"{MARK} renamed",
        "service": str(a.service_id),
        "kind": a.kind,
        "purpose": "Guided walks",
        "exit_plan": "",
        "admin_mailbox": a.admin_mailbox,
        "admin_mailbox_is_shared": "on",
        "comms_has_admin_access": "on",
        "vault_reference": "Vault entry 42",
        "mfa_enabled": "on",
        "recovery_contact": "Communications team",
        "internal_notes": "",
        **date_parts("password_changed_on", today() - timedelta(days=10)),
    }
    return data


def _existing_account(w: dict) -> None:
    """A proposed account of the officer's service, with no business case (it predates the app)."""
    w["existing_account"] = AccountFactory(
        service=w["service"], handle=f"{MARK}existing", status=AccountStatus.PROPOSED
    )


def _ready_to_activate(w: dict) -> None:
    """An existing account with the Director's approval recorded, its risk assessment accepted, and
    Communications' admin access and a shared mailbox recorded: nothing stops it becoming active."""
    _existing_account(w)
    account, now = w["existing_account"], timezone.now()
    account.comms_has_admin_access = True
    account.admin_mailbox, account.admin_mailbox_is_shared = "countryside@cannockchasedc.gov.uk", True
    account.save()
    register_services.account_record_existing_approval(
        account=account,
        director=w["users"]["director"],
        approved_on=today() - timedelta(days=30),
        reference="Minutes of 3 March",
        by=w["users"]["comms"],
        today=today(),
    )
    assessment = risk_services.risk_assessment_start(account=account, by=w["users"]["officer"], now=now)
    score_every_item(w, assessment)
    risk_services.risk_assessment_submit(assessment=assessment, by=w["users"]["officer"], now=now)
    risk_services.risk_assessment_accept(assessment=assessment, by=w["users"]["comms"], now=now, comment="")


def _newcomer(w: dict):
    """Someone in the officer's service with the Director's permission and the e-learning done."""
    person = UserFactory(username="walk-newcomer")
    w["service"].officers.add(person)
    DirectorPermission.objects.create(
        person=person,
        platforms=["x"],
        granted_by=w["users"]["director"],
        granted_on=today(),
        document_reference="DP-2",
    )
    TrainingRecord.objects.create(
        person=person,
        module=settings.SOCIAL_MEDIA_ELEARNING_MODULE,
        completed_at=timezone.now() - timedelta(days=1),
    )
    w["newcomer"] = person


def _register_csv(role: str) -> bytes:
    return (
        "platform,handle,url,display_name,service,kind,admin_mailbox,mailbox_is_shared,comms_has_admin_access\n"
        f"Facebook,{MARK}imported,https://www.facebook.com/{MARK}imported,{MARK} imported,"
        "Countryside Service,Departmental,countryside@cannockchasedc.gov.uk,yes,yes\n"
    ).encode()


def _upload_register(client, w: dict, role: str):
    upload = SimpleUploadedFile("register.csv", _register_csv(role), content_type="text/csv")
    return client.post(reverse("account-import"), {"file": upload})


def _confirm_register(client, w: dict, role: str):
    response = _upload_register(client, w, role)
    if response.status_code != 302:
        return response
    preview = client.get(response["Location"])
    found = re.search(rb'name="digest" value="([^"]*)"', preview.content)
    return client.post(response["Location"], {"digest": found.group(1).decode() if found else ""})


def _activity_csv(w: dict, role: str) -> bytes:
    _, account = own(w, role)
    received = (timezone.now() - timedelta(hours=2)).isoformat(timespec="seconds")
    return (
        "account,platform_id,received_at,author,text,channel\n"
        f"{account.pk},{MARK}-upload-{role},{received},{MARK}_resident,When is the tip open?,comment\n"
    ).encode()


def _upload_activity(client, w: dict, role: str):
    upload = SimpleUploadedFile("enquiries.csv", _activity_csv(w, role), content_type="text/csv")
    return client.post(reverse("activity-import"), {"kind": "enquiries", "file": upload})


def _activity_batch(w: dict) -> None:
    """The officer's own upload, waiting on its preview."""
    from monitoring import imports

    received = (timezone.now() - timedelta(hours=2)).isoformat(timespec="seconds")
    row = {
        "account": str(w["account"].pk),
        "platform_id": f"{MARK}-batch",
        "received_at": received,
        "author": f"{MARK}_resident",
        "text": "When is the tip open?",
        "channel": "comment",
    }
    w["activity_batch"] = imports.batch_create(
        user=w["users"]["officer"],
        kind="enquiries",
        file_name="enquiries.csv",
        rows=[row],
        now=timezone.now(),
    )


def _training_csv(w: dict) -> bytes:
    return (
        "person,module,completed_at,expires_at\n"
        f"officer,{MARK} module,{(today() - timedelta(days=3)).isoformat()},\n"
    ).encode()


def _confirm_training(client, w: dict, role: str):
    upload = SimpleUploadedFile("training.csv", _training_csv(w), content_type="text/csv")
    response = client.post(reverse("training-import"), {"file": upload})
    if response.status_code != 200:
        return response
    return client.post(reverse("training-import"), {"confirm": "yes"})


def _reset_password(client, w: dict, role: str):
    """Follow the emailed link (Django moves the token into the session), then set the password."""
    response = client.get(url_for_name("password_reset_confirm", w))
    if response.status_code != 302:
        return response
    return client.post(
        response["Location"], {"new_password1": f"{MARK}-Newpass-91", "new_password2": f"{MARK}-Newpass-91"}
    )


def url_for_name(name: str, w: dict) -> str:
    route = next(r for r in all_routes() if r.key == name)
    return url_for(route, w)


def _case_action(action: str, status: str, *, comment: str = "", **case_kwargs):
    """An entry's url, setup and data for one business-case transition from ``status``."""

    def setup(w):
        w["action_case"] = case_in(w, status, **case_kwargs)
        if action == "go_live":
            accepted_assessment_for_case(w, w["action_case"])

    def url(w):
        return reverse("business-case-action", kwargs={"pk": w["action_case"].pk, "action": action})

    def data(w, role):
        result = {"expected_status": status, "comment": comment or f"{MARK} comment"}
        if action == "go_live":
            result.update(
                url=f"https://www.facebook.com/{w['action_case'].handle}",
                admin_mailbox="countryside@cannockchasedc.gov.uk",
                comms_has_admin_access="on",
            )
        return result

    return setup, url, data


def _approved_by_the_book(w: dict, *, until: str) -> None:
    """A case taken through the real services to ``until``, each approval stage by a different person
    (segregation of duties, 000 §6): advice by one Communications officer, the Director's decision,
    then (for going live) the walk's Communications officer approves and a third one accepts the risk
    assessment. The walk's Communications officer acted at no stage before ``until``."""
    officer, comms, now = w["users"]["officer"], w["users"]["comms"], timezone.now()
    advisor = UserFactory(username="walk-comms-advice", groups=[COMMUNICATIONS])
    case = case_in(w, "draft", handle=f"{MARK}bythebook")
    case_services.business_case_submit(case=case, by=officer, now=now)
    case_services.business_case_advise(case=case, by=advisor, comment="Fine", now=now)
    case_services.business_case_send_to_director(case=case, by=officer, now=now)
    case_services.business_case_approve(case=case, by=w["users"]["director"], now=now)
    if until == "approved":
        case_services.business_case_approve(case=case, by=comms, now=now)
        assessor = UserFactory(username="walk-comms-risk", groups=[COMMUNICATIONS])
        assessment = risk_services.risk_assessment_start(business_case=case, by=officer, now=now)
        score_every_item(w, assessment)
        risk_services.risk_assessment_submit(assessment=assessment, by=officer, now=now)
        risk_services.risk_assessment_accept(assessment=assessment, by=assessor, now=now, comment="")
    w["action_case"] = fresh(case)
    assert w["action_case"].status == until


def _moved(to: str):
    return lambda w, role, r: fresh(w["action_case"]).status == to


def _case_entries() -> list[FormEntry]:
    """Each transition of a business case, from the state where it is offered, as whoever makes it."""
    table = [
        # (entry key, action, from, to, who may)
        ("submit", "submit", "draft", "advice_requested", ("officer",)),
        ("advise", "advise", "advice_requested", "advised", ("comms",)),
        ("send_to_director", "send_to_director", "advised", "awaiting_director", ("officer",)),
        ("approve", "approve", "awaiting_director", "awaiting_comms", ("director",)),
        ("approve:comms", "approve", "awaiting_comms", "approved", ("comms",)),
        ("return_for_changes", "return_for_changes", "advice_requested", "changes_requested", ("comms",)),
        (
            "return_for_changes:director",
            "return_for_changes",
            "awaiting_director",
            "changes_requested",
            ("director",),
        ),
        ("reject", "reject", "awaiting_comms", "rejected", ("comms",)),
        ("reject:director", "reject", "awaiting_director", "rejected", ("director",)),
        ("go_live", "go_live", "risk_assessment_accepted", "live", ("comms",)),
        ("withdraw", "withdraw", "draft", "withdrawn", ("officer",)),
    ]
    entries = []
    for key, action, source, target, may in table:
        setup, url, data = _case_action(action, source)
        entries.append(FormEntry(f"business-case-action:{key}", url, may, data, _moved(target), setup=setup))
    # The same steps on a case with its real history: three Communications officers, one per stage.
    for key, action, source, target in (
        ("approve:comms:by-the-book", "approve", "awaiting_comms", "approved"),
        ("go_live:by-the-book", "go_live", "approved", "live"),
    ):
        _, url, data = _case_action(action, source)
        entries.append(
            FormEntry(
                f"business-case-action:{key}",
                url,
                ("comms",),
                data,
                _moved(target),
                setup=lambda w, source=source: _approved_by_the_book(w, until=source),
                note="Segregation of duties: nobody acts at two approval stages of a case (000 §6).",
            )
        )
    return entries


def _section_entries() -> list[FormEntry]:
    """Each section of the officer's draft case: the author alone saves it."""
    entries = []
    for section in SECTION_TITLES:
        names = fields_of(section)

        def data(w, role, names=names, section=section):
            case = w["case"]
            values = {}
            for name in names:
                if name == "service":
                    values[name] = str(case.service_id)
                elif name in ("platform", "kind"):
                    values[name] = getattr(case, name)
                elif name == "handle":
                    values[name] = f"{MARK}section"
                else:
                    values[name] = f"{MARK} {name}"
            return values

        def done(w, role, r, names=names):
            case = fresh(w["case"])
            name = next(n for n in names if n not in ("service", "platform", "kind"))
            return MARK in str(getattr(case, name))

        entries.append(
            FormEntry(
                f"business-case-section:{section}",
                lambda w, section=section: reverse(
                    "business-case-section", kwargs={"pk": w["case"].pk, "section": section}
                ),
                ("officer",),
                data,
                done,
            )
        )
    return entries


def _enquiry_json(w, role):
    _, account = own(w, role)
    return {
        "account": account.pk,
        "platform_id": f"{MARK}-api-{role}",
        "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "author": f"{MARK}_resident",
        "text": "Is the car park open?",
        "channel": "comment",
        "url": f"https://x.com/resident/status/{MARK}{role}",
        "conversation_id": f"{MARK}-thread-{role}",
    }


FORMS: list[FormEntry] = [
    # --- Signing in and out, and passwords -------------------------------------------------------
    FormEntry(
        "login",
        _route("login"),
        ("anonymous",),
        lambda w, role: {"username": "officer", "password": PASSWORD},
        lambda w, role, r: r.wsgi_request.user.is_authenticated and r.wsgi_request.user.username == "officer",
        note="Signed-in people are sent straight on to their home page.",
    ),
    FormEntry(
        "logout",
        _route("logout"),
        ROLES,
        lambda w, role: {},
        lambda w, role, r: not r.wsgi_request.user.is_authenticated,
    ),
    FormEntry(
        "password_reset",
        _route("password_reset"),
        ROLES,
        lambda w, role: {"email": w["users"]["officer"].email},
        lambda w, role, r: (
            any(w["users"]["officer"].email in m.to for m in mail.outbox)
            or _outbox_to(w["users"]["officer"].email)
        ),
    ),
    FormEntry(
        "password_reset_confirm",
        lambda w: url_for_name("password_reset_confirm", w),
        ROLES,
        lambda w, role: {},
        lambda w, role, r: User.objects.get(username="walk-forgetful").check_password(f"{MARK}-Newpass-91"),
        submit=_reset_password,
    ),
    # --- The register (001 §19, §28; 002 §2.6, §5) -----------------------------------------------
    FormEntry(
        "account-create",
        _route("account-create"),
        ("officer", "manager", "comms", "other_officer"),
        _account_data,
        lambda w, role, r: SocialMediaAccount.objects.filter(
            handle__iexact=f"{MARK}{role.replace('_', '')}",
            status=AccountStatus.PROPOSED,
            admin_mailbox="countryside@cannockchasedc.gov.uk",
        ).exists(),
        note="Proposed, whoever adds it: it becomes active only by an approved route (001 §19).",
    ),
    FormEntry(
        "account-edit",
        _route("account-edit", pk=lambda w: w["account"].pk),
        ("comms",),
        _edit_data,
        lambda w, role, r: fresh(w["account"]).display_name == f"{MARK} renamed",
    ),
    FormEntry(
        "account-status",
        _route("account-status", pk=lambda w: w["account"].pk),
        ("comms",),
        lambda w, role: {"transition": "suspend", "reason": f"{MARK} suspended for the walk"},
        lambda w, role, r: fresh(w["account"]).status == AccountStatus.SUSPENDED,
    ),
    FormEntry(
        "account-disconnect",
        _route("account-disconnect", pk=lambda w: w["account"].pk),
        ("comms",),
        lambda w, role: {},
        lambda w, role, r: not Connection.objects.filter(account=w["account"]).exists(),
        note="Communications disconnects an account: its tokens are deleted (issue 14).",
    ),
    FormEntry(
        "account-status:activate",
        _route("account-status", pk=lambda w: w["existing_account"].pk),
        ("comms",),
        lambda w, role: {"transition": "activate", "reason": f"{MARK} every condition holds"},
        lambda w, role, r: fresh(w["existing_account"]).status == AccountStatus.ACTIVE,
        setup=_ready_to_activate,
        note="The existing-account route to the register, every condition met (001 §19; 000 §6, §10, §11).",
    ),
    FormEntry(
        "account-existing-approval",
        _route("account-existing-approval", pk=lambda w: w["existing_account"].pk),
        ("comms",),
        lambda w, role: {
            "director": str(w["users"]["director"].pk),
            **date_parts("approved_on", today() - timedelta(days=30)),
            "reference": f"{MARK} minutes of 3 March",
        },
        lambda w, role, r: SocialMediaAccount.objects.filter(
            pk=w["existing_account"].pk,
            approval_route=ApprovalRoute.EXISTING_ACCOUNT,
            approved_by=w["users"]["director"],
            approval_reference=f"{MARK} minutes of 3 March",
        ).exists(),
        setup=_existing_account,
        note="An account older than the app: Communications record the Director's approval (001 §19).",
    ),
    FormEntry(
        "access-grant",
        _route("access-grant", pk=lambda w: w["account"].pk),
        ("manager", "comms"),
        lambda w, role: {
            "person": str(w["newcomer"].pk),
            "role": "editor",
            **date_parts("review_date", today() + timedelta(days=180)),
        },
        lambda w, role, r: AuthorisedUser.objects.filter(
            person=w["newcomer"], ended_at__isnull=True
        ).exists(),
        setup=_newcomer,
    ),
    FormEntry(
        "access-end",
        _route("access-end", pk=lambda w: w["account"].pk, access_pk=lambda w: w["access"].pk),
        ("manager", "comms"),
        lambda w, role: {"reason": "revoked", "note": f"{MARK} no longer needed"},
        lambda w, role, r: fresh(w["access"]).ended_at is not None,
    ),
    FormEntry(
        "access-suspend",
        _route("access-suspend", pk=lambda w: w["account"].pk, access_pk=lambda w: w["access"].pk),
        ("manager", "comms"),
        lambda w, role: {"reason": f"{MARK} laptop reported stolen"},
        lambda w, role, r: fresh(w["access"]).suspension_reason == f"{MARK} laptop reported stolen",
        note="Suspend one person's access for now, with the reason (003 D2.3).",
    ),
    FormEntry(
        "access-restore",
        _route("access-restore", pk=lambda w: w["account"].pk, access_pk=lambda w: w["suspended_access"].pk),
        ("manager", "comms"),
        lambda w, role: {},
        lambda w, role, r: fresh(w["suspended_access"]).suspended_at is None,
        note="Restore a suspended person's access (003 D2.3); the confirmation is a button alone.",
    ),
    FormEntry(
        "statement-accept",
        _route("statement-accept", pk=lambda w: w["account"].pk),
        ("officer", "manager", "director", "comms"),
        lambda w, role: {"accept": "on"},
        lambda w, role, r: UsageStatementAcceptance.objects.filter(
            person=user(w, role), account=w["account"]
        ).exists(),
    ),
    FormEntry(
        "director-permission",
        _route("director-permission"),
        ("director", "comms"),
        lambda w, role: {
            "person": str(w["users"]["manager"].pk),
            # Communications name the Director who gave it; a Director is taken to be themselves.
            **({"director": str(w["users"]["director"].pk)} if role == "comms" else {}),
            "platforms": ["facebook", "instagram"],
            **date_parts("granted_on", today()),
            "document_reference": f"{MARK} DP-9",
            # Communications name the Director who gave it; a Director records their own.
            **({"director": str(w["users"]["director"].pk)} if role == "comms" else {}),
        },
        lambda w, role, r: DirectorPermission.objects.filter(
            document_reference=f"{MARK} DP-9", person=w["users"]["manager"], granted_by=w["users"]["director"]
        ).exists(),
    ),
    FormEntry(
        "account-import",
        _route("account-import"),
        ("comms",),
        lambda w, role: {},
        lambda w, role, r: (
            ImportBatch.objects.filter(file_name="register.csv", created_by=user(w, role))
            .exclude(pk=w["import_batch"].pk)
            .exists()
        ),
        submit=_upload_register,
    ),
    FormEntry(
        "account-import-preview",
        _route("account-import"),  # its batch is made by the upload, in the same submission
        ("comms",),
        lambda w, role: {},
        lambda w, role, r: SocialMediaAccount.objects.filter(
            handle__iexact=f"{MARK}imported", status=AccountStatus.PROPOSED
        ).exists(),
        submit=_confirm_register,
        note="An imported account is proposed, like one added by hand (001 §19).",
    ),
    # --- Monitoring (000 §25) --------------------------------------------------------------------
    FormEntry(
        "enquiry-new",
        _route("enquiry-new"),
        SERVICE_PEOPLE,
        lambda w, role: {
            "account": str(own(w, role)[1].pk),
            **date_parts("received_on", today() - timedelta(days=1)),
            "received_time": "10:30",
            "channel": "comment",
            "author": f"{MARK}_resident",
            "text": "Is the car park open?",
            "platform_id": "",
        },
        lambda w, role, r: Enquiry.objects.filter(author=f"{MARK}_resident").exists(),
    ),
    FormEntry(
        "enquiry-respond",
        _route("enquiry-respond", pk=lambda w: w["enquiry"].pk),
        ("officer", "manager", "comms"),
        lambda w, role: {"kind": "holding"},
        lambda w, role, r: Response.objects.filter(enquiry=w["enquiry"]).exists(),
    ),
    FormEntry(
        "enquiry-reply",
        _route("enquiry-reply", pk=lambda w: w["enquiry"].pk),
        ("officer", "manager", "comms"),
        lambda w, role: {"text": f"{MARK} thank you, the bin will be collected tomorrow"},
        lambda w, role, r: Response.objects.filter(enquiry=w["enquiry"], text__startswith=MARK).exists(),
        note="A reply sent on the platform from the inbox is recorded as the full answer (issue 14).",
    ),
    FormEntry(
        "enquiry-assign",
        _route("enquiry-assign", pk=lambda w: w["enquiry"].pk),
        ("officer", "manager", "comms"),
        lambda w, role: {"assigned_to": str(w["users"]["manager"].pk)},
        lambda w, role, r: Enquiry.objects.filter(
            pk=w["enquiry"].pk, assigned_to=w["users"]["manager"]
        ).exists(),
        note="The duty officer hands an enquiry to someone in its service (000 Appendix 2).",
    ),
    FormEntry(
        "response-undo",
        _route("response-undo", pk=lambda w: w["undo_response"].pk),
        ("officer",),
        lambda w, role: {},
        lambda w, role, r: Response.objects.filter(
            pk=w["undo_response"].pk, undone_at__isnull=False
        ).exists(),
        setup=lambda w: w.__setitem__(
            "undo_response",
            monitoring_services.enquiry_record_response(
                enquiry=w["enquiry"],
                kind="holding",
                responded_at=timezone.now(),
                by=w["users"]["officer"],
                now=timezone.now(),
            ),
        ),
        note="Only the response's author, within 15 minutes.",
    ),
    FormEntry(
        "duty-rota",
        _route("duty-rota"),
        ("comms",),
        lambda w, role: {"day": next_working_day().isoformat(), "officer": str(w["users"]["comms"].pk)},
        lambda w, role, r: DutyDay.objects.filter(
            day=next_working_day(), officer=w["users"]["comms"]
        ).exists(),
    ),
    FormEntry(
        "flag-detail",
        _route("flag-detail", pk=lambda w: w["flag"].pk),
        ("comms",),
        lambda w, role: {"action": "note", "note": f"{MARK} asked the service to look"},
        lambda w, role, r: FlagEvent.objects.filter(flag=w["flag"], note__contains=MARK).exists(),
        note="Communications note a flag (and assign it); neither clears it.",
    ),
    FormEntry(
        "activity-import",
        _route("activity-import"),
        SERVICE_PEOPLE,
        lambda w, role: {},
        lambda w, role, r: (
            ActivityImport.objects.filter(created_by=user(w, role), file_name="enquiries.csv")
            .exclude(pk=w["activity_batch"].pk)
            .exists()
        ),
        submit=_upload_activity,
    ),
    FormEntry(
        "activity-import-preview",
        _route("activity-import-preview", batch_id=lambda w: w["activity_batch"].pk),
        ("officer",),
        lambda w, role: {"action": "confirm"},
        lambda w, role, r: Enquiry.objects.filter(platform_id=f"{MARK}-batch").exists(),
        setup=_activity_batch,
        note="Only the person who uploaded the file confirms it.",
    ),
    # --- Operations (003 D9–D11, Section B) ------------------------------------------------------
    FormEntry(
        "operations-emergency-declare",
        _route("operations-emergency-declare"),
        ("comms",),
        lambda w, role: {
            "title": f"{MARK} flooding",
            "reason": "River levels",
            "named_officers": [str(w["users"]["comms"].pk)],
            "holding_message": "Please see the council website.",
        },
        lambda w, role, r: Emergency.objects.active().filter(title=f"{MARK} flooding").exists(),
    ),
    FormEntry(
        "operations-emergency-lift",
        _route("operations-emergency-lift", pk=lambda w: w["active_emergency"].pk),
        ("comms",),
        lambda w, role: {"all_clear_message": f"{MARK} all clear"},
        lambda w, role, r: fresh(w["active_emergency"]).status == "lifted",
        setup=lambda w: w.update(
            active_emergency=ops.emergency_declare(
                by=w["users"]["comms"],
                now=timezone.now(),
                title="Storm",
                reason="Wind",
                named_officers=[w["users"]["comms"]],
                holding_message="Please see the website.",
            )
        ),
    ),
    FormEntry(
        "operations-purdah",
        _route("operations-purdah"),
        ("comms",),
        lambda w, role: {
            "name": f"{MARK} elections",
            "elections": "District Council",
            **date_parts("starts_on", today() + timedelta(days=400)),
            **date_parts("ends_on", today() + timedelta(days=440)),
            "instructions": f"{MARK} no new campaigns until the count",
        },
        lambda w, role, r: PurdahPeriod.objects.filter(
            name=f"{MARK} elections", instructions=f"{MARK} no new campaigns until the count"
        ).exists(),
        note="A future period that overlaps no other, with its instructions (003 D10).",
    ),
    FormEntry(
        "operations-purdah-delete",
        _route("operations-purdah-delete", pk=lambda w: w["purdah"].pk),
        ("comms",),
        lambda w, role: {},
        lambda w, role, r: not PurdahPeriod.objects.filter(pk=w["purdah"].pk).exists(),
    ),
    FormEntry(
        "operations-word-lists",
        _route("operations-word-lists"),
        ("comms",),
        lambda w, role: {
            "councillors": f"{MARK} Smith",
            "political": "",
            "jargon": "going forward = from now on",
        },
        lambda w, role, r: WordListEntry.objects.filter(text__icontains=MARK).exists(),
    ),
    FormEntry(
        "operations-decided-campaigns",
        _route("operations-decided-campaigns"),
        ("comms",),
        lambda w, role: {
            "name": f"{MARK} Keep the Chase green",
            "decided_by": DecidedBy.values[0],
            **date_parts("decided_on", today() - timedelta(days=7)),
            "minute_reference": "C/2026/41",
        },
        lambda w, role, r: DecidedCampaign.objects.filter(name=f"{MARK} Keep the Chase green").exists(),
    ),
    FormEntry(
        "operations-decided-campaign-remove",
        _route("operations-decided-campaign-remove", pk=lambda w: w["decided_campaign"].pk),
        ("comms",),
        lambda w, role: {},
        lambda w, role, r: not DecidedCampaign.objects.filter(pk=w["decided_campaign"].pk).exists(),
    ),
    FormEntry(
        "content-check",
        _route("content-check"),
        ("officer", "manager", "comms", "other_officer"),
        lambda w, role: {"text": "Going forward, vote for the party!", "platform": "x"},
        lambda w, role, r: r.status_code == 200 and r.context["findings"] is not None,
        note="Advice only: nothing is written (003 D4.1).",
    ),
    FormEntry(
        "incident-report",
        _route("incident-report"),
        ("officer", "manager", "director", "comms", "other_officer"),
        lambda w, role: {
            "kind": "post_in_error",
            "account": str(own(w, role)[1].pk),
            "severity": "low",
            "what_happened": f"{MARK} a post in error",
            "photo_consent_reference": "",
        },
        lambda w, role, r: Incident.objects.filter(what_happened=f"{MARK} a post in error").exists(),
    ),
    FormEntry(
        "incident-step",
        _route("incident-step", pk=lambda w: w["incident"].pk, step=lambda w: w["incident_step"]),
        ("officer", "manager", "comms"),
        lambda w, role: {
            "note": f"{MARK} done",
            "password_changed_on": today().strftime("%d/%m/%Y"),
            "mfa_enabled": "yes",
            "recovery_contact": "Communications",
        },
        lambda w, role, r: IncidentAction.objects.filter(
            incident=w["incident"], step=w["incident_step"]
        ).exists(),
    ),
    FormEntry(
        "incident-close",
        _route("incident-close", pk=lambda w: w["incident"].pk),
        ("comms",),
        lambda w, role: {"outcome": f"{MARK} resolved"},
        lambda w, role, r: fresh(w["incident"]).status == "closed",
    ),
    FormEntry(
        "monitoring-term-list",
        _route("monitoring-term-list"),
        SERVICE_PEOPLE,
        lambda w, role: {
            "term": f"{MARK} {role}",
            "service": str(own(w, role)[0].pk),
            "reason": "Visitors ask",
        },
        lambda w, role, r: MonitoringTerm.objects.filter(term=f"{MARK} {role}").exists(),
    ),
    FormEntry(
        "monitoring-term-decide",
        _route("monitoring-term-decide", pk=lambda w: w["term"].pk),
        ("comms",),
        lambda w, role: {"decision": "approve", "comment": f"{MARK} fine"},
        lambda w, role, r: fresh(w["term"]).status == "approved",
    ),
    FormEntry(
        "training",
        _route("training"),
        ("comms",),
        lambda w, role: {
            "person": str(w["users"]["manager"].pk),
            "module": f"{MARK} module",
            **date_parts("completed_on", today() - timedelta(days=2)),
        },
        lambda w, role, r: TrainingRecord.objects.filter(module=f"{MARK} module").exists(),
    ),
    FormEntry(
        "training-import",
        _route("training-import"),
        ("comms",),
        lambda w, role: {},
        lambda w, role, r: TrainingRecord.objects.filter(module=f"{MARK} module").exists(),
        submit=_confirm_training,
    ),
    FormEntry(
        "policy",
        _route("policy"),
        ("comms",),
        lambda w, role: {
            "version": "9.1",
            "title": f"{MARK} policy",
            "summary": "Clearer rules",
            "document_reference": "",
        },
        lambda w, role, r: PolicyVersion.objects.filter(title=f"{MARK} policy").exists(),
    ),
    FormEntry(
        "policy:acknowledge",
        _route("policy"),
        SIGNED_IN,
        lambda w, role: {"acknowledge": "yes"},
        lambda w, role, r: PolicyAcknowledgement.objects.filter(person=user(w, role)).exists(),
        setup=lambda w: ops.policy_publish(
            by=w["users"]["comms"],
            now=timezone.now(),
            version="8",
            title="Policy",
            summary="First",
            document_reference="",
        ),
    ),
    FormEntry(
        "photo-consent-list",
        _route("photo-consent-list"),
        SERVICE_PEOPLE,
        lambda w, role: {
            "reference": f"{MARK}-{role}",
            "covers": "Photographs at the summer fair",
            "service": str(own(w, role)[0].pk),
            **date_parts("signed_on", today() - timedelta(days=5)),
        },
        lambda w, role, r: PhotoConsent.objects.filter(reference=f"{MARK}-{role}").exists(),
    ),
    # --- Business cases (000 §6–8) ---------------------------------------------------------------
    FormEntry(
        "business-case-start",
        _route("business-case-start"),
        ("officer", "manager", "other_officer"),
        lambda w, role: {
            "service": str(own(w, role)[0].pk),
            "title": f"{MARK} {role} walks",
            "platform": "instagram",
            "handle": f"{MARK}{role.replace('_', '')}",
            "kind": "departmental",
        },
        lambda w, role, r: BusinessCase.objects.filter(title=f"{MARK} {role} walks").exists(),
    ),
    *_section_entries(),
    *_case_entries(),
    FormEntry(
        "business-case-resend-link",
        _route("business-case-resend-link", pk=lambda w: w["waiting_case"].pk),
        ("comms",),
        lambda w, role: {},
        lambda w, role, r: DirectorApprovalLink.objects.filter(case=w["waiting_case"]).count() == 2,
    ),
    FormEntry(
        "business-case-director-link",
        lambda w: url_for_name("business-case-director-link", w),
        ("anonymous", "director"),
        lambda w, role: {"decision": "approve", "comment": f"{MARK} approved"},
        lambda w, role, r: fresh(w["waiting_case"]).status == "awaiting_comms",
        note="The emailed link: the Director, signed in or not (000 §6c).",
    ),
    # --- Risk assessments (000 §9) ---------------------------------------------------------------
    FormEntry(
        "risk-assessment-start",
        _route("risk-assessment-start"),
        OWNING_SERVICE,
        lambda w, role: {"account": str(w["unassessed"].pk)},
        lambda w, role, r: RiskAssessment.objects.filter(account=w["unassessed"]).exists(),
        setup=lambda w: w.update(unassessed=AccountFactory(service=w["service"], handle=f"{MARK}unassessed")),
    ),
    FormEntry(
        "risk-item-add",
        _route("risk-item-add", pk=lambda w: w["assessment"].pk),
        OWNING_SERVICE,
        lambda w, role: {
            "category": w["risk_item"].category,
            "description": f"{MARK} a new risk",
            "likelihood": "3",
            "impact": "4",
            "mitigations": "Training",
            "residual_likelihood": "2",
            "residual_impact": "3",
            "owner": "Countryside manager",
            "policy_reference": "001 §16",
        },
        lambda w, role, r: RiskItem.objects.filter(description=f"{MARK} a new risk").exists(),
    ),
    FormEntry(
        "risk-item-edit",
        _route("risk-item-edit", pk=lambda w: w["assessment"].pk, item_pk=lambda w: w["risk_item"].pk),
        OWNING_SERVICE,
        lambda w, role: {
            "category": w["risk_item"].category,
            "description": f"{MARK} reworded",
            "likelihood": "3",
            "impact": "4",
            "mitigations": "Training",
            "residual_likelihood": "2",
            "residual_impact": "3",
            "owner": "Countryside manager",
            "policy_reference": "",
        },
        lambda w, role, r: fresh(w["risk_item"]).description == f"{MARK} reworded",
    ),
    FormEntry(
        "risk-item-remove",
        _route("risk-item-remove", pk=lambda w: w["assessment"].pk, item_pk=lambda w: w["risk_item"].pk),
        OWNING_SERVICE,
        lambda w, role: {"reason": f"{MARK} does not apply"},
        lambda w, role, r: fresh(w["risk_item"]).removed_at is not None,
    ),
    FormEntry(
        "risk-assessment-submit",
        _route("risk-assessment-submit", pk=lambda w: w["assessment"].pk),
        OWNING_SERVICE,
        lambda w, role: {},
        lambda w, role, r: fresh(w["assessment"]).status == "submitted",
        setup=lambda w: score_every_item(w, w["assessment"]),
    ),
    FormEntry(
        "risk-assessment-revise",
        _route("risk-assessment-revise", pk=lambda w: w["assessment"].pk),
        OWNING_SERVICE,
        lambda w, role: {},
        lambda w, role, r: fresh(w["assessment"]).status == "draft",
        setup=lambda w: risk_services.risk_assessment_return(
            assessment=submitted_assessment(w),
            by=w["users"]["comms"],
            comment="Score again",
            now=timezone.now(),
        ),
    ),
    FormEntry(
        "risk-assessment-review",
        _route("risk-assessment-review", pk=lambda w: w["assessment"].pk),
        OWNING_SERVICE,
        lambda w, role: {},
        lambda w, role, r: RiskAssessment.objects.filter(series=w["assessment"].series, version=2).exists(),
        setup=accepted_assessment,
    ),
    FormEntry(
        "risk-assessment-accept",
        _route("risk-assessment-accept", pk=lambda w: w["assessment"].pk),
        ("comms",),
        lambda w, role: {"comment": f"{MARK} fine"},
        lambda w, role, r: fresh(w["assessment"]).status == "accepted",
        setup=submitted_assessment,
    ),
    FormEntry(
        "risk-assessment-return",
        _route("risk-assessment-return", pk=lambda w: w["assessment"].pk),
        ("comms",),
        lambda w, role: {"comment": f"{MARK} score it again"},
        lambda w, role, r: fresh(w["assessment"]).status == "returned",
        setup=submitted_assessment,
    ),
    # --- The API (issue 6 item 4a; issue 3 item 9) ----------------------------------------------
    FormEntry(
        "api-enquiries",
        _route("api-enquiries"),
        SERVICE_PEOPLE,
        _enquiry_json,
        lambda w, role, r: Enquiry.objects.filter(
            platform_id=f"{MARK}-api-{role}", conversation_id=f"{MARK}-thread-{role}"
        ).exists(),
        json=True,
    ),
    FormEntry(
        "api-posts",
        _route("api-posts"),
        SERVICE_PEOPLE,
        lambda w, role: {
            "account": own(w, role)[1].pk,
            "platform_id": f"{MARK}-post-{role}",
            "posted_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "kind": "original",
            "text": f"{MARK} bins are collected as normal",
            "url": f"https://x.com/council/status/{MARK}{role}",
            "published_by": f"{MARK}-officer",
        },
        lambda w, role, r: Post.objects.filter(
            platform_id=f"{MARK}-post-{role}", text=f"{MARK} bins are collected as normal"
        ).exists(),
        json=True,
    ),
    FormEntry(
        "api-enquiry-responses",
        _route("api-enquiry-responses", pk=lambda w: w["enquiry"].pk),
        ("officer", "manager", "comms"),
        lambda w, role: {
            "responded_at": timezone.now().isoformat(),
            "kind": "holding",
            "reason": "",
            "text": f"{MARK} we are looking into it",
        },
        lambda w, role, r: Response.objects.filter(
            enquiry=w["enquiry"], text=f"{MARK} we are looking into it"
        ).exists(),
        json=True,
    ),
    FormEntry(
        "api-content-check",
        _route("api-content-check"),
        ("officer", "manager", "comms", "other_officer"),
        lambda w, role: {
            "text": "Going forward, vote for the party!",
            "account": own(w, role)[1].pk,
            "platform": "x",
            "announcement_for_x": False,
            "shows_children": False,
            "consent_reference": "",
            "has_image": True,
            "alt_text": "Walkers on the heath at sunrise",
            "has_video": False,
            "has_captions": False,
        },
        lambda w, role, r: r.status_code == 200 and "findings" in r.json(),
        json=True,
        note="Advice only: nothing is written (003 D4.1).",
    ),
]
FORMS_BY_KEY = {entry.key: entry for entry in FORMS}
assert len(FORMS_BY_KEY) == len(FORMS), "two entries share a key"


def _outbox_to(address: str) -> bool:
    from councilsocial.notifications.models import Notification

    return Notification.objects.filter(to__icontains=address).exists()


# --- Finding the form views -----------------------------------------------------------------------
FORM_TAG = re.compile(r"<form\b([^>]*)>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)\s*=\s*"([^"]*)"')
DISCOVERY_ROLES = ("comms", "superuser", "officer", "manager", "director", "anonymous")


def post_forms(html: str, page_url: str) -> list[str]:
    """The URL each ``<form method="post">`` on the page posts to (its action, else the page)."""
    actions = []
    for match in FORM_TAG.finditer(html):
        attributes = {k.lower(): v for k, v in ATTRIBUTE.findall(match.group(1))}
        if attributes.get("method", "get").lower() != "post":
            continue
        action = attributes.get("action", "").replace("&amp;", "&") or page_url
        actions.append(action.split("?")[0].split("#")[0])
    return actions


def form_key(path: str) -> str | None:
    """The table key of a URL a form posts to; None for the sign-out form and Django admin."""
    try:
        match = resolve(path)
    except Resolver404:
        return f"unresolved:{path}"
    name = match.view_name
    if name == "logout" or name.startswith("admin:") or path.startswith("/admin/"):
        return None
    if name == "business-case-action":
        return f"{name}:{match.kwargs['action']}"
    if name == "business-case-section":
        return f"{name}:{match.kwargs['section']}"
    return name


def discover_form_views(client, w: dict) -> dict[str, str]:
    """{table key: where it was found} for every form view the walk can reach."""
    found: dict[str, str] = {}
    routes = [r for r in all_routes() if not r.key.startswith("admin:") and not r.admin_model]
    for role in DISCOVERY_ROLES:
        sign_in(client, w, role)
        for route in routes:
            # A page the permission walk expects the role to be refused (or sent elsewhere) shows
            # them no form; the superuser, who is not in its table, opens everything.
            if role in ROLES and expected_for(route, role) not in (200, 405, None):
                continue
            url = url_for(route, w)
            response = client.get(url)
            if response.status_code == 405 and "POST" in response.get("Allow", ""):
                key = form_key(url)
                if key:
                    found.setdefault(key, f"{url} (takes POST only)")
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            for action in post_forms(response.content.decode(errors="replace"), url):
                key = form_key(action)
                if key:
                    found.setdefault(key, f"a form on {url} as {role}")
    # One URL, one form per transition and per section: each must have an entry.
    for action in TRANSITION_SERVICES:
        found.setdefault(f"business-case-action:{action}", "business_cases.services.TRANSITION_SERVICES")
    for section in SECTION_TITLES:
        found.setdefault(f"business-case-section:{section}", "business_cases.forms.SECTION_TITLES")
    return found


@pytest.mark.django_db
def test_every_form_view_has_an_entry(client, walk_world):
    """A form view the table does not know fails: add an entry (who may use it, valid data, effect)."""
    found = discover_form_views(client, walk_world)
    assert {"account-create", "risk-item-add", "incident-step", "api-enquiries"} <= set(found), found
    missing = [f"{key} (found as {where})" for key, where in sorted(found.items()) if key not in FORMS_BY_KEY]
    assert not missing, "add an entry to FORMS for each new form view:\n" + "\n".join(missing)


def test_a_form_view_missing_from_the_table_is_reported():
    """What makes a new form fail the walk: an unknown key is not in the table."""
    assert "brand-new-form" not in FORMS_BY_KEY
    assert form_key("/sign-out/") is None
    assert form_key("/admin/auth/user/add/") is None
    assert post_forms('<form method="post" action="/x/"><form method="get">', "/page/") == ["/x/"]
    assert post_forms('<form class="a" method="POST">', "/page/") == ["/page/"]


# --- Submitting every form ------------------------------------------------------------------------
def submit(client, entry: FormEntry, w: dict, role: str):
    if entry.submit is not None:
        return entry.submit(client, w, role)
    url = entry.url(w)
    data = entry.data(w, role)
    if entry.json:
        return client.post(url, data, content_type="application/json")
    return client.post(url, data)


ALLOWED = [pytest.param(entry, role, id=f"{entry.key}-as-{role}") for entry in FORMS for role in entry.may]


@pytest.mark.django_db
@pytest.mark.parametrize(("entry", "role"), ALLOWED)
def test_a_role_that_may_use_the_form_gets_it_done(client, walk_world, entry, role):
    """Valid data from a role that may use the form: the object is saved or the action happens."""
    w = walk_world
    if entry.setup:
        entry.setup(w)
    sign_in(client, w, role)
    client.raise_request_exception = False
    response = submit(client, entry, w, role)
    problem = _page_problem(response)
    assert response.status_code < 500, f"{entry.key} as {role}: {response.status_code}"
    assert entry.done(w, role, response), f"{entry.key} as {role}: nothing was saved ({problem})"


@pytest.mark.django_db
@pytest.mark.parametrize("entry", FORMS, ids=[entry.key for entry in FORMS])
def test_a_role_that_may_not_use_the_form_changes_nothing(client, walk_world, entry):
    """The same valid data from every other role (and signed out): not one row changes."""
    w = walk_world
    if entry.setup:
        entry.setup(w)
    client.raise_request_exception = False
    problems = []
    before = database_fingerprint()
    for role in ROLES:
        if role in entry.may:
            continue
        # Each role from the same starting point: its submission is rolled back after the check.
        with transaction.atomic():
            sign_in(client, w, role)
            response = submit(client, entry, w, role)
            if response.status_code >= 500:
                problems.append(f"{role}: {response.status_code}")
            elif changed := changed_tables(before, database_fingerprint()):
                problems.append(f"{role}: wrote to {', '.join(changed)} (answered {response.status_code})")
            transaction.set_rollback(True)
    assert not problems, f"{entry.key}:\n" + "\n".join(problems)


def _page_problem(response) -> str:
    """What the page said went wrong, for the failure message."""
    if response.status_code in (301, 302, 303):
        return f"redirected to {response['Location']}"
    text = response.content.decode(errors="replace")
    errors = re.findall(r'govuk-error-summary__list">(.*?)</ul>', text, re.S)
    if errors:
        return re.sub(r"<[^>]+>|\s+", " ", errors[0]).strip()[:300]
    body = re.sub(r"<[^>]+>|\s+", " ", text)[:200]
    return f"HTTP {response.status_code}: {body}"
