"""What needs a person now: the work lists of the home page, by role (issue 13).

Each list is a few bounded queries whatever the size of the council's data (a slice of the rows
and a count), built from the owning apps' querysets and services; no rule is restated here. Each
item links to the page where the work is done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from accounts_register.models import AuthorisedUser, Service
from accounts_register.services import has_completed_elearning
from business_cases.models import EDITABLE_STATES, BusinessCase, CaseStatus
from business_cases.selectors import working_days_between
from councilsocial.calendar.rules import deadline_in_words
from councilsocial.calendar.selectors import calendar_current
from councilsocial.flags.models import FlagKind, GovernanceFlag
from councilsocial.notifications.models import Notification
from monitoring.dashboard import flags_by_kind
from monitoring.flag_guidance import flag_row
from monitoring.models import Enquiry
from operations.services import current_policy_version, people_yet_to_acknowledge
from risk_assessments.models import RiskAssessment, RiskAssessmentStatus

from .permissions import is_communications, is_corporate_director, is_service_officer

#: How many items a list shows; the rest are counted and linked.
SHOWN = 10
#: Access that ends, and risk reviews that fall due, within this many days are listed.
SOON_DAYS = 14
#: Training that runs out within this many days is due again.
TRAINING_NOTICE_DAYS = 30


@dataclass
class WorkItem:
    text: str
    url: str
    detail: str = ""
    late: bool = False


@dataclass
class WorkList:
    title: str
    empty: str
    items: list[WorkItem] = field(default_factory=list)
    total: int = 0
    more_url: str = ""
    more_label: str = ""

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


def _end_of_today(now: datetime) -> datetime:
    today = timezone.localtime(now).date()
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))


def _bounded(queryset) -> tuple[list, int]:
    """The first SHOWN rows and the total, in at most two queries."""
    rows = list(queryset[: SHOWN + 1])
    if len(rows) <= SHOWN:
        return rows, len(rows)
    return rows[:SHOWN], queryset.order_by().count()


# --- Service officers and managers ------------------------------------------------------------
def _member_service_ids(user) -> list[int]:
    """The ids of the person's services, read once per request: a short list of numbers lets the
    database use the enquiry and flag indexes, where a subquery of a many-to-many join may not."""
    cached = getattr(user, "_worklist_service_ids", None)
    if cached is None:
        cached = list(Service.objects.for_member(user).values_list("pk", flat=True))
        user._worklist_service_ids = cached
    return cached


def enquiries_due(user, *, now: datetime) -> WorkList:
    """Overdue and due-today enquiries of the person's services (000 §25), most urgent first."""
    calendar = calendar_current()
    mine = Enquiry.objects.filter(account__service_id__in=_member_service_ids(user))
    due = (mine.overdue(now=now) | mine.due_soon(now=now, until=_end_of_today(now))).select_related("account")
    rows, total = _bounded(due.order_by("response_due_at", "pk"))
    items = [
        WorkItem(
            text=f"{enquiry.get_channel_display()} from {enquiry.author or 'someone'} "
            f"on {enquiry.account.display_name}",
            url=reverse("enquiry-respond", kwargs={"pk": enquiry.pk}),
            detail=deadline_in_words(enquiry.response_due_at, now, calendar),
            late=enquiry.response_due_at < now,
        )
        for enquiry in rows
    ]
    return WorkList(
        "Enquiries to answer today",
        "Nothing is overdue or due today.",
        items,
        total,
        reverse("inbox"),
        "All open enquiries in the inbox",
    )


def cases_to_finish(user) -> WorkList:
    """The person's own business cases that wait for them: drafts, and cases returned for changes."""
    cases = BusinessCase.objects.filter(author=user, status__in=EDITABLE_STATES).order_by(
        "-status", "state_entered_at", "pk"
    )
    rows, total = _bounded(cases)
    items = [
        WorkItem(
            text=case.title,
            url=reverse("business-case-detail", kwargs={"pk": case.pk}),
            detail="Returned to you for changes"
            if case.status == CaseStatus.CHANGES_REQUESTED
            else "Draft: finish it and send it on",
            late=case.status == CaseStatus.CHANGES_REQUESTED,
        )
        for case in rows
    ]
    return WorkList(
        "Business cases waiting for you",
        "No business case is waiting for you.",
        items,
        total,
        reverse("business-case-list"),
        "All business cases",
    )


def assessments_due(user, *, now: datetime) -> WorkList:
    """Risk assessments of the person's services returned for changes, or due for review within
    SOON_DAYS days (000 §9, §25)."""
    services = _member_service_ids(user)
    mine = RiskAssessment.objects.filter(
        Q(account__service__in=services) | Q(business_case__service__in=services)
    )
    soon = now + timedelta(days=SOON_DAYS)
    wanted = mine.filter(status=RiskAssessmentStatus.RETURNED) | mine.review_overdue(now=soon)
    rows, total = _bounded(
        wanted.select_related("account", "business_case").order_by("next_review_date", "pk")
    )
    today = timezone.localdate(now)
    items = []
    for assessment in rows:
        if assessment.status == RiskAssessmentStatus.RETURNED:
            detail, late = "Returned by Communications for changes", True
        elif assessment.next_review_date and assessment.next_review_date < today:
            detail, late = f"Review overdue since {assessment.next_review_date:%-d %B %Y}", True
        elif assessment.review_due_since:
            detail, late = "Review due after a change to the account", True
        else:
            detail, late = f"Review due by {assessment.next_review_date:%-d %B %Y}", False
        items.append(
            WorkItem(
                text=assessment.owner_label,
                url=reverse("risk-assessment-detail", kwargs={"pk": assessment.pk}),
                detail=detail,
                late=late,
            )
        )
    return WorkList(
        "Risk assessments due or returned",
        "No risk assessment is due or returned.",
        items,
        total,
        reverse("risk-assessment-list"),
        "All risk assessments",
    )


def access_ending(user, *, now: datetime) -> WorkList:
    """Access the person holds that ends, or is due for review, within SOON_DAYS days (003 D2.9)."""
    today = timezone.localdate(now)
    soon = today + timedelta(days=SOON_DAYS)
    access = (
        AuthorisedUser.objects.current(today=today)
        .filter(person=user)
        .filter(Q(expires_on__lte=soon) | Q(review_date__lte=soon))
        .select_related("account")
        .order_by("expires_on", "review_date", "pk")
    )
    rows, total = _bounded(access)
    items = []
    for grant in rows:
        if grant.expires_on and grant.expires_on <= soon:
            detail = f"Your {grant.get_role_display().lower()} access ends on {grant.expires_on:%-d %B %Y}"
        else:
            detail = f"Your access is due for review on {grant.review_date:%-d %B %Y}"
        items.append(
            WorkItem(
                text=grant.account.display_name,
                url=reverse("account-detail", kwargs={"pk": grant.account_id}),
                detail=detail,
            )
        )
    return WorkList(
        "Your access ending soon", "None of your access ends in the next two weeks.", items, total
    )


def service_flags(user) -> WorkList:
    """Open governance flags of the person's services, each linked to where it is cleared."""
    flags = (
        GovernanceFlag.objects.open()
        .filter(service_id__in=_member_service_ids(user))
        .select_related("account")
        .order_by("raised_at", "pk")
    )
    rows, total = _bounded(flags)
    items = []
    for flag in rows:
        row = flag_row(flag)
        name = flag.account.display_name if flag.account else row.subject
        items.append(WorkItem(text=f"{row.label}: {name}", url=row.action_url, detail=row.how_to_clear))
    return WorkList(
        "Your services' open flags",
        "Your services have no open flags.",
        items,
        total,
        reverse("flag-list"),
        "All your services' flags",
    )


# --- Corporate Director -----------------------------------------------------------------------
def cases_for_decision(user, *, now: datetime, title: str, empty: str) -> WorkList:
    """Cases waiting for this person's decision or advice, oldest first, with working days waiting."""
    rows, total = _bounded(BusinessCase.objects.waiting_for(user).select_related("service"))
    items = []
    for case in rows:
        days = working_days_between(case.state_entered_at, now)
        items.append(
            WorkItem(
                text=f"{case.title} ({case.service.name})",
                url=reverse("business-case-detail", kwargs={"pk": case.pk}),
                detail=f"{case.get_status_display()}: waiting {days} working day{'s' if days != 1 else ''}",
                late=case.status in (CaseStatus.AWAITING_DIRECTOR, CaseStatus.AWAITING_COMMS) and days >= 5,
            )
        )
    return WorkList(title, empty, items, total, reverse("business-case-list"), "All business cases")


#: The Director's decisions (000 §6b), as django-fsm-log records them.
DIRECTOR_DECISIONS = {
    "approve": "Approved",
    "return_for_changes": "Returned for changes",
    "reject": "Rejected",
}


def recently_decided(user) -> WorkList:
    """The last cases this person decided, newest first (two queries)."""
    logs = list(
        StateLog.objects.filter(
            by=user,
            content_type=ContentType.objects.get_for_model(BusinessCase),
            transition__in=list(DIRECTOR_DECISIONS),
        ).order_by("-timestamp", "-pk")[:5]
    )
    cases = BusinessCase.objects.in_bulk([int(log.object_id) for log in logs])
    items = [
        WorkItem(
            text=cases[int(log.object_id)].title,
            url=reverse("business-case-detail", kwargs={"pk": int(log.object_id)}),
            detail=f"{DIRECTOR_DECISIONS[log.transition]} on {timezone.localtime(log.timestamp):%-d %B %Y}",
        )
        for log in logs
        if int(log.object_id) in cases
    ]
    return WorkList("Recently decided", "You have not decided any business cases yet.", items, len(items))


# --- Communications ---------------------------------------------------------------------------
def overdue_by_service(*, now: datetime) -> WorkList:
    """Overdue replies council-wide, by service, most first (000 §25)."""
    counts = list(
        Enquiry.objects.overdue(now=now)
        .values("account__service_id", "account__service__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "account__service__name")[: SHOWN + 1]
    )
    items = [
        WorkItem(
            text=row["account__service__name"],
            url=f"{reverse('inbox')}?service={row['account__service_id']}",
            detail=f"{row['n']} overdue",
            late=True,
        )
        for row in counts[:SHOWN]
    ]
    return WorkList(
        "Overdue replies by service",
        "Nothing is overdue.",
        items,
        len(counts),
        reverse("inbox"),
        "The inbox",
    )


def assessments_to_accept() -> WorkList:
    """Risk assessments submitted to Communications for acceptance (000 §9), oldest first."""
    submitted = (
        RiskAssessment.objects.filter(status=RiskAssessmentStatus.SUBMITTED)
        .select_related("account", "business_case")
        .order_by("submitted_at", "pk")
    )
    rows, total = _bounded(submitted)
    items = [
        WorkItem(
            text=assessment.owner_label,
            url=reverse("risk-assessment-detail", kwargs={"pk": assessment.pk}),
            detail=f"Submitted {timezone.localtime(assessment.submitted_at):%-d %B %Y}"
            if assessment.submitted_at
            else "Submitted",
        )
        for assessment in rows
    ]
    return WorkList(
        "Risk assessments waiting for acceptance",
        "No risk assessment is waiting for you.",
        items,
        total,
        f"{reverse('risk-assessment-list')}?status=submitted",
        "All submitted risk assessments",
    )


def flags_by_kind_list() -> WorkList:
    """Open governance flags, a line per kind that has any."""
    rows = [row for row in flags_by_kind() if row["count"]]
    items = [
        WorkItem(
            text=row["label"],
            url=f"{reverse('flag-list')}?kind={row['kind']}",
            detail=f"{row['count']} open",
        )
        for row in rows
    ]
    return WorkList(
        "Open flags by kind", "No flags are open.", items, len(items), reverse("flag-list"), "All open flags"
    )


def accounts_with_no_owner() -> WorkList:
    """Live accounts with no current owner (003 D2.3): give someone owner access. Read from the
    open flags of ``check_accounts_without_owner``, which every change of access or of an account's
    status keeps current: the council's open flags of one kind, not an anti-join over every account
    and every access record (issue 16)."""
    flags = (
        GovernanceFlag.objects.open()
        .filter(kind=FlagKind.ACCOUNT_WITHOUT_OWNER, account__isnull=False)
        .select_related("account__service")
        .order_by("raised_at", "pk")
    )
    rows, total = _bounded(flags)
    items = [_give_an_owner(flag.account) for flag in rows]
    return WorkList(
        "Accounts with no owner",
        "Every live account has an owner.",
        items,
        total,
        f"{reverse('flag-list')}?kind=account_without_owner",
        "All accounts with no owner",
    )


def _give_an_owner(account) -> WorkItem:
    """An account with no owner, named with its platform (a council often has accounts of the same
    name on several) and its service."""
    return WorkItem(
        text=f"{account.display_name} on {account.get_platform_display()} ({account.service.name})",
        url=reverse("access-grant", kwargs={"pk": account.pk}),
        detail="Give someone owner access",
        late=True,
    )


def emails_not_sent() -> int:
    return Notification.objects.filter(status=Notification.Status.FAILED).count()


# --- Everyone ---------------------------------------------------------------------------------
def for_everyone(user, *, now: datetime) -> WorkList:
    """The policy version the person has not acknowledged (001 §22–23) and training due (002 §5.1)."""
    items = []
    version = current_policy_version()
    if version is not None and people_yet_to_acknowledge(version).filter(pk=user.pk).exists():
        items.append(
            WorkItem(
                text=f"Read and acknowledge the social media policy, version {version.version}",
                url=reverse("policy"),
                detail=f"Published {timezone.localtime(version.published_at):%-d %B %Y}",
                late=True,
            )
        )
    works_on_accounts = (
        is_service_officer(user) or AuthorisedUser.objects.not_ended().filter(person=user).exists()
    )
    if works_on_accounts and not has_completed_elearning(user, at=now + timedelta(days=TRAINING_NOTICE_DAYS)):
        done = has_completed_elearning(user, at=now)
        items.append(
            WorkItem(
                text="Complete the social media e-learning",
                url=reverse("policy"),
                detail="Yours runs out within a month; take it again. "
                "Communications records it when you have."
                if done
                else "You need it before you can be given access to an account. "
                "Communications records it when you have.",
                late=not done,
            )
        )
    return WorkList(
        "Policy and training", "Your policy reading and training are up to date.", items, len(items)
    )


# --- The home page ----------------------------------------------------------------------------
def home_lists(user, *, now: datetime) -> dict:
    """Every work list this person's roles call for, by section."""
    comms = is_communications(user)
    member = bool(_member_service_ids(user))
    sections: dict = {"everyone": for_everyone(user, now=now)}
    if member:
        sections["service"] = [
            enquiries_due(user, now=now),
            cases_to_finish(user),
            assessments_due(user, now=now),
            access_ending(user, now=now),
            service_flags(user),
        ]
    if is_corporate_director(user):
        sections["director"] = [
            cases_for_decision(
                user,
                now=now,
                title="Business cases waiting for your decision",
                empty="No business case is waiting for your decision.",
            ),
            recently_decided(user),
        ]
    if comms:
        sections["comms"] = [
            overdue_by_service(now=now),
            cases_for_decision(
                user,
                now=now,
                title="Business cases waiting for advice or approval",
                empty="No business case is waiting for Communications.",
            ),
            assessments_to_accept(),
            flags_by_kind_list(),
            accounts_with_no_owner(),
        ]
        sections["emails_failed"] = emails_not_sent()
    sections["member"] = member
    return sections
