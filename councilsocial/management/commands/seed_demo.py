"""Create a demo council: Cannock Chase Council and its real accounts (003 §5.7).

Idempotent: running it again finds what is there and changes nothing but the demo passwords,
which it sets to the demo password so that the sign-in details it prints always work.
"""

from __future__ import annotations

import os
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts_register.models import (
    AccountKind,
    AccountStatus,
    AuthorisedUser,
    Committee,
    Directorate,
    DirectorPermission,
    Service,
    SocialMediaAccount,
    TrainingRecord,
)
from accounts_register.platforms import Platform, canonical_url
from accounts_register.services import (
    account_change_status,
    account_record_existing_approval,
    authorised_user_grant,
)
from councilsocial.permissions import (
    ADMINISTRATORS,
    COMMUNICATIONS,
    CORPORATE_DIRECTORS,
    SERVICE_OFFICERS,
    grant_role_permissions,
)
from monitoring.demo import seed_monitoring_demo
from monitoring.demo_connections import seed_demo_connections
from monitoring.demo_history import seed_monitoring_history
from operations.demo import seed_operations_demo
from risk_assessments.demo import seed_demo_assessments

DEMO_PASSWORD = "demo-password-cannock"  # noqa: S105 - printed for the demo; refused when DEBUG is off
MAIL_DOMAIN = "cannockchasedc.gov.uk"
FIGURES_DATE = date(2020, 1, 28)  # "as at 28 January 2020" (003 §5.7)

DIRECTORATES = {
    "Chief Executive's Office": ("director.ceo", "Morgan Reid"),
    "Place and Economy": ("director", "Chris Walker"),
    "Housing and Communities": ("director.communities", "Priya Shah"),
}
COMMITTEES = {
    "Cabinet": ("Councillor Jo Bennett", f"cabinet.chair@{MAIL_DOMAIN}"),
    "Economic Development and Planning Committee": ("Councillor Sam Hollis", f"edp.chair@{MAIL_DOMAIN}"),
    "Community Safety Committee": ("Councillor Alex Grant", f"communitysafety.chair@{MAIL_DOMAIN}"),
}
SERVICES = {
    # service: (directorate, committee)
    "Policy and Communications": ("Chief Executive's Office", "Cabinet"),
    "Countryside Service": ("Place and Economy", "Economic Development and Planning Committee"),
    "Economic Development": ("Place and Economy", "Economic Development and Planning Committee"),
    "Building Control": ("Place and Economy", "Economic Development and Planning Committee"),
    "Community Safety": ("Housing and Communities", "Community Safety Committee"),
}

# 003 §5.7: the corporate and departmental accounts, with followers as at 28 January 2020.
ACCOUNTS = [
    # platform, handle, display name, service, kind, followers, purpose / note
    (
        Platform.X,
        "CannockChaseDC",
        "Cannock Chase Council",
        "Policy and Communications",
        AccountKind.CORPORATE,
        8756,
        "The council's main corporate account.",
    ),
    (
        Platform.X,
        "CCDCYourVoice",
        "Cannock Chase Council – Your Voice",
        "Policy and Communications",
        AccountKind.CORPORATE,
        223,
        "Used for consultation and engagement activities.",
    ),
    (
        Platform.FACEBOOK,
        "cannockchasedc",
        "Cannock Chase Life",
        "Policy and Communications",
        AccountKind.CORPORATE,
        5029,
        "The council's Facebook page, Cannock Chase Life.",
    ),
    (
        Platform.FACEBOOK,
        "Cannock-Chase-Council-Countryside-Service-111298768960981",
        "Cannock Chase Council Countryside Service",
        "Countryside Service",
        AccountKind.DEPARTMENTAL,
        1070,
        "News from the Countryside Service.",
    ),
    (
        Platform.INSTAGRAM,
        "cannockchasedc",
        "Cannock Chase Council",
        "Policy and Communications",
        AccountKind.CORPORATE,
        450,
        "The council's Instagram account.",
    ),
    (
        Platform.YOUTUBE,
        "CannockChaseDC",
        "CannockChaseDC",
        "Policy and Communications",
        AccountKind.CORPORATE,
        None,
        "Video; 31,515 views to the channel as at 28 January 2020.",
    ),
    (
        Platform.LINKEDIN,
        "cannock-chase-district-council",
        "Cannock Chase District Council",
        "Policy and Communications",
        AccountKind.CORPORATE,
        None,
        "Basic details on the council; no regular postings currently made.",
    ),
    (
        Platform.X,
        "ccdc_sbc",
        "Cannock Chase Council and Stafford Borough Council Building Control",
        "Building Control",
        AccountKind.DEPARTMENTAL,
        32,
        "Building Control, shared with Stafford Borough Council.",
    ),
    (
        Platform.X,
        "ccdcpartnership",
        "Cannock Chase Community Safety Partnership",
        "Community Safety",
        AccountKind.DEPARTMENTAL,
        376,
        "The Community Safety Partnership.",
    ),
    (
        Platform.INSTAGRAM,
        "visitcannockchase",
        "Visit Cannock Chase",
        "Economic Development",
        AccountKind.DEPARTMENTAL,
        693,
        "Used by Economic Development to promote the district.",
    ),
]

# username: (full name, role group, services as officer, services as manager, staff)
PEOPLE = {
    "officer": ("Sam Patel", SERVICE_OFFICERS, ["Countryside Service"], [], False),
    "manager": ("Alex Morgan", SERVICE_OFFICERS, [], ["Countryside Service", "Economic Development"], False),
    # Every service has someone to keep its accounts' risk assessments (000 §9).
    "officer.buildingcontrol": ("Dana Price", SERVICE_OFFICERS, ["Building Control"], [], False),
    "officer.communitysafety": ("Lee Evans", SERVICE_OFFICERS, ["Community Safety"], [], False),
    "director": ("Chris Walker", CORPORATE_DIRECTORS, [], [], False),
    "director.ceo": ("Morgan Reid", CORPORATE_DIRECTORS, [], [], False),
    "director.communities": ("Priya Shah", CORPORATE_DIRECTORS, [], [], False),
    "comms": ("Jordan Hughes", COMMUNICATIONS, ["Policy and Communications"], [], True),
    # A second person in Communications: whoever advised on a business case may not also approve it
    # for Communications or accept its risk assessment (segregation of duties, 000 §6).
    "comms.approver": ("Taylor Brooks", COMMUNICATIONS, ["Policy and Communications"], [], True),
    "comms.risk": ("Casey Lin", COMMUNICATIONS, ["Policy and Communications"], [], True),
    "admin": ("Robin Clarke", ADMINISTRATORS, [], [], True),
}
SIGN_IN_ROLES = [
    ("officer", "Service officer (Countryside Service)"),
    ("manager", "Service manager (Countryside Service, Economic Development)"),
    ("director", "Corporate Director (Place and Economy)"),
    ("comms", "Communications and Marketing"),
    ("comms.approver", "Communications and Marketing (a second person, for approvals)"),
    ("comms.risk", "Communications and Marketing (a third person, for risk assessments)"),
    ("admin", "Administrator"),
]


class Command(BaseCommand):
    help = "Create or refresh the Cannock Chase Council demo data and print the demo sign-in details."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for the demo users (default: the demo password).")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off. Never do this on a council's live system.",
        )
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Leave out the year of past enquiries and posts (quicker; the charts then show little).",
        )

    @transaction.atomic
    def handle(self, *args, password: str | None, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "seed_demo creates users with a published password, so it only runs with DEBUG=true "
                "(or --allow-production)."
            )
        password = password or os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD
        grant_role_permissions()
        users = self._people(password)
        directorates = {}
        for name, (username, _full_name) in DIRECTORATES.items():
            directorates[name], _ = Directorate.objects.update_or_create(
                name=name, defaults={"corporate_director": users[username]}
            )
        committees = {}
        for name, (chairman, email) in COMMITTEES.items():
            committees[name], _ = Committee.objects.update_or_create(
                name=name, defaults={"chairman_name": chairman, "chairman_email": email}
            )
        services = {}
        for name, (directorate, committee) in SERVICES.items():
            services[name], _ = Service.objects.update_or_create(
                name=name,
                directorate=directorates[directorate],
                defaults={"committee": committees[committee]},
            )
        for username, (_name, _group, as_officer, as_manager, _staff) in PEOPLE.items():
            for service in as_officer:
                services[service].officers.add(users[username])
            for service in as_manager:
                services[service].managers.add(users[username])
        created = 0
        for platform, handle, display_name, service, kind, followers, purpose in ACCOUNTS:
            _account, was_created = SocialMediaAccount.objects.get_or_create(
                platform=platform,
                handle__iexact=handle,
                defaults={
                    "handle": handle,
                    "url": canonical_url(platform, handle),
                    "display_name": display_name,
                    "service": services[service],
                    "kind": kind,
                    "purpose": purpose,
                    "followers": followers,
                    "followers_recorded_on": FIGURES_DATE if followers is not None else None,
                    "admin_mailbox": f"socialmedia@{MAIL_DOMAIN}",
                    "admin_mailbox_is_shared": True,
                    "comms_has_admin_access": True,
                    "vault_reference": f"Comms vault / Social media / {platform}-{handle}",
                    "mfa_enabled": True,
                    "recovery_contact": f"socialmedia@{MAIL_DOMAIN}",
                },
            )
            created += was_created
        from django.utils import timezone

        self._record_existing_approvals(users)
        self._access(users, timezone.now())
        seed_demo_assessments(now=timezone.now())
        self._make_active(users)

        if not options["without_history"]:
            self._history(timezone.now())
        seed_monitoring_demo(now=timezone.now())
        seed_operations_demo(by=users["comms"], now=timezone.now())
        # Two accounts read from the demonstration platform, so enquiries arrive while the demo runs.
        seed_demo_connections(by=users["comms"], now=timezone.now())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo council ready: {len(directorates)} directorates, {len(services)} services, "
                f"{len(committees)} committees, {len(ACCOUNTS)} accounts ({created} new)."
            )
        )
        self.stdout.write("Sign in at /sign-in/ with one of these demo users:")
        for username, role in SIGN_IN_ROLES:
            self.stdout.write(f"  {role:<62} username: {username:<10} password: {password}")

    def _history(self, now) -> None:
        """A year of enquiries, responses, posts and cleared flags, so the dashboard's charts show
        twelve months (issue 13 item 7). Before ``seed_monitoring_demo``, whose refresh of the
        dashboard's figures then counts them."""
        made = seed_monitoring_history(now=now)
        if made.enquiries or made.posts:
            self.stdout.write(
                f"A year of history: {made.enquiries} enquiries, {made.posts} posts, "
                f"{made.flags} overdue flags raised and cleared."
            )

    def _record_existing_approvals(self, users: dict) -> None:
        """The demo accounts existed before the app (003 §5.7): Communications record each one's
        approval by its directorate's Corporate Director, the register's route for existing accounts."""
        for account in SocialMediaAccount.objects.filter(
            status=AccountStatus.PROPOSED, approval_route="", business_case__isnull=True
        ).select_related("service__directorate__corporate_director"):
            account_record_existing_approval(
                account=account,
                director=account.service.directorate.corporate_director,
                approved_on=FIGURES_DATE,
                reference="Register of the council's social media accounts (003 §5.7)",
                by=users["comms"],
                today=FIGURES_DATE,
            )

    def _make_active(self, users: dict) -> None:
        """Every demo account goes active through the register's one rule (000 §6, §10, §11)."""
        for account in SocialMediaAccount.objects.filter(status=AccountStatus.PROPOSED):
            account_change_status(
                account=account,
                transition="activate",
                by=users["comms"],
                reason="An existing council account, in use before this app (003 §5.7)",
            )

    def _access(self, users: dict, now) -> None:
        """Who may use which demo account, with the prerequisites of 002 §2.6 and §5.1 on record."""
        for username, director in [
            ("officer", "director"),
            ("manager", "director"),
            ("comms", "director.ceo"),
        ]:
            DirectorPermission.objects.get_or_create(
                person=users[username],
                defaults={
                    "platforms": sorted(Platform.values),
                    "granted_by": users[director],
                    "granted_on": date(2025, 4, 1),
                    "document_reference": f"HR/SM/{username}",
                },
            )
            TrainingRecord.objects.get_or_create(
                person=users[username],
                module=settings.SOCIAL_MEDIA_ELEARNING_MODULE,
                defaults={"completed_at": now.replace(year=2025, month=4, day=2), "source": "imported"},
            )
        grants = [
            (
                "manager",
                Platform.FACEBOOK,
                "Cannock-Chase-Council-Countryside-Service-111298768960981",
                "owner",
            ),
            (
                "officer",
                Platform.FACEBOOK,
                "Cannock-Chase-Council-Countryside-Service-111298768960981",
                "editor",
            ),
            ("manager", Platform.INSTAGRAM, "visitcannockchase", "owner"),
            ("comms", Platform.X, "CannockChaseDC", "owner"),
            ("comms", Platform.FACEBOOK, "cannockchasedc", "owner"),
            ("comms", Platform.INSTAGRAM, "cannockchasedc", "owner"),
        ]
        for username, platform, handle, role in grants:
            account = SocialMediaAccount.objects.get(platform=platform, handle__iexact=handle)
            if (
                not AuthorisedUser.objects.not_ended()
                .filter(account=account, person=users[username])
                .exists()
            ):
                authorised_user_grant(
                    account=account, person=users[username], role=role, granted_by=users["comms"], now=now
                )

    def _people(self, password: str) -> dict:
        User = get_user_model()
        users = {}
        for username, (full_name, group, _o, _m, staff) in PEOPLE.items():
            first, last = full_name.split(" ", 1)
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@{MAIL_DOMAIN}",
                    "is_staff": staff,
                    "is_active": True,
                },
            )
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=group)[0])
            users[username] = user
        return users
