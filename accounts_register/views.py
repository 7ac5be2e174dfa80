"""Register screens: the list, the account page, status changes and access."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_fsm import can_proceed
from django_fsm_log.models import StateLog

from councilsocial.flags.models import GovernanceFlag
from councilsocial.permissions import is_administrator, is_communications, is_corporate_director

from . import services
from .exports import export_accounts_csv, export_accounts_xlsx
from .extensions import access_grant_refusals, account_connection, account_risk
from .forms import (
    AcceptStatementForm,
    AccountForm,
    DirectorPermissionForm,
    EndAccessForm,
    ExistingApprovalForm,
    GrantAccessForm,
    RestoreAccessForm,
    StatusChangeForm,
    SuspendAccessForm,
    services_for_proposal,
)
from .models import (
    AccessEndReason,
    AccountKind,
    AccountStatus,
    AuthorisedUser,
    Service,
    SocialMediaAccount,
    UsageStatement,
    activation_missing,
    has_accepted_risk_assessment,
    has_approval,
    has_comms_admin_access,
    has_shared_mailbox,
)
from .platforms import Platform
from .selectors import (
    RegisterFilters,
    get_access_for_user,
    get_account_for_user,
    may_manage_access,
    register_accounts,
    register_filter_choices,
    service_role,
    who_may_use_what,
)

PAGE_SIZE = 50


def _filters_from(request) -> RegisterFilters:
    get = request.GET
    return RegisterFilters(
        q=get.get("q", "")[:100],
        platform=get.get("platform", "") if get.get("platform") in Platform.values else "",
        service=get.get("service", "") if get.get("service", "").isdigit() else "",
        directorate=get.get("directorate", "") if get.get("directorate", "").isdigit() else "",
        kind=get.get("kind", "") if get.get("kind") in AccountKind.values else "",
        status=get.get("status", "") if get.get("status") in AccountStatus.values else "",
        has_open_flags=get.get("flags") == "open",
        risk=get.get("risk", "") if get.get("risk") in dict(RISK_FILTER_CHOICES) else "",
        sort=get.get("sort", "platform"),
    )


@login_required
def service_list(request):
    """The services a person may see: their own, their directorate's, or all for Communications."""
    services_ = (
        Service.objects.visible_to(request.user)
        .select_related("directorate__corporate_director", "committee")
        .order_by("directorate__name", "name")
    )
    return render(request, "accounts_register/service_list.html", {"services": services_})


@login_required
def register_list(request):
    """The register (001 §28): every account the person may see, filtered and sorted."""
    filters = _filters_from(request)
    directorate_choices, service_choices, services_truncated = register_filter_choices(request.user, filters)
    # A directorate or service the person cannot choose (gone, not theirs, or a service outside the
    # chosen directorate) is no filter at all: the boxes show what is applied, never a hidden one.
    if filters.directorate and filters.directorate not in {pk for pk, _ in directorate_choices}:
        filters = dataclasses.replace(filters, directorate="")
        directorate_choices, service_choices, services_truncated = register_filter_choices(
            request.user, filters
        )
    if filters.service and filters.service not in {pk for pk, _ in service_choices}:
        filters = dataclasses.replace(filters, service="")
    accounts = register_accounts(request.user, filters, now=timezone.now())
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    summaries = account_risk.summaries(a.pk for a in page.object_list)
    for account in page.object_list:
        account.risk = summaries.get(account.pk, account_risk.no_assessment)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = request.GET.copy()
    sort_query.pop("sort", None)
    sort_query.pop("page", None)
    return render(
        request,
        "accounts_register/register_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "platforms": Platform.choices,
            "kinds": AccountKind.choices,
            "statuses": AccountStatus.choices,
            "service_choices": service_choices,
            "services_truncated": services_truncated,
            "directorate_choices": directorate_choices,
            "risk_choices": RISK_FILTER_CHOICES,
            "can_add": is_communications(request.user),
            # Communications add accounts directly; only others propose them.
            "can_propose": not is_communications(request.user)
            and services_for_proposal(request.user).exists(),
            "can_export": is_communications(request.user),
            "can_import": is_communications(request.user),
            "sort_columns": SORT_COLUMNS,
            "today": timezone.localdate(),
        },
    )


def _history(account) -> list[dict]:
    """Field-by-field changes of the account, newest first, without a query per change."""
    records = list(
        account.history.select_related("history_user").order_by("-history_date", "-history_id")[:51]
    )
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if older is None:
            if len(records) == 51:
                break
            changes = [] if newer.history_type != "+" else None
        else:
            changes = [
                {
                    "field": account._meta.get_field(c.field).verbose_name,
                    "old": _shown(account, c.field, c.old),
                    "new": _shown(account, c.field, c.new),
                }
                for c in newer.diff_against(older).changes
            ]
        entries.append({"record": newer, "changes": changes})
    return entries


def _access_history(account) -> list[dict]:
    """Changes to the account's access records, newest first, diffed in memory (two queries)."""
    records = list(
        AuthorisedUser.history.filter(account_id=account.pk)
        .select_related("history_user", "person")
        .order_by("id", "history_date", "history_id")[:500]
    )
    entries = []
    previous = {}
    for record in records:
        older = previous.get(record.id)
        changes = None
        if older is not None:
            changes = [
                {
                    "field": AuthorisedUser._meta.get_field(c.field).verbose_name,
                    "old": _shown(record.instance, c.field, c.old),
                    "new": _shown(record.instance, c.field, c.new),
                }
                for c in record.diff_against(older, excluded_fields=["usage_statement"]).changes
            ]
        entries.append({"record": record, "changes": changes})
        previous[record.id] = record
    entries.sort(key=lambda e: e["record"].history_date, reverse=True)
    return entries[:50]


def _shown(account, field_name: str, value):
    """A stored value as people read it: the label of a choice, not its code; "Yes" or "No", not
    True or False; the person or thing a reference points at, not its number."""
    field = account._meta.get_field(field_name)
    if value is None or value == "":
        return value
    if isinstance(field, BooleanField):
        return "Yes" if value else "No"
    if field.many_to_one:
        related = field.related_model._default_manager.filter(pk=value).first()
        if related is None:
            return value
        if isinstance(related, get_user_model()):
            return related.get_full_name() or related.get_username()
        return str(related)
    return dict(field.flatchoices).get(value, value)


@login_required
def account_detail(request, pk):
    account = get_account_for_user(request.user, pk)
    access = list(
        account.authorised_users.select_related("person", "granted_by", "ended_by").order_by(
            "ended_at", "role", "person__username"
        )
    )
    status_log = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(SocialMediaAccount), object_id=str(account.pk)
    ).select_related("by")

    flags = GovernanceFlag.objects.filter(account=account, resolved_at__isnull=True).order_by("-raised_at")
    user = request.user
    risk_summary = _risk_summary(account)
    return render(
        request,
        "accounts_register/account_detail.html",
        {
            "account": account,
            "current_access": [a for a in access if not a.is_ended],
            "ended_access": [a for a in access if a.is_ended],
            "status_log": status_log,
            "history": _history(account),
            "access_history": _access_history(account),
            "flags": flags,
            "is_comms": is_communications(user),
            "can_manage_access": may_manage_access(user, account),
            "my_access": next((a for a in access if a.person_id == user.pk and not a.is_ended), None),
            "business_case": getattr(account, "business_case", None),
            "usage_statement_published": UsageStatement.objects.exists(),
            "risk_summary": risk_summary,
            "connection_panel": account_connection.panel(account, now=timezone.now()),
            "can_start_risk_assessment": (risk_summary is None or not risk_summary.assessment_id)
            and account.status in (AccountStatus.PROPOSED, AccountStatus.ACTIVE)
            and service_role(user, account.service).is_member,
            **_activation_context(account, user),
        },
    )


def _activation_context(account, user) -> dict:
    """What still stops a proposed account becoming active, and where each missing step is done."""
    if account.status != AccountStatus.PROPOSED:
        return {"activation_missing": []}
    comms = is_communications(user)
    return {
        "activation_missing": activation_missing(account),
        "can_record_existing_approval": comms
        and not has_approval(account)
        and getattr(account, "business_case", None) is None,
        "activation_needs_details": comms
        and not (has_comms_admin_access(account) and has_shared_mailbox(account)),
        "activation_needs_risk_assessment": not has_accepted_risk_assessment(account),
    }


def _about(account) -> dict:
    """The caption and back link of a page about one account."""
    return {"caption": str(account), "back_url": reverse("account-detail", args=[account.pk])}


def _risk_summary(account):
    return account_risk.summaries([account.pk]).get(account.pk)


def _save_account(request, form, *, reason: str):
    account = form.save(commit=False)
    account._change_reason = reason
    account.save()
    services.account_changed(account=account, changed=form.changed_data, now=timezone.now())
    return account


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request):
    """Communications adds an account; a service proposes one for its own service."""
    choices = services_for_proposal(request.user)
    if not choices.exists():
        raise PermissionDenied
    proposing = not is_communications(request.user)
    form = AccountForm(request.POST or None, services=choices, proposing=proposing)
    if request.method == "POST" and form.is_valid():
        account = _save_account(request, form, reason="Proposed" if proposing else "Added to the register")
        messages.success(
            request, f"{account} has been {'proposed' if proposing else 'added to the register'}."
        )
        return redirect("account-detail", pk=account.pk)
    title = "Propose an account" if proposing else "Add an account to the register"
    return render(
        request,
        "accounts_register/account_form.html",
        {"form": form, "proposing": proposing, "title": title, "back_url": reverse("register-list")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request, pk):
    account = get_account_for_user(request.user, pk, write=True)
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        _save_account(request, form, reason="Details changed")
        messages.success(request, "The account's details have been saved.")
        return redirect("account-detail", pk=account.pk)
    return render(
        request,
        "accounts_register/account_form.html",
        {"form": form, "account": account, "title": "Change the account's details", **_about(account)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_status(request, pk):
    account = get_account_for_user(request.user, pk, write=True)
    available = [t.name for t in account.get_available_status_transitions()]
    form = StatusChangeForm(request.POST or None, available=available)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_change_status(
                account=account,
                transition=form.cleaned_data["transition"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.StaleAccount as exc:
            messages.error(request, exc.message)
            return redirect("account-detail", pk=account.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The status has been changed.")
            return redirect("account-detail", pk=account.pk)
    return render(
        request,
        "accounts_register/account_status.html",
        {
            "form": form,
            "account": account,
            "title": "Change the status",
            "is_comms": True,
            **_activation_context(account, request.user),
            **_about(account),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_grant(request, pk):
    account = get_account_for_user(request.user, pk)
    if not may_manage_access(request.user, account):
        raise PermissionDenied
    form = GrantAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.authorised_user_grant(
                account=account,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                granted_by=request.user,
                now=timezone.now(),
                review_date=form.cleaned_data["review_date"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, f"{access.person.get_full_name() or access.person} now has access.")
            return redirect("account-detail", pk=account.pk)
    return render(
        request,
        "accounts_register/access_grant.html",
        {"form": form, "account": account, "title": "Give access", **_about(account)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_end(request, pk, access_pk):
    access = _access_to_change(request.user, pk, access_pk)
    account = access.account
    if access.is_ended:
        if request.method == "POST":  # two people ended it at once: the second is told plainly
            messages.info(request, services.STALE_ACCESS_MESSAGE)
            return redirect("account-detail", pk=account.pk)
        raise Http404("No such access")
    form = EndAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.authorised_user_end(
                access=access,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                now=timezone.now(),
            )
        except services.StaleAccess as exc:
            messages.info(request, exc.message)
            return redirect("account-detail", pk=account.pk)
        if form.cleaned_data["reason"] == AccessEndReason.LEFT:
            services.person_leaves(person=access.person, by=request.user, now=timezone.now())
        messages.success(request, "Access has ended. The record is kept.")
        return redirect("account-detail", pk=account.pk)
    return render(
        request,
        "accounts_register/access_end.html",
        {"form": form, "account": account, "access": access, "title": "End access", **_about(account)},
    )


def _access_to_change(user, pk, access_pk) -> AuthorisedUser:
    """The access record ``access_pk`` of account ``pk``, for Communications and the service's
    managers to change (403 for others who may see it, 404 for the rest or another account's)."""
    access = get_access_for_user(user, access_pk, write=True)
    if access.account_id != pk:
        raise Http404("No such access")
    return access


def _access_not_as_expected(request, access: AuthorisedUser, message: str):
    """The page's change does not apply to the access as it now stands: back to the account with
    ``message``. Ended access is gone from the page (404), unless someone posted to it (it ended
    while their page was open), when they are told plainly, as on the end-access page."""
    if access.is_ended:
        if request.method != "POST":
            raise Http404("No such access")
        message = services.STALE_ACCESS_MESSAGE
    messages.info(request, message)
    return redirect("account-detail", pk=access.account_id)


def _change_access(request, form, access: AuthorisedUser, change, done: str):
    """Make ``change`` (one of the register's access services) from a submitted ``form``: back to the
    account saying ``done``, or plainly that someone else changed it first; the service's refusals
    become the form's errors (None: show the form again)."""
    try:
        change()
    except services.StaleAccess as exc:
        messages.info(request, exc.message)
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return None
    else:
        messages.success(request, done)
    return redirect("account-detail", pk=access.account_id)


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


@login_required
@require_http_methods(["GET", "POST"])
def access_suspend(request, pk, access_pk):
    """Suspend one person's access for now, with the reason, keeping it to restore later (003 D2.3).
    Communications and the service's managers only; current access only."""
    access = _access_to_change(request.user, pk, access_pk)
    account = access.account
    if not can_proceed(access.suspend):
        return _access_not_as_expected(
            request, access, f"{_name(access.person)}'s access is already suspended."
        )
    form = SuspendAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = _change_access(
            request,
            form,
            access,
            lambda: services.authorised_user_suspend(
                access=access, by=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
            ),
            f"{_name(access.person)}'s access has been suspended. The record is kept, and the access "
            "can be restored from the list of authorised users.",
        )
        if done:
            return done
    return render(
        request,
        "accounts_register/access_suspend.html",
        {"form": form, "account": account, "access": access, "title": "Suspend access", **_about(account)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_restore(request, pk, access_pk):
    """Restore one person's suspended access (003 D2.3); refused while an emergency is in force
    (003 D9), when lifting the emergency restores it. Communications and the service's managers only."""
    access = _access_to_change(request.user, pk, access_pk)
    account = access.account
    if not access.may_be_restored_by(request.user):
        raise PermissionDenied("Nobody lifts the suspension of their own access")
    if not can_proceed(access.restore):
        return _access_not_as_expected(
            request,
            access,
            f"{_name(access.person)}'s access is not suspended, so there is nothing to restore.",
        )
    form = RestoreAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = _change_access(
            request,
            form,
            access,
            lambda: services.authorised_user_restore(access=access, by=request.user, now=timezone.now()),
            f"{_name(access.person)}'s access has been restored.",
        )
        if done:
            return done
    return render(
        request,
        "accounts_register/access_restore.html",
        {
            "form": form,
            "account": account,
            "access": access,
            # Said before the button is pressed: while an emergency is in force it will be refused.
            "refusals": [] if form.errors else access_grant_refusals(),
            "title": "Restore access",
            **_about(account),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_accept(request, pk):
    """The person reads the usage statement for this account and accepts it (003 D2.9)."""
    account = get_account_for_user(request.user, pk)
    statement = UsageStatement.current()
    if statement is None:
        raise Http404("There is no usage statement yet")
    accepted = services.current_statement_acceptance(request.user, account)
    form = AcceptStatementForm(request.POST or None)
    if request.method == "POST" and accepted is None and form.is_valid():
        services.usage_statement_accept(person=request.user, account=account, now=timezone.now())
        messages.success(request, f"You have accepted version {statement.version} of the usage statement.")
        return redirect("account-detail", pk=account.pk)
    return render(
        request,
        "accounts_register/statement_accept.html",
        {
            "form": form,
            "account": account,
            "statement": statement,
            "accepted": accepted,
            "title": "Usage statement",
            **_about(account),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def director_permission_record(request):
    """Record a Director's written permission to use named platforms (002 §2.6).

    Communications record it from the signed document and name the Director; a Director records
    their own, in their own name only.
    """
    if not (is_communications(request.user) or is_corporate_director(request.user)):
        raise PermissionDenied
    comms = is_communications(request.user)
    form = DirectorPermissionForm(request.POST or None, choose_director=comms)
    if request.method == "POST" and form.is_valid():
        try:
            services.director_permission_record(
                person=form.cleaned_data["person"],
                platforms=form.cleaned_data["platforms"],
                granted_on=form.cleaned_data["granted_on"],
                document_reference=form.cleaned_data["document_reference"],
                director=form.cleaned_data["director"] if comms else request.user,
                recorded_by=request.user,
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, "The Director's permission has been recorded.")
            return redirect("who-may-use-what" if comms else "home")
    return render(
        request,
        "accounts_register/director_permission.html",
        {
            "form": form,
            "title": "Record a Director's permission",
            "back_url": reverse("who-may-use-what" if comms else "home"),
        },
    )


def _add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_http_methods(["GET", "POST"])
def account_existing_approval(request, pk):
    """Communications record the Corporate Director's approval of an account that existed before
    the council used this app (001 §19, 000 §6c): the other route to the register, beside a business case.
    """
    account = get_account_for_user(request.user, pk, write=True)
    if account.status != AccountStatus.PROPOSED or getattr(account, "business_case", None) is not None:
        messages.error(
            request, "Only a proposed account without a business case needs this approval recording."
        )
        return redirect("account-detail", pk=account.pk)
    form = ExistingApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_record_existing_approval(
                account=account,
                director=form.cleaned_data["director"],
                approved_on=form.cleaned_data["approved_on"],
                reference=form.cleaned_data["reference"],
                by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, "The Director's approval has been recorded.")
            return redirect("account-detail", pk=account.pk)
    return render(
        request,
        "accounts_register/existing_approval.html",
        {
            "form": form,
            "account": account,
            "title": "Record the Director's approval of an existing account",
            **_about(account),
        },
    )


@login_required
def who_may_use_what_view(request):
    """002 §5.2: for IT, per person, the accounts and platforms they may use."""
    if not (is_communications(request.user) or is_administrator(request.user)):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    access = who_may_use_what()
    if q:
        access = access.filter(
            Q(person__username__icontains=q)
            | Q(person__first_name__icontains=q)
            | Q(person__last_name__icontains=q)
        )
    page = Paginator(access, 200).get_page(request.GET.get("page"))
    comms = is_communications(request.user)
    return render(
        request,
        "accounts_register/who_may_use_what.html",
        {"page": page, "q": q, "can_open_accounts": comms, "can_record_permission": comms},
    )


RISK_FILTER_CHOICES = [("review_overdue", "Review overdue"), ("none_accepted", "No accepted assessment")]

SORT_COLUMNS = [
    ("handle", "Account"),
    ("platform", "Platform"),
    ("service", "Service"),
    ("status", "Status"),
    ("activity", "Last activity"),
]


@login_required
def register_export(request, fmt):
    """Communications downloads the filtered register as CSV or Excel."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404("Choose CSV or Excel")
    if not is_communications(request.user):
        raise PermissionDenied
    accounts = register_accounts(request.user, _filters_from(request), now=timezone.now())
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        return export_accounts_xlsx(accounts.iterator(chunk_size=2000), filename=f"register-{stamp}.xlsx")
    return export_accounts_csv(accounts.iterator(chunk_size=2000), filename=f"register-{stamp}.csv")
