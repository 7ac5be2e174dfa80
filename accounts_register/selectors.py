"""Reads for the account register: the register list with its filters, and access checks."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull
from django.http import Http404

from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.permissions import is_communications, is_corporate_director

from .extensions import account_risk
from .models import (
    AccountStatus,
    AuthorisedUser,
    Directorate,
    Service,
    SocialMediaAccount,
    managed_by,
    staffed_by,
)
from .platforms import fold


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
    the service), then Communications, then the directorate's Corporate Director (named on it and in
    the Corporate directors group). One query at most; the same membership rule as
    ``Service.objects.for_member`` and ``visible_to`` (``managed_by``, ``staffed_by``, ``leads``)."""
    if service is None or user is None or not user.is_authenticated:
        return ServiceRole.NONE
    membership = (
        Service.objects.filter(pk=service.pk)
        .annotate(is_manager=managed_by(user), is_officer=staffed_by(user))
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
    if membership["directorate__corporate_director"] == user.pk and is_corporate_director(user):
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


def has_open_flag():
    """Whether the account has an open flag, as a column of a page of rows: a scalar subquery
    (``LIMIT 1``) is probed once per row shown, where PostgreSQL would build an ``EXISTS`` in the
    select list as a hash of every open flag in the council (issue 16)."""
    open_flags = GovernanceFlag.objects.filter(account=OuterRef("pk"), resolved_at__isnull=True)
    first = open_flags.order_by().values("pk")[:1]
    return IsNull(Subquery(first), False)


def register_accounts(user, filters: RegisterFilters, *, now: datetime) -> QuerySet[SocialMediaAccount]:
    """The register list: accounts the person may see, filtered, searched and sorted (the risk filters
    judge review dates at ``now``).

    One query for the page of rows (services, directorates and counts joined or annotated),
    whatever the number of accounts.
    """
    current_users = (
        AuthorisedUser.objects.not_ended()
        .filter(account=OuterRef("pk"))
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
            has_open_flags=has_open_flag(),
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
            accounts = accounts.filter(risk_filter(now))
    return accounts.order_by(*SORTS.get(filters.sort, SORTS["platform"]), "pk")


# The service filter lists at most this many services; past that, those of the chosen directorate
# (a council with thousands of services would otherwise send them all with every page).
SERVICE_CHOICES_LIMIT = 100


def register_filter_choices(user, filters: RegisterFilters) -> tuple[list, list, bool]:
    """The directorate and service choices of the register's filters, and whether the services
    were cut short. Two queries, each bounded: the directorates the person may see, and up to
    ``SERVICE_CHOICES_LIMIT`` of their services (the chosen directorate's when one is chosen; the
    chosen service always among them).
    """
    visible = Service.objects.visible_to(user)
    directorates = [
        (str(pk), name)
        for pk, name in Directorate.objects.filter(pk__in=visible.values("directorate_id"))
        .order_by("name", "pk")
        .values_list("pk", "name")
    ]
    services = visible.filter(directorate_id=filters.directorate) if filters.directorate else visible
    order = ["name", "pk"]  # read from ``service_name_idx``: the first hundred, not a sort of them all
    if filters.service:
        order.insert(0, Case(When(pk=int(filters.service), then=0), default=1, output_field=IntegerField()))
    rows = list(services.order_by(*order).values_list("pk", "name")[: SERVICE_CHOICES_LIMIT + 1])
    truncated = len(rows) > SERVICE_CHOICES_LIMIT
    if truncated:  # only the chosen service, if any; the hint asks for a directorate first
        rows = [row for row in rows[:1] if str(row[0]) == filters.service]
    return directorates, sorted(((str(pk), name) for pk, name in rows), key=lambda c: c[1]), truncated


def get_account_for_user(user, pk, *, write: bool = False) -> SocialMediaAccount:
    """The account, if the person may see it (404 otherwise); with ``write``, only for Communications.

    A person who may see the account but not change it gets PermissionDenied (403) for ``write``.
    """
    try:
        account = (
            SocialMediaAccount.objects.visible_to(user).select_related("service__directorate").get(pk=pk)
        )
    except (SocialMediaAccount.DoesNotExist, ValueError, TypeError):
        raise Http404("No such account") from None
    if write and not is_communications(user):
        raise PermissionDenied
    return account


def get_access_for_user(user, pk, *, write: bool = False) -> AuthorisedUser:
    """An access record (a person's access to one account, 003 D2.3): read by whoever may see the
    account; ``write`` (ending it) by Communications and the managers of the account's service,
    403 for other readers (``may_manage_access``)."""
    access = (
        AuthorisedUser.objects.visible_to(user)
        .select_related("account__service", "person", "granted_by")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if access is None:
        raise Http404("No such access")
    if write and not may_manage_access(user, access.account):
        raise PermissionDenied
    return access


def may_manage_access(user, account: SocialMediaAccount) -> bool:
    """Communications, and the managers of the account's service, give and end access."""
    return is_communications(user) or service_role(user, account.service) is ServiceRole.MANAGER


# Flags about a service's own work, which its Corporate Director does not see: answering enquiries
# is the service's job (000 §25), and the Director does not see its enquiries (README "Who may see
# what"); the flag would link to an enquiry they may not open.
SERVICE_WORK_FLAG_KINDS = (FlagKind.OVERDUE_ENQUIRY,)


def flags_visible_to(user) -> QuerySet[GovernanceFlag]:
    """Governance flags a person may see, open or cleared: every one for Communications; those of the
    services they work in; and those of the services they lead as Corporate Director, except flags
    about the service's own work (``SERVICE_WORK_FLAG_KINDS``). A flag about no service, such as the
    policy review, is Communications'."""
    if not user.is_authenticated:
        return GovernanceFlag.objects.none()
    if is_communications(user):
        return GovernanceFlag.objects.all()
    led = Service.objects.led_by(user).values("pk")
    return GovernanceFlag.objects.filter(
        Q(service__in=Service.objects.for_member(user).values("pk"))
        | (Q(service__in=led) & ~Q(kind__in=SERVICE_WORK_FLAG_KINDS))
    )


def get_flag_for_user(user, pk, *, write: bool = False) -> GovernanceFlag:
    """A flag the person may see, else 404; ``write`` (assigning it, adding a note) by Communications
    alone, 403 for other readers. Nobody clears a flag: it clears when its condition clears."""
    flag = (
        flags_visible_to(user).select_related("account", "service", "assigned_to").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if flag is None:
        raise Http404("No such flag")
    if write and not is_communications(user):
        raise PermissionDenied
    return flag


def current_access(account) -> QuerySet[AuthorisedUser]:
    return account.authorised_users.not_ended().select_related("person", "granted_by")


def who_may_use_what(*, person=None) -> QuerySet[AuthorisedUser]:
    """002 §5.2: IT's record of authorised users and the sites each may use, by person."""
    access = (
        AuthorisedUser.objects.not_ended()
        .filter(account__status__in=[AccountStatus.ACTIVE, AccountStatus.SUSPENDED])
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


# --- Does anything similar already exist? (000 Appendix 1; issue 13) --------------------------------
#: Handles this many edits apart (after folding case and dropping punctuation) count as near matches.
SIMILAR_HANDLE_DISTANCE = 2


def handle_key(handle: str) -> str:
    """A handle reduced to what a reader tells apart: case folded, only letters and digits kept
    (``Cannock_Chase.DC`` and ``cannockchasedc`` are the same key)."""
    return "".join(char for char in fold(handle or "") if char.isalnum())


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Levenshtein distance between ``a`` and ``b``, or ``limit + 1`` once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def similar_accounts_by_handle(platform: str, handle: str) -> list[SocialMediaAccount]:
    """The council's accounts (not closed or archived) on ``platform`` whose handle is the same as
    ``handle`` or nearly so: equal once case and punctuation are set aside, or within
    SIMILAR_HANDLE_DISTANCE edits. Two queries, whatever the number of accounts: the handles of the
    platform, then the matching accounts."""
    key = handle_key(handle)
    if not key:
        return []
    candidates = SocialMediaAccount.objects.filter(platform=platform).exclude(
        status__in=[AccountStatus.CLOSED, AccountStatus.ARCHIVED]
    )
    close = [
        pk
        for pk, other in candidates.values_list("pk", "handle")
        if edit_distance(key, handle_key(other), limit=SIMILAR_HANDLE_DISTANCE) <= SIMILAR_HANDLE_DISTANCE
    ]
    if not close:
        return []
    return list(SocialMediaAccount.objects.filter(pk__in=close).select_related("service").order_by("handle"))
