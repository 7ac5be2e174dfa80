"""Reads for business cases: the one access check, working-day arithmetic, the similar-accounts
lookup, and what happens next for the person looking at a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django_fsm_log.models import StateLog

from accounts_register.models import AccountStatus, SocialMediaAccount
from accounts_register.selectors import service_role
from councilsocial.calendar.rules import working_days_between as calendar_working_days_between
from councilsocial.calendar.selectors import calendar_current
from councilsocial.permissions import is_communications
from risk_assessments.models import RiskAssessmentStatus

from .models import DECISION_STATES, BusinessCase, CaseStatus


def get_case_for_user(user, pk: int, *, write: bool = False) -> BusinessCase:
    """The one access check for business cases: 404 for a case the person may not see.

    ``write`` means changing the answers: the author's alone (DESIGN: only the author edits).
    """
    cases = BusinessCase.objects.visible_to(user).select_related(
        "service__directorate__corporate_director", "service__committee", "author", "account"
    )
    case = cases.filter(pk=pk).first()
    if case is None or (write and case.author_id != user.pk):
        raise Http404("No such business case")
    return case


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days from ``start`` to ``end`` on the council's calendar, as the reminders
    count them (``councilsocial.calendar.rules.working_days_between``)."""
    return calendar_working_days_between(start, end, calendar_current())


def similar_accounts(case) -> QuerySet:
    """000 Appendix 1: does anything similar already exist? The council's accounts on the same
    platform, and those in the same service or directorate."""
    return (
        SocialMediaAccount.objects.exclude(status__in=[AccountStatus.CLOSED, AccountStatus.ARCHIVED])
        .filter(
            Q(platform=case.platform)
            | Q(service_id=case.service_id)
            | Q(service__directorate_id=case.service.directorate_id)
        )
        .select_related("service")
        .order_by("platform", "handle")
    )


def waiting_count(user) -> int:
    """How many cases wait for this person's decision or advice: one query, for the navigation."""
    return BusinessCase.objects.waiting_for(user).order_by().count()


def decided_by(user) -> QuerySet:
    """The cases this person has decided (as Corporate Director or for Communications), newest
    decision first: the Director's own record of what they approved, returned or rejected."""
    if not user.is_authenticated:
        return BusinessCase.objects.none()
    case_ids = StateLog.objects.filter(
        content_type__app_label=BusinessCase._meta.app_label,
        content_type__model=BusinessCase._meta.model_name,
        by=user,
        source_state__in=list(DECISION_STATES),
    ).values("object_id")
    return BusinessCase.objects.filter(pk__in=case_ids).select_related("service").order_by("-updated_at")


@dataclass(frozen=True)
class NextStep:
    """What happens next with a case, said to the person looking at it (issue 11, defect 10).

    ``start_risk_assessment`` asks the page for the button that starts the case's risk assessment;
    ``link_url``/``link_label`` point at where the step is done.
    """

    text: str
    link_url: str = ""
    link_label: str = ""
    start_risk_assessment: bool = False


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def next_step(case: BusinessCase, user, actions: list[str]) -> NextStep:
    """The next step for this person, given the actions the page offers them (000 §6a–g): while
    the case is written and advised on, while it waits for a decision, and once decided."""
    if case.status in (CaseStatus.AWAITING_DIRECTOR, CaseStatus.AWAITING_COMMS):
        return _step_awaiting_decision(case, user, actions)
    if case.status in (
        CaseStatus.DRAFT,
        CaseStatus.CHANGES_REQUESTED,
        CaseStatus.ADVICE_REQUESTED,
        CaseStatus.ADVISED,
    ):
        return _step_before_decision(case, user, actions)
    return _step_after_decision(case, user, actions)


def _step_before_decision(case: BusinessCase, user, actions: list[str]) -> NextStep:
    """000 §6a: the author writes the case and asks Communications' advice."""
    status, author = case.status, case.author_id == user.pk
    if status in (CaseStatus.DRAFT, CaseStatus.CHANGES_REQUESTED):
        if author:
            if status == CaseStatus.CHANGES_REQUESTED:
                return NextStep(
                    "Make the changes asked for (the history says what), then submit the case again."
                )
            return NextStep("Answer every question, then submit the case to Communications for advice.")
        return NextStep(f"{_name(case.author)} is still writing the case. Nothing is needed from you yet.")
    if status == CaseStatus.ADVICE_REQUESTED:
        if "advise" in actions:
            return NextStep(
                "Give Communications’ advice on the case, or return it to the author for changes."
            )
        return NextStep("Waiting for Communications to give their advice on the case.")
    if author:
        return NextStep(
            "Read Communications’ advice in the history, then send the case to the Corporate Director."
        )
    return NextStep(f"Waiting for {_name(case.author)} to send the case to the Corporate Director.")


def _step_awaiting_decision(case: BusinessCase, user, actions: list[str]) -> NextStep:
    """000 §6c–d: the Corporate Director decides, then Communications."""
    if case.status == CaseStatus.AWAITING_DIRECTOR:
        director = case.service.directorate.corporate_director
        if "approve" in actions:
            return NextStep("Read the case and Communications’ advice, then approve, return or reject it.")
        if director is not None and director.pk == user.pk:
            return NextStep(
                "You acted at another stage of this case, so you cannot also decide it as Corporate "
                "Director. Ask Communications how the decision should be made."
            )
        director_name = f"{_name(director)}, the Corporate Director" if director else "the Corporate Director"
        return NextStep(f"Waiting for {director_name} to decide. They have a link in their email.")
    if "approve" in actions:
        return NextStep(
            "The Corporate Director has approved the case. Approve, return or reject it for Communications."
        )
    if is_communications(user):
        return NextStep(
            "Waiting for another member of Communications to decide: you acted at another stage of this case."
        )
    return NextStep("Waiting for Communications to approve the case.")


def _step_after_decision(case: BusinessCase, user, actions: list[str]) -> NextStep:
    """000 §6e–g: the risk assessment, going live; or the end of a rejected or withdrawn case."""
    status = case.status
    if status == CaseStatus.APPROVED:
        member = service_role(user, case.service).is_member
        return _risk_assessment_step(case, comms=is_communications(user), member=member, actions=actions)
    if status == CaseStatus.RISK_ASSESSMENT_ACCEPTED:
        if "go_live" in actions:
            return NextStep(
                "Set the account live: record its web address, its shared mailbox and that Communications "
                "hold admin access."
            )
        return NextStep(
            "The risk assessment is accepted. Waiting for Communications to set the account live."
        )
    if status == CaseStatus.LIVE:
        if case.account_id:
            return NextStep(
                "The account is live and on the register.",
                link_url=reverse("account-detail", args=[case.account_id]),
                link_label="See the account on the register",
            )
        return NextStep("The account is live and on the register.")
    if status == CaseStatus.REJECTED:
        return NextStep("The case was rejected, so nothing more can be done with it. The history says why.")
    return NextStep("The case was withdrawn, so nothing more can be done with it.")


def _risk_assessment_step(case: BusinessCase, *, comms: bool, member: bool, actions: list[str]) -> NextStep:
    """000 §6e: after approval, the service writes the risk assessment and Communications accept it."""
    assessment = case.risk_assessments.order_by("-version", "-pk").first()
    if assessment is None:
        if member:
            return NextStep(
                "The case is approved. Start the risk assessment for the account: Communications accept it "
                "before the account goes live.",
                start_risk_assessment=True,
            )
        return NextStep(
            f"The case is approved. Waiting for {case.service.name} to write the risk assessment."
        )
    open_it = {"link_url": reverse("risk-assessment-detail", args=[assessment.pk])}
    if assessment.status == RiskAssessmentStatus.ACCEPTED:
        if "go_live" in actions:
            return NextStep(
                "The risk assessment is accepted. Set the account live: record its web address, its shared "
                "mailbox and that Communications hold admin access.",
                link_label="Read the risk assessment",
                **open_it,
            )
        return NextStep(
            "The risk assessment is accepted. Waiting for Communications to set the account live.",
            link_label="Read the risk assessment",
            **open_it,
        )
    if assessment.status == RiskAssessmentStatus.SUBMITTED:
        if comms:
            return NextStep(
                "The service has sent the risk assessment. Accept it or return it.",
                link_label="Open the risk assessment",
                **open_it,
            )
        return NextStep(
            "Waiting for Communications to accept the risk assessment.", link_label="Read it", **open_it
        )
    if member:
        return NextStep(
            "Finish the risk assessment and send it to Communications.",
            link_label="Continue the risk assessment",
            **open_it,
        )
    return NextStep(
        f"Waiting for {case.service.name} to finish the risk assessment.",
        link_label="Read it so far",
        **open_it,
    )
