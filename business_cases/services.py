"""Writes for business cases: one service per transition, the approval links, reminders.

Every transition runs the same way (STYLE 5): lock the case with ``select_for_update()``, check
that it is still where the person saw it, check permission and conditions, call the transition
(django-fsm-log writes the log entry on a signal), save, write the emails to the outbox — all in one
``transaction.atomic()`` block, so a lost race leaves nothing behind.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed
from django_fsm_log.models import StateLog

from accounts_register.models import ApprovalRoute, SocialMediaAccount
from accounts_register.platforms import canonical_url
from accounts_register.services import account_change_status, account_create
from councilsocial.flags.models import FlagKind
from councilsocial.flags.services import FlagChanges, flags_reconcile
from councilsocial.lib.transitions import StaleTransition, failed_conditions, run_transition
from councilsocial.notifications.models import Notification
from councilsocial.notifications.services import notification_enqueue
from councilsocial.permissions import COMMUNICATIONS, is_communications
from risk_assessments.models import RiskAssessmentStatus
from risk_assessments.selectors import has_accepted_assessment
from risk_assessments.services import risk_assessment_attach_to_account

from .models import (
    EDITABLE_STATES,
    KEY_QUESTION_FIELDS,
    BusinessCase,
    CaseStatus,
    DirectorApprovalLink,
    answers_complete,
    approval_stage,
    handle_not_on_register,
    holds_stage_role,
    joint_admin_ready,
    risk_assessment_accepted_independently,
    risk_assessment_is_accepted,
    validate_one_line,
)

logger = logging.getLogger(__name__)


# --- The one place that knows how a risk assessment is "accepted" (000 §6e) -------------------------
def has_accepted_risk_assessment(case: BusinessCase) -> bool:
    """True when an accepted risk assessment exists for this case (000 §6e, §9).

    The risk assessment app owns the rule: ``risk_assessments.selectors.has_accepted_assessment``.
    """
    return has_accepted_assessment(case)


# --- Errors a person is told about ------------------------------------------------------------------
class CaseActionError(Exception):
    """Something a person tried that cannot happen; ``messages`` say why, in plain English."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)

    @property
    def message(self) -> str:
        return " ".join(self.messages)


class AlreadyDecided(CaseActionError, StaleTransition):
    """The case moved on since the person looked at it."""


class NotAllowed(CaseActionError):
    pass


class ConditionsNotMet(CaseActionError):
    pass


class CommentRequired(CaseActionError):
    pass


ALREADY_DECIDED = "This case has already been decided"

ACTION_LABELS = {
    "submit": "Submit the case to Communications for advice",
    "advise": "Give advice",
    "send_to_director": "Send the case to the Corporate Director",
    "approve": "Approve",
    "return_for_changes": "Return the case for changes",
    "reject": "Reject",
    "go_live": "Set the account live",
    "withdraw": "Withdraw the case",
}
#: Transitions that take a comment from the person making them (kept in the timeline and the email).
TAKES_COMMENT = frozenset(
    {"submit", "advise", "send_to_director", "approve", "return_for_changes", "reject", "withdraw"}
)
#: Returning, rejecting and advising need words from the person deciding (issue 4).
COMMENT_REQUIRED = {
    "return_for_changes": "Enter a comment saying what needs to change",
    "reject": "Enter a comment saying why the case is rejected",
    "advise": "Enter your advice",
}
CONDITION_MESSAGES: dict[Callable, Callable[[BusinessCase], str]] = {
    answers_complete: lambda case: (
        "Answer every question before you submit the case. Still to answer: "
        + "; ".join(case.missing_answers())
    ),
    risk_assessment_is_accepted: lambda case: "There is no accepted risk assessment for this case yet",
    risk_assessment_accepted_independently: lambda case: (
        "The risk assessment was accepted by someone who also acted at another stage of this case. "
        "Someone else in Communications must accept it"
    ),
    joint_admin_ready: lambda case: (
        "Confirm that Communications holds admin access and enter the "
        "administering mailbox before the account goes live"
    ),
    handle_not_on_register: lambda case: (
        f"{case.handle} on {case.get_platform_display()} is already on the register"
    ),
}


def _failed_conditions(case: BusinessCase, name: str) -> list[str]:
    return [CONDITION_MESSAGES[c](case) for c in failed_conditions(case, name)]


def _locked_cases():
    return BusinessCase.objects.select_related(
        "service__directorate__corporate_director", "service__committee", "author"
    )


def _locked(case_pk: int) -> BusinessCase:
    return _locked_cases().select_for_update(of=("self",)).get(pk=case_pk)


def _run_transition(
    *,
    case_pk: int,
    name: str,
    by,
    comment: str = "",
    expected_status: str | None,
    now: datetime,
    prepare: Callable[[BusinessCase], None] | None = None,
    after: Callable[[BusinessCase], None] | None = None,
) -> BusinessCase:
    """Make one transition through the shared runner (``councilsocial.lib.transitions``), with the
    business case's own refusals: segregation of duties said plainly (000 §6), a comment required
    for returning, rejecting and advising."""
    comment = (comment or "").strip()

    def refused(case: BusinessCase) -> Exception:
        # Segregation of duties is part of the transition's permission; say it plainly to
        # someone who holds the role but acted at another stage of this case (000 §6).
        stage = approval_stage(name, case.status)
        refusal = case.segregation_refusal(by, stage) if holds_stage_role(case, by, stage) else None
        return NotAllowed(refusal or "You do not have permission to do this with this case")

    def prepare_and_require_comment(case: BusinessCase) -> None:
        if prepare is not None:
            prepare(case)
        failed = _failed_conditions(case, name)
        if failed:
            raise ConditionsNotMet(*failed)
        if name in COMMENT_REQUIRED and not comment:
            raise CommentRequired(COMMENT_REQUIRED[name])

    def before_save(case: BusinessCase) -> None:
        case.state_entered_at = now
        case.reminded_at = None

    return run_transition(
        queryset=_locked_cases(),
        pk=case_pk,
        name=name,
        by=by,
        description=comment,
        expected_status=expected_status,
        not_possible=lambda case: NotAllowed(
            f"You cannot do this while the case is ‘{case.get_status_display()}’"
        ),
        refused=refused,
        conditions_not_met=lambda case, _failed: ConditionsNotMet(*_failed_conditions(case, name)),
        prepare=prepare_and_require_comment,
        before_save=before_save,
        after=after,
        stale=AlreadyDecided,
        stale_message=ALREADY_DECIDED,
    )


# --- Emails -----------------------------------------------------------------------------------------
def _case_url(case: BusinessCase) -> str:
    return f"{settings.SITE_URL}{reverse('business-case-detail', args=[case.pk])}"


def _communications_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=COMMUNICATIONS, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
        .order_by("email")
    )


def _tell_communications(case: BusinessCase, subject: str, body: str, key: str) -> None:
    for email in _communications_emails():
        notification_enqueue(to=email, subject=subject, body=body, dedupe_key=f"{key}:{email}"[:200])


def _tell_author(case: BusinessCase, subject: str, body: str, key: str) -> None:
    if case.author.email:
        notification_enqueue(to=case.author.email, subject=subject, body=body, dedupe_key=key[:200])


def _entry_key(case: BusinessCase) -> str:
    """Identifies this case's arrival at its current stage, for dedupe keys."""
    return f"business_case:{case.pk}:{case.status}:{case.state_entered_at.timestamp():.0f}"


# --- Drafting ---------------------------------------------------------------------------------------
def business_case_create(
    *, service, author, title: str, platform: str, handle: str, kind: str, now
) -> BusinessCase:
    """Start a draft case for one of the author's services (000 §6a). Its name goes into email
    subjects, so it is one line (a ``ValidationError`` otherwise)."""
    validate_one_line(title)
    return BusinessCase.objects.create(
        service=service,
        author=author,
        title=title,
        platform=platform,
        handle=handle,
        kind=kind,
        state_entered_at=now,
    )


EDITABLE_FIELDS = frozenset({"title", "platform", "handle", "kind", "service", *KEY_QUESTION_FIELDS})


def business_case_update(*, case: BusinessCase, by, data: dict, now) -> BusinessCase:
    """Save answers (part-done is fine). Only the author, only in draft or changes requested.

    Every edit raises the version, which voids any approval link sent for the old one (DESIGN).
    """
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    if "title" in data:
        validate_one_line(data["title"])
    with transaction.atomic():
        locked = _locked(case.pk)
        if locked.author_id != by.pk:
            raise NotAllowed("Only the author can change this case")
        if locked.status not in EDITABLE_STATES:
            raise NotAllowed(f"The case cannot be changed while it is ‘{locked.get_status_display()}’")
        for field, value in data.items():
            setattr(locked, field, value)
        locked.version += 1
        locked.save()
        DirectorApprovalLink.objects.filter(case=locked).open().update(voided_at=now)
    return locked


# --- One service per transition ----------------------------------------------------------------------
def _with_comment(text: str, comment: str, heading: str) -> str:
    comment = (comment or "").strip()
    return f"{text}\n\n{heading}:\n{comment}\n" if comment else text


def business_case_submit(
    *, case: BusinessCase, by, now, comment: str = "", expected_status=None
) -> BusinessCase:
    """The author asks Communications for advice (000 §6b); every answer must be there."""

    def after(c):
        body = (
            f"{c.author.get_full_name() or c.author.username} of {c.service} asks for advice on a "
            f"new {c.get_platform_display()} account."
        )
        _tell_communications(
            c,
            f"Business case for advice: {c.title}",
            _with_comment(body, comment, "Their comment") + f"\n{_case_url(c)}\n",
            _entry_key(c),
        )

    return _run_transition(
        case_pk=case.pk,
        name="submit",
        by=by,
        comment=comment,
        expected_status=expected_status,
        now=now,
        after=after,
    )


def business_case_advise(*, case, by, comment: str, now, expected_status=None) -> BusinessCase:
    """Communications give advice (000 §6b)."""

    def after(c):
        _tell_author(
            c,
            f"Advice on your business case: {c.title}",
            f"Communications and Marketing have advised on your case:\n\n{comment}\n\n"
            f"When you are ready, send it to your Corporate Director: {_case_url(c)}\n",
            _entry_key(c),
        )

    return _run_transition(
        case_pk=case.pk,
        name="advise",
        by=by,
        comment=comment,
        expected_status=expected_status,
        now=now,
        after=after,
    )


def business_case_send_to_director(*, case, by, now, comment: str = "", expected_status=None) -> BusinessCase:
    """The author sends the case to the Corporate Director, who gets an approval link (000 §6c)."""

    def after(c):
        _director_link_issue(c, now=now, comment=comment)

    return _run_transition(
        case_pk=case.pk,
        name="send_to_director",
        by=by,
        comment=comment,
        expected_status=expected_status,
        now=now,
        after=after,
    )


def business_case_approve(
    *, case, by, comment: str = "", now, expected_status=None, link=None
) -> BusinessCase:
    """The Director's approval (000 §6c, 001 §19), or Communications' (000 §6d)."""
    return _decide(
        "approve", case=case, by=by, comment=comment, now=now, expected_status=expected_status, link=link
    )


def business_case_return(*, case, by, comment: str, now, expected_status=None, link=None) -> BusinessCase:
    """Send the case back to the author for changes, with a comment."""
    return _decide(
        "return_for_changes",
        case=case,
        by=by,
        comment=comment,
        now=now,
        expected_status=expected_status,
        link=link,
    )


def business_case_reject(*, case, by, comment: str, now, expected_status=None, link=None) -> BusinessCase:
    """Refuse the case, with a comment."""
    return _decide(
        "reject", case=case, by=by, comment=comment, now=now, expected_status=expected_status, link=link
    )


DECISIONS = {
    "approve": business_case_approve,
    "return_for_changes": business_case_return,
    "reject": business_case_reject,
}


@dataclass(frozen=True)
class LinkUse:
    """The emailed link a decision came by, and where it came from (issue 11, defect 7c)."""

    link: DirectorApprovalLink
    ip: str | None = None
    user_agent: str = ""


def _valid_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def _decide(name, *, case, by, comment, now, expected_status, link) -> BusinessCase:
    def after(c):
        if link is not None:
            use = link if isinstance(link, LinkUse) else LinkUse(link)
            DirectorApprovalLink.objects.filter(pk=use.link.pk).update(
                used_at=now,
                used_from_ip=_valid_ip(use.ip),
                used_user_agent=(use.user_agent or "")[:500],
                decision_log=StateLog.objects.for_(c).order_by("-pk").first(),
            )
        if c.status == CaseStatus.AWAITING_COMMS:
            _tell_communications(
                c,
                f"Business case approved by the Corporate Director: {c.title}",
                "The Corporate Director has approved this case; it now needs your approval.\n\n"
                f"{_case_url(c)}\n",
                _entry_key(c),
            )
        else:
            verdict = {
                CaseStatus.APPROVED: "has been approved. Complete the risk assessment next (000 §6e)",
                CaseStatus.CHANGES_REQUESTED: "has been returned for changes",
                CaseStatus.REJECTED: "has been rejected",
            }[c.status]
            _tell_author(
                c,
                f"Your business case {c.title}",
                f"Your business case {verdict}.\n\n{comment}\n\n{_case_url(c)}\n",
                _entry_key(c),
            )

    return _run_transition(
        case_pk=case.pk,
        name=name,
        by=by,
        comment=comment,
        expected_status=expected_status,
        now=now,
        after=after,
    )


def _record_risk_assessment_accepted(case: BusinessCase) -> None:
    """Move an approved case on once its risk assessment is accepted (000 §6e): not a step anyone
    takes by hand. Recorded by the system, naming who accepted the assessment and when."""
    assessment = (
        case.risk_assessments.filter(status=RiskAssessmentStatus.ACCEPTED, accepted_at__isnull=False)
        .order_by("-accepted_at")
        .first()
    )
    who = ""
    if assessment is not None and assessment.decided_by_id:
        who = f" by {assessment.decided_by.get_full_name() or assessment.decided_by.username}"
    when = f" on {timezone.localtime(assessment.accepted_at):%-d %B %Y}" if assessment is not None else ""
    case.accept_risk_assessment(by=None, description=f"The risk assessment was accepted{who}{when}.")
    case.save()


def business_case_withdraw(*, case, by, comment: str = "", now, expected_status=None) -> BusinessCase:
    """The author withdraws the case; any approval link stops working."""

    def after(c):
        DirectorApprovalLink.objects.filter(case=c).open().update(voided_at=now)

    return _run_transition(
        case_pk=case.pk,
        name="withdraw",
        by=by,
        comment=comment,
        expected_status=expected_status,
        now=now,
        after=after,
    )


def business_case_go_live(
    *,
    case,
    by,
    now,
    admin_mailbox: str | None = None,
    comms_has_admin_access: bool | None = None,
    url: str | None = None,
    expected_status=None,
) -> BusinessCase:
    """Set the account up: it goes on the register as active, linked to the case, and the Corporate
    Director and the Committee Chairman are told (000 §6f–g) — all in one transaction.

    From ``approved``, the accepted risk assessment is first recorded on the case (000 §6e): nobody
    records it by hand.

    Joint admin access and the generic mailbox must be recorded first (000 §6f, §11; 004 Do 1).
    A repeated request finds the case already live and changes nothing.
    """

    def prepare(c):
        if admin_mailbox is not None:
            c.admin_mailbox = admin_mailbox
        if comms_has_admin_access is not None:
            c.comms_has_admin_access = comms_has_admin_access
        if url is not None:
            c.url = url
        if c.status == CaseStatus.APPROVED and can_proceed(c.accept_risk_assessment):
            _record_risk_assessment_accepted(c)

    def after(c):
        account = _register_live_account(c, by=by, now=now)
        _tell_director_and_chairman(c, account)

    return _run_transition(
        case_pk=case.pk,
        name="go_live",
        by=by,
        expected_status=expected_status,
        now=now,
        prepare=prepare,
        after=after,
    )


def _register_live_account(case: BusinessCase, *, by, now) -> SocialMediaAccount:
    """The register's own service and transition: the account is created proposed, linked to the case
    and its risk assessment, then made active under the register's one rule (approval, accepted risk
    assessment, admin access, shared mailbox). A refusal is the case's ``ConditionsNotMet``."""
    try:
        with transaction.atomic():
            account = account_create(
                by=by,
                reason=f"Set up from business case {case.pk}",
                approval_route=ApprovalRoute.BUSINESS_CASE,
                approval_reference=f"Business case {case.pk}: {case.title}",
                platform=case.platform,
                handle=case.handle,
                url=case.url or canonical_url(case.platform, case.handle),
                display_name=case.title,
                service=case.service,
                kind=case.kind,
                purpose=case.purpose,
                exit_plan=case.exit_strategy,
                launch_date=now.date(),
                admin_mailbox=case.admin_mailbox,
                admin_mailbox_is_shared=True,
                comms_has_admin_access=case.comms_has_admin_access,
            )
    except IntegrityError as exc:  # another case took the handle a moment ago
        raise ConditionsNotMet(CONDITION_MESSAGES[handle_not_on_register](case)) from exc
    except ValidationError as exc:
        raise ConditionsNotMet(*exc.messages) from exc
    case.account = account
    case.save(update_fields=["account", "url", "admin_mailbox", "comms_has_admin_access", "updated_at"])

    risk_assessment_attach_to_account(business_case=case, account=account)
    try:
        return account_change_status(
            account=account, transition="activate", by=by, reason=f"Business case {case.pk} went live"
        )
    except ValidationError as exc:
        raise ConditionsNotMet(*exc.messages) from exc


def _tell_director_and_chairman(case: BusinessCase, account: SocialMediaAccount) -> None:
    """000 §6g: the Corporate Director and the Committee Chairman are told the account is live (once
    each: dedupe keys)."""
    body = (
        f"A new council social media account is live: {account} ({account.url}), run by "
        f"{case.service}.\n\nThe business case: {_case_url(case)}\n"
    )
    subject = f"New social media account live: {account}"
    director_email = case.service.directorate.approval_email
    if director_email:
        notification_enqueue(
            to=director_email,
            subject=subject,
            body=body,
            dedupe_key=f"business_case:{case.pk}:live:director",
        )
    committee = case.service.committee
    if committee and committee.chairman_email:
        notification_enqueue(
            to=committee.chairman_email,
            subject=subject,
            body=f"Dear {committee.chairman_name},\n\n{body}",
            dedupe_key=f"business_case:{case.pk}:live:chairman",
        )


# --- Emailed approval links --------------------------------------------------------------------------
LINK_SALT = "business_cases.director_approval_link"


def director_link_token(link: DirectorApprovalLink) -> str:
    return signing.dumps({"link": link.pk}, salt=LINK_SALT)


def director_link_url(link: DirectorApprovalLink) -> str:
    path = reverse("business-case-director-link", args=[link.case_id, director_link_token(link)])
    return f"{settings.SITE_URL}{path}"


def latest_advice(case: BusinessCase) -> StateLog | None:
    """Communications' most recent advice on the case (000 §6b): the log entry, with who and when."""
    return (
        StateLog.objects.for_(case)
        .filter(transition="advise")
        .exclude(description=None)
        .select_related("by")
        .order_by("-timestamp", "-pk")
        .first()
    )


def _director_link_issue(case: BusinessCase, *, now, comment: str = "") -> DirectorApprovalLink | None:
    """Void the case's open links, make a new one for the current Director and version, and email it.

    The link goes into the outbox as its secret: it is in the email and nowhere a reader of the
    outbox can see it (issue 11, defect 7a).
    """
    DirectorApprovalLink.objects.filter(case=case).open().update(voided_at=now)
    director = case.service.directorate.corporate_director
    to = case.service.directorate.approval_email
    if director is None or not to:
        logger.warning("Business case %s: the directorate has no Corporate Director to send to.", case.pk)
        return None
    link = DirectorApprovalLink.objects.create(
        case=case, director=director, case_version=case.version, created_at=now
    )
    days = settings.BUSINESS_CASE_LINK_MAX_AGE_DAYS
    body = (
        f"Dear {director.get_full_name() or director.username},\n\n"
        f"{case.service} asks for your approval of a new {case.get_platform_display()} account, "
        f"{case.title} (000 §6c)."
    )
    body = _with_comment(body, comment, f"{case.author.get_full_name() or case.author.username} adds")
    advice = latest_advice(case)
    if advice is not None:
        body = _with_comment(body, advice.description, "Communications’ advice")
    body += (
        f"\n\nRead the case and approve, return or reject it here:\n{Notification.SECRET_PLACEHOLDER}\n\n"
        f"The link works once, for {days} days, and only for you. "
        "Opening it changes nothing until you choose.\n"
    )
    notification_enqueue(
        to=to,
        subject=f"Business case for your approval: {case.title}",
        body=body,
        secret=director_link_url(link),
        dedupe_key=f"business_case:{case.pk}:director_link:{link.pk}",
    )
    return link


def director_link_resend(*, case, by, now) -> DirectorApprovalLink | None:
    """Communications send the Director a new link; the old one stops working."""
    if not is_communications(by):
        raise NotAllowed("Only Communications can send a new link")
    with transaction.atomic():
        locked = _locked(case.pk)
        if locked.status != CaseStatus.AWAITING_DIRECTOR:
            raise NotAllowed("A link can only be sent while the case waits for the Corporate Director")
        return _director_link_issue(locked, now=now)


@dataclass(frozen=True)
class LinkProblem:
    title: str
    explanation: str


LINK_PROBLEMS = {
    "tampered": LinkProblem(
        "This link is not valid",
        "The link has been changed or cut short. Open it again from the email, copying all of it.",
    ),
    "expired": LinkProblem(
        "This link has expired",
        "Approval links work for a limited time. Ask Communications to send you a new one.",
    ),
    "wrong_case": LinkProblem(
        "This link is for a different business case", "Open the link from the email again."
    ),
    "not_yours": LinkProblem(
        "This link was sent to someone else",
        "Only the Corporate Director it was sent to can use it. Nothing has been changed.",
    ),
    "used": LinkProblem("This link has already been used", "The decision it was sent for has been made."),
    "edited": LinkProblem(
        "This link has been replaced",
        "The case has been changed since this link was sent, so the link no longer works.",
    ),
    "voided": LinkProblem(
        "This link has been replaced", "A newer link has been sent. Use the link in the most recent email."
    ),
    "decided": LinkProblem(ALREADY_DECIDED, "The case is no longer waiting for the Corporate Director."),
    "not_director": LinkProblem(
        "This link is no longer valid",
        "The directorate has a different Corporate Director now. Ask Communications to send a new link.",
    ),
}


class LinkRefused(NotAllowed):
    """The emailed link cannot decide the case; ``problem`` is a key of ``LINK_PROBLEMS``."""

    def __init__(self, problem: str):
        super().__init__(LINK_PROBLEMS[problem].title)
        self.problem = problem


@dataclass
class LinkCheck:
    link: DirectorApprovalLink | None
    problem: str | None

    @property
    def explanation(self) -> LinkProblem | None:
        return LINK_PROBLEMS[self.problem] if self.problem else None


def director_link_check(
    *, token: str, case_pk: int, now: datetime, user=None, lock: bool = False
) -> LinkCheck:
    """Say whether an emailed link may still decide its case at ``now``, and if not, why not. Changes
    nothing."""
    max_age = timedelta(days=settings.BUSINESS_CASE_LINK_MAX_AGE_DAYS)
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return LinkCheck(None, "expired")
    except signing.BadSignature:
        return LinkCheck(None, "tampered")
    link_pk = payload.get("link") if isinstance(payload, dict) else None
    links = DirectorApprovalLink.objects.select_related("director", "case__service__directorate")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(pk=link_pk).first() if isinstance(link_pk, int) else None
    if link is None:
        return LinkCheck(None, "tampered")
    if now - link.created_at > max_age:  # a re-signed copy (in a reminder) keeps the first expiry
        return LinkCheck(link, "expired")
    if link.case_id != case_pk:
        return LinkCheck(link, "wrong_case")
    if user is not None and user.is_authenticated and user.pk != link.director_id:
        return LinkCheck(link, "not_yours")
    if link.used_at:
        return LinkCheck(link, "used")
    if link.case_version != link.case.version:
        return LinkCheck(link, "edited")
    if link.voided_at:
        return LinkCheck(link, "voided")
    if link.case.status != CaseStatus.AWAITING_DIRECTOR:
        return LinkCheck(link, "decided")
    if link.case.service.directorate.corporate_director_id != link.director_id:
        return LinkCheck(link, "not_director")
    return LinkCheck(link, None)


def business_case_decide_by_link(
    *,
    token: str,
    case_pk: int,
    decision: str,
    comment: str,
    user,
    now,
    ip: str | None = None,
    user_agent: str = "",
) -> BusinessCase:
    """The Director decides from the emailed link: the link itself authorises that one decision.

    The timeline records that the decision came by the link, with the time, the address and the
    browser it came from (issue 11, defect 7c).
    """
    with transaction.atomic():
        check = director_link_check(token=token, case_pk=case_pk, now=now, user=user, lock=True)
        if check.problem in ("decided", "used"):  # the other session got there first
            raise AlreadyDecided(ALREADY_DECIDED)
        if check.problem:
            raise LinkRefused(check.problem)
        link = check.link
        return DECISIONS[decision](
            case=link.case,
            by=link.director,
            comment=comment,
            now=now,
            expected_status=CaseStatus.AWAITING_DIRECTOR,
            link=LinkUse(link, ip=ip, user_agent=user_agent),
        )


# --- Reminders and escalation ------------------------------------------------------------------------
def send_reminders(*, now) -> int:
    """Remind whoever a case has waited 5 working days for; once per stage.

    Each case is claimed with a conditional UPDATE (``reminded_at IS NULL``), so a second run or a
    second worker sends nothing twice; the outbox dedupe key guards the email too.
    """
    sent = 0
    candidates = list(BusinessCase.objects.needing_reminder(now=now).values_list("pk", flat=True))
    for pk in candidates:
        with transaction.atomic():
            claimed = BusinessCase.objects.needing_reminder(now=now).filter(pk=pk).update(reminded_at=now)
            if claimed != 1:  # another worker got there first, or the case moved on
                continue
            case = BusinessCase.objects.select_related(
                "service__directorate__corporate_director", "author"
            ).get(pk=pk)
            subject = f"Reminder: a business case is waiting for you: {case.title}"
            body = (
                f"This business case from {case.service} has been waiting for a decision since "
                f"{case.state_entered_at:%d %B %Y}.\n\n{_case_url(case)}\n"
            )
            if case.status == CaseStatus.AWAITING_DIRECTOR:
                to = case.service.directorate.approval_email
                if to:
                    link = DirectorApprovalLink.objects.filter(case=case).open().first()
                    extra = f"\nYour approval link: {Notification.SECRET_PLACEHOLDER}\n" if link else ""
                    notification_enqueue(
                        to=to,
                        subject=subject,
                        body=body + extra,
                        secret=director_link_url(link) if link else "",
                        dedupe_key=f"{_entry_key(case)}:reminder",
                    )
            else:
                _tell_communications(case, subject, body, f"{_entry_key(case)}:reminder")
            sent += 1
    return sent


def check_waiting_cases(*, now) -> FlagChanges:
    """Flag to Communications every case waiting 10 working days or more; resolve the rest."""
    return flags_reconcile(
        kind=FlagKind.BUSINESS_CASE_WAITING,
        subjects=BusinessCase.objects.waiting_too_long(now=now),
        now=now,
        # The case's account is empty until it goes live; naming the column keeps its type
        # (an untyped NULL column in the INSERT … SELECT is read as text by PostgreSQL).
        account_field="account_id",
        service_field="service_id",
    )


#: Every transition's service, by transition name, for the pages and the admin actions.
TRANSITION_SERVICES = {
    "submit": business_case_submit,
    "advise": business_case_advise,
    "send_to_director": business_case_send_to_director,
    "approve": business_case_approve,
    "return_for_changes": business_case_return,
    "reject": business_case_reject,
    "go_live": business_case_go_live,
    "withdraw": business_case_withdraw,
}
