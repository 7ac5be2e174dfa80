"""Risk assessment pages: the list, one assessment, its risks, decisions, versions, heat maps, print."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_fsm_log.models import StateLog

from accounts_register.models import Service, SocialMediaAccount
from councilsocial.permissions import is_communications

from . import scoring, services
from .comparison import compare_items
from .forms import AcceptForm, RemoveRiskForm, ReturnForm, RiskItemForm
from .heatmap import count_cells, heatmap_context
from .models import OPEN_STATUSES, RiskAssessment, RiskAssessmentStatus, RiskItem, is_owning_service_member
from .selectors import get_assessment_for_user

BASES = {"residual": "after mitigation", "inherent": "before mitigation"}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _heatmaps(items, prefix: str) -> list[dict]:
    """The inherent and residual heat maps of a set of items, side by side."""
    return [
        heatmap_context(
            count_cells((item.likelihood, item.impact) for item in items),
            title="Before mitigation",
            id_prefix=f"{prefix}-inherent",
            description="Risks by likelihood and impact before mitigation.",
        ),
        heatmap_context(
            count_cells((item.residual_likelihood, item.residual_impact) for item in items),
            title="After mitigation",
            id_prefix=f"{prefix}-residual",
            description="Risks by likelihood and impact after mitigation.",
        ),
    ]


def _for_display(heatmaps: list[dict]) -> list[dict]:
    return [{**h, "svg": mark_safe(h["svg"])} for h in heatmaps]  # noqa: S308  # nosec B308 B703


def _business_case_model():
    """BusinessCase, reached through the assessment's relation: business cases sit above risk
    assessments in the layers, so this app does not import them."""
    return RiskAssessment._meta.get_field("business_case").related_model


@login_required
def assessment_list(request):
    """The assessments a person may see, newest version of each that is in force or open."""
    status = request.GET.get("status", "")
    assessments = (
        RiskAssessment.objects.visible_to(request.user)
        .exclude(status=RiskAssessmentStatus.SUPERSEDED)
        .select_related("account__service", "business_case__service")
        .annotate(
            highest_residual=Max("items__residual_score", filter=Q(items__removed_at__isnull=True)),
        )
        .order_by("account__platform", "account__handle", "business_case__title", "-version")
    )
    if status in RiskAssessmentStatus.values:
        assessments = assessments.filter(status=status)
    page = Paginator(assessments, 50).get_page(request.GET.get("page"))
    unassessed = (
        SocialMediaAccount.objects.filter(service__in=Service.objects.for_member(request.user).values("pk"))
        .exclude(Exists(RiskAssessment.objects.filter(account_id=OuterRef("pk"))))
        .select_related("service")
        .order_by("platform", "handle")
    )
    waiting_cases = (
        _business_case_model()
        .objects.approved()
        .filter(service__in=Service.objects.for_member(request.user).values("pk"))
        .exclude(Exists(RiskAssessment.objects.filter(business_case_id=OuterRef("pk"))))
        .select_related("service")
        .order_by("title")
    )
    return render(
        request,
        "risk_assessments/assessment_list.html",
        {
            "page": page,
            "waiting_cases": waiting_cases,
            "status": status,
            "query": urlencode({"status": status}) if status else "",
            "statuses": [(s, label) for s, label in RiskAssessmentStatus.choices if s != "superseded"],
            "unassessed": unassessed,
            "is_communications": is_communications(request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def assessment_start(request):
    """Start the assessment of one of the person's own accounts, or of a business case."""
    member_services = Service.objects.for_member(request.user).values("pk")
    if request.POST.get("business_case"):
        case = get_object_or_404(
            _business_case_model(), pk=_int_or_404(request.POST["business_case"]), service__in=member_services
        )
        owner = {"business_case": case}
    else:
        account = get_object_or_404(
            SocialMediaAccount, pk=_int_or_404(request.POST.get("account")), service__in=member_services
        )
        owner = {"account": account}
    try:
        assessment = services.risk_assessment_start(by=request.user, now=timezone.now(), **owner)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("risk-assessment-list")
    messages.success(request, "Risk assessment started from the council's standard risks. Score each one.")
    return redirect("risk-assessment-detail", pk=assessment.pk)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def assessment_detail(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    items = list(assessment.items.all())
    active = [item for item in items if not item.is_removed]
    versions = list(
        RiskAssessment.objects.filter(series=assessment.series).only("pk", "version", "status", "accepted_at")
    )
    member = is_owning_service_member(assessment, request.user)
    comms = is_communications(request.user)
    has_open = any(v.status in OPEN_STATUSES for v in versions)
    deciding = comms and assessment.status == RiskAssessmentStatus.SUBMITTED
    refusal = services.decision_refusal(assessment, request.user) if deciding else None
    return render(
        request,
        "risk_assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "items": items,
            "incomplete": sum(not item.is_complete for item in active),
            "heatmaps": _for_display(_heatmaps(active, "assessment")),
            "versions": versions,
            "in_force": next((v for v in versions if v.status == RiskAssessmentStatus.ACCEPTED), None),
            "history": StateLog.objects.for_(assessment).select_related("by").order_by("timestamp"),
            "can_edit": member and assessment.is_editable,
            "can_submit": member and assessment.status == RiskAssessmentStatus.DRAFT,
            "can_revise": member and assessment.status == RiskAssessmentStatus.RETURNED,
            "can_review": member and assessment.is_in_force and not has_open,
            "can_decide": deciding and not refusal,
            "decision_refusal": refusal,
            "accept_form": AcceptForm(auto_id="accept-%s"),
            "return_form": ReturnForm(auto_id="return-%s"),
            "bands": scoring.BANDS,
        },
    )


def _item_for_assessment(assessment, item_pk) -> RiskItem:
    return get_object_or_404(RiskItem, pk=_int_or_404(item_pk), assessment=assessment)


def _edit_item(request, assessment, item=None):
    if not assessment.is_editable:
        messages.error(request, "This version can no longer be changed.")
        return redirect("risk-assessment-detail", pk=assessment.pk)
    form = RiskItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if item is None:
                services.risk_item_add(assessment=assessment, by=request.user, **fields)
            else:
                services.risk_item_update(item=item, by=request.user, **fields)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, _error_text(error))
        else:
            messages.success(request, "Risk saved.")
            return redirect(reverse("risk-assessment-detail", kwargs={"pk": assessment.pk}) + "#risks")
    return render(
        request,
        "risk_assessments/item_form.html",
        {
            "assessment": assessment,
            "item": item,
            "form": form,
            "likelihood_levels": scoring.LIKELIHOOD_LEVELS.values(),
            "impact_levels": scoring.IMPACT_LEVELS.values(),
        },
    )


@login_required
def item_add(request, pk):
    return _edit_item(request, get_assessment_for_user(request.user, pk, write=True))


@login_required
def item_edit(request, pk, item_pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    item = _item_for_assessment(assessment, item_pk)
    if item.is_removed:
        raise Http404("This risk has been removed.")
    return _edit_item(request, assessment, item)


@login_required
def item_remove(request, pk, item_pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    item = _item_for_assessment(assessment, item_pk)
    form = RemoveRiskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_item_remove(
                item=item, by=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "Risk removed. It stays on the record with your reason.")
            return redirect(reverse("risk-assessment-detail", kwargs={"pk": assessment.pk}) + "#risks")
    return render(
        request, "risk_assessments/item_remove.html", {"assessment": assessment, "item": item, "form": form}
    )


def _run(request, assessment, action, success: str):
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("risk-assessment-detail", pk=assessment.pk)
    messages.success(request, success)
    return redirect("risk-assessment-detail", pk=(result or assessment).pk)


@login_required
@require_POST
def assessment_submit(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    return _run(
        request,
        assessment,
        lambda: services.risk_assessment_submit(assessment=assessment, by=request.user, now=timezone.now()),
        "Risk assessment submitted to Communications.",
    )


@login_required
@require_POST
def assessment_revise(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    return _run(
        request,
        assessment,
        lambda: services.risk_assessment_revise(assessment=assessment, by=request.user),
        "The assessment is back in draft. Make the changes Communications asked for, then submit it again.",
    )


@login_required
@require_POST
def assessment_review(request, pk):
    assessment = get_assessment_for_user(request.user, pk, write=True)
    return _run(
        request,
        assessment,
        lambda: services.risk_assessment_start_review(
            assessment=assessment, by=request.user, now=timezone.now()
        ),
        "Review started: a new draft version copied from the one in force, which stays in force until "
        "Communications accept the new one.",
    )


def _decision(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    if not is_communications(request.user):
        raise PermissionDenied("Only Communications accept or return risk assessments.")
    return assessment


def _refused(request, assessment):
    """Someone in Communications who may not decide this one is told why (segregation of duties)."""
    refusal = services.decision_refusal(assessment, request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect("risk-assessment-detail", pk=assessment.pk)
    return None


@login_required
@require_POST
def assessment_accept(request, pk):
    assessment = _decision(request, pk)
    if refused := _refused(request, assessment):
        return refused
    form = AcceptForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _run(
        request,
        assessment,
        lambda: services.risk_assessment_accept(
            assessment=assessment, by=request.user, now=timezone.now(), comment=comment
        ),
        "Risk assessment accepted.",
    )


@login_required
def assessment_return(request, pk):
    assessment = _decision(request, pk)
    if refused := _refused(request, assessment):
        return refused
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_assessment_return(
                assessment=assessment,
                by=request.user,
                comment=form.cleaned_data["comment"],
                now=timezone.now(),
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("risk-assessment-detail", pk=assessment.pk)
        messages.success(request, "Risk assessment returned to the service with your comment.")
        return redirect("risk-assessment-detail", pk=assessment.pk)
    return render(request, "risk_assessments/return_form.html", {"assessment": assessment, "form": form})


@login_required
def assessment_compare(request, pk):
    """What changed between two versions of the same assessment, item by item."""
    newer = get_assessment_for_user(request.user, pk)
    other_pk = request.GET.get("with") or newer.previous_version_id
    if other_pk is None:
        messages.error(request, "This is the first version: there is nothing to compare it with.")
        return redirect("risk-assessment-detail", pk=newer.pk)
    older = get_assessment_for_user(request.user, other_pk)
    if older.series != newer.series or older.pk == newer.pk:
        raise Http404("Those are not two versions of the same assessment.")
    if older.version > newer.version:
        older, newer = newer, older
    changes = compare_items(older.items.all(), newer.items.all())
    kinds = ("added", "removed", "changed", "unchanged")
    counts = {kind: sum(change.kind == kind for change in changes) for kind in kinds}
    versions = list(RiskAssessment.objects.filter(series=newer.series).only("pk", "version", "status"))
    return render(
        request,
        "risk_assessments/compare.html",
        {"older": older, "newer": newer, "changes": changes, "counts": counts, "versions": versions},
    )


@login_required
def assessment_print(request, pk):
    """The assessment for a committee pack, laid out to print on A4."""
    assessment = get_assessment_for_user(request.user, pk)
    active = [item for item in assessment.items.all() if not item.is_removed]
    return render(
        request,
        "risk_assessments/print.html",
        {
            "assessment": assessment,
            "items": active,
            "heatmaps": _for_display(_heatmaps(active, "print")),
            "likelihood_levels": scoring.LIKELIHOOD_LEVELS.values(),
            "impact_levels": scoring.IMPACT_LEVELS.values(),
            "bands": scoring.BANDS,
            "printed_at": timezone.now(),
        },
    )


def _comms_only(request):
    if not is_communications(request.user):
        raise PermissionDenied("Only Communications see the council's risks together.")


def _basis(request) -> str:
    basis = request.GET.get("basis", "residual")
    return basis if basis in BASES else "residual"


def _score_fields(basis: str) -> tuple[str, str]:
    return ("residual_likelihood", "residual_impact") if basis == "residual" else ("likelihood", "impact")


def _in_force_items():
    return RiskItem.objects.filter(assessment__status=RiskAssessmentStatus.ACCEPTED, removed_at__isnull=True)


@login_required
def council_heatmap(request):
    """Where the council's risks sit: items of every assessment in force, counted per cell."""
    _comms_only(request)
    basis = _basis(request)
    likelihood_field, impact_field = _score_fields(basis)
    rows = (
        _in_force_items()
        .filter(**{f"{likelihood_field}__isnull": False, f"{impact_field}__isnull": False})
        .values_list(likelihood_field, impact_field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(likelihood, impact): n for likelihood, impact, n in rows}
    list_url = reverse("risk-item-list")

    def cell_href(likelihood: int, impact: int) -> str:
        return f"{list_url}?{urlencode({'basis': basis, 'likelihood': likelihood, 'impact': impact})}"

    heatmap = heatmap_context(
        counts,
        title=f"The council's risks {BASES[basis]}",
        id_prefix="council",
        description=f"Risks of every accepted assessment, by likelihood and impact {BASES[basis]}.",
        cell_href=cell_href,
    )
    return render(
        request,
        "risk_assessments/council_heatmap.html",
        {
            "heatmap": {**heatmap, "svg": mark_safe(heatmap["svg"])},  # noqa: S308  # nosec B308 B703
            "basis": basis,
            "bases": BASES,
            "assessments_in_force": RiskAssessment.objects.in_force().count(),
        },
    )


@login_required
def item_list(request):
    """The risks behind one cell of the council heat map (or all risks in force)."""
    _comms_only(request)
    basis = _basis(request)
    likelihood_field, impact_field = _score_fields(basis)
    items = _in_force_items().select_related(
        "assessment__account__service", "assessment__business_case__service"
    )
    chosen = {}
    for name, field in (("likelihood", likelihood_field), ("impact", impact_field)):
        value = request.GET.get(name, "")
        if value.isdigit() and int(value) in scoring.SCALE:
            chosen[name] = int(value)
            items = items.filter(**{field: int(value)})
    items = items.order_by("-residual_score", "-inherent_score", "assessment__account__handle", "position")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "risk_assessments/item_list.html",
        {
            "page": page,
            "basis": basis,
            "basis_label": BASES[basis],
            "query": urlencode({"basis": basis, **chosen}),
            "likelihood": scoring.LIKELIHOOD_LEVELS.get(chosen.get("likelihood")),
            "impact": scoring.IMPACT_LEVELS.get(chosen.get("impact")),
        },
    )
