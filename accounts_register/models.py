"""The council's organisation: directorates, services and committees.

Every social media account belongs to a service; a service sits in a directorate, whose Corporate
Director approves new accounts (000 §6b, 001 §19), and reports to a committee, whose Chairman is told
when an account goes live (000 §6g).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from simple_history.models import HistoricalRecords

from councilsocial.permissions import CORPORATE_DIRECTORS, is_communications, is_corporate_director

from .platforms import Platform, display_handle
from .validators import validate_shared_mailbox


def can_change_status(instance, user) -> bool:
    """Only Communications changes an account's status (DESIGN: the account register)."""
    return is_communications(user)


NOT_A_DIRECTOR_MESSAGE = (
    "Choose a member of the Corporate directors group. Only a Corporate Director may decide a "
    "directorate's business cases."
)


class DirectorateQuerySet(models.QuerySet):
    def led_by(self, user) -> DirectorateQuerySet:
        """The directorates ``user`` leads as Corporate Director (see ``leads``)."""
        if not (user.is_authenticated and is_corporate_director(user)):
            return self.none()
        return self.filter(corporate_director=user)


class Directorate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    corporate_director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directorates_led",
        # Only a member of the Directors' group is offered (and accepted) in forms and admin.
        limit_choices_to={"groups__name": CORPORATE_DIRECTORS},
        help_text="The Corporate Director who approves this directorate's business cases (000 §6b). "
        "Only members of the Corporate directors group can be chosen.",
    )
    director_email = models.EmailField(
        "Corporate Director's email address",
        blank=True,
        help_text="Where approval requests are sent. Leave blank to use the Director's own email address.",
    )

    objects = DirectorateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The Corporate Director decides the directorate's business cases (000 §6b, §6c), so the post
        is held only by a member of the Corporate directors group."""
        super().clean()
        if self.corporate_director_id and not is_corporate_director(self.corporate_director):
            raise ValidationError({"corporate_director": NOT_A_DIRECTOR_MESSAGE})

    @property
    def approval_email(self) -> str:
        """The address approval requests go to: the directorate's, else the Director's own."""
        if self.director_email:
            return self.director_email
        return self.corporate_director.email if self.corporate_director else ""


class Committee(models.Model):
    name = models.CharField(max_length=200, unique=True)
    chairman_name = models.CharField("Chairman's name", max_length=200)
    chairman_email = models.EmailField("Chairman's email address")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Who is what in a service: the one membership rule ------------------------------------------------
# Every access check is built on these three: ``service_role`` (one service), ``Service.objects.for_member``
# and ``visible_to`` (lists), the ``rules`` predicates (``accounts_register/rules.py``) and each object
# type's ``get_<thing>_for_user``.
def managed_by(user) -> Exists:
    """The service (``OuterRef("pk")``) has ``user`` among its managers."""
    return Exists(Service.managers.through.objects.filter(service_id=OuterRef("pk"), user_id=user.pk))


def staffed_by(user) -> Exists:
    """The service (``OuterRef("pk")``) has ``user`` among its officers."""
    return Exists(Service.officers.through.objects.filter(service_id=OuterRef("pk"), user_id=user.pk))


def leads(user, directorate) -> bool:
    """``user`` is ``directorate``'s Corporate Director: named on it, and a member of the Corporate
    directors group (000 §6b, §6c). Someone taken out of the group no longer acts as Director, even
    while still named on the directorate."""
    return bool(
        directorate is not None
        and user is not None
        and user.is_authenticated
        and directorate.corporate_director_id == user.pk
        and is_corporate_director(user)
    )


def led_by(user) -> Q:
    """Services of the directorates ``user`` leads as Corporate Director (see ``leads``); nothing unless
    they are in the Corporate directors group."""
    if not is_corporate_director(user):
        return Q(pk__in=[])
    return Q(directorate__corporate_director=user)


class ServiceQuerySet(models.QuerySet):
    def for_member(self, user) -> ServiceQuerySet:
        """The services a person works in, as a manager or an officer."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(managed_by(user)) | Q(staffed_by(user)))

    def visible_to(self, user) -> ServiceQuerySet:
        """The services whose work a person may see: their own, their directorate's (as its Corporate
        Director), or all for Communications."""
        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        return self.filter(Q(managed_by(user)) | Q(staffed_by(user)) | led_by(user))

    def led_by(self, user) -> ServiceQuerySet:
        """The services of the directorates ``user`` leads as Corporate Director."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(led_by(user))


class Service(models.Model):
    name = models.CharField(max_length=200)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="services")
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="services",
        null=True,
        blank=True,
        help_text="The committee this service reports to; its Chairman is told when an account goes live.",
    )
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="services_managed")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="services_worked_in")

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["directorate", "name"], name="service_unique_name_in_directorate")
        ]
        indexes = [
            # Register list sorted by service (issue 16): services in name order, then their accounts.
            models.Index(fields=["name"], name="service_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountKind(models.TextChoices):
    """003 Section D: corporate accounts run by Communications, departmental ones by services."""

    CORPORATE = "corporate", "Corporate"
    DEPARTMENTAL = "departmental", "Departmental"
    CAMPAIGN = "campaign", "Campaign"


class AccountStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


class ApprovalRoute(models.TextChoices):
    """How an account was approved before going on the register (000 §6, 001 §19)."""

    BUSINESS_CASE = "business_case", "Its business case went live"
    EXISTING_ACCOUNT = "existing_account", "An existing account, approved by the Corporate Director"


# --- What must hold before an account becomes active (000 §6, §10, §11; 001 §19) ------------------
def has_approval(account) -> bool:
    """Approved through a business case that went live, or, for an account that existed before the
    council used this app, the Corporate Director's approval recorded by Communications (who, when,
    and where it is written down)."""
    if account.approval_route == ApprovalRoute.BUSINESS_CASE:
        return getattr(account, "business_case", None) is not None
    if account.approval_route == ApprovalRoute.EXISTING_ACCOUNT:
        return bool(
            account.approved_by_id
            and is_corporate_director(account.approved_by)
            and account.approved_on
            and account.approval_reference.strip()
        )
    return False


def has_accepted_risk_assessment(account) -> bool:
    """000 §6e, §9: Communications have accepted the account's risk assessment."""
    return account.pk is not None and account.risk_assessments.in_force().exists()


def has_comms_admin_access(account) -> bool:
    """000 §6f, §10; 004 Do 1: Communications hold admin access to every council account."""
    return account.comms_has_admin_access


def has_shared_mailbox(account) -> bool:
    """000 §11: the account is registered to a shared council mailbox, never to a person."""
    if not (account.admin_mailbox and account.admin_mailbox_is_shared):
        return False
    try:
        validate_shared_mailbox(account.admin_mailbox)
    except ValidationError:
        return False
    return True


#: Each condition of going active, with what to tell Communications when it does not hold.
ACTIVATION_CONDITIONS = (
    (
        has_approval,
        "It has no approval: it needs a business case that has gone live or, for an account that "
        "existed before, the Corporate Director's approval recorded by Communications (000 §6, 001 §19)",
    ),
    (has_accepted_risk_assessment, "Its risk assessment has not been accepted by Communications (000 §6e)"),
    (has_comms_admin_access, "Communications do not yet hold admin access to it (000 §6f, §10)"),
    (
        has_shared_mailbox,
        "It is not registered to a shared council mailbox: record the shared mailbox first (000 §11)",
    ),
)


def activation_missing(account) -> list[str]:
    """What still stops the account becoming active, one sentence each; empty when nothing does."""
    return [message for condition, message in ACTIVATION_CONDITIONS if not condition(account)]


class SocialMediaAccountQuerySet(models.QuerySet):
    def visible_to(self, user) -> SocialMediaAccountQuerySet:
        """Accounts a person may see: their services', their directorate's, or all for Comms."""
        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        return self.filter(service__in=Service.objects.visible_to(user).values("pk"))

    def live(self) -> SocialMediaAccountQuerySet:
        """The one rule for a live account: active (not proposed, suspended, closed or archived).
        The checks, the dashboard, emergencies and the public register all use it."""
        return self.filter(status=AccountStatus.ACTIVE)

    def public(self) -> SocialMediaAccountQuerySet:
        """The official accounts the public register lists (000 §24): the live ones."""
        return self.live()

    def count(self) -> int:
        """How many accounts: for the whole register (no filter), the sum of the database's own
        tally (``AccountTally``), a few rows at any size; otherwise counted as usual. So the
        register list's paginator does not count 100,000 accounts for every page (issue 16)."""
        query = self.query
        if query.where or query.is_sliced or query.distinct or query.combinator or query.group_by is not None:
            return super().count()
        return AccountTally.objects.aggregate(n=models.Sum("count", default=0))["n"]

    def counts_by_platform_and_status(self) -> list[tuple[str, str, int]]:
        """``(platform, status, number)`` for these accounts, by platform then status, none of zero.

        For the whole register it reads the database's own tally (``AccountTally``): a few rows,
        whatever the number of accounts; for part of it (one service's), it counts them.
        """
        if not self.query.where:
            rows = AccountTally.objects.filter(count__gt=0).values_list("platform", "status", "count")
            return sorted(rows)
        grouped = self.values_list("platform", "status").annotate(n=models.Count("pk"))
        return sorted(grouped.order_by())


class SocialMediaAccount(ConcurrentTransitionMixin, models.Model):
    """One official account on the council's register (001 §28, 000 §24, 003 D2).

    Credentials are never stored: the register records where they are kept, whether multi-factor
    authentication is on, who holds recovery and when the password last changed (004 Do 3).
    """

    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(
        max_length=200, help_text="Stored without the @ and without a trailing slash; unique per platform."
    )
    url = models.URLField("web address", max_length=500)
    display_name = models.CharField(max_length=200)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=20, choices=AccountKind.choices, default=AccountKind.DEPARTMENTAL)
    purpose = models.TextField(blank=True)
    launch_date = models.DateField(null=True, blank=True)
    planned_end_date = models.DateField(
        null=True, blank=True, help_text="For campaign and time-limited accounts (000 §8c)."
    )
    exit_plan = models.TextField(
        blank=True, help_text="What happens to the account when it is no longer needed (000 §8c)."
    )
    review_date = models.DateField(
        null=True, blank=True, help_text="When the owner next confirms the account is still needed."
    )
    admin_mailbox = models.EmailField(
        "administering mailbox",
        blank=True,
        help_text="The generic council mailbox the account is registered to, never a person's (000 §11).",
    )
    admin_mailbox_is_shared = models.BooleanField(
        "the mailbox is a shared mailbox",
        default=False,
        help_text="A generic mailbox more than one person can open (000 §11).",
    )
    comms_has_admin_access = models.BooleanField(
        "Communications holds admin access",
        default=False,
        help_text="Communications must have admin access to every council account (000 §6f, §10; 004 Do 1).",
    )
    followers = models.PositiveIntegerField(null=True, blank=True)
    followers_recorded_on = models.DateField(null=True, blank=True)
    # Credentials custody: where they are, never what they are (004 Do 3).
    vault_reference = models.CharField(
        "password manager reference",
        max_length=200,
        blank=True,
        help_text="Where the password is kept, such as the vault and entry name. Never the password itself.",
    )
    mfa_enabled = models.BooleanField("multi-factor authentication is on", default=False)
    recovery_contact = models.CharField(
        "who holds account recovery", max_length=200, blank=True, help_text="A role or shared mailbox."
    )
    password_changed_on = models.DateField("password last changed", null=True, blank=True)
    # How it was approved (000 §6, 001 §19): set by the register's services, never typed in admin.
    approval_route = models.CharField(max_length=20, choices=ApprovalRoute.choices, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="approved by (Corporate Director)",
        help_text="For an account that existed before the app: the Corporate Director who approved it.",
    )
    approved_on = models.DateField("date of the Director's approval", null=True, blank=True)
    approval_reference = models.CharField(
        "where the approval is recorded",
        max_length=200,
        blank=True,
        help_text="Such as a document, minute or email reference.",
    )
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    internal_notes = models.TextField(blank=True)
    status = FSMField(
        max_length=20, choices=AccountStatus.choices, default=AccountStatus.PROPOSED, protected=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["last_activity_at", "updated_at"])
    objects = SocialMediaAccountQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "handle"]
        verbose_name = "social media account"
        constraints = [
            models.UniqueConstraint(
                Lower("handle"),
                "platform",
                name="account_unique_handle_per_platform",
                violation_error_message="An account with this handle is already on the register for this "
                "platform",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "platform"], name="account_status_platform_idx"),
            # Register list (issue 16): each sort reads its first page from an index, so a page of
            # 50 costs the same with 100 accounts or 100,000 (sorting by service name still sorts).
            models.Index(fields=["platform", "handle"], name="account_sort_platform_idx"),
            models.Index(fields=["handle"], name="account_sort_handle_idx"),
            models.Index(fields=["status", "handle"], name="account_sort_status_idx"),
            models.Index(fields=["last_activity_at", "handle"], name="account_sort_activity_idx"),
            # Dashboards' inactive accounts (003 D5.1), silent longest first: a live account's last
            # activity, or its registration when it has none.
            models.Index(
                Coalesce("last_activity_at", "created_at"),
                "id",
                condition=Q(status=AccountStatus.ACTIVE),
                name="account_silent_since_idx",
            ),
            # Job check_posting_guideline and the dashboards' posting table (003 D5.2): live
            # corporate accounts, in the table's order.
            models.Index(
                fields=["platform", "handle"],
                condition=Q(status=AccountStatus.ACTIVE, kind=AccountKind.CORPORATE),
                name="account_corporate_live_idx",
            ),
            # Check: account inactive for more than a month (003 D5.1), over live accounts only.
            models.Index(
                fields=["last_activity_at"],
                condition=Q(status__in=[AccountStatus.ACTIVE, AccountStatus.SUSPENDED]),
                name="account_live_activity_idx",
            ),
            # Job check_credentials_not_rotated (004 Do 3): live accounts whose password was never
            # recorded or changed before the cut-off.
            models.Index(
                fields=["password_changed_on"],
                condition=Q(status=AccountStatus.ACTIVE),
                name="account_password_rotation_idx",
            ),
            # Job check_account_review_overdue: live accounts past their review date.
            models.Index(
                fields=["review_date"],
                condition=Q(status=AccountStatus.ACTIVE),
                name="account_review_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.display_handle}"

    @property
    def display_handle(self) -> str:
        return display_handle(self.platform, self.handle)

    # --- Status: only Communications moves it, always with a reason (003 D2.4–2.5) -----------
    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=AccountStatus.PROPOSED,
        target=AccountStatus.ACTIVE,
        permission=can_change_status,
        conditions=[condition for condition, _message in ACTIVATION_CONDITIONS],
    )
    def activate(self, *, by=None, description=None):
        """Proposed → active: approved, risk assessed, jointly administered and on a shared mailbox.

        The only way onto the public register as an official account (000 §6, §10, §11; 001 §19).
        """

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=AccountStatus.PROPOSED,
        target=AccountStatus.CLOSED,
        permission=can_change_status,
    )
    def withdraw(self, *, by=None, description=None):
        """Proposed → closed: the account will not go ahead; it stays on the register's record."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=AccountStatus.ACTIVE,
        target=AccountStatus.SUSPENDED,
        permission=can_change_status,
    )
    def suspend(self, *, by=None, description=None):
        """Active → suspended: stop using the account for now (003 D2.4)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=AccountStatus.SUSPENDED,
        target=AccountStatus.ACTIVE,
        permission=can_change_status,
    )
    def reinstate(self, *, by=None, description=None):
        """Suspended → active."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[AccountStatus.ACTIVE, AccountStatus.SUSPENDED],
        target=AccountStatus.CLOSED,
        permission=can_change_status,
    )
    def close(self, *, by=None, description=None):
        """Close an abused, inactive or unneeded account (003 D2.5, D5.1)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=AccountStatus.CLOSED, target=AccountStatus.ARCHIVED, permission=can_change_status
    )
    def archive(self, *, by=None, description=None):
        """Closed → archived: kept for the record only."""


# --- Who may use an account (003 D2.3, D2.9; 002 §2.6, §5.1, §5.2) ------------------------------
class AccountTally(models.Model):
    """How many accounts the register holds on each platform in each status, kept by the database
    itself: triggers on the account table (migration 0008) add and take away in the same
    transaction as the change, whether it comes through the ORM, a bulk import or SQL. So the
    council's dashboard reads a handful of rows whatever the size of the register (issue 16).
    Read through ``SocialMediaAccount.objects.counts_by_platform_and_status``."""

    platform = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "status"], name="account_tally_unique"),
            models.CheckConstraint(condition=Q(count__gte=0), name="account_tally_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.status}: {self.count}"


class DirectorPermissionQuerySet(models.QuerySet):
    def in_force(self, *, today) -> DirectorPermissionQuerySet:
        """Given on or before ``today`` and not withdrawn by then (002 §2.6)."""
        return self.filter(granted_on__lte=today).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today)
        )


class DirectorPermission(models.Model):
    """The Director's written permission for a person to use social media for work (002 §2.6).

    It names the platforms the person may use; access to an account on another platform cannot be
    granted under it.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="director_permissions"
    )
    platforms = models.JSONField(default=list, help_text="The platforms the permission names.")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="director_permissions_given",
        help_text="The Director who gave the permission.",
    )
    granted_on = models.DateField()
    document_reference = models.CharField(
        max_length=200, help_text="Where the signed permission is kept, such as a document reference."
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who entered it: the Director, or Communications from the signed document.",
    )

    history = HistoricalRecords()
    objects = DirectorPermissionQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_on"]

    def __str__(self) -> str:
        return f"Permission for {self.person} ({', '.join(self.platforms)})"


class TrainingRecordQuerySet(models.QuerySet):
    def elearning_in_date(self, *, at) -> TrainingRecordQuerySet:
        """Completions of the social media e-learning that count at ``at``: done, not expired (002 §5.1)."""
        return self.filter(
            module__iexact=settings.SOCIAL_MEDIA_ELEARNING_MODULE, completed_at__lte=at
        ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at))


class TrainingRecord(models.Model):
    """A course a person has completed, such as the social media e-learning (002 §5.1, 001 §26)."""

    class Source(models.TextChoices):
        IMPORTED = "imported", "Imported from the e-learning system"
        MANUAL = "manual", "Entered by Communications"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records"
    )
    module = models.CharField(max_length=200)
    completed_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "module", "completed_at"], name="training_unique_completion"
            )
        ]
        indexes = [models.Index(fields=["person", "module"], name="training_person_module_idx")]

    def __str__(self) -> str:
        return f"{self.person} completed {self.module}"


class UsageStatement(models.Model):
    """The statement a temporary user signs before using an account (003 D2.9). Versioned."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Usage statement version {self.version}"

    @classmethod
    def current(cls) -> UsageStatement | None:
        return cls.objects.order_by("-version").first()


class UsageStatementAcceptance(models.Model):
    """A person accepted a version of the usage statement for one account, in the app."""

    statement = models.ForeignKey(UsageStatement, on_delete=models.PROTECT, related_name="acceptances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        "SocialMediaAccount", on_delete=models.PROTECT, related_name="statement_acceptances"
    )
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "person", "account"], name="usage_statement_accepted_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} accepted version {self.statement.version} for {self.account}"


class AccessRole(models.TextChoices):
    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    TEMPORARY = "temporary", "Temporary"


class AccessEndReason(models.TextChoices):
    REVOKED = "revoked", "Revoked"
    LEFT = "left", "Left the council"
    EXPIRED = "expired", "Temporary access ended"


class AccessStatus(models.TextChoices):
    """Where a person's access to an account stands (003 D2.3, D9). The timestamps and reasons
    beside it (``suspended_at``, ``ended_at``, ``end_reason``…) record when and why it got there."""

    CURRENT = "current", "Current"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


#: Access not ended: in force, or suspended (by an emergency) and waiting to be restored.
OPEN_ACCESS = (AccessStatus.CURRENT, AccessStatus.SUSPENDED)

#: The permission ``may_change_access`` asks; ``accounts_register/rules.py`` answers it with the
#: page rule, ``selectors.may_manage_access`` (Communications and the service's managers).
MANAGE_ACCESS = "accounts_register.manage_access"


def may_change_access(access, user) -> bool:
    """Communications and the managers of the account's service suspend, restore and end access
    (003 D2.3); ``user`` None is the council's own jobs (the emergency, the leavers' sweep)."""
    if user is None:
        return True
    return user.has_perm(MANAGE_ACCESS, access)


class AuthorisedUserQuerySet(models.QuerySet):
    def visible_to(self, user) -> AuthorisedUserQuerySet:
        """Access records a person may see: those of the accounts they may see."""
        return self.filter(account__in=SocialMediaAccount.objects.visible_to(user).values("pk"))

    def current(self, *, today=None) -> AuthorisedUserQuerySet:
        """Access that is in force on ``today``: current (not ended, not suspended by an emergency)
        and not past its last day."""
        today = today or timezone.localdate()
        return self.filter(status=AccessStatus.CURRENT).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )

    def not_ended(self) -> AuthorisedUserQuerySet:
        """Access not ended: current or suspended."""
        return self.filter(status__in=OPEN_ACCESS)


class AuthorisedUser(ConcurrentTransitionMixin, models.Model):
    """A person's access to one account: the list of authorised users (003 D2.3, 002 §5.2).

    Ending access keeps the record, with who ended it, when and why.
    """

    account = models.ForeignKey(SocialMediaAccount, on_delete=models.PROTECT, related_name="authorised_users")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_access"
    )
    role = models.CharField(max_length=20, choices=AccessRole.choices)
    status = FSMField(
        max_length=20, choices=AccessStatus.choices, default=AccessStatus.CURRENT, protected=True
    )
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()
    review_date = models.DateField(null=True, blank=True, help_text="When this access is next reviewed.")
    expires_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day of temporary access (003 D2.9). Required for temporary access.",
    )
    usage_statement = models.ForeignKey(
        UsageStatementAcceptance, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(max_length=20, choices=AccessEndReason.choices, blank=True)
    end_note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()
    objects = AuthorisedUserQuerySet.as_manager()

    class Meta:
        ordering = ["account", "role", "person"]
        verbose_name = "access record"
        constraints = [
            models.UniqueConstraint(
                fields=["account", "person"],
                condition=Q(status__in=OPEN_ACCESS),
                name="access_one_open_grant",
            ),
            models.CheckConstraint(
                condition=~Q(role="temporary") | Q(expires_on__isnull=False), name="access_temporary_has_end"
            ),
        ]
        indexes = [
            # Job check_temporary_access (003 D2.9): open access past its end date (this index) or its
            # review date (access_open_review_idx); the planner ORs the two.
            models.Index(
                fields=["expires_on"], condition=Q(status__in=OPEN_ACCESS), name="access_open_expiry_idx"
            ),
            models.Index(
                fields=["review_date"], condition=Q(status__in=OPEN_ACCESS), name="access_open_review_idx"
            ),
            # Who may use what, by person; job end_access_of_switched_off_users (the leavers' sweep).
            models.Index(
                fields=["person"], condition=Q(status__in=OPEN_ACCESS), name="access_open_person_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} of {self.account}"

    @property
    def is_current(self) -> bool:
        return self.status == AccessStatus.CURRENT and (
            self.expires_on is None or self.expires_on >= timezone.localdate()
        )

    @property
    def is_suspended(self) -> bool:
        return self.status == AccessStatus.SUSPENDED

    @property
    def role_in_words(self) -> str:
        """The person's part on the account, to follow "is": "the owner", "an editor", "a temporary user"."""
        return {
            AccessRole.OWNER: "the owner",
            AccessRole.EDITOR: "an editor",
            AccessRole.TEMPORARY: "a temporary user",
        }.get(self.role, self.get_role_display().lower())

    def may_be_restored_by(self, user) -> bool:
        """Nobody lifts the suspension of their own access: someone else decides it is over."""
        return self.person_id != getattr(user, "pk", None)

    @property
    def is_ended(self) -> bool:
        return self.status == AccessStatus.ENDED

    # --- Status (003 D2.3, D9): the register's services move it, through the shared runner --------
    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=AccessStatus.CURRENT, target=AccessStatus.SUSPENDED, permission=may_change_access
    )
    def suspend(self, *, by=None, description=None):
        """Current → suspended: nobody uses the access for now, as in an emergency (003 D9.1–9.2)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=AccessStatus.SUSPENDED, target=AccessStatus.CURRENT, permission=may_change_access
    )
    def restore(self, *, by=None, description=None):
        """Suspended → current: the suspension is over, as when an emergency is lifted (003 D9.3)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=list(OPEN_ACCESS), target=AccessStatus.ENDED, permission=may_change_access
    )
    def end_access(self, *, by=None, description=None):
        """Current or suspended → ended: revoked, the person left, or temporary access over (003 D2.3,
        D2.9). The record is kept. (Not plain ``end``: that is also every regular expression match's
        method, and the search for transitions called outside the services goes by name.)"""


# --- Register import (issue 3 item 7) ----------------------------------------------------------
class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportBatchQuerySet:
        """A person's own uploads that are still waiting to be confirmed or cancelled."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user, applied_at__isnull=True, cancelled_at__isnull=True)


class ImportBatch(models.Model):
    """An uploaded register file between its preview and its confirmation.

    The cells read from the file are kept here, on the server, so the confirmation writes exactly
    what was previewed and never trusts anything the browser sends back. Only the person who
    uploaded it may confirm it; it is used once.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    file_name = models.CharField(max_length=255)
    columns = models.JSONField(default=list)
    rows = models.JSONField(default=list, help_text="The cells of each data row, as text.")
    plan_digest = models.CharField(max_length=64, help_text="What the preview showed, to detect changes.")
    applied_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "register import"

    def __str__(self) -> str:
        return f"Import of {self.file_name}"
