"""Enquiries from the public, the council's responses to them, and the accounts' posts.

000 §25 (response times), 003 D4.5–4.6 (timely replies, holding replies), D5.1–5.2 (activity and
posting frequency), 004 Don't 5–6 (when not to respond).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts_register.models import Service
from councilsocial.permissions import is_communications


class Channel(models.TextChoices):
    COMMENT = "comment", "Comment"
    MENTION = "mention", "Mention"
    DIRECT_MESSAGE = "direct_message", "Direct message"


class EnquiryStatus(models.TextChoices):
    OPEN = "open", "Waiting for a response"
    HOLDING = "holding", "Holding reply sent"
    ANSWERED = "answered", "Answered"
    NO_RESPONSE_NEEDED = "no_response_needed", "No response needed"


OPEN_STATUSES = (EnquiryStatus.OPEN, EnquiryStatus.HOLDING)


class ResponseKind(models.TextChoices):
    HOLDING = "holding", "Holding reply"
    FULL = "full", "Full answer"
    NO_RESPONSE_NEEDED = "no_response_needed", "No response needed"


class NoResponseReason(models.TextChoices):
    """004 Don't 5–6: when the council does not respond."""

    ABUSIVE = "abusive", "Abusive"
    AGGRESSIVE = "aggressive", "Aggressive"
    SPAM = "spam", "Spam"
    NOTHING_TO_ADD = "nothing_to_add", "Nothing to add"
    # Only the sync records it: the enquiry was deleted on the platform by its author while open.
    WITHDRAWN = "withdrawn", "Deleted by its author"


#: The reasons a person may choose (the form and the API); ``WITHDRAWN`` is the sync's alone.
PEOPLE_REASONS = [choice for choice in NoResponseReason.choices if choice[0] != NoResponseReason.WITHDRAWN]


def overdue_q(now) -> Q:
    """The one rule for an overdue enquiry, as a condition: no response at all and the deadline
    strictly before ``now`` (``councilsocial.calendar.rules.is_overdue``).
    Queries and the dashboard use it."""
    return Q(status=EnquiryStatus.OPEN, response_due_at__lt=now)


class EnquiryQuerySet(models.QuerySet):
    def open(self) -> EnquiryQuerySet:
        """Not yet closed: waiting for a response, or a holding reply sent and the answer to come."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, now) -> EnquiryQuerySet:
        """No response at all and the deadline has passed (000 §25). A holding reply stops the clock."""
        return self.filter(overdue_q(now))

    def due_soon(self, *, now, until) -> EnquiryQuerySet:
        """No response yet, not overdue, and due before ``until`` (the home page's "due today")."""
        return self.filter(status=EnquiryStatus.OPEN, response_due_at__gte=now, response_due_at__lt=until)

    def visible_to(self, user) -> EnquiryQuerySet:
        """Enquiries of the accounts a person works on: their services', or every one for Comms.

        A Corporate Director does not see them: answering enquiries is the service's own work (000 §25).
        """
        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        return self.filter(account__service__in=Service.objects.for_member(user).values("pk"))


def may_record_response(enquiry: Enquiry, user) -> bool:
    """Who may record a response: whoever may write the enquiry (``get_enquiry_for_user(...,
    write=True)``: its service's people, or Communications). ``None`` is the platform itself (a
    connector saw the reply), which may always record it."""
    if user is None:
        return True
    return Enquiry.objects.visible_to(user).filter(pk=enquiry.pk).exists()


def may_undo_response(enquiry: Enquiry, user) -> bool:
    """Undoing is a person's act on an enquiry they may write (the service checks it is their own
    response, recorded moments ago)."""
    return user is not None and may_record_response(enquiry, user)


class Enquiry(ConcurrentTransitionMixin, models.Model):
    """A question or comment from the public on one of the council's accounts.

    The deadline is computed once, when the enquiry is recorded, and stored with the policy that
    produced it (``response_policy``: ``working_day`` for 000 §25, ``fixed_hours:48`` for 003 D8.3).
    A first response — a holding reply or a full answer — stops the clock; the time it took, in
    working seconds, and whether the deadline was met are stored with it.
    """

    account = models.ForeignKey(
        "accounts_register.SocialMediaAccount", on_delete=models.PROTECT, related_name="enquiries"
    )
    platform_id = models.CharField("the platform's id", max_length=200)
    received_at = models.DateTimeField()
    author = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    url = models.URLField("link to it on the platform", max_length=500, blank=True, default="", db_default="")
    conversation_id = models.CharField(
        "the conversation it belongs to",
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="The platform's id of the thread.",
    )
    response_due_at = models.DateTimeField()
    response_policy = models.CharField(max_length=30, default="working_day")
    status = FSMField(default=EnquiryStatus.OPEN, choices=EnquiryStatus.choices, protected=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_working_seconds = models.IntegerField(null=True, blank=True)
    met_deadline = models.BooleanField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    no_response_reason = models.CharField(max_length=20, choices=NoResponseReason.choices, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who is answering it (000 Appendix 2: the duty officer hands enquiries on).",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True, help_text="Its author edited it on the platform.")
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sync saw it had been deleted on the platform."
    )

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["response_due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "platform_id"], name="enquiry_unique_platform_id"),
            models.CheckConstraint(
                condition=~Q(status=EnquiryStatus.NO_RESPONSE_NEEDED) | ~Q(no_response_reason=""),
                name="enquiry_no_response_has_reason",
            ),
        ]
        indexes = [
            # Job check_overdue_enquiries (every 5 minutes): unanswered enquiries by deadline.
            models.Index(
                fields=["response_due_at"],
                condition=Q(status=EnquiryStatus.OPEN),
                name="enquiry_unanswered_due_idx",
            ),
            # Inbox: open enquiries of a set of accounts, soonest deadline first.
            models.Index(
                fields=["account", "response_due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="enquiry_inbox_idx",
            ),
            # Inbox across many accounts (Communications', a large service's): open enquiries by
            # deadline, so a page reads its 50 rows, wherever they lie in years of history.
            models.Index(
                fields=["response_due_at", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="enquiry_inbox_due_idx",
            ),
            # Dashboard: response-time performance by month of receipt.
            models.Index(fields=["received_at"], name="enquiry_received_idx"),
            # Job refresh_dashboard_figures: the months of the enquiries recorded since its last run.
            models.Index(fields=["recorded_at"], name="enquiry_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} from {self.author or 'someone'} ({self.platform_id})"

    def is_overdue(self, now) -> bool:
        """``Enquiry.objects.overdue`` for one enquiry already loaded."""
        return self.status == EnquiryStatus.OPEN and self.response_due_at < now

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaits_first_response(self) -> bool:
        """Neither a holding reply nor an answer yet: the clock is running (000 §25)."""
        return self.status == EnquiryStatus.OPEN

    @property
    def has_holding_reply(self) -> bool:
        """A holding reply was sent; the full answer is still to come (003 D4.6)."""
        return self.status == EnquiryStatus.HOLDING

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=EnquiryStatus.OPEN,
        target=EnquiryStatus.HOLDING,
        permission=may_record_response,
    )
    def send_holding_reply(self, *, by=None, description=None):
        """003 D4.6: a holding reply stops the clock; the enquiry stays open for the answer."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=OPEN_STATUSES, target=EnquiryStatus.ANSWERED, permission=may_record_response
    )
    def answer(self, *, by=None, description=None):
        """A full answer stops the clock (if a holding reply had not) and closes the enquiry."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=OPEN_STATUSES,
        target=EnquiryStatus.NO_RESPONSE_NEEDED,
        permission=may_record_response,
    )
    def close_without_response(self, *, by=None, description=None):
        """004 Don't 5–6: abusive, aggressive, spam or nothing to add; closes with a reason."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[EnquiryStatus.HOLDING, EnquiryStatus.ANSWERED, EnquiryStatus.NO_RESPONSE_NEEDED],
        target=EnquiryStatus.OPEN,
        permission=may_undo_response,
    )
    def undo_to_open(self, *, by=None, description=None):
        """A response recorded by mistake is undone: no response remains (the clock runs again)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[EnquiryStatus.ANSWERED, EnquiryStatus.NO_RESPONSE_NEEDED],
        target=EnquiryStatus.HOLDING,
        permission=may_undo_response,
    )
    def undo_to_holding(self, *, by=None, description=None):
        """The full answer is undone; the holding reply sent before it stands."""


class Response(models.Model):
    """A response recorded against an enquiry, by a person or an integration."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(max_length=20, choices=ResponseKind.choices)
    responded_at = models.DateTimeField()
    reason = models.CharField(max_length=20, choices=NoResponseReason.choices, blank=True)
    text = models.TextField("what was said", blank=True, default="", db_default="")
    platform_id = models.CharField(
        "the platform's id",
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="Where the reply was seen on or sent to the platform.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    undone_at = models.DateTimeField(
        null=True, blank=True, help_text="Undone by its author, recorded by mistake. Kept for the record."
    )

    class Meta:
        ordering = ["responded_at", "pk"]
        indexes = [
            # Job refresh_dashboard_figures: the enquiries with a response recorded since its last run.
            models.Index(fields=["recorded_at"], name="response_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.responded_at:%Y-%m-%d %H:%M}"


class PostKind(models.TextChoices):
    ORIGINAL = "original", "Original post"
    REPLY = "reply", "Reply"
    SHARE = "share", "Share"


class Post(models.Model):
    """Something an account published. Posts give the account its last activity (003 D5.1) and its
    posting frequency (003 D5.2)."""

    account = models.ForeignKey(
        "accounts_register.SocialMediaAccount", on_delete=models.PROTECT, related_name="posts"
    )
    platform_id = models.CharField("the platform's id", max_length=200)
    posted_at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.ORIGINAL)
    text = models.TextField(blank=True, default="", db_default="")
    url = models.URLField("link to it on the platform", max_length=500, blank=True, default="", db_default="")
    published_by = models.CharField(
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text="Which authorised user published it, where the platform says.",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Deleted on the platform; kept, as the account's activity (003 D5.1).",
    )

    class Meta:
        ordering = ["-posted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "platform_id"], name="post_unique_platform_id")
        ]
        indexes = [
            # Ingest (the account's last activity) and job posting_guideline (daily): an account's
            # posts by time.
            models.Index(fields=["account", "posted_at"], name="post_account_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.platform_id}"


class ActivityImport(models.Model):
    """An uploaded CSV of enquiries or posts between its row-by-row preview and its confirmation.

    The cells are kept on the server, so the confirmation writes what was previewed and never what
    the browser sends back; only the uploader may confirm it, once.
    """

    class Kind(models.TextChoices):
        ENQUIRIES = "enquiries", "Enquiries"
        POSTS = "posts", "Posts"

    id = models.UUIDField(primary_key=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    file_name = models.CharField(max_length=255)
    rows = models.JSONField(default=list, help_text="Each data row as a dict of column name to cell text.")
    applied_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"


class ResponseTimeMonth(models.Model):
    """Pre-aggregated response-time figures of one service for one month (the dashboard reads these).

    Refreshed by the job ``monitoring.refresh_dashboard_figures`` (the current and previous month
    every 15 minutes, the whole year nightly), so the dashboard never aggregates a million rows.
    """

    service = models.ForeignKey("accounts_register.Service", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month, UK time.")
    received = models.PositiveIntegerField()
    judged = models.PositiveIntegerField(help_text="Answered, or unanswered past the deadline.")
    within = models.PositiveIntegerField(help_text="First response by the deadline.")
    median_seconds = models.FloatField(null=True)
    p90_seconds = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["service", "month"]
        constraints = [
            models.UniqueConstraint(fields=["service", "month"], name="response_time_month_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.month:%B %Y}: {self.within} of {self.judged} within the deadline"


class ResponseTimeRefresh(models.Model):
    """How far the job ``monitoring.refresh_dashboard_figures`` has looked, for each window it keeps.

    ``refreshed_at`` is the ``now`` of its last run over the last ``months`` months: the next run
    recomputes only the months whose enquiries or responses changed after it (its watermark), so
    its cost follows the changes, not the length of the window or the size of the history.
    """

    months = models.PositiveSmallIntegerField(unique=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Last {self.months} months, refreshed at {self.refreshed_at:%Y-%m-%d %H:%M}"
