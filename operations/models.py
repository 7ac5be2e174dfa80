"""Operations: emergencies, purdah, incidents, monitoring terms, policy sign-off and photo consent.

003 D9 (emergency procedures), D10 (purdah), D11 (monitoring terms), Section B (what happens if things
go wrong); 004 Do 3 (hacked accounts), Don't 9 (pictures of children); 002 §1.6 (six-monthly review).
Writes go through ``operations.services``; these models hold state and small read helpers only.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts_register.models import Service
from councilsocial.lib.dates import add_months
from councilsocial.permissions import is_communications


def _is_communications(instance, user) -> bool:
    return is_communications(user)


# --- Emergency (003 D9) -----------------------------------------------------------------------
class EmergencyStatus(models.TextChoices):
    ACTIVE = "active", "In force"
    LIFTED = "lifted", "Lifted"


class EmergencyQuerySet(models.QuerySet):
    def visible_to(self, user) -> EmergencyQuerySet:
        """Emergencies: read by everyone signed in (everyone must know not to post, 003 D9);
        changed by Communications alone."""
        return self.all() if user.is_authenticated else self.none()

    def active(self) -> EmergencyQuerySet:
        return self.filter(status=EmergencyStatus.ACTIVE)


class Emergency(ConcurrentTransitionMixin, models.Model):
    """The council's emergency procedures are in force: only named Communications officers post (003 D9.1)."""

    title = models.CharField(max_length=200)
    reason = models.TextField()
    holding_message = models.TextField(
        help_text="The single holding message owners are asked to post (003 D9.3)."
    )
    all_clear_message = models.TextField(blank=True)
    named_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        help_text="The Communications officers who may still post (003 D9.1).",
    )
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    status = FSMField(default=EmergencyStatus.ACTIVE, choices=EmergencyStatus.choices, protected=True)

    objects = EmergencyQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at"]
        constraints = [
            # Declaring twice is refused while one is in force (the database has the last word).
            models.UniqueConstraint(
                fields=["status"], condition=Q(status=EmergencyStatus.ACTIVE), name="emergency_one_in_force"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=EmergencyStatus.ACTIVE,
        target=EmergencyStatus.LIFTED,
        permission=_is_communications,
    )
    def lift(self, *, by=None, description=None):
        """Emergency procedures are no longer in force (003 D9.3)."""


class EmergencySuspension(models.Model):
    """One access the emergency suspended, so lifting it restores exactly these (003 D9.2)."""

    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="suspensions")
    authorised_user = models.ForeignKey(
        "accounts_register.AuthorisedUser", on_delete=models.PROTECT, related_name="emergency_suspensions"
    )
    restored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["emergency", "authorised_user"], name="emergency_suspends_once")
        ]

    def __str__(self) -> str:
        return f"{self.authorised_user} suspended by {self.emergency}"


# --- Purdah (003 D10) -------------------------------------------------------------------------
class PurdahPeriodQuerySet(models.QuerySet):
    def visible_to(self, user) -> PurdahPeriodQuerySet:
        """Purdah periods: read by everyone signed in (everyone who posts follows them, 003 D10);
        changed by Communications alone."""
        return self.all() if user.is_authenticated else self.none()

    def active_on(self, day: date) -> PurdahPeriodQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def overlapping(self, starts_on: date, ends_on: date) -> PurdahPeriodQuerySet:
        """Periods sharing at least one day with ``starts_on``–``ends_on`` (both inclusive)."""
        return self.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)

    def started_unannounced(self, day: date) -> PurdahPeriodQuerySet:
        """Periods in force on ``day`` whose instructions have not been emailed yet (003 D10)."""
        return self.active_on(day).filter(announced_at__isnull=True)


class PurdahPeriod(models.Model):
    """An election period: avoid anything party political; don't promote individual Members (003 D10)."""

    name = models.CharField(max_length=200)
    elections = models.CharField(max_length=300, help_text="Which elections, for example 'County Council'.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    instructions = models.TextField(
        blank=True,
        help_text="The purdah instructions every employee follows, published at the start (003 D10).",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the instructions were emailed to everyone with access (``purdah_announce_started``).
    announced_at = models.DateTimeField(null=True, blank=True)

    objects = PurdahPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="purdah_ends_after_start"
            )
        ]
        # Banner: the period in force today.
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="purdah_dates_idx")]

    def __str__(self) -> str:
        return self.name


class WordListKind(models.TextChoices):
    COUNCILLOR = "councillor", "Councillor's name"
    JARGON = "jargon", "Jargon"
    POLITICAL = "political", "Party-political term"


class WordListEntry(models.Model):
    """Lists Communications keeps for the content checker: councillors, jargon, party-political terms."""

    kind = models.CharField(max_length=20, choices=WordListKind.choices)
    text = models.CharField(max_length=200)
    suggestion = models.CharField(max_length=200, blank=True, help_text="Plain English to use instead.")

    class Meta:
        ordering = ["kind", "text"]
        constraints = [models.UniqueConstraint(fields=["kind", "text"], name="word_list_entry_once")]

    def __str__(self) -> str:
        return self.text


class DecidedBy(models.TextChoices):
    CABINET = "cabinet", "Cabinet"
    COUNCIL = "council", "Full Council"


class DecidedCampaign(models.Model):
    """A campaign or petition cabinet or council has decided the council supports (004 Don't 2).

    Communications keeps the list; the content checker never flags a post backing one of these."""

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="As posts name it, for example 'Save Cannock Chase Hospital'.",
    )
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices)
    decided_on = models.DateField()
    minute_reference = models.CharField(
        max_length=100, blank=True, help_text="The minute or report that records the decision."
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Photo consent (004 Don't 9) --------------------------------------------------------------
class PhotoConsentQuerySet(models.QuerySet):
    def visible_to(self, user) -> PhotoConsentQuerySet:
        """Forms a person may see: their services', their directorate's, or all for Communications."""
        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        return self.filter(service__in=Service.objects.visible_to(user).values("pk"))

    def with_reference(self, reference: str) -> PhotoConsentQuerySet:
        """The forms with this reference, ignoring case and surrounding spaces."""
        return self.filter(reference__iexact=reference.strip())


class PhotoConsent(models.Model):
    """A signed parental consent form, by reference only: never a child's name or picture (004 Don't 9).

    A reference belongs to its service: another service's form never counts for this service's
    posts or incidents, and services may use the same reference without learning of each other.
    """

    reference = models.CharField(
        max_length=100,
        help_text="The reference on the signed consent form, for example PC-2026-014.",
    )
    covers = models.TextField(
        help_text="What the consent covers: the event, the photographs, where they may appear."
    )
    service = models.ForeignKey("accounts_register.Service", on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on"]
        constraints = [
            # Matching is by service and ignores case (``photo_consent_find``).
            models.UniqueConstraint(
                "service", Lower("reference"), name="photo_consent_reference_once_per_service"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def is_valid_on(self, day: date) -> bool:
        return self.signed_on <= day and (self.expires_on is None or self.expires_on >= day)


# --- Incidents (003 Section B) ----------------------------------------------------------------
class IncidentKind(models.TextChoices):
    POST_IN_ERROR = "post_in_error", "A post made in error"
    COMPROMISED = "compromised", "A compromised (hacked) account"
    ABUSE = "abuse", "Abuse or threats received"
    MEDIA = "media", "Media interest"
    POLICY_BREACH = "policy_breach", "A breach of the policy"
    SAFEGUARDING = "safeguarding", "A safeguarding concern"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user) -> IncidentQuerySet:
        """Incidents a person may see: on their services' accounts, their directorate's, or all for
        Communications."""
        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        return self.filter(account__service__in=Service.objects.visible_to(user).values("pk"))


class Incident(ConcurrentTransitionMixin, models.Model):
    """Something went wrong on an account (003 Section B; 000 §22; 004 Do 3)."""

    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    account = models.ForeignKey(
        "accounts_register.SocialMediaAccount", on_delete=models.PROTECT, related_name="incidents"
    )
    what_happened = models.TextField()
    photo_consent = models.ForeignKey(
        PhotoConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    status = FSMField(default=IncidentStatus.OPEN, choices=IncidentStatus.choices, protected=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["status", "-reported_at"], name="incident_status_idx")]

    def __str__(self) -> str:
        return f"Incident #{self.pk}: {self.get_kind_display()}"

    @property
    def service(self):
        return self.account.service

    @property
    def is_open(self) -> bool:
        return self.status == IncidentStatus.OPEN

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=IncidentStatus.OPEN, target=IncidentStatus.CLOSED, permission=_is_communications
    )
    def close(self, *, by=None, description=None):
        """Communications closes an incident once it has been dealt with."""


class IncidentAction(models.Model):
    """One checklist step done, by whom and when, with a note."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    step = models.CharField(max_length=40)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["done_at"]
        constraints = [models.UniqueConstraint(fields=["incident", "step"], name="incident_step_once")]

    def __str__(self) -> str:
        return f"{self.incident}: {self.step}"


# --- Monitoring terms (003 D11) ---------------------------------------------------------------
class MonitoringTermStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for Communications"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class MonitoringTermQuerySet(models.QuerySet):
    def visible_to(self, user) -> MonitoringTermQuerySet:
        """Terms a person may see: those their own services asked for, or all for Communications.

        A Corporate Director does not see them: asking for a term is the service's own work
        (003 D11.2), like answering its enquiries.
        """
        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        return self.filter(service__in=Service.objects.for_member(user).values("pk"))


class MonitoringTerm(ConcurrentTransitionMixin, models.Model):
    """A term a service asks Communications to monitor (003 D11.2)."""

    term = models.CharField(max_length=200)
    reason = models.TextField()
    service = models.ForeignKey("accounts_register.Service", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    status = FSMField(
        default=MonitoringTermStatus.REQUESTED, choices=MonitoringTermStatus.choices, protected=True
    )

    objects = MonitoringTermQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        # Export: the approved terms for the monitoring tool.
        indexes = [models.Index(fields=["status", "term"], name="monitoring_term_status_idx")]

    def __str__(self) -> str:
        return self.term

    @property
    def is_requested(self) -> bool:
        """Waiting for Communications to decide (003 D11.2)."""
        return self.status == MonitoringTermStatus.REQUESTED

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=MonitoringTermStatus.REQUESTED,
        target=MonitoringTermStatus.APPROVED,
        permission=_is_communications,
    )
    def approve(self, *, by=None, description=None):
        """Communications adds the term to those searched for (003 D11.2)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=MonitoringTermStatus.REQUESTED,
        target=MonitoringTermStatus.DECLINED,
        permission=_is_communications,
    )
    def decline(self, *, by=None, description=None):
        """Communications considered the request and declined it (003 D11.2)."""


# --- Policy versions, their review and sign-off (001 §22–23, 002 §1.6) -----------------------
class PolicyVersionQuerySet(models.QuerySet):
    def visible_to(self, user) -> PolicyVersionQuerySet:
        """Policy versions: read by everyone signed in (everyone acknowledges the policy, 001 §22–23);
        changed by Communications alone."""
        return self.all() if user.is_authenticated else self.none()

    def latest_first(self) -> PolicyVersionQuerySet:
        return self.order_by("-published_at", "-pk")

    def review_overdue(self, *, today: date) -> PolicyVersionQuerySet:
        """The version in force, if its last review was six months or more before ``today`` (002 §1.6).

        Only the latest version counts: publishing a new one is itself a review.
        """
        cutoff = add_months(today, -settings.MONITORING_POLICY_REVIEW_MONTHS)
        latest = self.latest_first().values("pk")[:1]
        return self.filter(pk__in=latest, reviewed_on__lte=cutoff)


class PolicyVersion(models.Model):
    """A published version of the social media policy, and its six-monthly review (002 §1.6).

    Every authorised user acknowledges the version in force (001 §22–23). Publishing a version is a
    review; a review that changes nothing is recorded on the version in force (``reviewed_on``), so
    the policy's review history is one table.
    """

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What changed, in a few sentences.")
    document_reference = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the full policy is published, for example the intranet page.",
    )
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    reviewed_on = models.DateField(
        help_text="The last six-monthly review: the day it was published, or since."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_notes = models.TextField(blank=True)

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        get_latest_by = "published_at"

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def next_review_due(self) -> date:
        """Six months after the last review (002 §1.6)."""
        return add_months(self.reviewed_on, settings.MONITORING_POLICY_REVIEW_MONTHS)


class PolicyAcknowledgement(models.Model):
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "person"], name="policy_acknowledged_once")]

    def __str__(self) -> str:
        return f"{self.person} acknowledged {self.version}"
