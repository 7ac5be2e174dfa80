"""Business cases and their approval workflow (000 §6–8, 001 §19, 003 D6.1).

A service that wants a new social media account writes a business case answering the key questions
of 000 Appendix 1 and 003 D6.1. Communications and Marketing advise (000 §6b), the directorate's
Corporate Director approves (000 §6c, 001 §19), Communications approves (000 §6d), the risk
assessment is accepted (000 §6e), and the account is set up with joint admin access (000 §6f), at
which point the Director and the Committee Chairman are told (000 §6g).

The state diagram is in DESIGN.md. Nothing assigns ``status``: the transitions below are the only
way to move a case, and ``services.py`` runs each one in a transaction with its log and emails.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts_register.models import AccountKind
from accounts_register.platforms import Platform


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ADVICE_REQUESTED = "advice_requested", "Advice requested"
    ADVISED = "advised", "Advised"
    AWAITING_DIRECTOR = "awaiting_director", "Waiting for the Corporate Director"
    AWAITING_COMMS = "awaiting_comms", "Waiting for Communications"
    APPROVED = "approved", "Approved"
    RISK_ASSESSMENT_ACCEPTED = "risk_assessment_accepted", "Risk assessment accepted"
    LIVE = "live", "Live"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


#: States in which the author may still change the answers.
EDITABLE_STATES = (CaseStatus.DRAFT, CaseStatus.CHANGES_REQUESTED)
#: States a case can still be withdrawn from (DESIGN: "from any open state").
OPEN_STATES = (
    CaseStatus.DRAFT,
    CaseStatus.ADVICE_REQUESTED,
    CaseStatus.ADVISED,
    CaseStatus.AWAITING_DIRECTOR,
    CaseStatus.AWAITING_COMMS,
    CaseStatus.APPROVED,
    CaseStatus.RISK_ASSESSMENT_ACCEPTED,
    CaseStatus.CHANGES_REQUESTED,
)
#: States where the case waits for someone's decision; reminders and escalation look at these.
DECISION_STATES = (CaseStatus.AWAITING_DIRECTOR, CaseStatus.AWAITING_COMMS)
#: States where Communications is the one to act.
COMMS_STATES = (
    CaseStatus.ADVICE_REQUESTED,
    CaseStatus.AWAITING_COMMS,
    CaseStatus.APPROVED,
    CaseStatus.RISK_ASSESSMENT_ACCEPTED,
)


# --- The key questions (000 Appendix 1, 003 D6.1) ---------------------------------------------------
# Each is (field name, section slug, short label, the policies' own wording as help text).
SECTIONS = {
    "purpose": "Purpose and audience",
    "alternatives": "Alternatives",
    "resources": "Commitment and resources",
    "risks": "Risks and responses",
    "success": "Success and exit",
}

KEY_QUESTIONS = [
    (
        "purpose",
        "purpose",
        "Purpose and fit with the communications plan",
        "What is the purpose? How does this fit in with your overall plan for communications? "
        "(000 Appendix 1) What do you want to achieve? How does using social media fit within your "
        "wider communications and marketing strategy for your service? (003 D6.1)",
    ),
    (
        "audience",
        "purpose",
        "Audience, and who is excluded",
        "Does the site appeal to a key demographic not available via the council's website? Is this "
        "the right site to engage with your audiences? (000 Appendix 1) Who do you want to reach? "
        "Who might you be excluding by using social media? (003 D6.1)",
    ),
    (
        "website_alternative",
        "alternatives",
        "Could the council website do it?",
        "Could you achieve the same effect or better on the council's website? (000 Appendix 1)",
    ),
    (
        "similar_presence",
        "alternatives",
        "Does anything similar already exist?",
        "Does anything similar already exist? If it does, would working with an existing presence be "
        "better for users and for the Council? (000 Appendix 1)",
    ),
    (
        "commitment",
        "resources",
        "Commitment and resources, and for how long",
        "What commitment are you willing to make to the site? Do you have the resources you need to "
        "keep it refreshed and relevant? For how long? Is your overall investment in time and/or money "
        "likely to be worth the benefit the presence is likely to deliver? (000 Appendix 1)",
    ),
    (
        "staffing",
        "resources",
        "Staff to monitor and answer within the response times",
        "Do you have sufficient staff resources to manage and monitor the site including responding "
        "to questions and feedback within the Council's recommended response times? Are those using "
        "social media on behalf of your project/service good at communicating online? (003 D6.1)",
    ),
    (
        "negative_responses",
        "risks",
        "Handling responses, including negative ones",
        "How will you deal with responses and those that might be negative? (003 D6.1)",
    ),
    (
        "risks",
        "risks",
        "Risks and how you will reduce them",
        "Identify the risks and plan to mitigate them. (003 D6.1)",
    ),
    (
        "success_measures",
        "success",
        "Success measures, with a target and a review point",
        "How will you measure success? Try to set a target and a review point before you launch. "
        "(000 Appendix 1) Work out your return on investment (ROI) including how you will evaluate "
        "your social media activities. (003 D6.1)",
    ),
    (
        "exit_strategy",
        "success",
        "Exit strategy",
        "What is your exit strategy? (000 Appendix 1, 003 D6.1) You should have a clear plan from the "
        "start about how long the association with the site will last. (000 §8c)",
    ),
    (
        "content_owner",
        "success",
        "Who is accountable for the content",
        "Who will be the accountable and responsible for the content? (000 Appendix 1)",
    ),
]
KEY_QUESTION_FIELDS = [name for name, *_ in KEY_QUESTIONS]


def _question_field(name: str) -> models.TextField:
    label, help_text = next((lbl, txt) for n, _s, lbl, txt in KEY_QUESTIONS if n == name)
    return models.TextField(label, blank=True, help_text=help_text)


# --- Who may move a case (000 §6, 001 §19) ----------------------------------------------------------
def is_author(case, user) -> bool:
    return bool(user and user.is_authenticated and case.author_id == user.pk)


def is_case_director(case, user) -> bool:
    """The Corporate Director of the case's directorate, and only them (000 §6c, 001 §19)."""
    return bool(user and user.is_authenticated and case.service.directorate.corporate_director_id == user.pk)


def is_comms(case, user) -> bool:
    from councilsocial.permissions import is_communications

    return bool(user) and is_communications(user)


# --- Conditions (no side effects) -------------------------------------------------------------------
def answers_complete(case) -> bool:
    """Every key question is answered (000 Appendix 1, 003 D6.1)."""
    return not case.missing_answers()


def risk_assessment_is_accepted(case) -> bool:
    """000 §6e: the risk assessment is completed and accepted by Communications."""
    from .services import has_accepted_risk_assessment

    return has_accepted_risk_assessment(case)


def joint_admin_ready(case) -> bool:
    """000 §6f, §11; 004 Do 1: Communications holds admin access and a generic mailbox administers it."""
    return bool(case.comms_has_admin_access and case.admin_mailbox)


def handle_not_on_register(case) -> bool:
    """The proposed handle is not already an account on the register."""
    from accounts_register.models import SocialMediaAccount

    return not SocialMediaAccount.objects.filter(platform=case.platform, handle__iexact=case.handle).exists()


class BusinessCaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> BusinessCaseQuerySet:
        """Cases a person may see: their own, their services', their directorate's, or all for Comms."""
        from accounts_register.models import Service
        from councilsocial.permissions import is_communications

        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        return self.filter(Q(author=user) | Q(service__in=Service.objects.visible_to(user).values("pk")))

    def waiting_for(self, user) -> BusinessCaseQuerySet:
        """Cases waiting for this person's decision or advice, oldest first."""
        from councilsocial.permissions import is_communications

        if not user.is_authenticated:
            return self.none()
        condition = Q(status=CaseStatus.AWAITING_DIRECTOR, service__directorate__corporate_director=user)
        if is_communications(user):
            condition |= Q(status__in=COMMS_STATES)
        return self.filter(condition).order_by("state_entered_at", "pk")

    def needing_reminder(self, *, now) -> BusinessCaseQuerySet:
        """Waiting 5 working days or more for a decision, and not yet reminded at this stage."""
        from .selectors import working_day_cutoff

        return self.filter(
            status__in=DECISION_STATES,
            state_entered_at__lte=working_day_cutoff(now, settings.BUSINESS_CASE_REMINDER_WORKING_DAYS),
            reminded_at__isnull=True,
        )

    def waiting_too_long(self, *, now) -> BusinessCaseQuerySet:
        """Waiting 10 working days or more for a decision: flagged to Communications."""
        from .selectors import working_day_cutoff

        return self.filter(
            status__in=DECISION_STATES,
            state_entered_at__lte=working_day_cutoff(now, settings.BUSINESS_CASE_ESCALATION_WORKING_DAYS),
        )


class BusinessCase(ConcurrentTransitionMixin, models.Model):
    """A service's case for a new social media account (000 §6c, §8; 003 D6.1)."""

    service = models.ForeignKey(
        "accounts_register.Service", on_delete=models.PROTECT, related_name="business_cases"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="business_cases_written"
    )
    title = models.CharField("name of the proposed account", max_length=200)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    handle = models.CharField(
        "proposed handle", max_length=200, help_text="Without the @, as it will appear on the register."
    )
    kind = models.CharField(max_length=20, choices=AccountKind.choices, default=AccountKind.DEPARTMENTAL)

    purpose = _question_field("purpose")
    audience = _question_field("audience")
    website_alternative = _question_field("website_alternative")
    similar_presence = _question_field("similar_presence")
    commitment = _question_field("commitment")
    staffing = _question_field("staffing")
    negative_responses = _question_field("negative_responses")
    risks = _question_field("risks")
    success_measures = _question_field("success_measures")
    exit_strategy = _question_field("exit_strategy")
    content_owner = _question_field("content_owner")

    # Set-up, recorded by Communications before the account goes live (000 §6f, §11).
    url = models.URLField("web address of the account", max_length=500, blank=True)
    admin_mailbox = models.EmailField(
        "administering mailbox",
        blank=True,
        help_text="The generic council mailbox the account is registered to, never a person's (000 §11).",
    )
    comms_has_admin_access = models.BooleanField(
        "Communications holds admin access",
        default=False,
        help_text="Joint administration access with Communications and Marketing (000 §6f; 004 Do 1).",
    )

    status = FSMField(max_length=30, choices=CaseStatus.choices, default=CaseStatus.DRAFT, protected=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every edit; an approval link is for one version only."
    )
    state_entered_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminder for the current stage was sent."
    )
    account = models.OneToOneField(
        "accounts_register.SocialMediaAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="business_case",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BusinessCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Jobs: business_cases.send_reminders and the business-case-waiting check — cases
            # waiting for a decision, by when they reached the stage.
            models.Index(
                fields=["state_entered_at"],
                condition=Q(status__in=["awaiting_director", "awaiting_comms"]),
                name="case_waiting_decision_idx",
            ),
            # Queues: "waiting for me" by status, oldest first.
            models.Index(fields=["status", "state_entered_at"], name="case_status_entered_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    # --- Answers ---------------------------------------------------------------------------------
    def missing_answers(self) -> list[str]:
        """The labels of the key questions not yet answered."""
        missing = (
            []
            if self.handle and self.platform and self.title
            else ["The account's name, platform and handle"]
        )
        for name, _section, label, _help in KEY_QUESTIONS:
            if not (getattr(self, name) or "").strip():
                missing.append(label)
        return missing

    def section_complete(self, section: str) -> bool:
        return all((getattr(self, n) or "").strip() for n, s, *_ in KEY_QUESTIONS if s == section)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    # --- Transitions: each names who may make it and what must hold first ------------------------
    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[CaseStatus.DRAFT, CaseStatus.CHANGES_REQUESTED],
        target=CaseStatus.ADVICE_REQUESTED,
        permission=is_author,
        conditions=[answers_complete],
    )
    def submit(self, *, by=None, description=None):
        """Ask Communications for advice (000 §6b, §7)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status, source=CaseStatus.ADVICE_REQUESTED, target=CaseStatus.ADVISED, permission=is_comms
    )
    def advise(self, *, by=None, description=None):
        """Communications give their advice (000 §6b)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.ADVISED,
        target=CaseStatus.AWAITING_DIRECTOR,
        permission=is_author,
        conditions=[answers_complete],
    )
    def send_to_director(self, *, by=None, description=None):
        """Send the case to the Corporate Director (000 §6c)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.AWAITING_DIRECTOR,
        target=CaseStatus.AWAITING_COMMS,
        permission=is_case_director,
    )
    @transition(
        field=status, source=CaseStatus.AWAITING_COMMS, target=CaseStatus.APPROVED, permission=is_comms
    )
    def approve(self, *, by=None, description=None):
        """The Director's approval (000 §6c, 001 §19), then Communications' (000 §6d)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.AWAITING_DIRECTOR,
        target=CaseStatus.CHANGES_REQUESTED,
        permission=is_case_director,
    )
    @transition(
        field=status,
        source=[CaseStatus.ADVICE_REQUESTED, CaseStatus.AWAITING_COMMS],
        target=CaseStatus.CHANGES_REQUESTED,
        permission=is_comms,
    )
    def return_for_changes(self, *, by=None, description=None):
        """Send the case back to its author with a comment."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.AWAITING_DIRECTOR,
        target=CaseStatus.REJECTED,
        permission=is_case_director,
    )
    @transition(
        field=status, source=CaseStatus.AWAITING_COMMS, target=CaseStatus.REJECTED, permission=is_comms
    )
    def reject(self, *, by=None, description=None):
        """Refuse the case, with a comment."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.APPROVED,
        target=CaseStatus.RISK_ASSESSMENT_ACCEPTED,
        permission=is_comms,
        conditions=[risk_assessment_is_accepted],
    )
    def accept_risk_assessment(self, *, by=None, description=None):
        """The risk assessment has been completed and accepted (000 §6e, §9)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.RISK_ASSESSMENT_ACCEPTED,
        target=CaseStatus.LIVE,
        permission=is_comms,
        conditions=[joint_admin_ready, handle_not_on_register],
    )
    def go_live(self, *, by=None, description=None):
        """The account is set up with joint admin access and goes on the register (000 §6f–g)."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=list(OPEN_STATES), target=CaseStatus.WITHDRAWN, permission=is_author)
    def withdraw(self, *, by=None, description=None):
        """The author withdraws the case."""


class DirectorApprovalLinkQuerySet(models.QuerySet):
    def open(self) -> DirectorApprovalLinkQuerySet:
        return self.filter(used_at__isnull=True, voided_at__isnull=True)


class DirectorApprovalLink(models.Model):
    """One emailed approval link: for one Director, one case, one version of the case, used once.

    The emailed URL carries a signed, timestamped token naming this row; the row makes the link
    single-use (``used_at``) and voidable (``voided_at``, when a new link is sent).
    """

    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="director_links")
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_case_links"
    )
    case_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = DirectorApprovalLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Director's approval link"

    def __str__(self) -> str:
        return f"Link {self.pk} for {self.case} (version {self.case_version})"
