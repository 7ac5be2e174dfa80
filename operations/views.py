"""Operations pages: emergencies, purdah, the content checker, incidents, terms, training, policy."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts_register import training as register_training
from accounts_register.models import Service, TrainingRecord
from councilsocial.lib.spreadsheets import export_csv
from councilsocial.permissions import is_communications

from . import forms
from . import services as ops
from .models import (
    DecidedCampaign,
    Emergency,
    EmergencyStatus,
    EmergencySuspension,
    Incident,
    IncidentAction,
    IncidentStatus,
    MonitoringTerm,
    MonitoringTermStatus,
    PhotoConsent,
    PolicyAcknowledgement,
    PurdahPeriod,
    WordListEntry,
    WordListKind,
)
from .selectors import (
    get_emergency_for_user,
    get_incident_for_user,
    get_monitoring_term_for_user,
    get_purdah_period_for_user,
    may_work_on_incident,
)


def _communications_only(request) -> None:
    if not request.user.has_perm("operations.manage_operations"):
        raise PermissionDenied


def _bound(request, *, files: bool = False):
    """The form data of a POST (even an empty one, so its errors show), or None for a GET."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def _member_services(user):
    if is_communications(user):
        return Service.objects.all()
    return Service.objects.for_member(user)


@login_required
def operations_home(request):
    """Communications' operations page: what is in force and what needs attention."""
    if not ops.may_view_operations(request.user):
        raise PermissionDenied
    banners = ops.active_banners()  # already read (and cached) for the page's banners
    user = request.user
    context = {
        "emergency": banners["emergency"],
        "purdah": banners["purdah"],
        "open_incidents": Incident.objects.visible_to(user).filter(status=IncidentStatus.OPEN).count(),
        "terms_waiting": (
            MonitoringTerm.objects.visible_to(user).filter(status=MonitoringTermStatus.REQUESTED).count()
        ),
        "policy": ops.current_policy_version(),
        "is_comms": is_communications(request.user),
    }
    return render(request, "operations/home.html", context)


# --- Emergency --------------------------------------------------------------------------------
@login_required
def emergency(request):
    """What the emergency means, for everyone; declare and lift, for Communications (003 D9)."""
    active = Emergency.objects.active().prefetch_related("named_officers").first()
    is_comms = is_communications(request.user)
    context = {
        "emergency": active,
        "is_comms": is_comms,
        "past": Emergency.objects.filter(status=EmergencyStatus.LIFTED)[:10],
    }
    if active is not None:
        context["suspended_count"] = EmergencySuspension.objects.filter(emergency=active).count()
        context["own_suspended"] = EmergencySuspension.objects.filter(
            emergency=active, authorised_user__person=request.user, restored_at__isnull=True
        ).select_related("authorised_user__account")
        if is_comms:
            context["lift_form"] = forms.EmergencyLiftForm()
    return render(request, "operations/emergency.html", context)


@login_required
def emergency_declare(request):
    _communications_only(request)
    if Emergency.objects.active().exists():
        messages.error(request, "An emergency is already in force. Lift it before declaring another.")
        return redirect("operations-emergency")
    form = forms.EmergencyDeclareForm(_bound(request), initial={"named_officers": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        try:
            declared = ops.emergency_declare(by=request.user, now=timezone.now(), **form.cleaned_data)
        except ops.OperationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            count = declared.suspensions.count()
            messages.success(request, f"Emergency declared. Access suspended: {count}.")
            return redirect("operations-emergency")
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "Declare an emergency", "back_url": "/operations/emergency/"},
    )


@login_required
@require_POST
def emergency_lift(request, pk: int):
    target = get_emergency_for_user(request.user, pk, write=True)
    form = forms.EmergencyLiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the all-clear message")
        return redirect("operations-emergency")
    try:
        report = ops.emergency_lift(
            emergency=target,
            by=request.user,
            all_clear_message=form.cleaned_data["all_clear_message"],
            now=timezone.now(),
        )
    except ops.OperationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        text = f"Emergency lifted. Access restored: {report.restored}."
        if report.not_restored:
            text += f" Not restored, because it ended or expired meanwhile: {report.not_restored}."
        messages.success(request, text)
    return redirect("operations-emergency")


# --- Purdah and the lists ---------------------------------------------------------------------
@login_required
def purdah(request):
    _communications_only(request)
    form = forms.PurdahForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            period = ops.purdah_create(by=request.user, now=timezone.now(), **form.cleaned_data)
        except ops.OperationRefused as refusal:
            form.add_error("starts_on", str(refusal))
        else:
            told = (
                " Everyone with access to an account has been emailed the instructions."
                if period.announced_at
                else ""
            )
            messages.success(request, f"{period.name} added.{told}")
            return redirect("operations-purdah")
    periods = PurdahPeriod.objects.all()
    return render(
        request,
        "operations/purdah.html",
        {"form": form, "periods": periods, "today": timezone.localdate()},
    )


@login_required
@require_POST
def purdah_delete(request, pk: int):
    ops.purdah_delete(by=request.user, period=get_purdah_period_for_user(request.user, pk, write=True))
    messages.success(request, "The period has been removed.")
    return redirect("operations-purdah")


@login_required
def word_lists(request):
    """The lists Communications keeps for the content checker: councillors, political terms, jargon."""
    _communications_only(request)
    if request.method == "POST":
        form = forms.WordListsForm(request.POST)
        if form.is_valid():
            for field, kind in (
                ("councillors", WordListKind.COUNCILLOR),
                ("political", WordListKind.POLITICAL),
                ("jargon", WordListKind.JARGON),
            ):
                ops.word_list_replace(by=request.user, kind=kind, lines=form.cleaned_data[field].splitlines())
            messages.success(request, "The lists have been saved.")
            return redirect("operations-word-lists")
    else:
        lists = {kind: [] for kind in WordListKind.values}
        for entry in WordListEntry.objects.all():
            lists[entry.kind].append(f"{entry.text} = {entry.suggestion}" if entry.suggestion else entry.text)
        form = forms.WordListsForm(
            initial={
                "councillors": "\n".join(lists[WordListKind.COUNCILLOR]),
                "political": "\n".join(lists[WordListKind.POLITICAL]),
                "jargon": "\n".join(lists[WordListKind.JARGON]),
            }
        )
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "The content checker's lists", "back_url": "/operations/"},
    )


# --- Content checker --------------------------------------------------------------------------
@login_required
def content_check(request):
    """Advice on a draft before posting; nothing is posted (003 D4.1)."""
    if not request.user.has_perm("operations.check_content"):
        raise PermissionDenied
    form = forms.ContentCheckForm(_bound(request), user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = ops.check_draft(
            user=request.user,
            text=data["text"],
            platform=data["platform"],
            account=data["account"],
            announcement_for_x=data["announcement_for_x"],
            shows_children=data["shows_children"],
            consent_reference=data["consent_reference"],
            has_image=data["media"] == "image",
            alt_text=data["alt_text"],
            has_video=data["media"] == "video",
            has_captions=data["has_captions"],
            now=timezone.now(),
        )
    context = {
        "form": form,
        "findings": None if result is None else result.findings,
        "account": form.cleaned_data.get("account") if result is not None else None,
        "check": None if result is None else result.context,
    }
    return render(request, "operations/content_check.html", context)


@login_required
def decided_campaigns(request):
    """Communications' list of campaigns and petitions cabinet or council decided to support (004 Don't 2)."""
    _communications_only(request)
    form = forms.DecidedCampaignForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = ops.decided_campaign_add(by=request.user, **form.cleaned_data)
        except ops.OperationRefused as refusal:
            form.add_error("name", str(refusal))
        else:
            messages.success(request, f"{campaign.name} added. The checker will not flag posts backing it.")
            return redirect("operations-decided-campaigns")
    return render(
        request,
        "operations/decided_campaigns.html",
        {"form": form, "campaigns": DecidedCampaign.objects.all()},
    )


@login_required
@require_POST
def decided_campaign_remove(request, pk: int):
    _communications_only(request)
    campaign = get_object_or_404(DecidedCampaign, pk=pk)
    ops.decided_campaign_remove(by=request.user, campaign=campaign)
    messages.success(request, f"{campaign.name} removed.")
    return redirect("operations-decided-campaigns")


# --- Incidents --------------------------------------------------------------------------------
@login_required
def incident_list(request):
    if not ops.may_view_operations(request.user):
        raise PermissionDenied
    status = request.GET.get("status", IncidentStatus.OPEN)
    incidents = (
        Incident.objects.visible_to(request.user)
        .select_related("account", "account__service", "reported_by")
        .annotate(steps_done=Count("actions"))
    )
    if status in IncidentStatus.values:
        incidents = incidents.filter(status=status)
    return render(
        request,
        "operations/incident_list.html",
        {
            "incidents": incidents[:200],
            "status_choices": [
                {"value": value, "label": label, "current": value == status}
                for value, label in [
                    (IncidentStatus.OPEN, "Open"),
                    (IncidentStatus.CLOSED, "Closed"),
                    ("all", "All"),
                ]
            ],
        },
    )


@login_required
def incident_report(request):
    if not ops.may_view_operations(request.user):
        raise PermissionDenied
    form = forms.IncidentForm(_bound(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        incident = ops.incident_report(
            by=request.user,
            kind=data["kind"],
            severity=data["severity"],
            account=data["account"],
            what_happened=data["what_happened"],
            photo_consent=data["photo_consent_reference"],
            now=timezone.now(),
        )
        messages.success(request, "Incident reported. Communications has been told.")
        return redirect("incident-detail", pk=incident.pk)
    return render(
        request,
        "form_page.html",
        {"form": form, "title": "Report an incident", "back_url": "/operations/incidents/"},
    )


@login_required
def incident_detail(request, pk: int):
    incident = get_incident_for_user(request.user, pk)
    done = {
        action.step: action
        for action in IncidentAction.objects.filter(incident=incident).select_related("done_by")
    }
    steps = [(step, done.get(step.key)) for step in ops.checklist_for(incident.kind)]
    return render(
        request,
        "operations/incident_detail.html",
        {
            "incident": incident,
            "steps": steps,
            "may_act": incident.status == IncidentStatus.OPEN
            and may_work_on_incident(request.user, incident),
            # Closing is Communications' transition (its permission says so); the form is only offered.
            "close_form": forms.IncidentCloseForm() if is_communications(request.user) else None,
            "step_form": forms.IncidentStepForm(initial={"password_changed_on": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def incident_step(request, pk: int, step: str):
    incident = get_incident_for_user(request.user, pk, write=True)
    form = forms.IncidentStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("incident-detail", pk=pk)
    try:
        ops.incident_step_done(
            incident=incident, step=step, by=request.user, now=timezone.now(), **form.cleaned_data
        )
    except ops.OperationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Step recorded.")
    return redirect("incident-detail", pk=pk)


@login_required
@require_POST
def incident_close(request, pk: int):
    incident = get_incident_for_user(request.user, pk)
    form = forms.IncidentCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the outcome")
        return redirect("incident-detail", pk=pk)
    try:
        ops.incident_close(
            incident=incident, by=request.user, outcome=form.cleaned_data["outcome"], now=timezone.now()
        )
    except ops.OperationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Incident closed.")
    return redirect("incident-detail", pk=pk)


# --- Monitoring terms -------------------------------------------------------------------------
@login_required
def monitoring_terms(request):
    """Services ask for terms to be monitored; Communications decides (003 D11.2)."""
    services = _member_services(request.user)
    may_request = services.exists()
    if not (may_request or is_communications(request.user)):
        raise PermissionDenied
    form = forms.MonitoringTermForm(_bound(request), services=services)
    if request.method == "POST" and form.is_valid():
        try:
            ops.monitoring_term_request(by=request.user, now=timezone.now(), **form.cleaned_data)
        except ops.OperationRefused as refusal:
            form.add_error("term", str(refusal))
        else:
            messages.success(request, "Your request has been sent to Communications.")
            return redirect("monitoring-term-list")
    terms = (
        MonitoringTerm.objects.visible_to(request.user)
        .select_related("service", "requested_by", "decided_by")
        .order_by("status", "term")
    )
    return render(
        request,
        "operations/monitoring_terms.html",
        {"form": form if may_request else None, "terms": terms, "is_comms": is_communications(request.user)},
    )


@login_required
@require_POST
def monitoring_term_decide(request, pk: int):
    _communications_only(request)
    term = get_monitoring_term_for_user(request.user, pk, write=True)
    form = forms.MonitoringTermDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or decline, and enter a comment")
        return redirect("monitoring-term-list")
    try:
        ops.monitoring_term_decide(
            term=term,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
            now=timezone.now(),
        )
    except ops.OperationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"“{term.term}” {form.cleaned_data['decision']}d.")
    return redirect("monitoring-term-list")


@login_required
def monitoring_terms_csv(request):
    """The approved terms, for the monitoring tool."""
    _communications_only(request)
    return export_csv(
        ops.approved_monitoring_terms(),
        [("term", "term"), ("service", "service__name"), ("approved_at", "decided_at")],
        filename="monitoring-terms.csv",
        stream=False,
    )


# --- Training ---------------------------------------------------------------------------------
IMPORT_SESSION_KEY = "training_import_rows"


@login_required
def training(request):
    """Training records (002 §5.1): the list, and Communications' manual entry."""
    _communications_only(request)
    form = forms.TrainingRecordForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            register_training.training_record_add(
                by=request.user,
                person=data["person"],
                module=data["module"],
                completed_at=timezone.make_aware(datetime.combine(data["completed_on"], time(12))),
                expires_at=timezone.make_aware(datetime.combine(data["expires_on"], time(12)))
                if data["expires_on"]
                else None,
                now=timezone.now(),
            )
        except register_training.TrainingRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Training record added.")
            return redirect("training")
    records = TrainingRecord.objects.select_related("person").order_by("-completed_at")[:200]
    return render(request, "operations/training.html", {"form": form, "records": records})


@login_required
def training_import(request):
    """Upload an e-learning export, see every row, then confirm: nothing is written until then."""
    _communications_only(request)
    if request.method == "POST" and "confirm" in request.POST:
        rows = request.session.pop(IMPORT_SESSION_KEY, None)
        if not rows:
            messages.error(request, "The preview has expired. Upload the file again.")
            return redirect("training-import")
        try:
            result = register_training.training_import_confirm(by=request.user, rows=rows, now=timezone.now())
        except register_training.TrainingRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("training-import")
        message = f"{result.imported} training record{pluralize(result.imported)} imported."
        if result.already_recorded:
            message += f" {result.already_recorded} already recorded."
        messages.success(request, message)
        return redirect("training")
    form = forms.TrainingImportForm(*_bound(request, files=True))
    rows = None
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            rows = register_training.training_import_preview(
                upload.read(), name=upload.name, now=timezone.now()
            )
        except register_training.TrainingRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            if any(row.errors for row in rows):
                request.session.pop(IMPORT_SESSION_KEY, None)
            else:
                request.session[IMPORT_SESSION_KEY] = [row.as_session() for row in rows]
    has_errors = rows is not None and any(row.errors for row in rows)
    return render(
        request,
        "operations/training_import.html",
        {"form": form, "rows": rows, "has_errors": has_errors},
    )


# --- Policy -----------------------------------------------------------------------------------
@login_required
def policy(request):
    """The current policy version: acknowledge it; Communications publishes new versions."""
    current = ops.current_policy_version()
    is_comms = is_communications(request.user)
    form = forms.PolicyPublishForm(_bound(request)) if is_comms else None
    if request.method == "POST":
        if "acknowledge" in request.POST:
            if current is None:
                raise PermissionDenied
            ops.policy_acknowledge(person=request.user, version=current, now=timezone.now())
            messages.success(request, f"Thank you. You have acknowledged version {current.version}.")
            return redirect("policy")
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                published = ops.policy_publish(by=request.user, now=timezone.now(), **form.cleaned_data)
            except ops.OperationRefused as refusal:
                form.add_error("version", str(refusal))
            else:
                messages.success(
                    request,
                    f"Version {published.version} published. The next review is due by "
                    f"{published.next_review_due:%-d %B %Y}.",
                )
                return redirect("policy")
    acknowledged = (
        current is not None
        and PolicyAcknowledgement.objects.filter(version=current, person=request.user).exists()
    )
    return render(
        request,
        "operations/policy.html",
        {"current": current, "acknowledged": acknowledged, "form": form, "is_comms": is_comms},
    )


@login_required
def policy_not_acknowledged(request):
    """Authorised users who have not acknowledged the current version (the register links here)."""
    _communications_only(request)
    current = ops.current_policy_version()
    people = ops.people_yet_to_acknowledge(current)
    return render(request, "operations/policy_not_acknowledged.html", {"current": current, "people": people})


# --- Photo consent ----------------------------------------------------------------------------
@login_required
def photo_consents(request):
    """The consent forms a person may see (``PhotoConsent.objects.visible_to``: their services', their
    directorate's as Corporate Director, or all for Communications); members of a service and
    Communications record them."""
    services = _member_services(request.user)
    may_record = services.exists()
    if not (may_record or Service.objects.visible_to(request.user).exists()):
        raise PermissionDenied
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    form = forms.PhotoConsentForm(_bound(request), services=services) if may_record else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            ops.photo_consent_record(by=request.user, **form.cleaned_data)
        except ops.OperationRefused as refusal:
            form.add_error("reference", str(refusal))
        else:
            messages.success(request, "Consent recorded.")
            return redirect("photo-consent-list")
    consents = PhotoConsent.objects.visible_to(request.user).select_related("service")[:200]
    return render(
        request,
        "operations/photo_consents.html",
        {"form": form, "consents": consents, "today": timezone.localdate()},
    )
