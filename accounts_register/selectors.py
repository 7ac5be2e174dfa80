"""Reads for the account register: the register list with its filters, and access checks."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from councilsocial.flags.models import GovernanceFlag
from councilsocial.permissions import is_communications

from .extensions import account_risk
from .models import AccountStatus, AuthorisedUser, Service, SocialMediaAccount


class ServiceRole(enum.Enum):
    """A person's role in one service: the one answer every access check is built on.

    Members (managers and officers) do the service's work (000 §6a, §25); the Corporate Director of
    its directorate reads it and decides its cases (000 §6b); Communications reads and runs everything
    council-wide (001 §19, §28). Each ``get_<thing>_for_user`` says which roles may read and write.
    """

    NONE = "none"
    DIRECTOR = "director"
    COMMUNICATIONS = "communications"
    OFFICER = "officer"
    MANAGER = "manager"

    @property
    def is_member(self) -> bool:
        """Works in the service: a manager or an officer."""
        return self in (ServiceRole.MANAGER, ServiceRole.OFFICER)

    @property
    def reads(self) -> bool:
        return self is not ServiceRole.NONE


def service_role(user, service: Service | None) -> ServiceRole:
    """What ``user`` is in ``service``: a member first (even a Communications officer who also works in
    the service), then Communications, then the directorate's Corporate Director. One query at most."""
    if service is None or user is None or not user.is_authenticated:
        return ServiceRole.NONE
    membership = (
        Service.objects.filter(pk=service.pk)
        .annotate(
            is_manager=Exists(Service.managers.through.objects.filter(service=OuterRef("pk"), user=user)),
            is_officer=Exists(Service.officers.through.objects.filter(service=OuterRef("pk"), user=user)),
        )
        .values("is_manager", "is_officer", "directorate__corporate_director")
        .first()
    )
    if membership is None:
        return ServiceRole.NONE
    if membership["is_manager"]:
        return ServiceRole.MANAGER
    if membership["is_officer"]:
        return ServiceRole.OFFICER
    if is_communications(user):
        return ServiceRole.COMMUNICATIONS
    if membership["directorate__corporate_director"] == user.pk:
        return ServiceRole.DIRECTOR
    return ServiceRole.NONE


SORTS = {
    "handle": ("handle",),
    "-handle": ("-handle",),
    "platform": ("platform", "handle"),
    "-platform": ("-platform", "handle"),
    "service": ("service__name", "handle"),
    "-service": ("-service__name", "handle"),
    "status": ("status", "handle"),
    "-status": ("-status", "handle"),
    "activity": ("last_activity_at", "handle"),
    "-activity": ("-last_activity_at", "handle"),
}


@dataclass
class RegisterFilters:
    q: str = ""
    platform: str = ""
    service: str = ""
    directorate: str = ""
    kind: str = ""
    status: str = ""
    has_open_flags: bool = False
    risk: str = ""  # "review_overdue" or "none_accepted"
    sort: str = "platform"


def open_flags_exist():
    return Exists(GovernanceFlag.objects.filter(account=OuterRef("pk"), resolved_at__isnull=True))


def register_accounts(user, filters: RegisterFilters) -> QuerySet[SocialMediaAccount]:
    """The register list: accounts the person may see, filtered, searched and sorted.

    One query for the page of rows (services, directorates and counts joined or annotated),
    whatever the number of accounts.
    """
    current_users = (
        AuthorisedUser.objects.filter(account=OuterRef("pk"), ended_at__isnull=True)
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Correlated subqueries rather than a GROUP BY over every access row: only the page's rows are
    # counted, and the paginator's COUNT(*) leaves these unused annotations out.
    accounts = (
        SocialMediaAccount.objects.visible_to(user)
        .select_related("service__directorate")
        .annotate(
            has_open_flags=open_flags_exist(),
            current_users=Coalesce(Subquery(current_users, output_field=IntegerField()), 0),
        )
    )
    if filters.q:
        term = filters.q.strip().lstrip("@")
        accounts = accounts.filter(Q(handle__icontains=term) | Q(display_name__icontains=term))
    for field, value in [
        ("platform", filters.platform),
        ("service_id", filters.service),
        ("service__directorate_id", filters.directorate),
        ("kind", filters.kind),
        ("status", filters.status),
    ]:
        if value:
            accounts = accounts.filter(**{field: value})
    if filters.has_open_flags:
        accounts = accounts.filter(open_flags_exist())
    if filters.risk:
        risk_filter = account_risk.filters.get(filters.risk)
        if risk_filter is not None:
            accounts = accounts.filter(risk_filter(timezone.now()))
    return accounts.order_by(*SORTS.get(filters.sort, SORTS["platform"]), "pk")


def get_account_for_user(user, pk, *, write: bool = False) -> SocialMediaAccount:
    """The account, if the person may see it (404 otherwise); with ``write``, only for Communications.

    A person who may see the account but not change it gets PermissionDenied (403) for ``write``.
    """
    from django.core.exceptions import PermissionDenied

    try:
        account = (
            SocialMediaAccount.objects.visible_to(user).select_related("service__directorate").get(pk=pk)
        )
    except (SocialMediaAccount.DoesNotExist, ValueError, TypeError):
        raise Http404("No such account") from None
    if write and not is_communications(user):
        raise PermissionDenied
    return account


def current_access(account) -> QuerySet[AuthorisedUser]:
    return account.authorised_users.filter(ended_at__isnull=True).select_related("person", "granted_by")


def who_may_use_what(*, person=None) -> QuerySet[AuthorisedUser]:
    """002 §5.2: IT's record of authorised users and the sites each may use, by person."""
    access = (
        AuthorisedUser.objects.filter(
            ended_at__isnull=True, account__status__in=[AccountStatus.ACTIVE, AccountStatus.SUSPENDED]
        )
        .select_related("person", "account")
        .order_by(
            "person__last_name",
            "person__first_name",
            "person__username",
            "account__platform",
            "account__handle",
        )
    )
    if person is not None:
        access = access.filter(person=person)
    return access
