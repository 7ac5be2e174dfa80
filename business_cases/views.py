"""Business case pages: the queues, the task list, the sections, the decisions and the emailed link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm_log.models import StateLog

from accounts_register.models import Service
from accounts_register.selectors import similar_accounts_by_handle
from councilsocial.permissions import is_communications
from councilsocial.signin import client_ip

from . import services
from .forms import (
    PROPOSAL_SECTION,
    SECTION_TITLES,
    DecisionForm,
    GoLiveForm,
    LinkDecisionForm,
    SectionForm,
    fields_of,
)
from .models import KEY_QUESTIONS, BusinessCase, CaseStatus, DirectorApprovalLink
from .selectors import decided_by, get_case_for_user, next_step, similar_accounts, working_days_between

ACTION_SERVICES = services.TRANSITION_SERVICES


def available_actions(case: BusinessCase, user) -> list[tuple[str, str]]:
    """The transitions this person may make from the case's state (conditions are checked on doing).

    Going live from ``approved`` is offered once the risk assessment is accepted: before that, the
    next step is the risk assessment.
    """
    seen: list[tuple[str, str]] = []
    for transition in case.get_all_status_transitions():
        if transition.source in (case.status, "*") and transition.name not in dict(seen):
            if transition.name not in services.ACTION_LABELS:
                continue  # recorded by the system, never offered
            if transition.name == "go_live" and case.status == CaseStatus.APPROVED:
                if not services.has_accepted_risk_assessment(case):
                    continue
            if transition.has_perm(case, user):
                seen.append((transition.name, services.ACTION_LABELS[transition.name]))
    return seen


def _with_days_waiting(cases, now):
    rows = list(cases)
    for case in rows:
        case.days_waiting = working_days_between(case.state_entered_at, now)
    return rows


@login_required
def case_list(request):
    """ "Waiting for me" (oldest first, with working days waiting) and "my cases"."""
    now = timezone.now()
    base = BusinessCase.objects.select_related("service__directorate")
    waiting = _with_days_waiting(base.waiting_for(request.user), now)
    mine = _with_days_waiting(base.filter(author=request.user).order_by("-updated_at"), now)
    can_start = Service.objects.for_member(request.user).exists()
    return render(
        request,
        "business_cases/case_list.html",
        {"waiting": waiting, "mine": mine, "decided": decided_by(request.user)[:50], "can_start": can_start},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_start(request):
    """Start a case: the service, the account's name, platform and handle."""
    form_class = SectionForm.for_section(PROPOSAL_SECTION)
    if not Service.objects.for_member(request.user).exists():
        messages.error(request, "Only a member of a service can start a business case.")
        return redirect("business-case-list")
    form = form_class(request.POST or None, user=request.user)
    similar, seen = [], ""
    if request.method == "POST" and form.is_valid():
        # 000 Appendix 1: "Does anything similar already exist?" Warn at once, naming the accounts;
        # starting the case anyway is the person's choice, made with the warning in front of them.
        seen = f"{form.cleaned_data['platform']}:{form.cleaned_data['handle']}"
        similar = similar_accounts_by_handle(form.cleaned_data["platform"], form.cleaned_data["handle"])
        if not similar or request.POST.get("similar_seen") == seen:
            case = services.business_case_create(author=request.user, now=timezone.now(), **form.cleaned_data)
            messages.success(request, "Case started. Answer the questions in each section, then submit it.")
            return redirect("business-case-detail", pk=case.pk)
    return render(
        request, "business_cases/case_start.html", {"form": form, "similar": similar, "similar_seen": seen}
    )


@login_required
def case_detail(request, pk: int):
    """The case as a GOV.UK task list, the similar accounts, the actions and the timeline."""
    case = get_case_for_user(request.user, pk)
    sections = [(PROPOSAL_SECTION, SECTION_TITLES[PROPOSAL_SECTION], True)] + [
        (slug, title, case.section_complete(slug))
        for slug, title in SECTION_TITLES.items()
        if slug != PROPOSAL_SECTION
    ]
    answers = [(label, getattr(case, name), section) for name, section, label, _help in KEY_QUESTIONS]
    labels = dict(CaseStatus.choices)
    entries = list(StateLog.objects.for_(case).select_related("by").order_by("-timestamp", "-pk"))
    by_link = {}  # decisions made with the emailed link, by their timeline entry (issue 11, 7c)
    if any(entry.source_state == CaseStatus.AWAITING_DIRECTOR for entry in entries):
        by_link = {
            link.decision_log_id: link
            for link in DirectorApprovalLink.objects.filter(case=case, decision_log__isnull=False)
        }
    timeline = [
        {
            "to": labels.get(entry.state, entry.state),
            "source": labels.get(entry.source_state, entry.source_state),
            "by": (entry.by.get_full_name() or entry.by.username) if entry.by else "the system",
            "at": entry.timestamp,
            "comment": entry.description,
            "link": by_link.get(entry.pk),
        }
        for entry in entries
    ]
    actions = available_actions(case, request.user)
    open_link = None
    # Communications' own action (sending the Director a new link), on a case the person already sees.
    if is_communications(request.user) and case.status == CaseStatus.AWAITING_DIRECTOR:
        open_link = DirectorApprovalLink.objects.filter(case=case).open().first()
    return render(
        request,
        "business_cases/case_detail.html",
        {
            "case": case,
            "sections": sections,
            "answers": answers,
            "can_edit": case.is_editable and case.author_id == request.user.pk,
            "similar": similar_accounts(case) if case.is_editable else None,
            "actions": actions,
            "next_step": next_step(case, request.user, [name for name, _label in actions]),
            "timeline": timeline,
            "missing": case.missing_answers(),
            "open_link": open_link,
            "can_resend": is_communications(request.user) and case.status == CaseStatus.AWAITING_DIRECTOR,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_section(request, pk: int, section: str):
    """Edit one section; saving part-done is fine."""
    if section not in SECTION_TITLES:
        raise Http404("No such section")
    case = get_case_for_user(request.user, pk, write=True)
    if not case.is_editable:
        messages.error(request, f"The case cannot be changed while it is ‘{case.get_status_display()}’.")
        return redirect("business-case-detail", pk=case.pk)
    form = SectionForm.for_section(section)(request.POST or None, instance=case, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in fields_of(section)}
        try:
            services.business_case_update(case=case, by=request.user, data=data, now=timezone.now())
        except services.CaseActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"‘{SECTION_TITLES[section]}’ saved.")
        return redirect("business-case-detail", pk=case.pk)
    return render(
        request,
        "business_cases/case_section.html",
        {"case": case, "form": form, "section_title": SECTION_TITLES[section]},
    )


def _action_form(request, case, action: str, label: str):
    """The confirmation form of one transition: going live also records the account's details."""
    form_kwargs = {"action_label": label, "comment_required": services.COMMENT_REQUIRED.get(action)}
    initial = {"expected_status": case.status}
    if action != "go_live":
        return DecisionForm(request.POST or None, initial=initial, **form_kwargs)
    return GoLiveForm(
        request.POST or None,
        case=case,
        initial={
            **initial,
            "url": case.url,
            "admin_mailbox": case.admin_mailbox,
            "comms_has_admin_access": case.comms_has_admin_access,
        },
        **form_kwargs,
    )


def _action_arguments(request, case, action: str, form) -> dict:
    """The transition service's arguments from the confirmed form."""
    kwargs = {
        "case": case,
        "by": request.user,
        "now": timezone.now(),
        "expected_status": form.cleaned_data["expected_status"],
    }
    if action in services.TAKES_COMMENT:
        kwargs["comment"] = form.cleaned_data["comment"]
    if action == "go_live":
        kwargs.update(
            admin_mailbox=form.cleaned_data["admin_mailbox"],
            comms_has_admin_access=form.cleaned_data["comms_has_admin_access"],
            url=form.cleaned_data["url"],
        )
    return kwargs


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_action(request, pk: int, action: str):
    """Confirm one transition (GET shows the form, POST makes it)."""
    if action not in ACTION_SERVICES:
        raise Http404("No such action")
    case = get_case_for_user(request.user, pk)
    label = services.ACTION_LABELS[action]
    if request.method != "POST" and action not in dict(available_actions(case, request.user)):
        messages.error(request, f"You cannot ‘{label.lower()}’ for this case now.")
        return redirect("business-case-detail", pk=pk)
    form = _action_form(request, case, action, label)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        kwargs = _action_arguments(request, case, action, form)
        try:
            case = ACTION_SERVICES[action](**kwargs)
        except services.AlreadyDecided:
            messages.info(request, f"{services.ALREADY_DECIDED}. Nothing has been changed.")
            return redirect("business-case-detail", pk=pk)
        except services.CaseActionError as error:
            problems = error.messages
        else:
            messages.success(request, f"Done: the case is now ‘{case.get_status_display()}’.")
            return redirect("business-case-detail", pk=pk)
    return render(
        request,
        "business_cases/case_action.html",
        {
            "case": case,
            "form": form,
            "action": action,
            "label": label,
            "problems": problems,
            "advice": services.latest_advice(case) if case.status == CaseStatus.AWAITING_DIRECTOR else None,
        },
        status=400 if problems else 200,
    )


@login_required
@require_POST
def case_resend_link(request, pk: int):
    """Communications send the Director a new link (the old one stops working)."""
    case = get_case_for_user(request.user, pk)
    try:
        link = services.director_link_resend(case=case, by=request.user, now=timezone.now())
    except services.CaseActionError as error:
        messages.error(request, error.message)
    else:
        if link is None:
            messages.error(request, "The directorate has no Corporate Director with an email address.")
        else:
            messages.success(
                request, f"A new link has been sent to {case.service.directorate.approval_email}."
            )
    return redirect("business-case-detail", pk=pk)


# Link problems that will never go away (410 Gone); the others are someone else's link or a forgery (403).
GONE_LINK_PROBLEMS = {"expired", "used", "edited", "voided", "decided", "not_director"}


def _link_problem(request, kind: str, *, status: int):
    """The page saying why an emailed link cannot decide its case."""
    return render(
        request,
        "business_cases/link_problem.html",
        {"problem": services.LINK_PROBLEMS[kind], "kind": kind},
        status=status,
    )


def _decide_by_link(request, pk: int, token: str, form):
    return services.business_case_decide_by_link(
        token=token,
        case_pk=pk,
        decision=form.cleaned_data["decision"],
        comment=form.cleaned_data["comment"],
        user=request.user,
        now=timezone.now(),
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def director_link(request, pk: int, token: str):
    """The Director's emailed link. GET (and HEAD) only show the case: mail scanners follow links.

    The decision is a POST with CSRF protection. The link authorises that one decision by that
    Director, unless the council makes Directors sign in as well.
    """
    if settings.BUSINESS_CASE_DIRECTOR_MUST_SIGN_IN and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    check = services.director_link_check(token=token, case_pk=pk, now=timezone.now(), user=request.user)
    if check.problem:
        return _link_problem(
            request, check.problem, status=410 if check.problem in GONE_LINK_PROBLEMS else 403
        )
    case = check.link.case
    form = LinkDecisionForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            case = _decide_by_link(request, pk, token, form)
        except services.AlreadyDecided:
            return _link_problem(request, "decided", status=409)
        except services.LinkRefused as refused:
            return _link_problem(request, refused.problem, status=403)
        except services.CaseActionError as error:
            problems = error.messages
        else:
            return render(
                request, "business_cases/link_done.html", {"case": case, "director": check.link.director}
            )
    answers = [(label, getattr(case, name)) for name, _section, label, _help in KEY_QUESTIONS]
    return render(
        request,
        "business_cases/link_decide.html",
        {
            "case": case,
            "form": form,
            "director": check.link.director,
            "answers": answers,
            "problems": problems,
            "advice": services.latest_advice(case),
        },
    )
