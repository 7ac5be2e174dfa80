"""Every URL in the URL configuration, as every role: the expected status (issue 8 item 2).

The walk finds every URL pattern with ``get_resolver()`` (Django admin included), gives its
parameters real objects of the officer's service, and fetches it with GET as an anonymous visitor
and as each persona. The outcome is reduced to a short token so the table reads like the
behaviour: ``200``, ``403``, ``"login"`` (302 to the sign-in page), ``"admin-login"`` (302 to
Django admin's sign-in page) or ``"302:/path/N/"`` (any other redirect, numeric path segments as N).

A URL the table does not know fails the test with "add an expected status for this new URL", so a
new view cannot arrive without someone deciding who may reach it. Pages that a role may open are
also checked for work of a service the role may not see (MUST_NOT_SEE), so a list that forgets to
filter fails.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

ROLES = (
    "anonymous",
    "officer",
    "manager",
    "director",
    "comms",
    "administrator",
    "outsider",
    "other_officer",
)

# Appear only in the objects of the other service and of the officer's own service (build_world).
LEAK_MARKER = "zzother"
OWN_MARKER = "zzown"
# What each role must never be shown outside the public pages: the other service's work to the
# officer's service and Director; the officer's service's work to the other service; neither to
# people outside both. Communications see everything.
MUST_NOT_SEE = {
    "anonymous": (LEAK_MARKER, OWN_MARKER),
    "officer": (LEAK_MARKER,),
    "manager": (LEAK_MARKER,),
    "director": (LEAK_MARKER,),
    "comms": (),
    "administrator": (LEAK_MARKER, OWN_MARKER),
    "outsider": (LEAK_MARKER, OWN_MARKER),
    "other_officer": (OWN_MARKER,),
}

ADMIN_VIEWS = ("simple_history", "password_change", "changelist", "add", "history", "delete", "change")


@dataclass
class Route:
    """One URL pattern: its full route, its name (namespaced) or None, and its table key."""

    route: str
    name: str | None
    key: str
    admin_model: str | None = None  # "app_model" for a ModelAdmin page
    admin_view: str | None = None  # changelist, add, change, ...


def _walk(resolver, prefix: str = "", namespace: str | None = None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def admin_model_keys() -> dict[str, type]:
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def all_routes() -> list[Route]:
    """Every URL pattern, each with the key it is looked up by in the expectation table."""
    models = admin_model_keys()
    routes = []
    for route, name in _walk(get_resolver()):
        if name and name.startswith("admin:"):
            short = name.removeprefix("admin:")
            for view in ADMIN_VIEWS:
                model = short.removesuffix(f"_{view}")
                if model != short and model in models:
                    routes.append(Route(route, name, f"admin:<model>_{view}", model, view))
                    break
            else:
                routes.append(Route(route, name, name))
        elif name:
            routes.append(Route(route, name, name))
        elif route.startswith("admin/") and route.endswith("/<path:object_id>/"):
            model = route.removeprefix("admin/").removesuffix("/<path:object_id>/").replace("/", "_")
            routes.append(Route(route, None, "admin:<model>/<object_id>/ (redirect)", model, "redirect"))
        elif route == "admin/(?P<url>.*)$":
            routes.append(Route(route, None, "admin:catch-all"))
        else:
            routes.append(Route(route, None, f"unnamed:{route}"))
    return routes


# --- Sample objects -----------------------------------------------------------------------------
def build_world(*, officer, manager, director, service, other_service, comms, administrator, outsider):
    """One real object for every URL parameter, owned by the officer's service where it has an owner."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from rest_framework.authtoken.models import Token

    from accounts_register import services as register_services
    from accounts_register.models import (
        AccessRole,
        AuthorisedUser,
        DirectorPermission,
        ImportBatch,
        TrainingRecord,
        UsageStatement,
    )
    from business_cases.models import DirectorApprovalLink
    from business_cases.services import director_link_token
    from councilsocial.calendar.models import WorkingCalendar
    from councilsocial.flags.models import FlagKind, GovernanceFlag
    from monitoring.models import ActivityImport, ResponsePolicy
    from operations import services as ops
    from operations.models import DecidedCampaign, Emergency, PolicyVersion, PurdahPeriod
    from risk_assessments import services as risk_services
    from tests.factories import AccountFactory, BusinessCaseFactory, EnquiryFactory, UserFactory
    from tests.monitoring.sync_helpers import connect

    now = timezone.now()
    User = get_user_model()
    w = {"now": now}
    w["users"] = {
        "officer": officer,
        "manager": manager,
        "director": director,
        "comms": comms,
        "administrator": administrator,
        "outsider": outsider,
        "other_officer": User.objects.get(username="other-officer"),
    }
    w["service"] = service
    w["account"] = account = AccountFactory(
        service=service, handle=f"{OWN_MARKER}_walks", display_name=f"{OWN_MARKER} walks"
    )
    # The other service's work, named with LEAK_MARKER so a page showing it to the wrong role is caught.
    other_officer = w["users"]["other_officer"]
    other_account = AccountFactory(
        service=other_service, handle=f"{LEAK_MARKER}_safety", display_name=f"{LEAK_MARKER} safety"
    )
    EnquiryFactory(account=other_account, author=f"{LEAK_MARKER}_resident", text=f"{LEAK_MARKER} question")
    BusinessCaseFactory(
        service=other_service, author=other_officer, title=f"{LEAK_MARKER} case", state_entered_at=now
    )
    w["access"] = AuthorisedUser.objects.create(
        account=account,
        person=officer,
        role=AccessRole.EDITOR,
        granted_by=comms,
        granted_at=now - timedelta(days=10),
    )
    # Someone whose access to the account is suspended, for the page that restores it.
    w["suspended_access"] = register_services.authorised_user_suspend(
        access=AuthorisedUser.objects.create(
            account=account,
            person=UserFactory(username="walk-suspended"),
            role=AccessRole.EDITOR,
            granted_by=comms,
            granted_at=now - timedelta(days=10),
        ),
        by=comms,
        reason="Investigation under way",
        now=now - timedelta(days=1),
    )
    w["import_batch"] = ImportBatch.objects.create(
        id=uuid.uuid4(),
        created_by=comms,
        created_at=now,
        file_name="register.csv",
        columns=["platform", "handle"],
        rows=[],
        plan_digest="0" * 64,
    )
    w["activity_batch"] = ActivityImport.objects.create(
        id=uuid.uuid4(), kind="enquiries", created_by=officer, created_at=now, file_name="enquiries.csv"
    )
    w["enquiry"] = EnquiryFactory(
        account=account, author=f"{OWN_MARKER}_walker", text=f"{OWN_MARKER} question"
    )
    w["emergency"] = Emergency.objects.create(
        title="Flooding",
        reason="River levels",
        holding_message="Please see the council website.",
        declared_by=comms,
        declared_at=now - timedelta(days=3),
        lifted_by=comms,
        lifted_at=now - timedelta(days=2),
        status="lifted",
    )
    w["purdah"] = PurdahPeriod.objects.create(
        name="Old elections",
        elections="County Council",
        starts_on=now.date() - timedelta(days=400),
        ends_on=now.date() - timedelta(days=370),
        created_by=comms,
    )
    w["decided_campaign"] = DecidedCampaign.objects.create(
        name="Save Cannock Chase Hospital", decided_by="council", decided_on=now.date(), added_by=comms
    )
    w["incident"] = incident = ops.incident_report(
        by=officer,
        kind="compromised",
        severity="low",
        account=account,
        what_happened=f"{OWN_MARKER} posts nobody wrote",
        now=now,
    )
    w["incident_step"] = ops.checklist_for(incident.kind)[0].key
    ops.incident_report(
        by=other_officer,
        kind="abuse",
        severity="low",
        account=other_account,
        what_happened=f"{LEAK_MARKER} abuse",
        now=now,
    )
    ops.monitoring_term_request(
        by=other_officer, service=other_service, term=f"{LEAK_MARKER} term", reason="Safety", now=now
    )
    risk_services.risk_assessment_start(account=other_account, by=other_officer, now=now)
    w["term"] = ops.monitoring_term_request(
        by=officer, service=service, term=f"{OWN_MARKER} walks", reason="Visitor questions", now=now
    )
    w["case"] = BusinessCaseFactory(
        service=service, author=officer, title=f"{OWN_MARKER} case", status="draft", state_entered_at=now
    )
    waiting = BusinessCaseFactory(
        service=service, author=officer, status="awaiting_director", state_entered_at=now
    )
    link = DirectorApprovalLink.objects.create(
        case=waiting, director=director, case_version=waiting.version, created_at=now
    )
    w["waiting_case"] = waiting
    w["director_token"] = director_link_token(link)
    w["assessment"] = assessment = risk_services.risk_assessment_start(account=account, by=officer, now=now)
    w["risk_item"] = assessment.active_items()[0]
    # Someone who never signs in during the walk (signing in would void their reset token).
    resetting = UserFactory(username="walk-forgetful")
    w["reset_uid"] = urlsafe_base64_encode(force_bytes(resetting.pk))
    w["reset_token"] = default_token_generator.make_token(resetting)

    # Something for every Django admin page that takes an object id.
    Token.objects.get_or_create(user=comms)
    w["flag"] = GovernanceFlag.objects.create(
        kind=FlagKind.CREDENTIALS_NOT_ROTATED,  # a flag about the account itself
        subject_type=ContentType.objects.get_for_model(account),
        subject_id=account.pk,
        account=account,
        service=service,
        raised_at=now,
    )
    DirectorPermission.objects.create(
        person=officer, platforms=["x"], granted_by=director, granted_on=now.date(), document_reference="DP-1"
    )
    TrainingRecord.objects.create(person=officer, module="Social media basics", completed_at=now)
    UsageStatement.objects.get_or_create(version=1, defaults={"text": "Use it well.", "published_at": now})
    ResponsePolicy.objects.create(account=account, fixed_hours=8, reason="Out-of-hours service")
    # Connected (issue 14) through the demo connector, which answers without a network.
    connect(account, now=now, platform="demo")
    PolicyVersion.objects.create(
        version="walk",
        title="Social media policy",
        summary="For the walk.",
        published_by=comms,
        published_at=now,
        reviewed_on=now.date(),
        reviewed_by=comms,
    )
    if not WorkingCalendar.objects.exists():
        WorkingCalendar.objects.create(name="Council working days")
    ClockedSchedule.objects.create(clocked_time=now)
    SolarSchedule.objects.get_or_create(event="sunrise", latitude=52.7, longitude=-2.0)
    CrontabSchedule.objects.get_or_create(minute="0", hour="3")
    interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    if not PeriodicTask.objects.exists():
        PeriodicTask.objects.create(name="walk", task="walk", interval=interval)
    axes_row = {"user_agent": "walk", "ip_address": "127.0.0.1", "username": "x", "path_info": "/sign-in/"}
    AccessAttempt.objects.create(**axes_row, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**axes_row)
    AccessFailureLog.objects.create(**axes_row)
    return w


def _admin_object(model_key: str):
    model = admin_model_keys()[model_key]
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"build_world makes no {model_key} for its admin pages"
    return obj


def url_for(route: Route, w: dict) -> str:
    """A real URL for the route, its parameters naming objects in ``w``."""
    args: tuple = ()
    kwargs: dict = {}
    if route.admin_view == "redirect":
        return "/" + route.route.replace("<path:object_id>", str(_admin_object(route.admin_model).pk))
    if route.key == "admin:catch-all":
        return "/admin/no-such-page/"
    if route.admin_view:
        obj = _admin_object(route.admin_model)
        if route.admin_view == "simple_history":
            args = (obj.pk, obj.history.order_by("history_id").first().history_id)
        elif route.admin_view == "password_change":
            kwargs = {"id": obj.pk}
        elif route.admin_view in ("history", "delete", "change"):
            kwargs = {"object_id": obj.pk}
        return reverse(route.name, args=args, kwargs=kwargs)
    a, case, assessment = w["account"], w["case"], w["assessment"]
    per_name = {
        "password_reset_confirm": {"uidb64": w["reset_uid"], "token": w["reset_token"]},
        "register-export": {"fmt": "csv"},
        "account-detail": {"pk": a.pk},
        "account-edit": {"pk": a.pk},
        "account-status": {"pk": a.pk},
        "account-existing-approval": {"pk": a.pk},
        "access-grant": {"pk": a.pk},
        "access-end": {"pk": a.pk, "access_pk": w["access"].pk},
        "access-suspend": {"pk": a.pk, "access_pk": w["access"].pk},
        "access-restore": {"pk": a.pk, "access_pk": w["suspended_access"].pk},
        "statement-accept": {"pk": a.pk},
        "account-import-preview": {"batch_id": w["import_batch"].pk},
        "api-account-detail": {"pk": a.pk},
        "enquiry-respond": {"pk": w["enquiry"].pk},
        "enquiry-reply": {"pk": w["enquiry"].pk},
        "account-connect": {"pk": a.pk},
        "account-connect-oauth": {"pk": a.pk},
        "account-disconnect": {"pk": a.pk},
        "enquiry-assign": {"pk": w["enquiry"].pk},
        "response-undo": {"pk": w["enquiry"].pk},  # GET is refused before the id is looked up
        "activity-import-preview": {"batch_id": w["activity_batch"].pk},
        "service-dashboard": {"pk": w["service"].pk},
        "directorate-dashboard": {"pk": w["service"].directorate_id},
        "flag-detail": {"pk": w["flag"].pk},
        "api-enquiry-responses": {"pk": w["enquiry"].pk},
        "operations-emergency-lift": {"pk": w["emergency"].pk},
        "operations-purdah-delete": {"pk": w["purdah"].pk},
        "operations-decided-campaign-remove": {"pk": w["decided_campaign"].pk},
        "incident-detail": {"pk": w["incident"].pk},
        "incident-step": {"pk": w["incident"].pk, "step": w["incident_step"]},
        "incident-close": {"pk": w["incident"].pk},
        "monitoring-term-decide": {"pk": w["term"].pk},
        "business-case-detail": {"pk": case.pk},
        "business-case-section": {"pk": case.pk, "section": "purpose"},
        "business-case-action": {"pk": case.pk, "action": "submit"},
        "business-case-resend-link": {"pk": case.pk},
        "business-case-director-link": {"pk": w["waiting_case"].pk, "token": w["director_token"]},
        "risk-item-edit": {"pk": assessment.pk, "item_pk": w["risk_item"].pk},
        "risk-item-remove": {"pk": assessment.pk, "item_pk": w["risk_item"].pk},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(a).pk,
            "object_id": a.pk,
        },
        "admin:app_list": {"app_label": "accounts_register"},
    }
    if route.name in per_name:
        kwargs = per_name[route.name]
    elif "<int:pk>" in route.route:
        kwargs = {"pk": assessment.pk}  # the remaining pk routes are all risk assessments
        assert route.route.startswith("risk-assessments/"), f"give {route.name} its parameters in url_for"
    return reverse(route.name, args=args, kwargs=kwargs)


def outcome(response) -> int | str:
    """The response as a token: the status, or where a redirect goes."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return response.status_code
    location = response["Location"].split("?")[0]
    if location == reverse("login"):
        return "login"
    if location == reverse("admin:login"):
        return "admin-login"
    return f"{response.status_code}:{re.sub(r'(?<=/)[0-9]+(?=/|$)', 'N', location)}"


# --- The expectation table ----------------------------------------------------------------------
# One column per role, in the order of ROLES:
#   anonymous, officer, manager, director, comms, administrator, outsider, other_officer
# "officer" and "manager" work in the service that owns the sample objects and "director" is its
# Corporate Director; "other_officer" works in a service of another directorate; "outsider" is
# signed in with no role and no service. 404 is how the apps refuse an object the person may not
# see (one get_<thing>_for_user per object type); 403 is a page the role may not use at all.
LOGIN = "login"
A = LOGIN  # anonymous on any page that is not public
PUBLIC = (200,) * 8
HOME = "302:/"
CASES = "302:/business-cases/"
CASE = "302:/business-cases/N/"
ASSESSMENT = "302:/risk-assessments/N/"
COMMS_ONLY = (A, 403, 403, 403, 200, 403, 403, 403)
POST_ONLY = (A,) + (405,) * 7  # the change happens on POST; GET is refused, signed in or not
# Pages about one object of the officer's service: its people and Director see it, Comms sees all.
OWN_SERVICE_OBJECT = (A, 200, 200, 200, 200, 404, 404, 404)

EXPECTED: dict[str, tuple] = {
    # Public pages and sign-in (000 §24: the public register; the accessibility statement).
    "healthz": PUBLIC,
    "accessibility": PUBLIC,
    "login": (200, HOME, HOME, HOME, HOME, HOME, HOME, HOME),  # signed in: straight on to home
    "logout": (405,) * 8,  # sign-out is a POST (Django 5)
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    # A valid link: Django moves the token into the session and redirects to the form, signed in
    # or not (the token, not the session, decides whose password is set).
    "password_reset_confirm": ("302:/password-reset/<uid>/set-password/",) * 8,
    "password_reset_complete": PUBLIC,
    "public-register": PUBLIC,
    "public-register-json": PUBLIC,
    "public-register-csv": PUBLIC,
    "public-register-check": PUBLIC,
    "api-schema": PUBLIC,  # the OpenAPI description, for integrators
    # Meta's webhook: a GET is only Meta's subscription handshake, refused without our verify token.
    "meta-webhook": (403,) * 8,
    # Everyone signed in has a home page; lists are filtered to what the person may see.
    "home": PUBLIC,  # the public start page for a visitor (issue 13), the work lists when signed in
    "service-list": (A, 200, 200, 200, 200, 200, 200, 200),
    "register-list": (A, 200, 200, 200, 200, 200, 200, 200),
    # The register (001 §19, §28): services propose, Comms adds; the Director does neither.
    "account-create": (A, 200, 200, 403, 200, 403, 403, 200),
    "register-export": COMMS_ONLY,
    "account-detail": OWN_SERVICE_OBJECT,
    "account-edit": (A, 403, 403, 403, 200, 404, 404, 404),
    "account-status": (A, 403, 403, 403, 200, 404, 404, 404),
    # Communications record a Director's approval of a proposed existing account (issue 11 item 3);
    # the walk's account is active, so Comms are sent back to its page.
    "account-existing-approval": (A, 403, 403, 403, "302:/accounts/N/", 404, 404, 404),
    # Access is granted and ended by the service's manager or Comms (002 §5).
    "access-grant": (A, 403, 200, 403, 200, 404, 404, 404),
    "access-end": (A, 403, 200, 403, 200, 404, 404, 404),
    # Suspending and restoring one person's access (003 D2.3): the same people as ending it.
    "access-suspend": (A, 403, 200, 403, 200, 404, 404, 404),
    "access-restore": (A, 403, 200, 403, 200, 404, 404, 404),
    "statement-accept": OWN_SERVICE_OBJECT,
    "who-may-use-what": (A, 403, 403, 403, 200, 200, 403, 403),  # 002 §5.2: Comms and administrators
    "director-permission": (A, 403, 403, 200, 200, 403, 403, 403),
    "account-import": COMMS_ONLY,
    "account-import-template": COMMS_ONLY,
    "account-import-preview": COMMS_ONLY,  # and only the uploader's own batch
    # The API: 401 without a token; lists filtered to the person's services; ingest is POST only.
    "api-account-list": (401, 200, 200, 200, 200, 200, 200, 200),
    "api-account-detail": (401, 200, 200, 200, 200, 404, 404, 404),
    "api-enquiries": (401,) + (405,) * 7,
    "api-enquiry-responses": (401,) + (405,) * 7,
    "api-posts": (401,) + (405,) * 7,
    "api-flags": (401, 200, 200, 200, 200, 200, 200, 200),
    "api-content-check": (401,) + (405,) * 7,
    "api-monitoring-terms": (401, 403, 403, 403, 200, 403, 403, 403),
    # Monitoring (000 §25): services answer their own enquiries; Comms sees the council.
    "outbox": COMMS_ONLY,
    "inbox": (A, 200, 200, 403, 200, 403, 403, 200),
    "enquiry-new": (A, 200, 200, 403, 200, 403, 403, 200),
    "enquiry-respond": (A, 200, 200, 404, 200, 404, 404, 404),
    "enquiry-assign": POST_ONLY,  # hand an enquiry on (issue 13)
    # Connected accounts (issue 14): Communications connects and disconnects; the service replies on
    # the platform from its enquiry (the walk's X account has no connector: the page says so).
    "enquiry-reply": (A, 200, 200, 404, 200, 404, 404, 404),
    "account-connect": (A, 403, 403, 403, 200, 404, 404, 404),
    "account-disconnect": (A, 403, 403, 403, 200, 404, 404, 404),
    # Starts the platform's sign-in; X has no OAuth client in the walk, so Comms are sent back.
    "account-connect-oauth": (A, 403, 403, 403, "302:/accounts/N/", 404, 404, 404),
    # Where the platform sends Communications back after its sign-in: with no code, a plain 400.
    "connection-oauth-callback": (A, 403, 403, 403, 400, 403, 403, 403),
    "response-undo": POST_ONLY,  # undo a response recorded by mistake, within 15 minutes
    "duty-rota": COMMS_ONLY,  # 000 Appendix 2: Communications set the duty rota
    "activity-import": (A, 200, 200, 403, 200, 403, 403, 200),
    "activity-import-preview": (A, 200, 404, 404, 404, 404, 404, 404),  # the officer uploaded it
    "dashboard": COMMS_ONLY,
    "flag-list": (A, 200, 200, 200, 200, 403, 403, 200),
    "flag-detail": OWN_SERVICE_OBJECT,  # Communications assign it and add notes (POST)
    "service-dashboard": OWN_SERVICE_OBJECT,
    # A directorate's figures: Communications and that directorate's Corporate Director (issue 16).
    "directorate-dashboard": (A, 404, 404, 200, 200, 404, 404, 404),
    # Operations (003 D9–D11, Section B).
    "operations": (A, 200, 200, 200, 200, 403, 403, 200),
    "operations-emergency": (A, 200, 200, 200, 200, 200, 200, 200),  # what an emergency means, for all
    "operations-emergency-declare": COMMS_ONLY,
    "operations-emergency-lift": POST_ONLY,
    "operations-purdah": COMMS_ONLY,
    "operations-purdah-delete": POST_ONLY,
    "operations-decided-campaigns": COMMS_ONLY,
    "operations-decided-campaign-remove": POST_ONLY,
    "operations-word-lists": COMMS_ONLY,
    "content-check": (A, 200, 200, 403, 200, 403, 403, 200),  # 003 D4.1: officers and Comms
    "incident-list": (A, 200, 200, 200, 200, 403, 403, 200),
    "incident-report": (A, 200, 200, 200, 200, 403, 403, 200),
    "incident-detail": OWN_SERVICE_OBJECT,
    "incident-step": POST_ONLY,
    "incident-close": POST_ONLY,
    "monitoring-term-list": (A, 200, 200, 403, 200, 403, 403, 200),
    "monitoring-term-decide": POST_ONLY,
    "monitoring-terms-csv": COMMS_ONLY,
    "training": COMMS_ONLY,
    "training-import": COMMS_ONLY,
    "policy": (A, 200, 200, 200, 200, 200, 200, 200),  # everyone reads and acknowledges the policy
    "policy-not-acknowledged": COMMS_ONLY,
    # The Director reads their directorate's forms (PhotoConsent.objects.visible_to); members record.
    "photo-consent-list": (A, 200, 200, 200, 200, 403, 403, 200),
    # Business cases (000 §6): the author edits; Director and Comms decide; others see nothing.
    "business-case-list": (A, 200, 200, 200, 200, 200, 200, 200),
    "business-case-start": (A, 200, 200, CASES, CASES, CASES, CASES, 200),  # members of a service only
    "business-case-detail": OWN_SERVICE_OBJECT,
    "business-case-section": (A, 200, 404, 404, 404, 404, 404, 404),  # the author's alone
    # GET shows the confirmation to whoever may make the transition, else back to the case.
    "business-case-action": (A, 200, CASE, CASE, CASE, 404, 404, 404),
    "business-case-resend-link": POST_ONLY,
    # The Director's emailed link: the token authorises it without signing in (000 §6c); anyone
    # else signed in is refused (403 "not yours").
    "business-case-director-link": (200, 403, 403, 200, 403, 403, 403, 403),
    # Risk assessments (000 §9): the owning service edits, Comms accepts or returns.
    "risk-assessment-list": (A, 200, 200, 200, 200, 200, 200, 200),
    "risk-assessment-start": POST_ONLY,
    "risk-heatmap": COMMS_ONLY,
    "risk-item-list": COMMS_ONLY,
    "risk-assessment-detail": OWN_SERVICE_OBJECT,
    "risk-item-add": (A, 200, 200, 403, 403, 404, 404, 404),
    "risk-item-edit": (A, 200, 200, 403, 403, 404, 404, 404),
    "risk-item-remove": (A, 200, 200, 403, 403, 404, 404, 404),
    "risk-assessment-submit": POST_ONLY,
    "risk-assessment-revise": POST_ONLY,
    "risk-assessment-review": POST_ONLY,
    "risk-assessment-accept": POST_ONLY,
    "risk-assessment-return": (A, 403, 403, 403, 200, 404, 404, 404),
    # With no ?other= version to compare with, back to the assessment.
    "risk-assessment-compare": (A, ASSESSMENT, ASSESSMENT, ASSESSMENT, ASSESSMENT, 404, 404, 404),
    "risk-assessment-print": OWN_SERVICE_OBJECT,
}

# Django admin. Anonymous visitors and signed-in people who are not staff are sent to the admin
# sign-in page; staff (comms, administrator) reach the pages their group's model permissions allow
# (councilsocial.permissions.ADMIN_MODEL_PERMISSIONS), less what each ModelAdmin forbids.
ADM = "admin-login"
NOT_STAFF = {"anonymous", "officer", "manager", "director", "outsider", "other_officer"}
ADMIN_SITE_EXPECTED: dict[str, tuple] = {
    "admin:index": (ADM, ADM, ADM, ADM, 200, 200, ADM, ADM),
    "admin:login": (200, 200, 200, 200, "302:/admin/", "302:/admin/", 200, 200),
    # GET on sign-out: Django admin sends anyone who is not staff to the index (then its sign-in);
    # staff get 405, as sign-out is a POST.
    "admin:logout": ("302:/admin/",) * 4 + (405, 405) + ("302:/admin/",) * 2,
    "admin:password_change": (ADM, ADM, ADM, ADM, 200, 200, ADM, ADM),
    "admin:password_change_done": (ADM, ADM, ADM, ADM, 200, 200, ADM, ADM),
    "admin:autocomplete": (ADM, ADM, ADM, ADM, 403, 403, ADM, ADM),  # no field named: refused
    "admin:jsi18n": (ADM, ADM, ADM, ADM, 200, 200, ADM, ADM),
    "admin:view_on_site": (ADM, ADM, ADM, ADM, 404, 404, ADM, ADM),  # accounts have no public URL here
    "admin:app_list": (ADM, ADM, ADM, ADM, 200, 200, ADM, ADM),
    "admin:catch-all": (ADM, ADM, ADM, ADM, 404, 404, ADM, ADM),
}
# What each staff role may do with each admin model, after the ModelAdmin's own has_*_permission:
# v = view (the list, the object read-only, its history), a = add, c = change, d = delete.
# ("comms", "administrator").
ADMIN_MODELS: dict[str, tuple[str, str]] = {
    # A role's group is deleted by a superuser only (issue 11 item 11); the sample is a role's group.
    "auth_group": ("", "vac"),
    "auth_user": ("", "vac"),  # people are switched off, never deleted (003 D2.3)
    "authtoken_tokenproxy": ("", ""),  # tokens are a superuser's job
    "django_celery_beat_periodictask": ("", "vacd"),
    "django_celery_beat_intervalschedule": ("", "vacd"),
    "django_celery_beat_crontabschedule": ("", "vacd"),
    "django_celery_beat_clockedschedule": ("", ""),
    "django_celery_beat_solarschedule": ("", ""),
    "accounts_register_directorate": ("vacd", "vacd"),
    "accounts_register_committee": ("vacd", "vacd"),
    "accounts_register_service": ("vacd", "vacd"),
    "accounts_register_socialmediaaccount": ("vac", ""),  # closed and archived, never deleted
    # The audit trail of access and the Director's permissions: superusers read it in admin; the
    # register pages show it to the people who need it.
    "accounts_register_authoriseduser": ("", ""),
    "accounts_register_directorpermission": ("", ""),
    "accounts_register_trainingrecord": ("", ""),
    "accounts_register_usagestatement": ("", ""),
    "business_cases_businesscase": ("vc", ""),  # change = the set-up fields only; no add or delete
    "risk_assessments_riskassessment": ("", ""),
    "notifications_notification": ("v", "v"),  # the outbox is read-only
    "calendar_workingcalendar": ("", "vcd"),  # one calendar: no second one can be added
    "monitoring_responsepolicy": ("vacd", ""),
    # Published on the policy page; in admin a review with no change is recorded (an action).
    "operations_policyversion": ("vc", "vc"),
    # Enquiries may be corrected by Comms (a mistyped import); their deadlines are read-only.
    # Never deleted (the evidence behind response times), never added (no deadline would be computed).
    "monitoring_enquiry": ("vc", ""),
    # Connected accounts' health, read only, never their secrets (issue 14).
    "monitoring_connection": ("v", ""),
    "flags_governanceflag": ("v", ""),  # raised and resolved by the checks only
    # Communications keeps the decided campaigns on its own page (issue 15); superusers in admin.
    "operations_decidedcampaign": ("", ""),
    # django-axes' own admin, left as the package registers it (superusers only here).
    "axes_accessattempt": ("", ""),
    "axes_accesslog": ("", ""),
    "axes_accessfailurelog": ("", ""),
}
NEEDS = {"changelist": "v", "change": "v", "history": "v", "add": "a", "delete": "d", "password_change": "c"}


def expected_for(route: Route, role: str):
    """The expected token for one URL and role, or None when the table does not know the URL."""
    if route.admin_model:
        if route.admin_model not in ADMIN_MODELS:
            return None
        if role in NOT_STAFF:
            return ADM
        perms = ADMIN_MODELS[route.admin_model][("comms", "administrator").index(role)]
        if route.admin_view == "redirect":  # the old-style object URL, sent on to its change page
            app, model = admin_model_keys()[route.admin_model]._meta.label_lower.split(".")
            return f"302:/admin/{app}/{model}/N/change/"
        if route.admin_view == "simple_history":
            return 403  # a historical version is never shown as a form to revert to (the audit trail)
        return 200 if NEEDS[route.admin_view] in perms else 403
    table = ADMIN_SITE_EXPECTED if route.key.startswith("admin:") else EXPECTED
    if route.key not in table:
        return None
    return table[route.key][ROLES.index(role)]


# Pages that may show a service's work to roles outside it (MUST_NOT_SEE is not checked), and why.
MAY_SHOW_ANY_SERVICE = {
    "public-register": set(ROLES),  # active accounts are public (000 §24)
    "public-register-json": set(ROLES),
    "public-register-csv": set(ROLES),
    "api-schema": set(ROLES),
    "who-may-use-what": {"administrator"},  # 002 §5.2: administrators check access council-wide
}
# Django admin is council-wide by design: staff see every row of the models ADMIN_MODELS lets them
# view (for example administrators read the whole outbox), so admin model pages are not checked.


# --- The walk -----------------------------------------------------------------------------------
@pytest.fixture
def world(officer, manager, director, service, other_service, comms, administrator, outsider):
    return build_world(
        officer=officer,
        manager=manager,
        director=director,
        service=service,
        other_service=other_service,
        comms=comms,
        administrator=administrator,
        outsider=outsider,
    )


def test_the_walk_finds_every_url_pattern():
    """The walk reaches Django admin and every app's URLs (so the table below covers them all)."""
    routes = all_routes()
    assert len(routes) > 250
    assert {"admin:index", "account-detail", "inbox", "incident-detail", "business-case-detail"} <= {
        r.key for r in routes
    }


def test_a_url_missing_from_the_table_has_no_expectation():
    """What makes a new view without a decided permission fail the walk."""
    assert expected_for(Route("reports/", "brand-new-report", "brand-new-report"), "officer") is None
    new_admin = Route("admin/x/y/", "admin:x_y_changelist", "admin:<model>_changelist", "x_y", "changelist")
    assert expected_for(new_admin, "comms") is None
    assert expected_for(Route("inbox/", "inbox", "inbox"), "director") == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_url_gives_the_expected_status_for_the_role(client, world, role):
    """GET every URL as the role: each answers as the table says, and none leaks another service."""
    if role != "anonymous":
        client.force_login(world["users"][role])
    problems = []
    for route in all_routes():
        label = f"{route.key} [{route.admin_model}]" if route.admin_model else route.key
        expected = expected_for(route, role)
        if expected is None:
            problems.append(f"{route.route} ({label}): add an expected status for this new URL")
            continue
        try:
            url = url_for(route, world)
        except (NoReverseMatch, AssertionError) as error:
            problems.append(f"{route.route} ({label}): give it sample parameters in url_for ({error})")
            continue
        response = client.get(url)
        got = outcome(response)
        if isinstance(got, str):
            got = got.replace(world["reset_uid"], "<uid>")
        if got != expected:
            problems.append(f"{url} ({label}): expected {expected!r}, got {got!r}")
        if expected == 405 and client.head(url).status_code != 405:  # POST-only: HEAD refused too
            problems.append(f"{url} ({label}): HEAD should be refused like GET (405)")
        if (
            response.status_code == 200
            and role not in MAY_SHOW_ANY_SERVICE.get(route.key, ())
            and not route.admin_model
            and not getattr(response, "streaming", False)
        ):
            page = response.content.decode(errors="replace")
            for marker in MUST_NOT_SEE[role]:
                if marker in page:
                    problems.append(f"{url} ({label}): shows {role} a service's work ({marker!r})")
    assert not problems, f"{len(problems)} URL(s) as {role}:\n" + "\n".join(problems)
