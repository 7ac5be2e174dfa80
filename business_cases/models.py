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
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description
from django_fsm_log.models import StateLog

from accounts_register.models import AccountKind, Service, SocialMediaAccount, leads
from accounts_register.platforms import Platform
from councilsocial.calendar.rules import working_days_before
from councilsocial.calendar.selectors import calendar_current
from councilsocial.permissions import is_communications
from risk_assessments.selectors import has_accepted_assessment


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


# --- Segregation of duties (000 §6b–e, 001 §19) -----------------------------------------------------
class ApprovalStage(models.TextChoices):
    """The separate judgements a case needs; one person gives at most one of them (and never on a
    case they wrote). The label completes "You … for this case"."""

    AUTHOR = "author", "wrote this case"
    ADVICE = "advice", "gave Communications’ advice on this case"
    DIRECTOR = "director", "made the Corporate Director’s decision on this case"
    COMMS = "comms", "made Communications’ decision on this case"
    RISK_ASSESSMENT = "risk_assessment", "accepted or returned the risk assessment for this case"


#: The stage a decision belongs to, by the state the case was waiting in when it was made.
STAGE_OF_STATE = {
    CaseStatus.ADVICE_REQUESTED: ApprovalStage.ADVICE,
    CaseStatus.AWAITING_DIRECTOR: ApprovalStage.DIRECTOR,
    CaseStatus.AWAITING_COMMS: ApprovalStage.COMMS,
}
#: Transitions that are nobody's approval: the author's withdrawal, and setting the account up.
NOT_APPROVALS = ("withdraw", "go_live", "accept_risk_assessment")
#: What the person is asked to leave to someone else, by stage.
STAGE_ACTS = {
    ApprovalStage.ADVICE: "give Communications’ advice",
    ApprovalStage.DIRECTOR: "make the Corporate Director’s decision",
    ApprovalStage.COMMS: "make Communications’ decision",
    ApprovalStage.RISK_ASSESSMENT: "accept the risk assessment",
}


def holds_stage_role(case, user, stage) -> bool:
    """Whether the person holds the role that acts at ``stage`` (leaving segregation aside)."""
    if stage == ApprovalStage.DIRECTOR:
        return is_case_director(case, user)
    return is_comms(case, user)


def approval_stage(transition_name: str, source: str) -> ApprovalStage | None:
    """The approval stage that making ``transition_name`` from ``source`` acts at, if any."""
    if transition_name in NOT_APPROVALS:
        return None
    return STAGE_OF_STATE.get(source)


def validate_one_line(value: str) -> None:
    """Text that goes into an email subject is one line: a line break there stops the email."""
    if any(ch in str(value) for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise ValidationError("Enter the name on one line, without line breaks")


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
    """The Corporate Director of the case's directorate, and only them, while in the Corporate
    directors group (000 §6c, 001 §19; the register's ``leads``)."""
    return leads(user, case.service.directorate)


def is_comms(case, user) -> bool:
    return bool(user) and is_communications(user)


def _independent(case, user, stage) -> bool:
    return case.segregation_refusal(user, stage) is None


def may_advise(case, user) -> bool:
    """Communications, unless they wrote the case or acted at another stage of it."""
    return is_comms(case, user) and _independent(case, user, ApprovalStage.ADVICE)


def may_decide_as_director(case, user) -> bool:
    """The directorate's Corporate Director, unless they acted at another stage of the case."""
    return is_case_director(case, user) and _independent(case, user, ApprovalStage.DIRECTOR)


def may_decide_for_comms(case, user) -> bool:
    """Communications, unless they wrote the case or acted at another stage of it (000 §6d)."""
    return is_comms(case, user) and _independent(case, user, ApprovalStage.COMMS)


def recorded_automatically(case, user) -> bool:
    """Nobody records the risk assessment's acceptance by hand: going live records it (000 §6e)."""
    return False


# --- Conditions (no side effects) -------------------------------------------------------------------
def answers_complete(case) -> bool:
    """Every key question is answered (000 Appendix 1, 003 D6.1)."""
    return not case.missing_answers()


def risk_assessment_is_accepted(case) -> bool:
    """000 §6e: the risk assessment is completed and accepted by Communications."""
    return has_accepted_assessment(case)


def risk_assessment_accepted_independently(case) -> bool:
    """Whoever accepted the case's risk assessment acted at no other stage of it (000 §6e)."""
    return not case.risk_assessment_conflicts()


def joint_admin_ready(case) -> bool:
    """000 §6f, §11; 004 Do 1: Communications holds admin access and a generic mailbox administers it."""
    return bool(case.comms_has_admin_access and case.admin_mailbox)


def handle_not_on_register(case) -> bool:
    """The proposed handle is not already an account on the register."""
    return not SocialMediaAccount.objects.filter(platform=case.platform, handle__iexact=case.handle).exists()


def working_day_cutoff(now, days: int):
    """The moment ``days`` of the council's working days before ``now``: a case that reached its
    stage at or before it has waited at least that many working days (its bank holidays and
    closure days count)."""
    return working_days_before(now, days, calendar_current())


class BusinessCaseQuerySet(models.QuerySet):
    def approved(self) -> BusinessCaseQuerySet:
        """Approved, and waiting for their risk assessment to be accepted (000 §9)."""
        return self.filter(status=CaseStatus.APPROVED)

    def visible_to(self, user) -> BusinessCaseQuerySet:
        """Cases a person may see: their own, their services', their directorate's, or all for Comms."""
        if not user.is_authenticated:
            return self.none()
        if is_communications(user):
            return self.all()
        return self.filter(Q(author=user) | Q(service__in=Service.objects.visible_to(user).values("pk")))

    def waiting_for(self, user) -> BusinessCaseQuerySet:
        """Cases waiting for this person's decision or advice, oldest first."""
        if not user.is_authenticated:
            return self.none()
        condition = Q(
            status=CaseStatus.AWAITING_DIRECTOR, service__in=Service.objects.led_by(user).values("pk")
        )
        if is_communications(user):
            condition |= Q(status__in=COMMS_STATES)
        return self.filter(condition).order_by("state_entered_at", "pk")

    def needing_reminder(self, *, now) -> BusinessCaseQuerySet:
        """Waiting 5 working days or more for a decision, and not yet reminded at this stage."""
        return self.filter(
            status__in=DECISION_STATES,
            state_entered_at__lte=working_day_cutoff(now, settings.BUSINESS_CASE_REMINDER_WORKING_DAYS),
            reminded_at__isnull=True,
        )

    def waiting_too_long(self, *, now) -> BusinessCaseQuerySet:
        """Waiting 10 working days or more for a decision: flagged to Communications."""
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
    title = models.CharField("name of the proposed account", max_length=200, validators=[validate_one_line])
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
                condition=Q(status__in=[CaseStatus.AWAITING_DIRECTOR, CaseStatus.AWAITING_COMMS]),
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

    # --- Segregation of duties -------------------------------------------------------------------
    def stage_actors(self) -> dict[str, set[int]]:
        """Who has acted at each approval stage of this case: from its log, and from the decisions
        on its risk assessment (accepted or returned)."""
        actors: dict[str, set[int]] = {stage: set() for stage in ApprovalStage}
        actors[ApprovalStage.AUTHOR].add(self.author_id)
        if self.pk is None:
            return actors
        for source, name, by_id in (
            StateLog.objects.for_(self)
            .filter(by__isnull=False)
            .values_list("source_state", "transition", "by_id")
        ):
            stage = approval_stage(name, source)
            if stage is not None:
                actors[stage].add(by_id)
        actors[ApprovalStage.RISK_ASSESSMENT] |= self._risk_assessment_deciders()
        return actors

    def _risk_assessment_deciders(self) -> set[int]:
        assessments = self.risk_assessments.all()  # the reverse relation: no import of that app
        deciders = set(assessments.filter(decided_by__isnull=False).values_list("decided_by_id", flat=True))
        deciders |= set(
            StateLog.objects.filter(
                content_type=ContentType.objects.get_for_model(assessments.model),
                object_id__in=assessments.values("pk"),
                transition__in=["accept", "send_back"],
                by__isnull=False,
            ).values_list("by_id", flat=True)
        )
        return deciders

    def segregation_refusal(self, user, stage: str | None, *, actors=None) -> str | None:
        """Why ``user`` may not act at ``stage`` of this case, or None if they may.

        Segregation of duties: the advice, the Corporate Director's decision, Communications'
        decision and the acceptance of the risk assessment are each someone else's, and none of them
        is the author's (000 §6b–e, 001 §19). Every route — the pages, the emailed link, the admin —
        goes through the services, which ask this.
        """
        if stage is None or user is None or not user.is_authenticated:
            return None
        actors = self.stage_actors() if actors is None else actors
        for other in ApprovalStage:
            if other != stage and user.pk in actors[other]:
                return (
                    f"You {other.label}, so someone else must {STAGE_ACTS[stage]}. "
                    "One person can act at only one stage of a business case."
                )
        return None

    def refusal_to_decide_risk_assessment(self, user) -> str | None:
        """Asked by the risk assessment app before Communications accept or return the assessment
        written for this case, while the case is still open."""
        if self.status not in OPEN_STATES:
            return None
        return self.segregation_refusal(user, ApprovalStage.RISK_ASSESSMENT)

    def risk_assessment_conflicts(self) -> set[int]:
        """People who decided the case's risk assessment and also acted at another stage of it."""
        actors = self.stage_actors()
        others = set().union(
            *(people for stage, people in actors.items() if stage != ApprovalStage.RISK_ASSESSMENT)
        )
        return self._risk_assessment_deciders() & others

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
        field=status, source=CaseStatus.ADVICE_REQUESTED, target=CaseStatus.ADVISED, permission=may_advise
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
        permission=may_decide_as_director,
    )
    @transition(
        field=status,
        source=CaseStatus.AWAITING_COMMS,
        target=CaseStatus.APPROVED,
        permission=may_decide_for_comms,
    )
    def approve(self, *, by=None, description=None):
        """The Director's approval (000 §6c, 001 §19), then Communications' (000 §6d)."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.AWAITING_DIRECTOR,
        target=CaseStatus.CHANGES_REQUESTED,
        permission=may_decide_as_director,
    )
    @transition(
        field=status,
        source=CaseStatus.ADVICE_REQUESTED,
        target=CaseStatus.CHANGES_REQUESTED,
        permission=may_advise,
    )
    @transition(
        field=status,
        source=CaseStatus.AWAITING_COMMS,
        target=CaseStatus.CHANGES_REQUESTED,
        permission=may_decide_for_comms,
    )
    def return_for_changes(self, *, by=None, description=None):
        """Send the case back to its author with a comment."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.AWAITING_DIRECTOR,
        target=CaseStatus.REJECTED,
        permission=may_decide_as_director,
    )
    @transition(
        field=status,
        source=CaseStatus.AWAITING_COMMS,
        target=CaseStatus.REJECTED,
        permission=may_decide_for_comms,
    )
    def reject(self, *, by=None, description=None):
        """Refuse the case, with a comment."""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.APPROVED,
        target=CaseStatus.RISK_ASSESSMENT_ACCEPTED,
        permission=recorded_automatically,
        conditions=[risk_assessment_is_accepted, risk_assessment_accepted_independently],
    )
    def accept_risk_assessment(self, *, by=None, description=None):
        """The risk assessment has been completed and accepted (000 §6e, §9).

        Not a step anyone takes: the risk assessment app records the acceptance, and going live
        records it on the case (``services.business_case_go_live``).
        """

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=CaseStatus.RISK_ASSESSMENT_ACCEPTED,
        target=CaseStatus.LIVE,
        permission=is_comms,
        conditions=[joint_admin_ready, handle_not_on_register],
    )
    @transition(
        field=status,
        source=CaseStatus.APPROVED,
        target=CaseStatus.LIVE,
        permission=is_comms,
        conditions=[
            risk_assessment_is_accepted,
            risk_assessment_accepted_independently,
            joint_admin_ready,
            handle_not_on_register,
        ],
    )
    def go_live(self, *, by=None, description=None):
        """The account is set up with joint admin access and goes on the register (000 §6f–g).

        From ``approved`` the service first records the accepted risk assessment (000 §6e), so the
        case passes through ``risk_assessment_accepted`` on its way.
        """

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
    # Where the decision made with the link came from, for the case's timeline (issue 11, defect 7c).
    used_from_ip = models.GenericIPAddressField("used from address", null=True, blank=True)
    used_user_agent = models.CharField("used from browser", max_length=500, blank=True)
    decision_log = models.OneToOneField(
        StateLog,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The timeline entry of the decision made with this link.",
    )

    objects = DirectorApprovalLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Director's approval link"

    def __str__(self) -> str:
        return f"Link {self.pk} for {self.case} (version {self.case_version})"
